package tests

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/pipelinetest"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/internal/moto"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// TestPipelinetestRunFollowsADeployedStage is what a repo's
// tests/integration does in RunTests<Stage>: start the deployed stage's
// state machine and check how it ended, here against moto's server.
func TestPipelinetestRunFollowsADeployedStage(t *testing.T) {
	srv := moto.StartServer(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(`version: 2
name: greeter
aws_resources:
  - name: Alerts
    type: sns_topic
groups:
  - name: Notify
    jobs:
      - name: Publish
        type: sns_publish
        config:
          topic_name: Alerts
          message: "States.Format('hello {}', $.who)"
`), 0o644))
	stacks := testkit.Plan(t, dir, testkit.Options{Stage: "dev"})
	const region = "ap-southeast-2"
	srv.CreateTopic(t, region, "Alerts")
	srv.Deploy(t, stacks[0], region, synth.MachineName(stacks[0].Machine, stacks[0].Config.StageSuffix()))
	srv.UseEnv(t, region)

	out := pipelinetest.Run(t, dir, pipelinetest.Options{Stage: "dev"}, `{"who": "ann"}`, time.Minute)
	require.True(t, out.Succeeded(), "%s in %s: %s: %s", out.Status, out.State, out.Error, out.Cause)
	assert.JSONEq(t, `{"who": "ann"}`, out.Output)
	assert.NotEmpty(t, out.Events)
}
