package athena

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestDataAllJobFileIsRewrittenForThoseVariables: the job YAML is rendered
// with the step's variables (an undefined one empty, with a warning), a
// comma-separated file becomes files and any other job type a prepared
// statement; encoded, it is a job YAML of this tool's format.
func TestDataAllJobFileIsRewrittenForThoseVariables(t *testing.T) {
	src := `steps:
  - name: Dim_{{dimension}}_01
    jobs:
    - name : {{dimension}}_map
      type: sql
      config:
        file: "{{path}}/a.sql,{{path}}/b.sql"
    - name: {{dimension}}_{{missing}}stats
      type: prepared
      config: {prepared_statement: stats}
`
	doc, text, diags := DataAllJobFile("job.yaml", []byte(src), map[string]any{"dimension": "d1", "path": "sql"}, t.TempDir())
	require.NotNil(t, doc)
	require.Len(t, diags, 1)
	assert.Equal(t, "job.yaml:8:29: warning: undefined variable \"missing\" renders as empty text, as it did in the data.all blueprint (set it in variables.yaml or with --var missing=…, or write {{ missing|default:'' }})", diags[0].String())
	assert.Contains(t, string(text), "name: Dim_d1_01")
	out, err := yaml.Marshal(doc)
	require.NoError(t, err)
	var jf struct {
		Steps []struct {
			Name string
			Jobs []map[string]any
		}
	}
	require.NoError(t, yaml.Unmarshal(out, &jf))
	require.Len(t, jf.Steps, 1)
	assert.Equal(t, "Dim_d1_01", jf.Steps[0].Name)
	assert.Equal(t, map[string]any{"name": "d1_map", "type": "sql", "config": map[string]any{"files": []any{"sql/a.sql", "sql/b.sql"}}}, jf.Steps[0].Jobs[0])
	assert.Equal(t, "prepared_statement", jf.Steps[0].Jobs[1]["type"])
	// Nodes keep their place in the rendered text.
	files := field(field(items(field(items(field(doc.Content[0], "steps"))[0], "jobs"))[0], "config"), "files")
	assert.Equal(t, 7, files.Line)
}

func TestTeamWorkgroupReadsTheRoleARNAsDataAllDid(t *testing.T) {
	// athena_task.py:66-68: the last "-" part and the second-to-last "/" part.
	assert.Equal(t, "WG-envuri42-engineers", TeamWorkgroup("arn:aws:iam::111111111111:role/envuri42/dataall-team-engineers"))
	assert.Equal(t, "WG-arn:aws:iam::111111111111:role-runner", TeamWorkgroup("arn:aws:iam::111111111111:role/pipeline-runner"))
}

func TestExecuteFormatWritesTheVariablesIntoTheQuery(t *testing.T) {
	assert.Equal(t, "States.Format('EXECUTE s USING {}', $$.Execution.Id)", executeFormat("s", []param{paramOf("$$.Execution.Id")}))
	assert.Equal(t, "States.Format('EXECUTE s USING {}, {}', $.x, '2024')", executeFormat("s", []param{paramOf("$.x"), paramOf(2024)}))
}
