package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsathena"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsglue"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/aws-cdk-go/awscdk/v2/customresources"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// oldLogicalID is the logical ID CDK gives the CloudFormation resource of
// a construct that make builds at the top of a throwaway stack, as the
// data.all blueprint built its resources in its stack (stack.py:29-60).
func oldLogicalID(t *testing.T, make func(scope constructs.Construct) constructs.IConstruct) string {
	t.Helper()
	app := awscdk.NewApp(nil)
	st := awscdk.NewStack(app, jsii.String("DataPipeline"), nil)
	c := make(st)
	el, ok := c.(awscdk.CfnElement)
	for x := c; !ok && x != nil; {
		// an L2's resource is its default child, a custom resource's one further down
		x = x.Node().DefaultChild()
		el, ok = x.(awscdk.CfnElement)
	}
	require.True(t, ok, "%s has no CloudFormation resource", *c.Node().Path())
	return resolved(st, el.LogicalId())
}

// resolved is the value of a token of stack st.
func resolved(st awscdk.Stack, token *string) string {
	switch v := st.Resolve(token).(type) {
	case *string:
		return *v
	default:
		return fmt.Sprint(v)
	}
}

// TestCompatStatefulResourcesKeepTheOldNames: a version 1 config's tables,
// topics, workgroups, prepared statements, Glue connections, model package
// groups and Lambda functions get the data.all blueprint's physical names,
// and the stateful ones the logical IDs CDK derived from the old tool's
// construct paths, so deploying over a stack the old tool deployed
// updates them in place.
func TestCompatStatefulResourcesKeepTheOldNames(t *testing.T) {
	tmpl, _ := compatRepo(t, "names")
	res := tmpl["Resources"].(map[string]any)
	props := func(id, typ string) map[string]any {
		t.Helper()
		r, ok := res[id].(map[string]any)
		require.True(t, ok, "no resource %s; have %v", id, keysOf(res))
		require.Equal(t, typ, r["Type"], id)
		return r["Properties"].(map[string]any)
	}
	key := &awsdynamodb.Attribute{Name: jsii.String("id"), Type: awsdynamodb.AttributeType_STRING}

	// dynamodb: aws_dynamodb.Table(stack, f"dynamodbtable{name}")
	// (engine/resource_task.py:509-513), named <name>-<stage> (:515),
	// RemovalPolicy.DESTROY (engine/dynamodb/dynamodb_mapper.py:25), CDK's
	// default of 5 capacity units for what is left out (:27-28).
	for name, throughput := range map[string]map[string]any{
		"cycles_table": {"ReadCapacityUnits": float64(5), "WriteCapacityUnits": float64(5)},
		"orders":       {"ReadCapacityUnits": float64(10), "WriteCapacityUnits": float64(5)},
	} {
		id := oldLogicalID(t, func(s constructs.Construct) constructs.IConstruct {
			return awsdynamodb.NewTable(s, jsii.String("dynamodbtable"+name), &awsdynamodb.TableProps{PartitionKey: key})
		})
		assert.Equal(t, config.LogicalID("dynamodbtable"+name, "Resource"), id)
		p := props(id, "AWS::DynamoDB::Table")
		assert.Equal(t, name+"-test", p["TableName"])
		assert.Equal(t, throughput, p["ProvisionedThroughput"])
		assert.Equal(t, "Delete", res[id].(map[string]any)["DeletionPolicy"])
	}

	// sns_topic: aws_sns.Topic(stack, id=f"{name}-SNS",
	// topic_name=f"{name}-{stack.pipeline_name}") (resource_task.py:101-105).
	id := oldLogicalID(t, func(s constructs.Construct) constructs.IConstruct {
		return awssns.NewTopic(s, jsii.String("MyTopic-SNS"), nil)
	})
	// The pipeline name is PIPELINE_NAME, else (here) the config's name
	// (utils/stack_util.py:79-81), made fit for AWS.
	assert.Equal(t, "MyTopic-compat-names-of-a-pipeline-long-enough-to-be-cut", props(id, "AWS::SNS::Topic")["TopicName"])

	// athena_workgroup: aws_athena.CfnWorkGroup(stack,
	// f"athenaworkgroup-{name}", name=name) (resource_task.py:551-553).
	id = oldLogicalID(t, func(s constructs.Construct) constructs.IConstruct {
		return awsathena.NewCfnWorkGroup(s, jsii.String("athenaworkgroup-analytics_wg"), &awsathena.CfnWorkGroupProps{Name: jsii.String("x")})
	})
	assert.Equal(t, "analytics_wg", props(id, "AWS::Athena::WorkGroup")["Name"])

	// athena_prepared_statement: AwsCustomResource(stack, id=name,
	// resource_type="Custom::Athena-Prepared-Statement")
	// (engine/athena/athena_prepared_statement.py:109-117), named <name>.
	id = oldLogicalID(t, func(s constructs.Construct) constructs.IConstruct {
		return customresources.NewAwsCustomResource(s, jsii.String("count_rows"), &customresources.AwsCustomResourceProps{
			OnCreate: &customresources.AwsSdkCall{Service: jsii.String("Athena"), Action: jsii.String("createPreparedStatement"), PhysicalResourceId: customresources.PhysicalResourceId_Of(jsii.String("p"))},
			Policy:   customresources.AwsCustomResourcePolicy_FromSdkCalls(&customresources.SdkCallsPolicyOptions{Resources: customresources.AwsCustomResourcePolicy_ANY_RESOURCE()}),
		})
	})
	stmt := props(id, "Custom::Athena-Prepared-Statement")
	for _, key := range []string{"Create", "Update"} {
		assert.Contains(t, fmt.Sprint(stmt[key]), `"StatementName":"count_rows"`, key)
	}
	assert.Contains(t, fmt.Sprint(stmt["Create"]), "createPreparedStatement")
	assert.Contains(t, fmt.Sprint(stmt["Update"]), "updatePreparedStatement")
	assert.Contains(t, fmt.Sprint(stmt["Delete"]), "deletePreparedStatement")
	// The physical resource ID the old calls gave (athena_prepared_statement.py:37-39).
	assert.Contains(t, fmt.Sprint(stmt["Create"]), "/prepared-statement:count_rows")

	// glueconnection: aws_glue.CfnConnection(stack, id=f"{name}-GC")
	// (resource_task.py:149-151).
	id = oldLogicalID(t, func(s constructs.Construct) constructs.IConstruct {
		return awsglue.NewCfnConnection(s, jsii.String("warehouse-GC"), &awsglue.CfnConnectionProps{
			CatalogId: jsii.String("111111111111"), ConnectionInput: &awsglue.CfnConnection_ConnectionInputProperty{ConnectionType: jsii.String("JDBC")}})
	})
	assert.Equal(t, "warehouse", props(id, "AWS::Glue::Connection")["ConnectionInput"].(map[string]any)["Name"])

	// sagemaker_model_package_group: named <name> (resource_task.py:942);
	// its old logical ID was random, so the config gives it.
	assert.Equal(t, "models", props("models3f2a", "AWS::SageMaker::ModelPackageGroup")["ModelPackageGroupName"])

	// Lambda: a resource <name>-<pipeline_name> (resource_task.py:298); a
	// step <pipeline_name>-<job>, the pipeline's name cut to its first 20
	// and last 4 characters from 62 characters on (lambda_task.py:13-28).
	// The pipeline name is PIPELINE_NAME, else the config's name.
	var names []string
	for id, p := range functionsByDescription(t, tmpl) {
		if n, ok := p["FunctionName"].(string); ok {
			names = append(names, n)
		} else {
			// The custom resource's provider, named by CloudFormation as it was.
			assert.Equal(t, "AWS679f53fac002430cb0da5b7982bd22872D164C4C", id)
		}
	}
	assert.ElementsMatch(t, []string{
		"notify-compat-names-of-a-pipeline-long-enough-to-be-cut",
		"compat-names-of-a-pi--cut-PrepareFeatures",
		"compat-names-of-a-pipeline-long-enough-to-be-cut-Sum",
	}, names)
}

