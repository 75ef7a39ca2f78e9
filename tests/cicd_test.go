package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/check"
)

// TestCICDPipelineDeploysEveryStage synthesizes the starter with a cicd
// section: a CodePipeline stack (source, build with the tests, a deploy
// stage per stage, approval before prod) and the stages' own stacks.
func TestCICDPipelineDeploysEveryStage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	code, out := blueprint(t, "init", dir)
	require.Equal(t, 0, code, out)
	vars, err := os.ReadFile(filepath.Join(dir, "variables.yaml"))
	require.NoError(t, err)
	vars = append(vars, []byte("cicd:\n  repository: repo-code\n  stages: [dev, test, prod]\n")...)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), vars, 0o644))

	outDir := filepath.Join(t.TempDir(), "cdk.out")
	code, out = blueprint(t, "synth", "--dir", dir, "--cicd", "--out", outDir)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "the repo-cicd pipeline deploying dev, test, prod")
	check.Assembly(t, outDir)

	raw, err := os.ReadFile(filepath.Join(outDir, "repo-cicd.template.json"))
	require.NoError(t, err)
	// The build runs the blueprint the repo pins, installing none.
	assert.Contains(t, string(raw), `go tool blueprint synth --cicd`)
	assert.NotContains(t, string(raw), `go install github.com/blueprint-dev`)
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	require.NoError(t, json.Unmarshal(raw, &tmpl))
	var stages []string
	approvals := map[string]bool{}
	for _, r := range tmpl.Resources {
		if r.Type != "AWS::CodePipeline::Pipeline" {
			continue
		}
		for _, st := range r.Properties["Stages"].([]any) {
			s := st.(map[string]any)
			stages = append(stages, s["Name"].(string))
			for _, a := range s["Actions"].([]any) {
				if a.(map[string]any)["ActionTypeId"].(map[string]any)["Category"] == "Approval" {
					approvals[s["Name"].(string)] = true
				}
			}
		}
	}
	assert.Equal(t, []string{"Source", "Build", "UpdatePipeline", "Assets", "Dev", "Test", "Prod"}, stages)
	assert.Equal(t, map[string]bool{"Prod": true}, approvals, "a person approves prod, and only prod")
	for _, stage := range []string{"Dev", "Test", "Prod"} {
		files, _ := filepath.Glob(filepath.Join(outDir, "assembly-"+stage, "*.template.json"))
		assert.Len(t, files, 1, stage)
	}
}

func TestCICDNeedsItsSection(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	code, out := blueprint(t, "init", dir)
	require.Equal(t, 0, code, out)
	code, out = blueprint(t, "synth", "--dir", dir, "--cicd")
	assert.Equal(t, 1, code)
	assert.Equal(t, "variables.yaml:1: --cicd needs a cicd: section (cicd: {repository: my-repo, stages: [dev, test, prod]})\n1 error, 0 warnings\n", out)
	vars, _ := os.ReadFile(filepath.Join(dir, "variables.yaml"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), append(vars, []byte("cicd:\n  stages: [dev, qa]\n  approve_before: [prod]\n")...), 0o644))
	code, out = blueprint(t, "synth", "--dir", dir, "--cicd")
	assert.Equal(t, 1, code)
	assert.Equal(t, "variables.yaml:12:3: cicd.repository: is required\nvariables.yaml:13:19: cicd.approve_before: stage \"prod\" is not in cicd.stages\n2 errors, 0 warnings\n", out)
}
