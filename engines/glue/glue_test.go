package glue_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestBadGlueInputs runs each fixture under testdata/bad: mistakes in a
// job YAML are reported at their line in that YAML.
func TestBadGlueInputs(t *testing.T) {
	tests := []struct{ fixture, want string }{
		{"missing-job-yaml",
			`config.yaml:8:17: groups[0].jobs[0].config: Glue job YAML "order.yaml" does not exist (looked for it as a repo path and as customcode/glue/glue_jobs/order.yaml)`},
		{"job-yaml-outside-repo",
			`config.yaml:8:17: groups[0].jobs[0].config: file "../orders.yaml" is outside the repo; paths must stay inside it`},
		{"job-yaml-not-yaml",
			`customcode/glue/glue_jobs/orders.yaml:3:4: invalid YAML: "type" is at column 4, between the dashes of the list at line 2 (column 3) and the keys of "name" at line 2 (column 5) (indentation: indent it 1 space more, to column 5, with "name" (line 2))`},
		{"empty-job-yaml",
			`customcode/glue/glue_jobs/orders.yaml:1:1: the Glue job YAML is empty (it needs steps: [{name, type, config}])`},
		{"unknown-step-type",
			`customcode/glue/glue_jobs/orders.yaml:3:11: steps[0].type: unknown Glue job step type "sqll" (did you mean "sql"?)`},
		{"missing-sql-file",
			`customcode/glue/glue_jobs/orders.yaml:5:13: steps[0].config.file: file "../sql/order.sql" does not exist (looked for customcode/glue/sql/order.sql)`},
		{"step-without-name-and-config",
			"customcode/glue/glue_jobs/orders.yaml:2:5: steps[0].config: is required\n" +
				"customcode/glue/glue_jobs/orders.yaml:2:5: steps[0].name: is required"},
		{"step-without-file",
			`customcode/glue/glue_jobs/orders.yaml:5:7: steps[0].config.file: is required`},
		{"duplicate-step-names",
			`customcode/glue/glue_jobs/orders.yaml:6:11: steps[1].name: step name "load" is already used by steps[0] (the runner names each step's result after it: names must be unique)`},
		{"wrong-file-kind",
			`customcode/glue/glue_jobs/orders.yaml:5:13: steps[0].config.file: a udf step runs a .py file; ../sql/orders.sql is not one`},
		{"unknown-key",
			`customcode/glue/glue_jobs/orders.yaml:1:1: worker: unknown key "worker" (did you mean "worker_type"?)`},
		{"bad-worker-type",
			`customcode/glue/glue_jobs/orders.yaml:1:14: worker_type: must be one of "Standard", "G.025X", "G.1X", "G.2X", "G.4X", "G.8X" or "Z.2X"; got "G.3X"`},
		{"script-not-python",
			`customcode/glue/glue_jobs/orders.yaml:1:9: script: ../scala/Job.scala is not a Python script; blueprint creates PySpark (glueetl) jobs, whose script is a .py file`},
		{"reserved-argument",
			`customcode/glue/glue_jobs/orders.yaml:2:17: arguments.--CONFIGPATH: --CONFIGPATH is set by blueprint on every run`},
		{"variables-file-not-a-mapping",
			`customcode/glue/glue_jobs/vars.yaml:1:1: the variables file must be a mapping of names to values`},
		{"connection-of-another-type",
			`customcode/glue/glue_jobs/orders.yaml:1:13: connection: connection "warehouse" is a sns_topic resource; expected "glueconnection"`},
		{"misspelt-connection",
			`customcode/glue/glue_jobs/orders.yaml:1:13: connection: connection "warehous" is not defined in aws_resources (did you mean "warehouse"?)`},
		{"reserved-run-argument",
			"config.yaml:10:25: groups[0].jobs[0].arguments.execution_id: --execution_id is set by blueprint on every run\n" +
				`config.yaml:11:18: groups[0].jobs[0].arguments.--day: path "$.day[": "[" is not a valid selector; use [n], [*], [a:b], [n,m] or ['name']`},
		{"handler-configs",
			"customcode/glue/glue_jobs/orders.yaml:7:20: steps[0].config.multiprefix: must be true or false; got \"yes\"\n" +
				"customcode/glue/glue_jobs/orders.yaml:8:20: steps[0].config.read_method: must be one of \"glue\" or \"spark\"; got \"glu\" (did you mean \"glue\"?)\n" +
				"customcode/glue/glue_jobs/orders.yaml:12:13: steps[1].config.file: file \"order.sql\" does not exist (looked for it under customcode/glue/sql_queries/, as a repo path and next to customcode/glue/glue_jobs/orders.yaml)\n" +
				"customcode/glue/glue_jobs/orders.yaml:16:7: steps[2].config: give sql or file, not both\n" +
				"customcode/glue/glue_jobs/orders.yaml:21:7: steps[3].config.database: is required\n" +
				"customcode/glue/glue_jobs/orders.yaml:24:22: steps[3].config.num_out_files: must be at least 1; got 0\n" +
				"customcode/glue/glue_jobs/orders.yaml:25:25: steps[3].config.options.format: must be one of \"parquet\", \"csv\", \"json\", \"orc\" or \"avro\"; got \"parquett\" (did you mean \"parquet\"?)\n" +
				"customcode/glue/glue_jobs/orders.yaml:30:13: steps[4].config.sign: must be one of \"gt\", \"gte\", \"eq\", \"lt\" or \"lte\"; got \"bigger\"\n" +
				"customcode/glue/glue_jobs/orders.yaml:32:11: steps[5].type: unknown Glue job step type \"obfuscat\" (did you mean \"obfuscate\"?)\n" +
				"customcode/glue/glue_jobs/orders.yaml:38:15: steps[6].config.module: module \"missing\" is not in customcode/glue/udfs/ (looked for customcode/glue/udfs/missing.py) (set udfs: to the directory of your UDF modules, or use file: with a .py file)\n" +
				"customcode/glue/glue_jobs/orders.yaml:43:14: steps[7].config.level: must be one of \"low\" or \"medium\"; got \"high\"\n" +
				"customcode/glue/handlers/broken.yaml:3:21: keys.threshold.type: must be one of \"any\", \"bool\", \"file\", \"int\", \"list\", \"map\", \"number\", \"string\" or \"strings\"; got \"flaot\"\n" +
				`customcode/glue/handlers/noschema.py:1:1: the handler "noschema" has no schema (add customcode/glue/handlers/noschema.yaml with its doc and keys; blueprint checks each step's config with it)`},
		{"undefined-variable",
			`customcode/glue/glue_jobs/job.yaml:5:27: undefined variable "source_bucket" (set it in variables.yaml or with --var source_bucket=…)`},
		{"password-as-value",
			"config.yaml:9:17: aws_resources[0].config.jdbc_url: jdbc_url must name an SSM parameter (e.g. /glueconnection/jdbc_url), not hold the value: values would be written into the template\n" +
				"config.yaml:11:17: aws_resources[0].config.password: password must name an SSM parameter (e.g. /glueconnection/password), not hold the value: values would be written into the template"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			got := testkit.Diagnostics(t, filepath.Join("testdata", "bad", tt.fixture), testkit.Options{})
			assert.Equal(t, tt.want+"\n"+summary(tt.want), got)
		})
	}
}

