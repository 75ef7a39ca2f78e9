package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// The repo root is the default pipeline a newcomer synthesizes first.
const root = ".."

// TestDefaultPipelineSynthesizesForEveryStage runs the README's first
// command in-process for each stage, checks the output with cfn-lint and
// asl-validator, and keeps the dev template as a golden file.
func TestDefaultPipelineSynthesizesForEveryStage(t *testing.T) {
	for _, stage := range []string{"dev", "test", "prod"} {
		t.Run(stage, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "cdk.out")
			var stdout, stderr bytes.Buffer
			app := &cmd.App{Stdout: &stdout, Stderr: &stderr, LookupEnv: testkit.Env(), Environ: func() []string { return nil }, Registry: engines.Registry()}
			code := app.Run([]string{"synth", "--dir", root, "--stage", stage, "--out", out})
			require.Equal(t, 0, code, stderr.String())
			check.Assembly(t, out)
			files, _ := filepath.Glob(filepath.Join(out, "*.template.json"))
			require.NotEmpty(t, files)
			if stage == "dev" {
				for _, f := range files {
					b, err := os.ReadFile(f)
					require.NoError(t, err)
					testkit.Golden(t, filepath.Join("testdata", "golden", "default-"+filepath.Base(f)), b)
				}
			}
		})
	}
}

// TestSynthIsByteIdenticalAcrossRuns guards determinism: the same config
// must always give the same templates.
func TestSynthIsByteIdenticalAcrossRuns(t *testing.T) {
	stacks := testkit.Plan(t, root, testkit.Options{Stage: "dev"})
	a := testkit.Synth(t, stacks, false)
	stacks = testkit.Plan(t, root, testkit.Options{Stage: "dev"})
	b := testkit.Synth(t, stacks, false)
	require.Equal(t, a.StackNames(), b.StackNames())
	for _, name := range a.StackNames() {
		assert.Equal(t, string(a.Templates[name]), string(b.Templates[name]), name)
	}
}

// BenchmarkSynthDefaultPipeline measures a whole synth of the default
// pipeline after the node process is up (its start-up is paid once per
// process, by the first iteration).
func BenchmarkSynthDefaultPipeline(b *testing.B) {
	for i := 0; i < b.N; i++ {
		stacks := testkit.Plan(b, root, testkit.Options{Stage: "dev"})
		testkit.Synth(b, stacks, false)
	}
}
