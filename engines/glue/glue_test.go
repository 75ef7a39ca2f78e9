package glue_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const step = "name: p\ngroups:\n  - name: G\n    jobs:\n      - {name: Load, type: glue_job, config: job.yaml}\n"

func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	base := map[string]string{
		"customcode/glue/runner/runner.py":   "print('run')\n",
		"customcode/glue/sql/a.sql":          "SELECT 1\n",
		"customcode/glue/glue_jobs/job.yaml": "steps:\n  - name: a\n    type: sql\n    config: {file: ../sql/a.sql}\n",
	}
	for k, v := range files {
		base[k] = v
	}
	for name, body := range base {
		if body == "" {
			continue
		}
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

func TestBadGlueJobs(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"a job YAML that is missing", map[string]string{"config.yaml": "name: p\ngroups:\n  - name: G\n    jobs:\n      - {name: Load, type: glue_job, config: nope.yaml}\n"},
			"config.yaml:5:46: groups[0].jobs[0].config: Glue job YAML \"nope.yaml\" does not exist (looked for it as a repo path and as customcode/glue/glue_jobs/nope.yaml)\n1 error, 0 warnings"},
		{"a job YAML that is not YAML", map[string]string{"config.yaml": step, "customcode/glue/glue_jobs/job.yaml": "steps: [\n"},
			"customcode/glue/glue_jobs/job.yaml:1: invalid YAML: did not find expected node content\n1 error, 0 warnings"},
		{"an unknown step type", map[string]string{"config.yaml": step, "customcode/glue/glue_jobs/job.yaml": "steps:\n  - name: a\n    type: sqll\n    config: {file: ../sql/a.sql}\n"},
			"customcode/glue/glue_jobs/job.yaml:3:11: steps[0].type: unknown Glue job step type \"sqll\" (did you mean \"sql\"?)\n1 error, 0 warnings"},
		{"a SQL file that does not exist", map[string]string{"config.yaml": step, "customcode/glue/glue_jobs/job.yaml": "steps:\n  - name: a\n    type: sql\n    config:\n      file: ../sql/missing.sql\n"},
			"customcode/glue/glue_jobs/job.yaml:5:13: steps[0].config.file: file \"../sql/missing.sql\" is outside the repo; paths must stay inside it\n1 error, 0 warnings"},
		{"a SQL file given as a repo path that does not exist", map[string]string{"config.yaml": step, "customcode/glue/glue_jobs/job.yaml": "steps:\n  - name: a\n    type: sql\n    config:\n      file: customcode/glue/sql/missing.sql\n"},
			"customcode/glue/glue_jobs/job.yaml:5:13: steps[0].config.file: file \"customcode/glue/sql/missing.sql\" does not exist\n1 error, 0 warnings"},
		{"a step without name and config", map[string]string{"config.yaml": step, "customcode/glue/glue_jobs/job.yaml": "steps:\n  - type: sql\n"},
			"customcode/glue/glue_jobs/job.yaml:2:5: steps[0].config: is required\ncustomcode/glue/glue_jobs/job.yaml:2:5: steps[0].name: is required\n2 errors, 0 warnings"},
		{"an unknown key in the job YAML", map[string]string{"config.yaml": step, "customcode/glue/glue_jobs/job.yaml": "worker: G.1X\nsteps:\n  - {name: a, type: sql, config: {file: ../sql/a.sql}}\n"},
			"customcode/glue/glue_jobs/job.yaml:1:1: worker: unknown key \"worker\" (did you mean \"worker_type\"?)\n1 error, 0 warnings"},
		{"no script and no default runner", map[string]string{"config.yaml": step, "customcode/glue/runner/runner.py": ""},
			"customcode/glue/glue_jobs/job.yaml:1:1: script: names no script, and the repo has no default runner customcode/glue/runner/runner.py (set script: to your job's PySpark script, or add the runner)\n1 error, 0 warnings"},
		{"a connection that is another kind of resource", map[string]string{"config.yaml": "name: p\naws_resources:\n  - {name: warehouse, type: sns_topic}\ngroups:\n  - name: G\n    jobs:\n      - {name: Load, type: glue_job, config: job.yaml}\n",
			"customcode/glue/glue_jobs/job.yaml": "connection: warehouse\nsteps:\n  - {name: a, type: sql, config: {file: ../sql/a.sql}}\n"},
			"config.yaml:7:46: groups[0].jobs[0].config: the job's connection \"warehouse\" is a sns_topic resource, not a glueconnection\n1 error, 0 warnings"},
		{"a password written as a value", map[string]string{"config.yaml": "name: p\naws_resources:\n  - name: c\n    type: glue_connection\n    config: {subnet_id: subnet-0a1b2c3d, security_group_id: [sg-0a1b2c3d], jdbc_url: /x/url, username: /x/user, password: \"hunter 2!\"}\n"},
			"config.yaml:5:123: aws_resources[0].config.password: password must name an SSM parameter (e.g. /glueconnection/password), not hold the value: values would be written into the template\n1 error, 0 warnings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := repo(t, tt.files)
			assert.Equal(t, tt.want, testkit.Diagnostics(t, dir, testkit.Options{}))
		})
	}
}

func TestGlueJobPlan(t *testing.T) {
	stacks := testkit.Plan(t, "../../examples/glue-athena", testkit.Options{Stage: "prod"})
	st := stacks[0].Machine.Definition.States["Ingest"].Branches[0].States["IngestOrders"]
	assert.Equal(t, "arn:aws:states:::glue:startJobRun.sync", st.Resource)
	assert.Equal(t, map[string]any{"JobName": "sales-ingestion-IngestOrders-prod",
		"Arguments": map[string]any{"--execution_id.$": "$$.Execution.Id", "--run_date.$": "$.run_date"}}, st.Parameters)
}
