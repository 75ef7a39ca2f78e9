package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// migrated copies a compat repo and runs blueprint migrate --write on the
// copy; it returns the copy and migrate's stderr.
func migrated(t *testing.T, dir string) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "repo")
	require.NoError(t, os.CopyFS(out, os.DirFS(dir)))
	var stdout, stderr bytes.Buffer
	app := &cmd.App{Stdout: &stdout, Stderr: &stderr, LookupEnv: compatEnv, Environ: func() []string { return nil }, Registry: engines.Registry()}
	require.Equal(t, 0, app.Run([]string{"migrate", "--write", out}), stderr.String())
	return out, stderr.String()
}

// TestCompatMigrateRewritesEveryBranch: a template that writes the same
// key once per {% if %} branch (the old cats-batch example,
// examples/cats-batch_example/config.yaml:21-33) is migrated branch by
// branch, and each stage keeps its network (subnet_id[] and
// security_group_id[], resource_task.py:622-651; bid_percentage, read for
// SPOT only, :672-675, left out in both).
func TestCompatMigrateRewritesEveryBranch(t *testing.T) {
	dir := filepath.Join("testdata", "compat", "migrate", "branch_keys")
	repo, stderr := migrated(t, dir)
	assert.Contains(t, stderr, "config.yaml:36:7: warning: properties.bid_percentage: the data.all blueprint did not read properties.bid_percentage")
	assert.Contains(t, stderr, "config.yaml:40:7: warning: properties.bid_percentage")
	want := map[string]struct{ queue, ce, sg []any }{
		"test": {[]any{"subnet-0a1b2c3d4e5f60731"}, []any{"subnet-0a1b2c3d4e5f60731"}, []any{"sg-0a1b2c3d4e5f60731"}},
		"prod": {[]any{"subnet-0a1b2c3d4e5f60732", "subnet-0a1b2c3d4e5f60733"}, []any{"subnet-0a1b2c3d4e5f60732"}, []any{"sg-0a1b2c3d4e5f60732"}},
	}
	for stage, w := range want {
		opts := testkit.Options{Stage: stage, Env: compatEnv}
		before, after := testkit.Synth(t, testkit.Plan(t, dir, opts), false), testkit.Synth(t, testkit.Plan(t, repo, opts), false)
		if stage == "prod" {
			check.Assembly(t, before.Dir)
		}
		require.Equal(t, before.StackNames(), after.StackNames())
		ta, tb := before.Template(t, before.StackNames()[0]), after.Template(t, after.StackNames()[0])
		ja, _ := json.Marshal(ta["Resources"])
		jb, _ := json.Marshal(tb["Resources"])
		assert.JSONEq(t, string(ja), string(jb), "stage %s: the migrated config gives the same resources", stage)

		ces := resourcesOfType(ta, "AWS::Batch::ComputeEnvironment")
		require.Len(t, ces, 2, "stage %s", stage)
		require.Contains(t, ces, "ComputeEnvironmentStageCe")
		for id, ce := range ces {
			cr := ce["ComputeResources"].(map[string]any)
			assert.NotContains(t, cr, "BidPercentage", "stage %s: %s", stage, id)
			if id == "ComputeEnvironmentStageCe" {
				assert.Equal(t, w.ce, cr["Subnets"], "stage %s", stage)
				assert.Equal(t, w.sg, cr["SecurityGroupIds"], "stage %s", stage)
			} else {
				assert.Equal(t, w.queue, cr["Subnets"], "stage %s: %s, the queue's own", stage, id)
			}
		}
	}
}

// TestCompatMigrateKeepsTheOldPipelineNameVariable: the template variable
// pipeline_name of a data.all config was ORIGIN_PIPELINE_NAME, empty when
// unset (utils/task_group_reader.py:70-72), while its topic's name has
// the stack's pipeline name (engine/resource_task.py:104,
// utils/stack_util.py:76-81), as the old ingestion_sns_config.yaml
// example shows. migrate writes the reference as that environment
// variable, so both mean the same with and without it.
func TestCompatMigrateKeepsTheOldPipelineNameVariable(t *testing.T) {
	tmpl, _ := compatRepo(t, "migrate/pipeline_name")
	topics := resourcesOfType(tmpl, "AWS::SNS::Topic")
	// Without PIPELINE_NAME, stack.pipeline_name is the config's name.
	assert.Equal(t, "MyTopic-compat-sns", topics["MyTopicSNS625BF3EA"]["TopicName"])
	raw, _ := json.Marshal(tmpl)
	assert.Contains(t, string(raw), `":MyTopic--test"`, "the step publishes to MyTopic-{{pipeline_name}}-{{stage}} with pipeline_name empty")

	dir := filepath.Join("testdata", "compat", "migrate", "pipeline_name")
	repo, stderr := migrated(t, dir)
	assert.Contains(t, stderr, `config.yaml:25:33: warning: pipeline_name of a data.all config was the environment variable ORIGIN_PIPELINE_NAME, empty when unset (utils/task_group_reader.py:70-72), and in version 2 it is the pipeline's name: written as env_var("ORIGIN_PIPELINE_NAME", "") to keep the meaning (write pipeline_name if the pipeline's name is meant)`)
	assert.NotContains(t, stderr, `undefined variable "pipeline_name"`)
	out, err := os.ReadFile(filepath.Join(repo, "config.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(out), `topic_name: MyTopic-{{env_var("ORIGIN_PIPELINE_NAME", "")}}-{{stage}}`)
	assert.Contains(t, string(out), `physical_name: MyTopic-{{ env_var("PIPELINE_NAME", "compat sns")|aws_name }}`)

	// data.all's CodeBuild in its test stage: ORIGIN_PIPELINE_NAME the
	// pipeline's name, PIPELINE_NAME the name and "-test" (data.all
	// backend/dataall/cdkproxy/stacks/pipeline.py:725-734 at 32fef72e8).
	origin := testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "BUCKET_NAME", "pipeline-bucket", "STAGE", "test",
		"ORIGIN_PIPELINE_NAME", "team-sns", "PIPELINE_NAME", "team-sns-test")
	for _, env := range []func(string) (string, bool){compatEnv, origin} {
		before, after := testkit.Plan(t, dir, testkit.Options{Env: env}), testkit.Plan(t, repo, testkit.Options{Env: env})
		require.Len(t, after, 1)
		assert.JSONEq(t, string(testkit.Definition(t, before[0])), string(testkit.Definition(t, after[0])))
	}
	// There the step publishes to the topic of the config,
	// MyTopic-team-sns-test.
	def := testkit.Definition(t, testkit.Plan(t, repo, testkit.Options{Env: origin})[0])
	assert.Contains(t, string(def), `"TopicArn": "${bp:sns_topic:MyTopic:arn}"`)
}
