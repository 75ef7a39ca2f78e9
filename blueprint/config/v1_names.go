package config

import (
	"fmt"
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
//
// and its physical names are dynamodb <name>-<stage>
// (resource_task.py:515), sns_topic <name>-<pipeline_name>
// (resource_task.py:104; the pipeline name is the one with the stage, see
// v1PipelineName), athena_workgroup, athena_prepared_statement and
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

// v1PipelineName is the data.all blueprint's stack.pipeline_name, the
// PIPELINE_NAME its names were made of: "with the stage information"
// (utils/stack_util.py:74-81), as data.all's CodeBuild set it and as its
// configs read it: the topic MyTopic, "Final name of the topic:
// MyTopic-pipeline_name-stage", is published to as
// "MyTopic-{{pipeline_name}}-{{stage}}"
// (examples/trigger_athena_choice_sns_example/ingestion_sns_config.yaml:8,21).
func v1PipelineName(ctx map[string]any) string {
	return v1Part(ctx, "pipeline_name") + "-" + v1Part(ctx, "stage")
}

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
	return fmt.Sprintf(`{%% with p=pipeline_name|add:"-"|add:stage|aws_name %%}{%% if p|length >= %d %%}{{ p|slice:":20" }}-{{ p|slice:"-4:" }}-%s{%% else %%}{{ p }}-%s{%% endif %%}{%% endwith %%}`, 62-len(job), job, job)
}

// setName adds physical_name and, when id is not empty, logical_id to an
// item that has neither, at the position of its name.
func setName(it, at *yaml.Node, physical, id string) {
	if mapGet(it, "physical_name") == nil {
		mapSet(it, at, "physical_name", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: physical, Line: at.Line, Column: at.Column})
	}
	if id != "" && mapGet(it, "logical_id") == nil {
		mapSet(it, at, "logical_id", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: id, Line: at.Line, Column: at.Column})
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
