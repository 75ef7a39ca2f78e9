package plan_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// properties.job_names: the first state writes each job's name for the
// execution and the execution's tags, as data.all's Task Execution Id
// did (utils/stack_task_util.py:290-352, utils/stack_util.py:383-414).
func TestJobNamesAreTheFirstState(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("version: 2\nname: p\n"+things+`
properties:
  job_names: true
groups:
  - name: G1
    jobs:
      - {name: "Prepare_Data 1", type: task, config: {thing: A}}
      - {name: AVeryLongJobNameThatIsCutTo32Characters, type: task, config: {thing: B}}
  - name: G2
    jobs:
      - {name: J3, type: task, config: {thing: A}}
`), 0o644))
	env := []string{"ENVTAG_Owner=me@example.com", "ENVTAG_Application=overwritten", "CODEBUILD_BUILD_ID=p:42",
		"CODEBUILD_RESOLVED_SOURCE_VERSION=abc123", "ENVROLEARN=arn:aws:iam::123456789012:role/env", "SAML_GROUP=DataScience",
		"PIPELINE_URI=pipe1", "ENVIRONMENT_URI=env1", "STAGE=prod", "ORIGIN_PIPELINE_NAME=origin"}
	var kv []string
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		kv = append(kv, k, v)
	}
	stacks, diags := plan.Load(config.LoadOptions{RepoDir: dir, LookupEnv: testkit.Env(kv...), Environ: env}, registry())
	require.False(t, diags.HasErrors(), "%v", diags)
	sm := stacks[0].Machine.Definition
	assert.Equal(t, plan.JobNamesState, sm.StartAt)
	st := sm.States[plan.JobNamesState]
	assert.Equal(t, "G1", st.Next)
	raw, err := json.Marshal(st)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(raw, &got))
	assert.Equal(t, "$.job_names", got["ResultPath"])
	par := got["Parameters"].(map[string]any)
	assert.Equal(t, "States.Format('preparedata1-{}', $$.Execution.Name)", par["0|0.$"])
	assert.Equal(t, "States.Format('averylongjobnamethatiscutto32cha-{}', $$.Execution.Name)", par["0|1.$"])
	assert.Equal(t, "States.Format('j3-{}', $$.Execution.Name)", par["1|0.$"])
	// ENVTAG_ first (Application keeps its place, data.all's value), then
	// the stack's attributes; samlgroup lowercased; ExecutionID last.
	assert.Equal(t, `States.StringToJson(States.Format('[`+
		`\{"Key":"Application","Value":"data.all"\},\{"Key":"Owner","Value":"me@example.com"\},`+
		`\{"Key":"PipelineInfo","Value":"prod/origin"\},\{"Key":"BuildID","Value":"p:42"\},\{"Key":"CommitID","Value":"abc123"\},`+
		`\{"Key":"EnvironmentRole","Value":"arn:aws:iam::123456789012:role/env"\},\{"Key":"samlgroup","Value":"datascience"\},`+
		`\{"Key":"PipelineURI","Value":"pipe1"\},\{"Key":"EnvironmentURI","Value":"env1"\},`+
		`\{"Key":"ExecutionID","Value":"{}"\}]', $$.Execution.Name))`, par["tags.$"])
}
