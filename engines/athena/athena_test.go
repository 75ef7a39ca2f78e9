package athena_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestBadAthenaInputs runs each fixture under testdata/bad: mistakes in an
// Athena job YAML or its SQL are reported at their line in that file.
func TestBadAthenaInputs(t *testing.T) {
	const yml = "customcode/athena/athena_jobs/reports.yaml"
	tests := []struct{ fixture, want string }{
		{"missing-job-yaml",
			`config.yaml:14:24: groups[0].jobs[0].config.config_file: file "customcode/athena/athena_jobs/report.yaml" does not exist (did you mean "customcode/athena/athena_jobs/reports.yaml"?)`},
		{"job-yaml-not-yaml",
			yml + `:3:4: invalid YAML: "jobs" is at column 4, between the dashes of the list at line 2 (column 3) and the keys of "name" at line 2 (column 5) (indentation: indent it 1 space more, to column 5, with "name" (line 2))`},
		{"job-yaml-without-steps",
			yml + ":1:1: step: unknown key \"step\" (did you mean \"steps\"?)\n" +
				yml + ":1:1: steps: is required"},
		{"unknown-job-type",
			yml + `:5:15: steps[0].jobs[0].type: unknown Athena job type "sqll" (did you mean "sql"?)`},
		{"missing-sql-file",
			yml + `:7:17: steps[0].jobs[0].config.file: file "../sql_queries/daily.sql" does not exist (looked for customcode/athena/sql_queries/daily.sql)`},
		{"misspelt-workgroup",
			`config.yaml:15:22: groups[0].jobs[0].config.workgroup: workgroup "Reportin" is not defined in aws_resources (did you mean "Reporting"?)`},
		{"workgroup-of-another-type",
			`config.yaml:17:22: groups[0].jobs[0].config.workgroup: workgroup "alerts" is a sns_topic resource; expected "athena_workgroup"`},
		{"misspelt-prepared-statement",
			yml + `:7:31: steps[0].jobs[0].config.prepared_statement: prepared statement "total_by_region" is not defined in aws_resources (did you mean "totals_by_region"?)`},
		{"statement-in-another-workgroup",
			yml + `:7:31: steps[0].jobs[0].config.prepared_statement: prepared statement "totals_by_region" is in workgroup "primary", and this job runs in "Reporting-bad-test" (a statement can only be executed in its own workgroup: set the same workgroup on both)`},
		{"statement-parameters-mismatch",
			yml + `:8:23: steps[0].jobs[0].config.parameters: the query has 2 ? placeholders and gets 1 execution parameter from config.parameters`},
		{"undefined-variable",
			`customcode/athena/sql_queries/daily_sales.sql:1:49: undefined variable "databse" (did you mean "database"?)`},
		{"placeholders-without-parameters",
			yml + `:7:17: steps[0].jobs[0].config.file: the query has 1 ? placeholder and gets no execution parameters (give their values as a list in the step's config.variables, or in this job's config.parameters)`},
		{"parameters-list-mismatch",
			yml + `:7:17: steps[0].jobs[0].config.file: the query has 2 ? placeholders and gets 3 execution parameters from the step's config.variables`},
		{"runtime-variable-filtered",
			`customcode/athena/sql_queries/daily_sales.sql:1:19: {{ database|upper }} uses the runtime variable "database" ($.database), whose value only exists at run time (insert it as it is, {{ database }}; Step Functions fills it in)`},
		{"malformed-runtime-variable",
			`config.yaml:18:18: groups[0].jobs[0].config.variables.run: path "$.run[": "[" is not a valid selector; use [n], [*], [a:b], [n,m] or ['name']`},
		{"duplicate-step-names",
			yml + `:8:11: steps[1].name: step name "daily" is already used by steps[0] (step names become state names and must be unique)`},
		{"duplicate-job-names",
			yml + `:8:15: steps[0].jobs[1].name: job name "daily_sales" is already used by steps[0].jobs[0] (the jobs of a step become state names and must be unique)`},
		{"state-name-too-long",
			yml + `:10:15: steps[1].jobs[0].name: makes the state name "BuildReports: weekly: ` + strings.Repeat("x", 60) + `", 82 characters long; Step Functions allows 80`},
		{"result-location-not-s3",
			`config.yaml:7:30: aws_resources[0].config.query_result_location: must start with "s3://"; got "example-results/athena/"`},
		{"statement-given-twice",
			`config.yaml:9:15: aws_resources[0].config.query.file: the statement is already given by config.query.query_string; give one of query_string or file`},
		{"statement-with-runtime-variable",
			`config.yaml:10:9: aws_resources[0].config.variables: a prepared statement is created at deploy: its variables cannot be runtime references`},
		{"statement-undefined-variable",
			`customcode/athena/totals.sql:2:9: undefined variable "datbase" (did you mean "database"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			got := testkit.Diagnostics(t, filepath.Join("testdata", "bad", tt.fixture), testkit.Options{})
			assert.Equal(t, tt.want+"\n"+summary(tt.want), got)
		})
	}
}

// summary is the closing line of a run that printed the errors of want.
func summary(want string) string {
	if n := strings.Count(want, "\n") + 1; n > 1 {
		return fmt.Sprintf("%d errors, 0 warnings", n)
	}
	return "1 error, 0 warnings"
}

// params returns the Parameters of a task state.
func params(t *testing.T, s *asl.State) map[string]any {
	t.Helper()
	require.NotNil(t, s)
	require.Equal(t, asl.Task, s.Type)
	require.Equal(t, "arn:aws:states:::athena:startQueryExecution.sync", s.Resource)
	return s.Parameters.(map[string]any)
}

func TestAthenaJobStepsRunInSequenceAndTheirJobsInParallel(t *testing.T) {
	stacks := testkit.Plan(t, "../../examples/glue-athena", testkit.Options{Stage: "dev"})
	m := stacks[0].Machine
	report := m.Definition.States["Report"].Branches[0]
	require.Equal(t, "BuildReports: daily", report.StartAt)

	daily := report.States["BuildReports: daily"]
	assert.Equal(t, "BuildReports: reports", daily.Next)
	assert.Equal(t, map[string]any{
		"WorkGroup":             "Reporting-sales-ingestion-dev",
		"QueryExecutionContext": map[string]any{"Database": "sales_dev"},
		"QueryString.$": `States.Format('CREATE TABLE IF NOT EXISTS sales_dev.daily_sales AS
SELECT o.order_date, c.country_code AS region, sum(o.amount) AS total, \'{}\' AS run_id
FROM sales_dev.orders o JOIN sales_dev.customers c ON o.customer_id = c.customer_id
WHERE o.order_date = date \'{}\'
GROUP BY o.order_date, c.country_code
', $$.Execution.Name, $.run_date)`,
	}, params(t, daily))

	reports := report.States["BuildReports: reports"]
	require.Equal(t, asl.Parallel, reports.Type)
	require.Len(t, reports.Branches, 2)
	assert.True(t, reports.ResultPath.Null, "the parallel queries' results are dropped")
	for _, b := range reports.Branches {
		task := b.States[b.StartAt]
		require.Len(t, task.Retry, 1, "the job's retry reaches the queries inside the Parallel too")
		assert.Equal(t, []string{"Athena.AmazonAthenaException", "Athena.TooManyRequestsException"}, task.Retry[0].ErrorEquals)
	}
	assert.Equal(t, "SELECT product_id, count(*) AS orders FROM sales_dev.orders GROUP BY product_id\n",
		params(t, reports.Branches[1].States["BuildReports: reports: by_product"])["QueryString"])

	totals := params(t, report.States["BuildReports: totals"])
	assert.Equal(t, "EXECUTE daily_totals_by_region_sales_ingestion_dev", totals["QueryString"])
	assert.Equal(t, []string{"'EU'"}, totals["ExecutionParameters"])

	policy := m.Policy.Normalized()
	assert.Contains(t, policy, engine.Statement{
		Actions:   []string{"athena:GetPreparedStatement", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetWorkGroup", "athena:StartQueryExecution", "athena:StopQueryExecution"},
		Resources: []string{engine.ARN("athena", "workgroup/Reporting-sales-ingestion-dev")},
	})
	assert.Contains(t, policy, engine.Statement{
		Actions:   []string{"s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"},
		Resources: []string{"arn:" + engine.Partition.String() + ":s3:::example-sales-results/athena/*"},
	}, "the workgroup's own result location")
	assert.Contains(t, policy, engine.Statement{
		Actions: []string{"glue:BatchCreatePartition", "glue:BatchDeletePartition", "glue:BatchGetPartition", "glue:CreatePartition", "glue:CreateTable",
			"glue:DeletePartition", "glue:DeleteTable", "glue:GetDatabase", "glue:GetDatabases", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables",
			"glue:UpdatePartition", "glue:UpdateTable"},
		Resources: []string{engine.ARN("glue", "catalog"), engine.ARN("glue", "database/*"), engine.ARN("glue", "table/*/*")},
	}, "CREATE TABLE … AS changes the catalog")
}

func TestAthenaVariables(t *testing.T) {
	stacks := testkit.Plan(t, "testdata/pipeline", testkit.Options{Stage: "dev"})
	def := stacks[0].Machine.Definition
	queries := def.States["Queries"]
	refresh := queries.Branches[0]
	counts := refresh.States["Refresh: counts"]

	t.Run("a list fills the placeholders of the queries that have some", func(t *testing.T) {
		byRegion := params(t, counts.Branches[0].States["Refresh: counts: by_region"])
		assert.Equal(t, `States.Array(States.Format('\'{}\'', $.region), States.Format('\'{}\'', $$.Execution.Name), '10')`, byRegion["ExecutionParameters.$"])
		totals := params(t, counts.Branches[1].States["Refresh: counts: totals"])
		assert.NotContains(t, totals, "ExecutionParameters")
		assert.NotContains(t, totals, "ExecutionParameters.$")
	})
	t.Run("a job's own parameters win over the list", func(t *testing.T) {
		legacy := params(t, refresh.States["Refresh: legacy"])
		assert.Equal(t, "EXECUTE legacy_top", legacy["QueryString"])
		assert.Equal(t, []string{"'EU'", "5"}, legacy["ExecutionParameters"])
	})
	t.Run("a list of literals is written as SQL literals", func(t *testing.T) {
		top := params(t, queries.Branches[2].States["Top: top"])
		assert.Equal(t, "EXECUTE top_customers_athena_fixture_dev", top["QueryString"])
		assert.Equal(t, []string{"'EU'", "5"}, top["ExecutionParameters"])
		assert.Equal(t, "primary", top["WorkGroup"], "no workgroup, no athena_workgroup variable and no saml_group")
	})
	t.Run("a runtime value in a mapping becomes States.Format", func(t *testing.T) {
		snapshot := params(t, queries.Branches[1].States["AuditDay: snapshot"])
		assert.Equal(t, "States.Format('INSERT INTO sales.audit_snapshots\nSELECT date \\'{}\\' AS day, count(*) AS orders FROM sales.orders\n', $.day)", snapshot["QueryString.$"])
		assert.NotContains(t, snapshot, "ResultConfiguration", "the workgroup of this config enforces its location")
	})
	t.Run("an existing workgroup gets a result location in the pipeline bucket", func(t *testing.T) {
		byRegion := params(t, counts.Branches[0].States["Refresh: counts: by_region"])
		assert.Equal(t, "analytics", byRegion["WorkGroup"])
		assert.Equal(t, map[string]any{"OutputLocation": "s3://" + engine.ContextRef("pipeline_bucket") + "/athena-results/Refresh/"}, byRegion["ResultConfiguration"])
	})
}

func TestAthenaResultPathKeepsEachQueryExecution(t *testing.T) {
	stacks := testkit.Plan(t, "testdata/pipeline", testkit.Options{Stage: "dev"})
	refresh := stacks[0].Machine.Definition.States["Queries"].Branches[0]
	counts := refresh.States["Refresh: counts"]
	assert.Equal(t, "$.athena.counts", counts.ResultPath.Value)
	assert.Equal(t, map[string]any{"by_region.$": "$[0]", "totals.$": "$[1]"}, counts.ResultSelector)
	assert.Nil(t, counts.Branches[0].States["Refresh: counts: by_region"].ResultPath, "a branch's output is its query's result")
	assert.Equal(t, "$.athena.legacy.legacy_top", refresh.States["Refresh: legacy"].ResultPath.Value)
	assert.Len(t, counts.Branches[0].States["Refresh: counts: by_region"].Retry, 1)
	assert.Len(t, refresh.States["Refresh: legacy"].Retry, 1)
}

func TestAthenaDefaultWorkgroup(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"primary without a hint", nil, "primary"},
		{"the team's workgroup", []string{"SAML_GROUP", "analysts"}, "analysts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stacks := testkit.Plan(t, "testdata/pipeline", testkit.Options{Stage: "dev", Env: testkit.Env(tt.env...)})
			top := stacks[0].Machine.Definition.States["Queries"].Branches[2].States["Top: top"]
			assert.Equal(t, tt.want, params(t, top)["WorkGroup"])
		})
	}
	stacks := testkit.Plan(t, "testdata/pipeline", testkit.Options{Stage: "dev", Vars: map[string]string{"athena_workgroup": "reporting"}, Env: testkit.Env("SAML_GROUP", "analysts")})
	top := stacks[0].Machine.Definition.States["Queries"].Branches[2].States["Top: top"]
	assert.Equal(t, "reporting", params(t, top)["WorkGroup"], "the athena_workgroup variable wins")
}

