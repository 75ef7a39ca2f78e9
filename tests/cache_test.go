package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/synthcache"
	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/bigpipe"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestARepeatedSynthOfUnchangedInputsReusesTheAssemblyAndAnyChangeRebuildsIt(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, bigpipe.Write(dir, bigpipe.Shape{Groups: 1, Lambdas: 1}))
	synth := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		app := &cmd.App{Stdout: &stdout, Stderr: &stderr, LookupEnv: testkit.Env("BLUEPRINT_CACHE", "on"), Environ: func() []string { return nil }, Registry: engines.Registry()}
		code := app.Run(append([]string{"synth", "--dir", dir, "--stage", "dev"}, args...))
		require.Equal(t, 0, code, stderr.String())
		return stderr.String()
	}
	const hit = "(inputs unchanged: reused from the cache)"
	template := filepath.Join(dir, "cdk.out", "big.template.json")

	assert.NotContains(t, synth(), hit)
	first, err := os.ReadFile(template)
	require.NoError(t, err)
	assert.Contains(t, synth(), hit)
	again, err := os.ReadFile(template)
	require.NoError(t, err)
	assert.Equal(t, string(first), string(again))

	assert.NotContains(t, synth("--no-cache"), hit)
	assert.NotContains(t, synth("--var", "owner=someone"), hit, "another template context")

	handler := filepath.Join(dir, "customcode", "fn", "handler.py")
	require.NoError(t, os.WriteFile(handler, []byte("def handler(event, context):\n    return {}\n"), 0o644))
	assert.NotContains(t, synth(), hit, "a file the config names changed")
	assert.Contains(t, synth(), hit)

	entries, err := os.ReadDir(synthcache.Dir(dir))
	require.NoError(t, err)
	for _, e := range entries {
		require.NoError(t, os.WriteFile(filepath.Join(synthcache.Dir(dir), e.Name(), "assembly", "big.template.json"), []byte(`{"Resources":{}}`), 0o644))
	}
	assert.NotContains(t, synth(), hit, "a damaged entry is never trusted")
	rebuilt, err := os.ReadFile(template)
	require.NoError(t, err)
	assert.NotEqual(t, `{"Resources":{}}`, string(rebuilt))
	assert.Contains(t, synth(), hit, "and is rebuilt")
}
