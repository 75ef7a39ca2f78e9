package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// dockerImages is how many Docker image assets each example must record
// (built by the CDK CLI at deploy, never at synth).
var dockerImages = map[string]int{"batch": 2, "container-lambda": 1, "sagemaker": 1}

// TestExamplesValidateAndSynthesize keeps every examples/ pipeline
// working: it validates for every stage, synthesizes, passes cfn-lint and
// asl-validator, and matches its golden template.
func TestExamplesValidateAndSynthesize(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "examples", "*", "config.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, cfg := range dirs {
		dir := filepath.Dir(cfg)
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			for _, stage := range []string{"dev", "test", "prod"} {
				testkit.Plan(t, dir, testkit.Options{Stage: stage})
			}
			stacks := testkit.Plan(t, dir, testkit.Options{Stage: "dev"})
			a := testkit.Synth(t, stacks, false)
			check.Assembly(t, a.Dir)
			for _, stack := range a.StackNames() {
				testkit.Golden(t, filepath.Join("testdata", "golden", "examples", name, stack+".template.json"), a.Templates[stack])
				raw, err := os.ReadFile(filepath.Join(a.Dir, stack+".assets.json"))
				require.NoError(t, err)
				var manifest struct {
					DockerImages map[string]any `json:"dockerImages"`
				}
				require.NoError(t, json.Unmarshal(raw, &manifest))
				assert.Len(t, manifest.DockerImages, dockerImages[name], "docker image assets of %s", stack)
			}
		})
	}
}
