package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// ssmParameters maps the logical IDs of a template's SSM parameters to
// the resources.
func ssmParameters(tmpl map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tmpl["Resources"].(map[string]any) {
		if res := r.(map[string]any); res["Type"] == "AWS::SSM::Parameter" {
			out[id] = res
		}
	}
	return out
}

// cdkID is the logical ID CDK gives a StringParameter of construct id id
// at the top of a stack: computed by CDK itself.
func cdkID(id string) string {
	app := awscdk.NewApp(nil)
	st := awscdk.NewStack(app, jsii.String("S"), nil)
	p := awsssm.NewStringParameter(st, jsii.String(id), &awsssm.StringParameterProps{StringValue: jsii.String("x")})
	return resolved(st, p.Node().DefaultChild().(awscdk.CfnElement).LogicalId())
}

// TestCompatBatchKeepsTheOldParameters: a version 1 stack publishes the
// ARNs of its compute environments, job queues and job definitions in the
// SSM parameters the old tool wrote (engine/resource_task.py:730-745,
// 838-849, 914-926), under their names and the logical IDs CDK gave the
// old construct paths, with RemovalPolicy.DESTROY.
func TestCompatBatchKeepsTheOldParameters(t *testing.T) {
	tmpl, _ := compatRepo(t, "batch_parameters")
	params := ssmParameters(tmpl)
	want := map[string]struct{ name, value string }{
		// ce<name> (resource_task.py:737-741); the name keeps the item's
		// (:733).
		cdkID("cegpu_ce"): {"/image_jobs/test/compute_environment/gpu_ce", "ComputeEnvironmentGpuCe"},
		// jobqueue-param (:918-922), for the first queue.
		cdkID("jobqueue-param"): {"/image_jobs/test/job_queue/gpu_queue", "JobQueueGpuQueue"},
		// jobdefinition<pipeline_name_origin> (:843-847); the name is
		// job-<sanitized_name> (:759, 839).
		cdkID("jobdefinitionimage_jobs"): {"/image_jobs/test/job_definition/job-trainmodel", "JobDefinitionTrainModel"},
	}
	for id, w := range want {
		require.Contains(t, params, id)
		p := params[id]
		props := p["Properties"].(map[string]any)
		assert.Equal(t, w.name, props["Name"], id)
		assert.Equal(t, "String", props["Type"], id)
		assert.Equal(t, map[string]any{"Ref": w.value}, props["Value"], "%s holds the resource's ARN", id)
		assert.Equal(t, "Delete", p["DeletionPolicy"], "RemovalPolicy.DESTROY (resource_task.py:742, 848, 924)")
		assert.Equal(t, "Delete", p["UpdateReplacePolicy"])
	}
	var second string
	for id, p := range params {
		if p["Properties"].(map[string]any)["Name"] == "/image_jobs/test/job_queue/cpu_queue" {
			second = id
		}
	}
	assert.NotEmpty(t, second, "the second queue has its parameter too")
	assert.NotContains(t, want, second)
	assert.Len(t, params, 5, "four Batch parameters and the state machine's")

	diags := testkit.Diagnostics(t, filepath.Join("testdata", "compat", "batch_parameters"), testkit.Options{Env: compatEnv})
	assert.Contains(t, diags, "config.yaml:24:11: warning: aws_resources[2].name: the data.all blueprint gave the SSM parameter of every batch_job_queue the construct id jobqueue-param (engine/resource_task.py:918-921), so its first synth failed on this second one; its parameter /image_jobs/test/job_queue/cpu_queue gets a logical ID of its own here (aws_resources[1] keeps the old one)")
}

// TestCompatBatchParametersFollowTheEnvironment: the parameters' names use
// ORIGIN_PIPELINE_NAME and STAGE as the old stack's pipeline_name_origin
// and stage (utils/stack_util.py:76-87), and so does the definition's
// logical ID.
func TestCompatBatchParametersFollowTheEnvironment(t *testing.T) {
	env := testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "BUCKET_NAME", "pipeline-bucket",
		"STAGE", "prod", "ORIGIN_PIPELINE_NAME", "images")
	dir := filepath.Join("testdata", "compat", "batch_parameters")
	// Its migration, synthesized in the same environment, names them the
	// same: migrate writes the expressions reading ORIGIN_PIPELINE_NAME.
	migrated := filepath.Join(t.TempDir(), "repo")
	require.NoError(t, os.CopyFS(migrated, os.DirFS(dir)))
	var stdout, stderr bytes.Buffer
	app := &cmd.App{Stdout: &stdout, Stderr: &stderr, LookupEnv: env, Environ: func() []string { return nil }, Registry: engines.Registry()}
	require.Equal(t, 0, app.Run([]string{"migrate", "--write", migrated}), stderr.String())
	for _, repo := range []string{dir, migrated} {
		stacks := testkit.Plan(t, repo, testkit.Options{Env: env})
		a := testkit.Synth(t, stacks, false)
		check.Assembly(t, a.Dir)
		names := map[string]string{}
		for id, p := range ssmParameters(a.Template(t, a.StackNames()[0])) {
			names[p["Properties"].(map[string]any)["Name"].(string)] = id
		}
		assert.Equal(t, cdkID("cegpu_ce"), names["/images/prod/compute_environment/gpu_ce"], repo)
		assert.Equal(t, cdkID("jobqueue-param"), names["/images/prod/job_queue/gpu_queue"], repo)
		assert.Equal(t, cdkID("jobdefinitionimages"), names["/images/prod/job_definition/job-trainmodel"], repo)
	}
}

// TestBatchArnParameterDiagnostics: in any config, arn_parameter needs a
// name SSM takes and a logical ID no other resource has.
func TestBatchArnParameterDiagnostics(t *testing.T) {
	cfg := "version: 2\nname: p\naws_resources:\n" +
		"  - name: ce\n    type: batch_compute_environment\n    arn_parameter: {name: 'not a name'}\n    properties: {compute_resource_type: FARGATE, subnet_ids: [subnet-0a1b2c3d], security_group_ids: [sg-0a1b2c3d]}\n" +
		"  - name: q\n    type: batch_job_queue\n    logical_id: X\n    arn_parameter: {name: /p/q, logical_id: Same}\n    properties: {compute_environment: {compute_environment_ref: [ce]}}\n" +
		"  - name: t\n    type: dynamodb\n    logical_id: Same\n    config: {partition_key: {name: id, type: string}}\n"
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644))
	got := testkit.Diagnostics(t, dir, testkit.Options{Env: compatEnv})
	assert.Contains(t, got, `config.yaml:6:27: aws_resources[0].arn_parameter.name: "not a name" is not an SSM parameter name: letters, digits, _ . - and /, at most 1011 characters`)
	assert.Contains(t, got, `aws_resources[2].logical_id: logical ID "Same" is already given to aws_resources[1].arn_parameter`)
	assert.Contains(t, got, `unknown key "logical_id"`, "a job queue has no logical_id of its own")
}