// TestCompatStackNamesInEachDataAllStage: synthesized with the
// environment data.all's CodeBuild gave the blueprint in each of its two
// stages (data.all backend/dataall/cdkproxy/stacks/pipeline.py at
// 32fef72e8: stages test and prod, :156; ORIGIN_PIPELINE_NAME the
// pipeline's name, :731-733; PIPELINE_NAME the name and "-<stage>", the
// name alone in prod, :725-727, 734; STAGE, :755), a version 1 stack has
// the old stack's name, PIPELINE_NAME (app.py:22-28), and so do its state
// machine and the SSM parameter of its ARN, with the logical IDs of the
// old construct paths <pipeline_name> and stepfunction_arn_<pipeline_name>
// (stack.py:250-269), so cdk deploy updates the stack data.all deployed.
func TestCompatStackNamesInEachDataAllStage(t *testing.T) {
	for _, stage := range []string{"test", "prod"} {
		pipeline := "churn-model-" + stage
		if stage == "prod" {
			pipeline = "churn-model"
		}
		env := testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "BUCKET_NAME", "churn-model-bucket",
			"ORIGIN_PIPELINE_NAME", "churn-model", "PIPELINE_NAME", pipeline, "STAGE", stage)
		stacks := testkit.Plan(t, filepath.Join("testdata", "compat", "names"), testkit.Options{Env: env})
		require.Len(t, stacks, 1)
		a := testkit.Synth(t, stacks, false)
		check.Assembly(t, a.Dir)
		require.Equal(t, []string{pipeline}, a.StackNames(), stage)
		tmpl := a.Template(t, pipeline)
		res := tmpl["Resources"].(map[string]any)

		machineID := oldLogicalID(t, func(s constructs.Construct) constructs.IConstruct {
			return awsstepfunctions.NewStateMachine(s, jsii.String(pipeline), &awsstepfunctions.StateMachineProps{
				DefinitionBody: awsstepfunctions.DefinitionBody_FromChainable(awsstepfunctions.NewPass(s, jsii.String("P"), nil))})
		})
		machine, ok := res[machineID].(map[string]any)
		require.True(t, ok, "%s: no state machine %s; have %v", stage, machineID, keysOf(res))
		assert.Equal(t, "AWS::StepFunctions::StateMachine", machine["Type"])
		assert.Equal(t, pipeline, machine["Properties"].(map[string]any)["StateMachineName"], stage)

		paramID := oldLogicalID(t, func(s constructs.Construct) constructs.IConstruct {
			return awsssm.NewStringParameter(s, jsii.String("stepfunction_arn_"+pipeline), &awsssm.StringParameterProps{StringValue: jsii.String("x")})
		})
		param, ok := res[paramID].(map[string]any)
		require.True(t, ok, "%s: no parameter %s; have %v", stage, paramID, keysOf(res))
		assert.Equal(t, "AWS::SSM::Parameter", param["Type"])
		assert.Equal(t, "/dataall/"+pipeline+"/"+stage+"/step_function_arn", param["Properties"].(map[string]any)["Name"], stage)

		// The resources' names are made of stack.pipeline_name too.
		var topics []any
		for _, r := range res {
			if r := r.(map[string]any); r["Type"] == "AWS::SNS::Topic" {
				topics = append(topics, r["Properties"].(map[string]any)["TopicName"])
			}
		}
		assert.Equal(t, []any{"MyTopic-" + pipeline}, topics, stage)
	}
}

