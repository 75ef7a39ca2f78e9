package cmd_test

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/moto"
)

// runConfig publishes a greeting to a topic. When the topic does not
// exist, the publish fails: at once in dev, which does not retry, while
// test waits a minute before retrying.
const runConfig = `version: 2
name: run demo
aws_resources:
  - name: Alerts
    type: sns_topic
groups:
  - name: Notify
    jobs:
      - name: Publish
        type: sns_publish
        retry:
          interval_seconds: 60
          retry_attempts: {{ attempts }}
        config:
          topic_name: Alerts
          message: "States.Format('hello {} from {{ stage }}', $.who)"
`

const runVars = "attempts: 2\nstages:\n  dev: {attempts: 0}\n  test: {}\n  prod: {}\n"

// deploy creates in moto, in region, what the stack's deploy of stage
// would, with the SNS topic it publishes to when topic.
func deploy(t *testing.T, srv *moto.Server, region, dir, stage string, topic bool) {
	t.Helper()
	st := planned(t, dir, stage)
	if topic {
		srv.CreateTopic(t, region, "Alerts")
	}
	srv.Deploy(t, st, region, synth.MachineName(st.Machine, st.Config.StageSuffix()))
}

// planned is the repo's one stack, planned for stage.
func planned(t *testing.T, dir, stage string) *plan.Stack {
	t.Helper()
	stacks, diags := plan.Load(config.LoadOptions{RepoDir: dir, Stage: stage, LookupEnv: func(string) (string, bool) { return "", false }}, engines.Registry())
	require.False(t, diags.HasErrors(), "%v", diags)
	require.Len(t, stacks, 1)
	return stacks[0]
}

var arnLine = regexp.MustCompile(`(?m)^started (arn:aws:states:[^ ]+:execution:[^ ]+)$`)

