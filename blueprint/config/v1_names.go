package config

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/render"
)

// The data.all blueprint's names. Its stack (stack.py:29, app.py:26-31)
// creates every aws_resources item directly in the stack, so each
// resource's CloudFormation logical ID is CDK's makeUniqueId of its
// construct path under the stack:
//
//	dynamodb                      dynamodbtable<name>/Resource     (engine/resource_task.py:509-513)
//	sns_topic                     <name>-SNS/Resource              (engine/resource_task.py:101-105)
//	athena_workgroup              athenaworkgroup-<name>           (engine/resource_task.py:551-553)
//	athena_prepared_statement     <name>/Resource/Default          (engine/athena/athena_prepared_statement.py:109-111)
//	glueconnection                <name>-GC                        (engine/resource_task.py:149-151)
//	sagemaker_model_package_group <name>-<4 random characters>     (engine/resource_task.py:937-940)
//	apigateway                    <name>-<stage>/Resource          (resource_task.py:570-572, apigateway_mapper.py:15)
//
// and its physical names are dynamodb <name>-<stage>
// (resource_task.py:515), apigateway <name>-<stage>, sns_topic
// <name>-<pipeline_name> (resource_task.py:104; the pipeline name is
// PIPELINE_NAME or the config's name, see v1PipelineName), athena_workgroup, athena_prepared_statement and
// sagemaker_model_package_group <name> (resource_task.py:553,
// athena_prepared_statement.py:21,29, resource_task.py:942), a Lambda
// resource or trigger <name>-<pipeline_name> (resource_task.py:298) and a
// Lambda step <pipeline_name>-<job> (engine/lambdafx/lambda_task.py:13-28).
// upgradeNames writes them as the version 2 keys physical_name and
// logical_id, and a table's old removal policy and capacity defaults.
func upgradeNames(d *Decoder, root *yaml.Node, ctx map[string]any) {
	for _, key := range []string{"aws_resources", "triggers"} {
		for i, it := range seqItems(mapGet(root, key)) {
			upgradeItemNames(d, it, fmt.Sprintf("%s[%d]", key, i), false, ctx)
		}
	}
	var groups func(g *yaml.Node, path string)
	groups = func(g *yaml.Node, path string) {
		for i, g := range seqItems(g) {
			for j, job := range seqItems(mapGet(g, "jobs")) {
				at := fmt.Sprintf("%s[%d].jobs[%d]", path, i, j)
				upgradeItemNames(d, job, at, true, ctx)
				for k, ch := range seqItems(mapGet(job, "choices")) {
					groups(mapGet(ch, "groups"), fmt.Sprintf("%s.choices[%d].groups", at, k))
				}
				groups(mapGet(mapGet(job, "default"), "groups"), at+".default.groups")
			}
		}
	}
	groups(mapGet(root, "groups"), "groups")
	groups(mapGet(mapGet(root, "catch"), "groups"), "catch.groups")
}