// TestCompatPipelineBucketWithoutBucketName: without BUCKET_NAME the old
// stack read its bucket from SSM at synth, /<ORIGIN_PIPELINE_NAME or
// name>/<STAGE>/bucket_name (attr_from_env_paramstore,
// utils/stack_util.py:62-66, 90-93), which the data.all pipeline stack
// wrote (data.all backend/dataall/cdkproxy/stacks/pipeline.py:455-460 at
// 32fef72e8), and used it for a trigger's PIPELINE_BUCKET
// (engine/resource_task.py:67-83) and the Glue jobs' locations and
// --BUCKET_NAME (engine/glue/glue_task.py:34-44). Synth here calls no AWS:
// the stack reads the same parameter when it deploys, a template
// parameter of type AWS::SSM::Parameter::Value<String> for the jobs and a
// {{resolve:ssm:…}} reference for the trigger. The template variable
// pipeline_bucket was BUCKET_NAME only (utils/task_group_reader.py:64-80):
// it renders empty, with a warning, as it did.
func TestCompatPipelineBucketWithoutBucketName(t *testing.T) {
	env := testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "STAGE", "test",
		"ORIGIN_PIPELINE_NAME", "team", "PIPELINE_NAME", "team-test")
	param := "/team/test/bucket_name"
	ssmParam := func(t *testing.T, tmpl map[string]any) string {
		t.Helper()
		var ids []string
		for id, p := range tmpl["Parameters"].(map[string]any) {
			if p := p.(map[string]any); p["Type"] == "AWS::SSM::Parameter::Value<String>" && p["Default"] == param {
				ids = append(ids, id)
			}
		}
		require.Len(t, ids, 1, "one parameter reads %s: %v", param, tmpl["Parameters"])
		return ids[0]
	}

	stacks, diags := testkit.TryPlan(filepath.Join("testdata", "compat", "glue"), testkit.Options{Env: env})
	require.False(t, diags.HasErrors(), "%v", diags)
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	tmpl := a.Template(t, "team-test")
	id := ssmParam(t, tmpl)
	ref := map[string]any{"Ref": id}
	jobs := 0
	for _, r := range a.Resources(t, "team-test", "AWS::Glue::Job") {
		p := r["Properties"].(map[string]any)
		assert.Equal(t, ref, p["DefaultArguments"].(map[string]any)["--BUCKET_NAME"], p["Name"])
		assert.Contains(t, fmt.Sprint(p["DefaultArguments"].(map[string]any)["--TempDir"]), id)
		jobs++
	}
	assert.Equal(t, 3, jobs)
	assert.NotContains(t, string(a.Templates["team-test"]), "pipeline-bucket")

	dir := filepath.Join("testdata", "compat", "triggers")
	stacks, diags = testkit.TryPlan(dir, testkit.Options{Env: env})
	require.False(t, diags.HasErrors(), "%v", diags)
	var warned bool
	for _, d := range diags {
		warned = warned || strings.Contains(d.Message, `undefined variable "pipeline_bucket" renders as empty text`)
	}
	assert.True(t, warned, "%v", diags)
	a = testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	triggers := 0
	for _, p := range functionsByDescription(t, a.Template(t, "team-test")) {
		e, _ := p["Environment"].(map[string]any)
		vars, _ := e["Variables"].(map[string]any)
		if _, ok := vars["PIPELINE_STATE_MACHINE_ARN"]; !ok {
			continue
		}
		triggers++
		assert.Equal(t, "{{resolve:ssm:"+param+"}}", vars["PIPELINE_BUCKET"])
		if src, ok := vars["SOURCE"]; ok {
			assert.Equal(t, "/raw", src, "{{ pipeline_bucket }} rendered empty, as Jinja did")
		}
	}
	assert.Equal(t, 2, triggers)
}

