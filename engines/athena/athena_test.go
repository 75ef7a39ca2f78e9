package athena_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const query = "name: p\naws_resources:\n  - {name: WG, type: athena_workgroup, config: {query_result_location: 's3://b/r/'}}\ngroups:\n  - name: G\n    jobs:\n      - {name: Q, type: athena_query, config: {config_file: customcode/athena/job.yaml, workgroup: WG, variables: {db: sales}}}\n"

func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	base := map[string]string{
		"config.yaml":                query,
		"customcode/athena/a.sql":    "SELECT * FROM {{ db }}.t\n",
		"customcode/athena/job.yaml": "steps:\n  - name: s\n    jobs:\n      - {name: a, type: sql, config: {file: a.sql}}\n",
	}
	for k, v := range files {
		base[k] = v
	}
	for name, body := range base {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

func TestBadAthenaJobs(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"a valid job", nil, "0 errors, 0 warnings"},
		{"a job YAML without steps", map[string]string{"customcode/athena/job.yaml": "x: 1\n"},
			"customcode/athena/job.yaml:1:1: steps: is required\ncustomcode/athena/job.yaml:1:1: x: unknown key \"x\" (known keys: description, steps)\n2 errors, 0 warnings"},
		{"a job YAML that is missing", map[string]string{"config.yaml": "name: p\ngroups:\n  - name: G\n    jobs:\n      - {name: Q, type: athena_query, config: {config_file: customcode/athena/nope.yaml}}\n"},
			"config.yaml:5:61: groups[0].jobs[0].config.config_file: file \"customcode/athena/nope.yaml\" does not exist\n1 error, 0 warnings"},
		{"a job YAML that is not YAML", map[string]string{"customcode/athena/job.yaml": "steps:\n  - name: s\n   jobs: []\n"},
			"customcode/athena/job.yaml:1: invalid YAML: did not find expected '-' indicator\n1 error, 0 warnings"},
		{"an unknown job type", map[string]string{"customcode/athena/job.yaml": "steps:\n  - name: s\n    jobs:\n      - {name: a, type: query, config: {file: a.sql}}\n"},
			"customcode/athena/job.yaml:4:25: steps[0].jobs[0].type: must be one of \"sql\" or \"prepared_statement\"; got \"query\"\n1 error, 0 warnings"},
		{"a SQL file that does not exist", map[string]string{"customcode/athena/job.yaml": "steps:\n  - name: s\n    jobs:\n      - {name: a, type: sql, config: {file: b.sql}}\n"},
			"customcode/athena/job.yaml:4:45: steps[0].jobs[0].config.file: file \"b.sql\" does not exist\n1 error, 0 warnings"},
		{"an undefined variable in the SQL", map[string]string{"customcode/athena/a.sql": "SELECT * FROM {{ dbb }}.t\n"},
			"customcode/athena/a.sql:1:18: undefined variable \"dbb\" (did you mean \"db\"?)\n1 error, 0 warnings"},
		{"a workgroup that matches nothing", map[string]string{"config.yaml": "name: p\naws_resources:\n  - {name: Reporting, type: athena_workgroup, config: {query_result_location: 's3://b/r/'}}\ngroups:\n  - name: G\n    jobs:\n      - {name: Q, type: athena_query, config: {config_file: customcode/athena/job.yaml, workgroup: Reportin, variables: {db: x}}}\n"},
			"config.yaml:7:100: groups[0].jobs[0].config.workgroup: workgroup \"Reportin\" is not defined in aws_resources (did you mean \"Reporting\"?)\n1 error, 0 warnings"},
		{"a prepared statement that matches nothing", map[string]string{
			"config.yaml":                "name: p\naws_resources:\n  - {name: totals, type: athena_prepare_statement, config: {query: {query_string: 'SELECT 1'}}}\ngroups:\n  - name: G\n    jobs:\n      - {name: Q, type: athena_query, config: {config_file: customcode/athena/job.yaml}}\n",
			"customcode/athena/job.yaml": "steps:\n  - name: s\n    jobs:\n      - {name: a, type: prepared_statement, config: {prepared_statement: total}}\n"},
			"customcode/athena/job.yaml:4:74: steps[0].jobs[0].config.prepared_statement: prepared statement \"total\" is not defined in aws_resources (did you mean \"totals\"?)\n1 error, 0 warnings"},
		{"a result location that is not S3", map[string]string{"config.yaml": "name: p\naws_resources:\n  - {name: WG, type: athena_workgroup, config: {query_result_location: 'bucket/r/'}}\n"},
			"config.yaml:3:72: aws_resources[0].config.query_result_location: must start with \"s3://\"; got \"bucket/r/\"\n1 error, 0 warnings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, testkit.Diagnostics(t, repo(t, tt.files), testkit.Options{}))
		})
	}
}

func TestRuntimeVariablesBecomeStatesFormat(t *testing.T) {
	dir := repo(t, map[string]string{
		"config.yaml":             "name: p\ngroups:\n  - name: G\n    jobs:\n      - {name: Q, type: athena_query, config: {config_file: customcode/athena/job.yaml, variables: {db: sales, run: $$.Execution.Id, v: $.InputVar}}}\n      - {name: P, type: athena_query, config: {config_file: customcode/athena/params.yaml, variables: [\"$$.Execution.Id\", \"$.InputVar\", \"lit'eral\"]}}\n",
		"customcode/athena/a.sql":       "SELECT '{{ run }}', {{ v }} FROM {{ db }}.t -- {x}\n",
		"customcode/athena/b.sql":       "SELECT * FROM t WHERE run = ? AND v = ? AND name = ?\n",
		"customcode/athena/params.yaml": "steps:\n  - name: s\n    jobs:\n      - {name: b, type: sql, config: {file: b.sql}}\n",
	})
	stacks, diags := testkit.TryPlan(dir, testkit.Options{})
	require.False(t, diags.HasErrors(), "%v", diags)
	g := stacks[0].Machine.Definition.States["G"]
	q := g.Branches[0].States["Q: s"].Parameters.(map[string]any)
	assert.Equal(t, `States.Format('SELECT \'{}\', {} FROM sales.t -- \{x\}
', $$.Execution.Id, $.InputVar)`, q["QueryString.$"])
	assert.Equal(t, "primary", q["WorkGroup"], "no workgroup and no saml_group: primary")
	p := g.Branches[1].States["P: s"].Parameters.(map[string]any)
	assert.Equal(t, `States.Array($$.Execution.Id, $.InputVar, 'lit\'eral')`, p["ExecutionParameters.$"])
}