func upgradeItemNames(d *Decoder, it *yaml.Node, path string, step bool, ctx map[string]any) {
	name, typ := mapGet(it, "name"), mapGet(it, "type")
	if name == nil || name.Kind != yaml.ScalarNode || name.Value == "" || typ == nil || typ.Kind != yaml.ScalarNode {
		return
	}
	// A character AWS refuses in a name would have failed the old
	// tool's deploy: it becomes "-" (render.AWSName), so no name that
	// was deployed changes.
	// Logical IDs come from the name as written (raw).
	n, raw := render.AWSName(name.Value), name.Value
	pipeline := v1PipelineName(ctx)
	switch typ.Value {
	case "dynamodb":
		setName(it, name, n+"-"+v1Part(ctx, "stage"), LogicalID("dynamodbtable"+raw, "Resource"))
		if cfg := mapGet(it, "config"); cfg != nil && cfg.Kind == yaml.MappingNode {
			// RemovalPolicy.DESTROY (engine/dynamodb/dynamodb_mapper.py:25)
			// and CDK's Table default of 5 read and 5 write capacity
			// units for what the config leaves out (:27-28).
			mapDefault(cfg, "removal_policy", "destroy")
			mapDefault(cfg, "read_capacity", "5")
			mapDefault(cfg, "write_capacity", "5")
		}
	case "sns_topic":
		setName(it, name, n+"-"+pipeline, LogicalID(raw+"-SNS", "Resource"))
	case "athena_workgroup":
		setName(it, name, n, LogicalID("athenaworkgroup-"+raw))
	case "apigateway":
		// RestApi(stack, f"{name}-{stage}", rest_api_name=f"{name}-{stage}")
		// (engine/resource_task.py:570-572, apigateway_mapper.py:15): the
		// construct's id gives the logical IDs of the API, its resources,
		// methods and stage; keeping it keeps the API's ID and URL.
		stage := v1Part(ctx, "stage")
		setName(it, name, n+"-"+stage, "")
		if mapGet(it, "construct_id") == nil {
			mapSet(it, name, "construct_id", scalarAt(name, raw+"-"+stage))
		}
	case "athena_prepared_statement", "athena_prepare_statement":
		// The statement was an AwsCustomResource: keeping its logical ID
		// means keeping its type, Custom::Athena-Prepared-Statement.
		setName(it, name, n, LogicalID(raw, "Resource", "Default"))
		if cfg := mapGet(it, "config"); cfg != nil && cfg.Kind == yaml.MappingNode {
			mapDefault(cfg, "custom_resource", "true")
		}
	case "glueconnection", "glue_connection":
		// make_glue_connection named every connection jdbc_connection
		// (resource_task.py:160), but the old tool never made one: the
		// type is not in its list (utils/stack_util.py:325-337). A
		// connection keeps the logical ID it would have had, and its name.
		setName(it, name, n, LogicalID(raw+"-GC"))
	case "sagemaker_model_package_group":
		setName(it, name, n, "")
		if mapGet(it, "logical_id") == nil {
			d.Warnf(name, path+".name", "the data.all blueprint gave a model package group a new random logical ID at each synth (%s followed by 4 random characters, engine/resource_task.py:937-940); set logical_id: to the one in the deployed stack so that deploying over it updates the group instead of failing on its name", LogicalID(raw))
		}
	case "lambda_function":
		if !step {
			setName(it, name, n+"-"+pipeline, "")
			return
		}
		if len(name.Value) > 38 {
			d.Warnf(name, path+".name", "the data.all blueprint refused a Lambda step name longer than 38 characters (engine/lambdafx/lambda_task.py:21-24); CloudFormation names this function")
			return
		}
		setName(it, name, v1StepFunctionName(ctx, n), "")
	}
}

// v1PipelineName is the data.all blueprint's stack.pipeline_name, made fit
// for AWS names: PIPELINE_NAME, else the config's name
// (utils/stack_util.py:79-81). data.all's CodeBuild set PIPELINE_NAME to
// the pipeline's name followed by "-<stage>" in every stage but prod,
// where it was the name alone (data.all backend/dataall/cdkproxy/stacks/
// pipeline.py:725-734 at 32fef72e8). Written out by migrate, where the
// environment is not known, it is the template expression that reads it.
func v1PipelineName(ctx map[string]any) string {
	if v, ok := ctx[v1StackPipeline]; ok && v != nil {
		return render.AWSName(fmt.Sprint(v))
	}
	return "{{ " + v1PipelineExpr(ctx) + "|aws_name }}"
}

// v1PipelineExpr is the template expression of stack.pipeline_name:
// PIPELINE_NAME, else the config's name as written (else the template's
// pipeline_name, for a name a template string cannot hold).
func v1PipelineExpr(ctx map[string]any) string {
	return v1EnvExpr("PIPELINE_NAME", fmt.Sprint(ctx[v1ConfigName]), "pipeline_name")
}

// v1EnvExpr is env_var(env, "def"), or env_var(env, fallback) when def is
// not a plain string a template can hold.
func v1EnvExpr(env, def, fallback string) string {
	if def == "" || !plainText.MatchString(def) {
		return fmt.Sprintf("env_var(%q, %s)", env, fallback)
	}
	return fmt.Sprintf("env_var(%q, %q)", env, def)
}