// TestAthenaFixtureSynthesizes checks the workgroup, the prepared
// statement and the machine's role against the golden template, cfn-lint
// and asl-validator.
func TestAthenaFixtureSynthesizes(t *testing.T) {
	stacks := testkit.Plan(t, "testdata/pipeline", testkit.Options{Stage: "dev",
		Env: testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "BUCKET_NAME", "example-pipeline-bucket")})
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	testkit.Golden(t, "testdata/golden/athena-fixture.template.json", a.Templates["athena-fixture"])

	wg := a.Resources(t, "athena-fixture", "AWS::Athena::WorkGroup")["WorkgroupAudit"]["Properties"].(map[string]any)
	assert.Equal(t, "Audit-athena-fixture-dev", wg["Name"])
	assert.Equal(t, true, wg["RecursiveDeleteOption"])
	cfg := wg["WorkGroupConfiguration"].(map[string]any)
	assert.Equal(t, false, cfg["EnforceWorkGroupConfiguration"])
	assert.Equal(t, "SSE_KMS", cfg["ResultConfiguration"].(map[string]any)["EncryptionConfiguration"].(map[string]any)["EncryptionOption"])

	st := a.Resources(t, "athena-fixture", "AWS::Athena::PreparedStatement")["PreparedStatementTopCustomers"]["Properties"].(map[string]any)
	assert.Equal(t, "top_customers_athena_fixture_dev", st["StatementName"])
	assert.Equal(t, "primary", st["WorkGroup"])
	assert.Equal(t, "SELECT customer_id, sum(amount) AS total\nFROM sales.orders\nWHERE region = ?\nGROUP BY customer_id\nORDER BY total DESC\nLIMIT ?", st["QueryStatement"])

	policy, err := json.Marshal(a.Resources(t, "athena-fixture", "AWS::IAM::Policy"))
	require.NoError(t, err)
	for _, want := range []string{":s3:::example-audit/results/*", ":s3:::example-pipeline-bucket/athena-results/Refresh/*", ":workgroup/analytics\"", `"Action":["kms:Decrypt","kms:GenerateDataKey"],"Effect":"Allow","Resource":"arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"`} {
		assert.Contains(t, string(policy), want)
	}
}

// TestStatementQueryFormat: query_format dataall renders a prepared
// statement as data.all did (an undefined variable empty, with a warning;
// a runtime reference inserted as written); the default keeps both errors.
func TestStatementQueryFormat(t *testing.T) {
	cfg := func(format string) string {
		return "version: 2\nname: p\naws_resources:\n  - name: s\n    type: athena_prepared_statement\n    config:\n" + format +
			"      variables: {day: $.day}\n      query: {query_string: 'SELECT * FROM {% raw %}{{ db }}.t WHERE d = {{ day }}{% endraw %}'}\n"
	}
	for _, tt := range []struct{ format, want string }{
		{"      query_format: dataall\n", `config.yaml:9:29: warning: aws_resources[0].config.query.query_string: undefined variable "db" renders as empty text, as it did in the data.all blueprint`},
		{"", `config.yaml:8:29: aws_resources[0].config.query.query_string: undefined variable "db" (did you mean "day"?)`},
	} {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg(tt.format)), 0o644))
		got := testkit.Diagnostics(t, dir, testkit.Options{})
		assert.Contains(t, got, tt.want)
		if tt.format != "" {
			assert.Contains(t, got, "0 errors", "the runtime reference is inserted as written")
		}
	}
}
