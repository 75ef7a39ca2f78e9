package glue_test

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/engines/glue"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

const shapes = "testdata/shapes"

var shapesEnv = testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "BUCKET_NAME", "pipe-bucket")

// TestJobShapesShipTheirDocuments plans one job per shape of job YAML and
// keeps what each ships in runner/tests/jobs/: the runner's unittests run
// exactly these documents on the fake (test_shapes.py).
func TestJobShapesShipTheirDocuments(t *testing.T) {
	stacks, diags := testkit.TryPlan(shapes, testkit.Options{Stage: "dev", Env: shapesEnv})
	require.Empty(t, diags, "%v", diags)
	steps := stacks[0].Index.Steps
	names := make([]string, 0, len(steps))
	for n := range steps {
		names = append(names, n)
	}
	sort.Strings(names)
	require.Len(t, names, 6)
	for _, n := range names {
		doc, files, err := glue.JobBundle(steps[n].Spec, shapes)
		require.NoError(t, err)
		var parsed any
		require.NoError(t, json.Unmarshal(doc, &parsed), n)
		bundle, err := json.MarshalIndent(map[string]any{"doc": parsed, "files": files}, "", " ")
		require.NoError(t, err)
		testkit.Golden(t, filepath.Join("runner", "tests", "jobs", n+".json"), append(bundle, '\n'))
	}
}

// TestEveryHandlerSynthesizes synthesizes the jobs, the one using every
// handler among them, and checks what the runner's zip carries.
func TestEveryHandlerSynthesizes(t *testing.T) {
	stacks := testkit.Plan(t, shapes, testkit.Options{Stage: "dev", Env: shapesEnv})
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	job := a.Resources(t, "shapes", "AWS::Glue::Job")["GlueJobEveryHandler"]["Properties"].(map[string]any)
	args := job["DefaultArguments"].(map[string]any)
	assert.Equal(t, "pipe-bucket", args["--BUCKET_NAME"])
	zipURL := args["--extra-py-files"].(string)
	zipped := filepath.Join(a.Dir, "asset."+strings.TrimSuffix(filepath.Base(zipURL), ".zip")+".zip")
	r, err := zip.OpenReader(zipped)
	require.NoError(t, err)
	defer r.Close()
	var inZip []string
	for _, f := range r.File {
		if !strings.HasPrefix(f.Name, "blueprint_glue/") {
			inZip = append(inZip, f.Name)
		}
	}
	assert.Equal(t, []string{"blueprint_glue_custom/__init__.py", "blueprint_glue_custom/dedupe.py",
		"udfs/__init__.py", "udfs/functions.py", "udfs/myudf.py"}, inZip)
	script := job["Command"].(map[string]any)["ScriptLocation"].(string)
	main, err := os.ReadFile(filepath.Join(a.Dir, "asset."+filepath.Base(script)))
	require.NoError(t, err)
	assert.Contains(t, string(main), "from blueprint_glue.entry import Platform, run")
	// The same runner for every job: one script, one zip per content.
	example := a.Resources(t, "shapes", "AWS::Glue::Job")["GlueJobExample"]["Properties"].(map[string]any)
	assert.Equal(t, script, example["Command"].(map[string]any)["ScriptLocation"])
}
