package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/check"
)

// TestTheCDKCLIRunsBlueprintAsItsApp runs `cdk synth` with the CDK CLI
// (pinned in tools/) and blueprint as the app, as cdk.json sets it up:
// CDK_OUTDIR and CDK_CONTEXT_JSON come from the CLI.
func TestTheCDKCLIRunsBlueprintAsItsApp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and starts the CDK CLI")
	}
	if _, err := check.EnsureASLValidator(); err != nil { // installs tools/, the CDK CLI included
		t.Fatalf("tools: %v", err)
	}
	root, err := check.RepoRoot()
	require.NoError(t, err)
	cdk := filepath.Join(root, "tools", "node_modules", ".bin", "cdk")
	require.FileExists(t, cdk)

	bin := filepath.Join(t.TempDir(), "blueprint")
	build := exec.Command("go", "build", "-o", bin, "./cmd/blueprint")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	repo := t.TempDir()
	for _, f := range []string{"config.yaml", "variables.yaml"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(repo, f), b, 0o644))
	}
	cp := exec.Command("cp", "-r", filepath.Join(root, "customcode"), repo)
	out, err = cp.CombinedOutput()
	require.NoError(t, err, string(out))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "cdk.json"), []byte(`{"app": "`+bin+` synth"}`), 0o644))

	cmd := exec.Command(cdk, "synth", "--no-notices", "--no-version-reporting", "--quiet", "--context", "from-cli=yes")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "STAGE=prod", "CDK_DISABLE_CLI_TELEMETRY=true")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	tmpl, err := os.ReadFile(filepath.Join(repo, "cdk.out", "data-pipeline.template.json"))
	require.NoError(t, err, string(out))
	assert.Contains(t, string(tmpl), `/dataall/data-pipeline/prod/step_function_arn`)
	check.Assembly(t, filepath.Join(repo, "cdk.out"))
}
