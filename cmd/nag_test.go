package cmd_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSynthNagChecksTheStacks(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": small, "variables.yaml": smallVars})
	out := filepath.Join(t.TempDir(), "cdk.out")
	code, _, errOut := run(t, nil, "synth", "--dir", dir, "--stage", "dev", "--out", out, "--nag")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "1 stack(s), checked with cdk-nag AwsSolutions")
	reports, _ := filepath.Glob(filepath.Join(out, "*NagReport*"))
	assert.Empty(t, reports, "the reports are read, not left in the assembly")
	assert.FileExists(t, filepath.Join(out, "manifest.json"))

	code, _, errOut = run(t, nil, "synth", "--dir", dir, "--out", out, "--nag", "--cicd")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--nag checks the stacks of the configs; run it without --cicd")
}
