package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// fakeOld writes a small folder of the old tool's layout, with configs
// written for this test (the old tool's own are never part of the repo).
func fakeOld(t *testing.T) string {
	old := t.TempDir()
	files := map[string]string{
		// The default config: synthesizes and round-trips.
		"config.yaml": "name: fake\naws_resources:\n  - name: alerts\n    type: sns_topic\ngroups:\n  - name: Notify\n    jobs:\n      - name: publish\n        type: sns_publish\n        config:\n          topic_name: alerts\n          message: done\n",
		// An example whose Lambda code the README puts under customcode/.
		"examples/hello_example/config.yaml":                               "name: hello\ngroups:\n  - name: Hello\n    jobs:\n      - name: hello\n        type: lambda_function\n        config:\n          entry: customcode/lambda_functions/hello\n",
		"examples/hello_example/lambda_functions/hello/lambda_function.py": "def handler(event, context):\n    return event\n",
		// A statement with YAML after it on its line: synth takes it,
		// migrate refuses it.
		"examples/hello_example/inline.yaml": "name: inline\n{% if stage == 'prod' %}comment: production{% endif %}\naws_resources:\n  - name: alerts\n    type: sns_topic\n",
		// An undefined layer: the old tool failed on it too.
		"tests/unittests/config_files/config_err.yaml": "name: err\ngroups:\n  - name: G\n    jobs:\n      - name: fx\n        type: lambda_function\n        config:\n          entry: customcode/lambda_functions/hello\n          layer_ref: [missing_layer]\n",
	}
	for p, body := range files {
		full := filepath.Join(old, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(body), 0o644))
	}
	return old
}

func TestTheTableSaysWhatEachConfigGave(t *testing.T) {
	old := fakeOld(t)
	ex := "examples/hello_example/"
	overlay := map[string]string{ex + "lambda_functions": "customcode/lambda_functions"}
	layouts := []layout{
		{name: "config.yaml", config: "config.yaml"},
		{name: ex + "config.yaml", config: ex + "config.yaml", overlay: overlay},
		{name: ex + "inline.yaml", config: ex + "inline.yaml"},
		{name: "config_err.yaml", config: "tests/unittests/config_files/config_err.yaml", overlay: overlay, fault: "config.yaml:9:23"},
		{name: "config_err.yaml elsewhere", config: "tests/unittests/config_files/config_err.yaml", overlay: overlay, fault: "config.yaml:2:1"},
		{name: "config.yaml, said to fail", config: "config.yaml", fault: "config.yaml:3:5"},
		{name: "missing.yaml", config: "examples/missing.yaml"},
	}
	var out bytes.Buffer
	require.Equal(t, 0, run(&out, old, layouts, false, ""))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, len(layouts)+1, out.String())
	cell := func(i, col int) string {
		cells := strings.Split(lines[i], " | ")
		require.Greater(t, len(cells), col, lines[i])
		return cells[col]
	}
	// Without PIPELINE_NAME the stack is data.all's default name (app.py:22).
	assert.Equal(t, "synth ok: SampleDataProcessingPipeline (1 warnings)", cell(0, 1))
	assert.Equal(t, "round trip: same templates", cell(0, 2))
	assert.Regexp(t, `^synth ok: SampleDataProcessingPipeline \(\d+ warnings\)$`, cell(1, 1))
	assert.Equal(t, "round trip: same templates", cell(1, 2))
	assert.Regexp(t, `^synth ok: SampleDataProcessingPipeline`, cell(2, 1))
	assert.Equal(t, "refused: config.yaml:2:1: cannot migrate: a template statement with YAML after it on its line (put the statement on a line of its own, or migrate this file by hand)", cell(2, 2))
	assert.Equal(t, `expected failure: config.yaml:9:23: groups[0].jobs[0].config.layer_ref[0]: layer "missing_layer" is not defined in aws_resources (add a resource of type "lambda_layer")`, cell(3, 1))
	assert.True(t, strings.HasPrefix(cell(3, 2), "migrated; synth fails again: "), cell(3, 2))
	assert.True(t, strings.HasPrefix(cell(4, 1), "synth FAILS: config.yaml:9:23: "), cell(4, 1))
	assert.True(t, strings.HasSuffix(cell(4, 1), " (UNEXPECTED: the old tool failed at config.yaml:2:1)"), cell(4, 1))
	assert.Equal(t, "round trip: same templates", cell(5, 2))
	assert.Equal(t, "synth ok: SampleDataProcessingPipeline (1 warnings) (UNEXPECTED: the old tool failed at config.yaml:3:5)", cell(5, 1))
	assert.True(t, strings.HasPrefix(lines[6], "missing.yaml"), lines[6])
	assert.Contains(t, lines[6], "| layout failed: ")
	assert.Equal(t, "4 of 7 synthesize, 1 fail at their expected fault; 3 of 7 migrate to the same templates", lines[7])
}