// TestAVersion1JobYAMLRendersUndefinedVariablesEmpty: without version: 2,
// a job YAML keeps data.all's Jinja, with a warning.
func TestAVersion1JobYAMLRendersUndefinedVariablesEmpty(t *testing.T) {
	got := testkit.Diagnostics(t, filepath.Join("testdata", "bad", "undefined-variable-v1"), testkit.Options{})
	assert.Equal(t, "config.yaml:1: warning: read as a data.all blueprint config (version 1), since it has no version: key (blueprint migrate upgrades it to version 2; a config already written for this tool only needs version: 2 on its first line)\n"+
		"config.yaml:8:9: warning: groups[0].jobs[0].type: the data.all blueprint ran this job's YAML with its own glue_main.py on Glue 2.0 (glue_task.py:52,80); it runs with blueprint's Glue runner on Glue 4.0 (glue_version in the job YAML chooses another)\n"+
		"customcode/glue/glue_jobs/job.yaml:5:27: warning: undefined variable \"source_bucket\" renders empty, as data.all's Jinja did (a config without version: 2) (set it in variables.yaml or with --var source_bucket=…)\n"+
		"0 errors, 3 warnings", got)
}

// summary is the closing line of a run that printed the errors of want.
func summary(want string) string {
	if n := strings.Count(want, "\n") + 1; n > 1 {
		return fmt.Sprintf("%d errors, 0 warnings", n)
	}
	return "1 error, 0 warnings"
}