// The translation's values (v1NamePipeline) hold stack.pipeline_name at
// v1StackPipeline, and upgradePipelineNames keeps the config's name at
// v1ConfigName; their pipeline_name is stack.pipeline_name_origin.
const (
	v1StackPipeline = "v1:pipeline_name"
	v1ConfigName    = "v1:name"
)

// v1ContextParameters are the context values (and the key of their SSM
// parameter) that attr_from_env_paramstore (utils/stack_util.py:62-66,
// 90-103) read from /<pipeline_name_origin>/<stage>/<key> at synth when
// BUCKET_NAME or ECR_REPOSITORY was unset or empty; the data.all
// pipeline stack wrote both parameters (data.all
// cdkproxy/stacks/pipeline.py:455-527 at 32fef72e8). Synth here is
// hermetic: written as properties.context_parameters, the stack reads
// them when it deploys.
var v1ContextParameters = [][2]string{{"ecr_repository", "ecr_repository_uri"}, {"pipeline_bucket", "bucket_name"}}

// v1ContextParameter is /<pipeline_name_origin>/<stage>/<key>; written
// out by migrate, where the environment is not known, it reads it.
func v1ContextParameter(ctx map[string]any, key string) string {
	origin, ok := ctx["pipeline_name"]
	stage, known := ctx["stage"]
	if !ok || origin == nil || !known || strings.Contains(fmt.Sprint(stage), "{{") {
		return "/{{ " + v1EnvExpr("ORIGIN_PIPELINE_NAME", fmt.Sprint(ctx[v1ConfigName]), "pipeline_name") + "|aws_name }}/{{ stage|aws_name }}/" + key
	}
	// A character an SSM name refuses (the space of "Iris pipeline") made
	// the old synth fail; it is "-" here, as in the other names.
	return "/" + render.AWSName(fmt.Sprint(origin)) + "/" + render.AWSName(fmt.Sprint(stage)) + "/" + key
}

// usesContext reports whether a config has a job or resource whose engine
// reads the pipeline bucket or the ECR repository when it deploys: Glue,
// Athena, Batch and SageMaker.
func usesContext(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.MappingNode {
		if t := mapGet(n, "type"); t != nil && t.Kind == yaml.ScalarNode {
			for _, p := range []string{"glue_job", "athena_query", "batch", "sagemaker_"} {
				if strings.HasPrefix(t.Value, p) {
					return true
				}
			}
		}
	}
	for _, c := range n.Content {
		if usesContext(c) {
			return true
		}
	}
	return false
}

// v1DefaultStackName is the data.all blueprint's stack name when
// PIPELINE_NAME is unset (app.py:22).
const v1DefaultStackName = "SampleDataProcessingPipeline"