// TestLogicalIDIsCDKs: config.LogicalID, which the version 1 translation
// writes, computes what CDK computes for the same construct path.
func TestLogicalIDIsCDKs(t *testing.T) {
	app := awscdk.NewApp(nil)
	st := awscdk.NewStack(app, jsii.String("S"), nil)
	for _, path := range [][]string{
		{"athenaworkgroup-my_wg"},
		{"dynamodbtablemy_table", "Resource"},
		{"MyTopic-SNS", "Resource"},
		{"count_rows", "Resource", "Default"},
		{"TableResource", "Resource"},
		{"a.b", "Default", "c"},
	} {
		var scope constructs.Construct = st
		for _, p := range path[:len(path)-1] {
			scope = constructs.NewConstruct(scope, jsii.String(p))
		}
		r := awscdk.NewCfnResource(scope, jsii.String(path[len(path)-1]), &awscdk.CfnResourceProps{Type: jsii.String("Custom::X")})
		assert.Equal(t, resolved(st, r.LogicalId()), config.LogicalID(path...), "%v", path)
	}
}

// TestBadLogicalIDs: a logical ID CloudFormation refuses, or one given to
// two resources, is a diagnostic at the key.
func TestBadLogicalIDs(t *testing.T) {
	table := func(name, id string) string {
		return "  - {name: " + name + ", type: dynamodb, logical_id: " + id + ", config: {partition_key: {name: id, type: string}}}\n"
	}
	long := strings.Repeat("A", 256)
	tests := []struct{ name, cfg, want string }{
		{"not alphanumeric", "version: 2\nname: p\naws_resources:\n" + table("T", "my-table"),
			`config.yaml:4:43: aws_resources[0].logical_id: logical ID "my-table" is not one CloudFormation accepts: 1 to 255 letters A-Z, a-z and digits`},
		{"longer than 255", "version: 2\nname: p\naws_resources:\n" + table("T", long),
			`config.yaml:4:43: aws_resources[0].logical_id: logical ID "` + long + `" is not one CloudFormation accepts: 1 to 255 letters A-Z, a-z and digits`},
		{"given twice", "version: 2\nname: p\naws_resources:\n" + table("T", "Orders") +
			"  - {name: W, type: athena_workgroup, logical_id: Orders, config: {query_result_location: \"s3://b/r/\"}}\n",
			`config.yaml:5:51: aws_resources[1].logical_id: logical ID "Orders" is already given to aws_resources[0] (first given on line 4; a logical ID names one resource of the stack)`},
		{"a Lambda name Lambda refuses", "version: 2\nname: p\naws_resources:\n  - {name: F, type: lambda_function, physical_name: my function, config: {entry: src, index: a.py, handler: h}}\n",
			`config.yaml:4:53: aws_resources[0].physical_name: "my function" is no Lambda function name: 1 to 64 letters, digits, - and _`},
		{"a table name too long", "version: 2\nname: p\naws_resources:\n  - {name: T, type: dynamodb, physical_name: " + long + ", config: {partition_key: {name: id, type: string}}}\n",
			`config.yaml:4:46: aws_resources[0].physical_name: the table would be named "` + long + `", 256 characters; AWS accepts at most 255`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "src", "a.py"), []byte("def h(event, context):\n    return 1\n"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(tt.cfg), 0o644))
			got := testkit.Diagnostics(t, dir, testkit.Options{})
			assert.Contains(t, strings.Split(got, "\n"), tt.want, got)
		})
	}
}