// TestRunFollowsExecutionsInMoto starts the deployed pipeline against
// moto's server, the real Step Functions and SSM APIs: a success, a
// failure, a wait that times out, and a stack that is not deployed.
func TestRunFollowsExecutionsInMoto(t *testing.T) {
	srv := moto.StartServer(t)
	dir := repo(t, map[string]string{"config.yaml": runConfig, "variables.yaml": runVars})
	fast := []string{"--dir", dir, "--poll-interval", "50ms", "--stage"}

	t.Run("success", func(t *testing.T) {
		deploy(t, srv, "us-east-1", dir, "dev", true)
		srv.UseEnv(t, "us-east-1")
		code, out, errOut := run(t, nil, append(fast, "dev", "run", "--input", `{"who": "ann"}`, "--wait")...)
		require.Equal(t, 0, code, errOut)
		assert.Regexp(t, `^started arn:aws:states:us-east-1:123456789012:execution:\S+
 +0\.\ds  enter  Notify
 +\d+\.\ds  enter  Publish
 +\d+\.\ds  exit   Publish \(\d+\.\ds\)
 +\d+\.\ds  exit   Notify \(\d+\.\ds\)
SUCCEEDED in \d+\.\ds
$`, errOut)
		assert.JSONEq(t, `{"who": "ann"}`, out, "the execution's output")
	})

	t.Run("failure", func(t *testing.T) {
		deploy(t, srv, "us-west-2", dir, "dev", false) // no topic: the publish fails
		srv.UseEnv(t, "us-west-2")
		code, out, errOut := run(t, nil, append(fast, "dev", "run", "--input", `{"who": "ann"}`, "--wait")...)
		assert.Equal(t, 1, code, errOut)
		assert.Empty(t, out)
		assert.Regexp(t, `^started arn:aws:states:us-west-2:123456789012:execution:\S+
 +0\.\ds  enter  Notify
 +\d+\.\ds  enter  Publish
 +\d+\.\ds  Task failed in Publish: SNS\.NotFoundException: Endpoint does not exist .*
FAILED after \d+\.\ds in state Publish: SNS\.NotFoundException: Endpoint does not exist .*
$`, errOut)
	})

	t.Run("timeout", func(t *testing.T) {
		deploy(t, srv, "eu-west-1", dir, "test", false) // no topic: the publish fails and waits to retry
		srv.UseEnv(t, "eu-west-1")
		code, _, errOut := run(t, nil, append(fast, "test", "run", "--input", `{"who": "bob"}`, "--wait", "--timeout", "2s")...)
		assert.Equal(t, 1, code, errOut)
		m := arnLine.FindStringSubmatch(errOut)
		require.NotNil(t, m, errOut)
		assert.Contains(t, errOut, "timed out after 2s waiting: still RUNNING: blueprint run --execution "+m[1]+" --wait follows it\n")
		assert.Regexp(t, `(?m)^ +\d+\.\ds  Task failed in Publish: SNS\.`, errOut, "the failed attempt is shown")

		// The same execution, followed by its ARN: its history so far.
		code, out, errOut := run(t, nil, "run", "--execution", m[1], "--history")
		require.Equal(t, 0, code, errOut)
		var h struct {
			Events []map[string]any `json:"events"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &h), out)
		var types []string
		for _, e := range h.Events {
			types = append(types, e["type"].(string))
		}
		assert.Subset(t, types, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskFailed"})
		assert.Equal(t, "ExecutionStarted", types[0])
		assert.NotRegexp(t, `"\s*:\s*null`, out, "absent fields are left out")
	})

	t.Run("not deployed", func(t *testing.T) {
		srv.UseEnv(t, "eu-central-1")
		code, out, errOut := run(t, nil, append(fast, "dev", "run", "--wait")...)
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		st := planned(t, dir, "dev")
		assert.Equal(t, "blueprint: SSM parameter "+st.ArnParameter()+" does not exist in eu-central-1: the stack is not deployed there for this stage (deploy it: blueprint synth --stage dev && cdk deploy --app cdk.out "+st.Config.Name+"-dev)\n", errOut)
		assert.Contains(t, st.ArnParameter(), "/dev/step_function_arn")
	})
}

// TestRunRefusesBadInputInOneLine: what a user gets wrong is one line,
// before any call to AWS where it can be.
func TestRunRefusesBadInputInOneLine(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": runConfig, "variables.yaml": runVars,
		"bad.json": "{\"who\": "})
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"input not JSON", []string{"--input", "{who: ann}"}, 1,
			"blueprint: --input: the value is not JSON: invalid character 'w' looking for beginning of object key string\n"},
		{"input file not JSON", []string{"--input", "@" + filepath.Join(dir, "bad.json")}, 1,
			"blueprint: --input: " + filepath.Join(dir, "bad.json") + " is not JSON: unexpected EOF\n"},
		{"input file missing", []string{"--input", "@" + filepath.Join(dir, "none.json")}, 1,
			"blueprint: --input: cannot read " + filepath.Join(dir, "none.json") + ": no such file or directory\n"},
		{"stage not in the config", []string{"--stage", "qa"}, 1,
			"variables.yaml:2:1: stages: unknown stage \"qa\" (the stages are \"dev\", \"prod\" or \"test\")\n1 error, 0 warnings\n"},
		{"timeout without wait", []string{"--timeout", "1m"}, 2,
			"blueprint: --timeout limits --wait: add --wait\nRun 'blueprint --help' for usage.\n"},
		{"not an execution", []string{"--execution", "run-1"}, 2,
			"blueprint: --execution \"run-1\": not an execution ARN (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME)\nRun 'blueprint --help' for usage.\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, nil, append([]string{"run", "--dir", dir, "--stage", "dev"}, c.args...)...)
			assert.Equal(t, c.code, code)
			assert.Empty(t, out)
			assert.Equal(t, c.want, errOut)
		})
	}
}

func TestRunWithoutCredentialsSaysSoInOneLine(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": runConfig, "variables.yaml": runVars})
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	code, out, errOut := run(t, nil, "run", "--dir", dir, "--stage", "dev", "--wait")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Regexp(t, `^blueprint: no AWS credentials: set AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \(.+\)\n$`, errOut)

	code, _, errOut = run(t, nil, "run", "--dir", dir, "--stage", "dev", "--profile", "nope")
	assert.Equal(t, 1, code)
	assert.Equal(t, "blueprint: AWS profile \"nope\" is not in the shared config files (~/.aws/config, ~/.aws/credentials)\n", errOut)
}