// upgradePipelineNames writes the old stack's own names as version 2
// properties: the stack name, PIPELINE_NAME or SampleDataProcessingPipeline
// (app.py:22-28; a configs/ file's stack adds "-<its name>", characters
// outside A-Z, a-z, 0-9 and - replaced, app.py:40-45); pipeline_name,
// stack.pipeline_name, which named the state machine, its published ARN
// and the resources; and, for a config with groups, the logical IDs of
// the state machine, construct <pipeline_name> (stack.py:250-253), and of
// the SSM parameter holding its ARN, stepfunction_arn_<pipeline_name>
// (stack.py:264-269).
func upgradePipelineNames(d *Decoder, root, props *yaml.Node, ctx map[string]any) {
	if n := mapGet(root, "name"); n != nil && n.Kind == yaml.ScalarNode {
		ctx[v1ConfigName] = n.Value
	}
	if props == nil || props.Kind != yaml.MappingNode {
		return
	}
	at := mapGet(root, "name")
	if at == nil {
		at = props
	}
	set := func(key, v string) {
		if mapGet(props, key) == nil && v != "" {
			mapSet(props, at, key, scalarAt(at, v))
		}
	}
	stack, known := ctx["stack_name"].(string)
	if !known {
		stack = "{{ " + v1EnvExpr("PIPELINE_NAME", v1DefaultStackName, "") + " }}"
	}
	if n, ok := ctx[v1ConfigName]; ok && d.Source != nil && d.Source.Path != MainFile {
		// The part the file adds is known; the environment's part is
		// written through aws_name, which keeps _ (a name a stack cannot
		// have in config.yaml either).
		tail := v1StackUnsafe.ReplaceAllString("-"+fmt.Sprint(n), "-")
		if known {
			stack = v1StackUnsafe.ReplaceAllString(stack, "-") + tail
		} else {
			stack = "{{ " + v1EnvExpr("PIPELINE_NAME", v1DefaultStackName, "") + "|aws_name }}" + tail
		}
	}
	set("stack_name", stack)
	if usesContext(root) && mapGet(props, "context_parameters") == nil {
		m := newMap(at)
		for _, k := range v1ContextParameters {
			mapSet(m, at, k[0], scalarAt(at, v1ContextParameter(ctx, k[1])))
		}
		mapSet(props, at, "context_parameters", m)
	}
	pipeline, ok := ctx[v1StackPipeline]
	if ok && pipeline != nil {
		set("pipeline_name", fmt.Sprint(pipeline))
	} else {
		set("pipeline_name", "{{ "+v1PipelineExpr(ctx)+" }}")
	}
	if g := mapGet(root, "groups"); g == nil || g.Kind != yaml.SequenceNode || len(g.Content) == 0 {
		return
	}
	if ok && pipeline != nil {
		set("state_machine_logical_id", LogicalID(fmt.Sprint(pipeline), "Resource"))
		set("arn_parameter_logical_id", LogicalID("stepfunction_arn_"+fmt.Sprint(pipeline), "Resource"))
		return
	}
	e := v1PipelineExpr(ctx)
	set("state_machine_logical_id", "{{ "+e+`|add:"/Resource"|logical_id }}`)
	set("arn_parameter_logical_id", `{% with p=`+e+` %}{{ "stepfunction_arn_"|add:p|add:"/Resource"|logical_id }}{% endwith %}`)
}

var (
	v1StackUnsafe = regexp.MustCompile(`[^A-Za-z0-9-]`)
	// plainText is what a template string literal holds as written.
	plainText = regexp.MustCompile(`^[A-Za-z0-9 _.:/@+=,-]+$`)
)

// v1StepFunctionName is get_function_name (lambda_task.py:13-28): the
// pipeline's name cut to its first 20 and last 4 characters when the whole
// would be 62 characters or more. Written out by migrate, where the
// pipeline name is a template expression, so is the cut.
func v1StepFunctionName(ctx map[string]any, job string) string {
	if p := v1PipelineName(ctx); !strings.Contains(p, "{{") {
		if len(job)+len(p) >= 62 {
			return p[:20] + "-" + p[len(p)-4:] + "-" + job
		}
		return p + "-" + job
	}
	return fmt.Sprintf(`{%% with p=`+v1PipelineExpr(ctx)+`|aws_name %%}{%% if p|length >= %d %%}{{ p|slice:":20" }}-{{ p|slice:"-4:" }}-%s{%% else %%}{{ p }}-%s{%% endif %%}{%% endwith %%}`, 62-len(job), job, job)
}

// setName adds physical_name and, when id is not empty, logical_id to an
// item that has neither, at the position of its name.
func setName(it, at *yaml.Node, physical, id string) {
	if mapGet(it, "physical_name") == nil {
		mapSet(it, at, "physical_name", scalarAt(at, physical))
	}
	if id != "" && mapGet(it, "logical_id") == nil {
		mapSet(it, at, "logical_id", scalarAt(at, id))
	}
}

// v1Part is a value of the template context made fit for an AWS name.
// migrate writes the translation out without the context (or with a
// value that is its own template variable): there the part is written as
// the template expression that gives it.
func v1Part(ctx map[string]any, key string) string {
	v, ok := ctx[key]
	if !ok || v == nil || fmt.Sprint(v) == "{{ "+key+" }}" {
		return "{{ " + key + "|aws_name }}"
	}
	return render.AWSName(fmt.Sprint(v))
}

// LogicalID is the logical ID CDK (v1 and v2) gives a CloudFormation
// resource whose construct path under its stack is path (render.LogicalID).
func LogicalID(path ...string) string { return render.LogicalID(path...) }