func TestGlueJobRunsSyncWithTheExecutionID(t *testing.T) {
	stacks := testkit.Plan(t, "../../examples/glue-athena", testkit.Options{Stage: "prod"})
	m := stacks[0].Machine
	st := m.Definition.States["Ingest"].Branches[0].States["IngestOrders"]
	assert.Equal(t, "arn:aws:states:::glue:startJobRun.sync", st.Resource)
	assert.Equal(t, map[string]any{"JobName": "sales-ingestion-IngestOrders-prod",
		"Arguments": map[string]any{"--execution_id.$": "$$.Execution.Id", "--run_date.$": "$.run_date"}}, st.Parameters)
	assert.Contains(t, m.Policy.Normalized(), engine.Statement{
		Actions:   []string{"glue:BatchStopJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun"},
		Resources: []string{engine.ARN("glue", "job/sales-ingestion-IngestOrders-prod")},
	})
}

func TestGlueJobArgumentsGetTheirDashes(t *testing.T) {
	stacks := testkit.Plan(t, "testdata/pipeline", testkit.Options{Stage: "dev"})
	def := stacks[0].Machine.Definition
	load := def.States["Load"].Branches[0].States["LoadOrders"]
	assert.Equal(t, map[string]any{"--execution_id.$": "$$.Execution.Id", "--day.$": "$.day", "--mode": "full"},
		load.Parameters.(map[string]any)["Arguments"])
	export := def.States["Load"].Branches[1].States["Export"]
	assert.Equal(t, "$.export", export.ResultPath.Value)
	assert.Equal(t, "exports the day's orders", export.Comment)
}

// TestGlueFixtureSynthesizes checks the template of both jobs and the
// connection against its golden file, cfn-lint and asl-validator.
func TestGlueFixtureSynthesizes(t *testing.T) {
	stacks := testkit.Plan(t, "testdata/pipeline", testkit.Options{Stage: "dev", Env: testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "BUCKET_NAME", "example-pipeline-bucket")})
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	testkit.Golden(t, "testdata/golden/glue-fixture.template.json", a.Templates["glue-fixture"])

	jobs := a.Resources(t, "glue-fixture", "AWS::Glue::Job")
	load := jobs["GlueJobLoadOrders"]["Properties"].(map[string]any)
	args := load["DefaultArguments"].(map[string]any)
	assert.Equal(t, "s3://example-pipeline-bucket/glue-temp/glue-fixture-LoadOrders-dev/", args["--TempDir"])
	assert.Equal(t, map[string]any{"Connections": []any{map[string]any{"Ref": "GlueConnectionWarehouse"}}}, load["Connections"])
	// --FILES maps each path as the YAML writes it to its asset.
	files := map[string]string{}
	require.NoError(t, json.Unmarshal([]byte(args["--FILES"].(string)), &files))
	assert.Len(t, files, 2)
	assert.Contains(t, files, "../sql/orders.sql")
	assert.Contains(t, files, "customcode/glue/python/report.py")
	assert.Len(t, a.Resources(t, "glue-fixture", "AWS::IAM::Role"), 3, "a role per job, and the state machine's")
	policy, _ := json.Marshal(a.Resources(t, "glue-fixture", "AWS::IAM::Policy"))
	assert.Contains(t, string(policy), `:secretsmanager:eu-west-1:111111111111:secret:warehouse/credentials-??????"`, "the job reads its connection's secret")

	conn := a.Resources(t, "glue-fixture", "AWS::Glue::Connection")["GlueConnectionWarehouse"]["Properties"].(map[string]any)["ConnectionInput"].(map[string]any)
	assert.Equal(t, map[string]any{"JDBC_CONNECTION_URL": "{{resolve:ssm:/warehouse/jdbc_url}}", "SECRET_ID": "warehouse/credentials"}, conn["ConnectionProperties"])
}

func TestGlueJobsUseTheEnvironmentRole(t *testing.T) {
	const role = "arn:aws:iam::111111111111:role/dataall-env-role"
	stacks := testkit.Plan(t, "testdata/pipeline", testkit.Options{Stage: "dev", Env: testkit.Env("ENVROLEARN", role)})
	a := testkit.Synth(t, stacks, false)
	assert.Empty(t, a.Resources(t, "glue-fixture", "AWS::IAM::Role"))
	for id, job := range a.Resources(t, "glue-fixture", "AWS::Glue::Job") {
		assert.Equal(t, role, job["Properties"].(map[string]any)["Role"], id)
	}
}
