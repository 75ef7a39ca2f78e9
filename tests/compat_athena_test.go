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

// TestCompatAthenaRunsTheOldQueries checks, on the definition, how
// engine/athena/athena_task.py and athena_config_reader.py ran an
// athena_query step.
func TestCompatAthenaRunsTheOldQueries(t *testing.T) {
	_, states := compatRepo(t, "athena")
	reload := states["facts: Facts_sales_01"]
	par := reload["Parameters"].(map[string]any)
	// The job YAML is rendered with config.variables (Facts_{{fact}}_01),
	// its comma-separated files joined with ";" into one query, an
	// undefined variable ({{source_database}}) empty, as Jinja did
	// (athena_config_reader.py:150-168, 193-199).
	assert.Equal(t, "DROP TABLE IF EXISTS athenasns.stg_fact_sales;INSERT INTO athenasns.sales\nSELECT id FROM .v_sales", par["QueryString"])
	// No ResultConfiguration: the workgroup's location (athena_task.py:9-25).
	assert.NotContains(t, par, "ResultConfiguration")
	// Without ENVROLEARN the team workgroup cannot be derived: primary.
	assert.Equal(t, "primary", par["WorkGroup"])
	// No ResultPath: the query's result is the state (athena_task.py:80-82).
	assert.Equal(t, "$", reload["ResultPath"])
	// config.retry: retry_attempt (not retry_attempts) default 3, backoff 1.1
	// (athena_task.py:47-56).
	assert.Equal(t, []any{map[string]any{"ErrorEquals": []any{"Athena.TooManyRequestsException"}, "IntervalSeconds": float64(1), "MaxAttempts": float64(3), "BackoffRate": 1.1}}, reload["Retry"])

	// A SQL file that is a States.Format is the query's expression
	// (athena_task.py:10-17); runtime variables are inserted as written.
	loc := states["facts: Facts_sales_02: sales_location"]["Parameters"].(map[string]any)
	assert.Equal(t, `States.Format('ALTER TABLE athenasns.fact_sales SET LOCATION "s3://pipeline-bucket/fact_sales/{}/"',$$.Execution.Id)`, loc["QueryString.$"])
	// Any job type other than sql is a prepared statement (athena_config_reader.py:173).
	assert.Equal(t, "EXECUTE refresh_stats", states["facts: Facts_sales_02: sales_stats"]["Parameters"].(map[string]any)["QueryString"])
	assert.Nil(t, states["facts: Facts_sales_02"]["ResultPath"], "a step of several jobs is a Parallel whose result is dropped")
	// A variables list is written into the query (athena_config_reader.py:176-179).
	lookup := states["lookup: Lookup"]["Parameters"].(map[string]any)
	assert.Equal(t, "States.Format('EXECUTE lookup_run USING {}', $$.Execution.Id)", lookup["QueryString.$"])
	assert.NotContains(t, lookup, "ExecutionParameters")

	// With the environment role, the default workgroup is the team's:
	// WG-<env_uri>-<ad_group> (athena_task.py:63-68).
	env := testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "BUCKET_NAME", "pipeline-bucket",
		"ENVROLEARN", "arn:aws:iam::111111111111:role/dataall-envuri42/dataall-team-engineers")
	stacks := testkit.Plan(t, filepath.Join("testdata", "compat", "athena"), testkit.Options{Env: env})
	var def map[string]any
	require.NoError(t, json.Unmarshal(testkit.Definition(t, stacks[0]), &def))
	wg := def["States"].(map[string]any)["facts: Facts_sales_01"].(map[string]any)["Parameters"].(map[string]any)["WorkGroup"]
	assert.Equal(t, "WG-dataall-envuri42-engineers", wg)
	assert.Equal(t, "primary", def["States"].(map[string]any)["lookup: Lookup"].(map[string]any)["Parameters"].(map[string]any)["WorkGroup"], "config.workgroup wins")
	assert.False(t, strings.Contains(string(testkit.Definition(t, stacks[0])), "athena-results"))
}
