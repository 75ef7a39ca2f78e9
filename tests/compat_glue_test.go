package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// assetText reads the assembly's copy of the asset an S3 URL names.
func assetText(t *testing.T, dir, url string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "asset."+filepath.Base(url)))
	require.NoError(t, err, url)
	return string(b)
}

// TestCompatGlueKeepsTheOldMeaning checks facts read from data.all's
// engine/glue/glue_task.py and glue_utils/glue_config_reader.py on the
// template and on the job documents it ships.
func TestCompatGlueKeepsTheOldMeaning(t *testing.T) {
	stacks := testkit.Plan(t, filepath.Join("testdata", "compat", "glue"), testkit.Options{Env: compatEnv})
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	jobs := map[string]map[string]any{}
	for _, r := range a.Resources(t, "SampleDataProcessingPipeline", "AWS::Glue::Job") {
		p := r["Properties"].(map[string]any)
		jobs[p["Name"].(string)] = p
	}
	// <pipeline>-<job>-<stage> (glue_task.py:29).
	require.ElementsMatch(t, []string{"sales-load_sales-test", "sales-report_sales-test", "sales-archive_sales-test"}, keysOf(jobs))

	load := jobs["sales-load_sales-test"]
	args := load["DefaultArguments"].(map[string]any)
	// properties.timeout is the Glue Timeout as written: minutes
	// (glue_task.py:50); enable_bookmark the bookmark option (:21-23);
	// connection the job's connection (:24,35).
	assert.EqualValues(t, 120, load["Timeout"])
	assert.Equal(t, "job-bookmark-enable", args["--job-bookmark-option"])
	assert.Equal(t, map[string]any{"Connections": []any{"shared-jdbc"}}, load["Connections"])
	// No capacity was named: the 10 DPUs Glue gives such a job.
	assert.Equal(t, "G.1X", load["WorkerType"])
	assert.EqualValues(t, 10, load["NumberOfWorkers"])
	assert.Equal(t, "pipeline-bucket", args["--BUCKET_NAME"])
	assert.Equal(t, "test", args["--STAGE"])

	report := jobs["sales-report_sales-test"]
	// Default timeout 3600 minutes (glue_task.py:78), bookmarks disabled
	// (:21-23), and no connection.
	assert.EqualValues(t, 3600, report["Timeout"], "not the state machine's 3600 s")
	assert.Equal(t, "job-bookmark-disable", report["DefaultArguments"].(map[string]any)["--job-bookmark-option"])
	assert.NotContains(t, report, "Connections")

	// The job YAML is rendered as the old runner rendered it: the
	// variables file first, with the stage, then the YAML with its keys
	// and stage_ (glue_config_reader.py:93-130, 148-162).
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(assetText(t, a.Dir, args["--CONFIGPATH"].(string))), &doc))
	steps := doc["steps"].([]any)
	raw := steps[0].(map[string]any)["config"].(map[string]any)
	assert.Equal(t, "test-sales-raw", raw["bucket"])
	assert.Equal(t, "sales/testraw", raw["prefix"])
	assert.Equal(t, "sales_test", steps[3].(map[string]any)["config"].(map[string]any)["database"])
	// Of the directory keys the old runner read sql_queries, not queries
	// (glue_config_reader.py:101), and assertions read their SQL there.
	assert.NotContains(t, doc, "queries")
	var files map[string]string
	require.NoError(t, json.Unmarshal([]byte(args["--FILES"].(string)), &files))
	assert.Equal(t, "SELECT * FROM raw_sales WHERE amount > 0\n", assetText(t, a.Dir, files["clean.sql"]))
	assert.True(t, strings.HasPrefix(assetText(t, a.Dir, files["not_empty.sql"]), "-- the assertion data.all ran"))

	// A job YAML the repo lacks: the old tool read it from the bucket only
	// when the job ran (glue_task.py:41,46), and so does this job.
	archive := jobs["sales-archive_sales-test"]["DefaultArguments"].(map[string]any)
	assert.Equal(t, "s3://pipeline-bucket/test/customcode/glue/glue_jobs/archive.yaml", archive["--CONFIGPATH"])
	assert.Equal(t, "{}", archive["--FILES"])
}
