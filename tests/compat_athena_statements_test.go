package tests

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// sdkCall decodes a custom resource's Create/Update call, an Fn::Join of
// JSON text and references (each reference read as "REF").
func sdkCall(t *testing.T, v any) map[string]any {
	t.Helper()
	var b strings.Builder
	join, ok := v.(map[string]any)["Fn::Join"].([]any)
	require.True(t, ok, "%v", v)
	for _, part := range join[1].([]any) {
		if s, ok := part.(string); ok {
			b.WriteString(s)
		} else {
			b.WriteString("REF")
		}
	}
	var call map[string]any
	require.NoError(t, json.Unmarshal([]byte(b.String()), &call), b.String())
	return call
}

// TestCompatPreparedStatementsRenderAsTheOldTool: a version 1 prepared
// statement's query is rendered with config.query.variables alone, as
// make_athena_prepared_statement did (engine/athena/athena_prepared_statement.py:95-101;
// the texts are what Jinja2 renders for the same inputs), undefined
// variables empty with a warning.
func TestCompatPreparedStatementsRenderAsTheOldTool(t *testing.T) {
	tmpl, states := compatRepo(t, "athena_statements")
	stmts := resourcesOfType(tmpl, "Custom::Athena-Prepared-Statement")
	queries := map[string]string{}
	for _, p := range stmts {
		for _, when := range []string{"Create", "Update"} {
			params := sdkCall(t, p[when])["parameters"].(map[string]any)
			name := params["StatementName"].(string)
			if when == "Update" {
				assert.Equal(t, queries[name], params["QueryStatement"], "%s: the update sends the same text", name)
				continue
			}
			queries[name] = params["QueryStatement"].(string)
		}
	}
	assert.Equal(t, map[string]string{
		// query.file rendered with query.variables; {{ note }} empty.
		"sales_by_region": "-- Sales of one region\nSELECT region, sum(amount) AS total\nFROM sales.orders\nWHERE region = ? AND day >= ?\nGROUP BY region",
		// No query.variables (the old tool crashed): config.variables.
		"top_customers": "SELECT customer, sum(amount) FROM sales.orders WHERE day = ? GROUP BY customer LIMIT 10",
	}, queries)

	// The step's variables list executed the statement as
	// States.Format('EXECUTE s USING {}', …) (athena_config_reader.py:88-93),
	// one {} per variable here.
	var executes []any
	for _, st := range states {
		if p, ok := st["Parameters"].(map[string]any); ok && p["QueryString.$"] != nil {
			executes = append(executes, p["QueryString.$"])
		}
	}
	assert.Equal(t, []any{"States.Format('EXECUTE sales_by_region USING {}, {}', $.region, $.day)"}, executes)

	diags := testkit.Diagnostics(t, filepath.Join("testdata", "compat", "athena_statements"), testkit.Options{Env: compatEnv})
	for _, want := range []string{
		`customcode/athena/statements/sales.sql:1:26: warning: undefined variable "note" renders as empty text, as it did in the data.all blueprint`,
		"config.yaml:20:7: warning: config.variables: the data.all blueprint did not read config.variables (the query was rendered with config.query.variables, engine/athena/athena_prepared_statement.py:95-101); left out as it did",
		"config.yaml:49:22: warning: groups[0].jobs[0].config.variables: the data.all blueprint wrote one {} for these 2 variables (EXECUTE sales_by_region USING {}, engine/athena/athena_config_reader.py:88-93), and Step Functions refuses a States.Format with more arguments than {}; each variable gets its own {} here",
		"config.yaml:37:7: warning: config.query: the data.all blueprint crashed on a prepared statement without config.query.variables (it rendered the query with None, engine/athena/athena_prepared_statement.py:95-101); rendered with config.variables, the key the data.all blueprint's README showed",
	} {
		assert.Contains(t, diags, want)
	}
}
