package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

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
	// The description reads the environment through the template.
	cfg := filepath.Join(dir, "config.yaml")
	raw, err := os.ReadFile(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfg, bytes.Replace(raw, []byte("name: big\n"), []byte("name: big\ndescription: \"owned by {{ env_var('OWNER', 'nobody') }}\"\n"), 1), 0o644))
	owner := "team-a"
	synth := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		app := &cmd.App{Stdout: &stdout, Stderr: &stderr, LookupEnv: testkit.Env("BLUEPRINT_CACHE", "on", "OWNER", owner), Environ: func() []string { return nil }, Registry: engines.Registry()}
		code := app.Run(append([]string{"synth", "--dir", dir, "--stage", "dev"}, args...))
		require.Equal(t, 0, code, stderr.String())
		return stderr.String()
	}
	const hit = "reused from the cache"
	// The quick path: nothing in the repo was written since the last
	// synth, so it is not even loaded.
	const quick = "(repo unchanged since that synth: reused from the cache)"
	template := filepath.Join(dir, "cdk.out", "big.template.json")

	assert.NotContains(t, synth(), hit)
	first, err := os.ReadFile(template)
	require.NoError(t, err)
	assert.Contains(t, synth(), quick)
	again, err := os.ReadFile(template)
	require.NoError(t, err)
	assert.Equal(t, string(first), string(again))

	owner = "team-b"
	assert.NotContains(t, synth(), hit, "a variable the template read changed")
	assert.Contains(t, string(mustRead(t, template)), "owned by team-b")
	assert.Contains(t, synth(), quick)
	owner = "team-a"
	assert.Contains(t, synth(), "(inputs unchanged: reused from the cache)", "back to a kept assembly: the quick entry of this stamp was replaced, the full key still finds it")
	assert.Contains(t, string(mustRead(t, template)), "owned by team-a")

	// A write that leaves the rendered configs and named files as they
	// were misses the quick path and hits the full key.
	now := time.Now().Add(time.Second)
	require.NoError(t, os.Chtimes(cfg, now, now))
	assert.Contains(t, synth(), "(inputs unchanged: reused from the cache)")
	assert.Contains(t, synth(), quick)

	assert.NotContains(t, synth("--no-cache"), hit)
	assert.NotContains(t, synth("--var", "owner=someone"), hit, "another template context")

	handler := filepath.Join(dir, "customcode", "fn", "handler.py")
	require.NoError(t, os.WriteFile(handler, []byte("def handler(event, context):\n    return {}\n"), 0o644))
	assert.NotContains(t, synth(), hit, "a file the config names changed")
	assert.Contains(t, synth(), quick)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644))
	assert.Contains(t, synth(), "(inputs unchanged: reused from the cache)", "a new file no config names")

	entries, err := os.ReadDir(synthcache.Dir(dir))
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() == "quick" {
			continue
		}
		require.NoError(t, os.WriteFile(filepath.Join(synthcache.Dir(dir), e.Name(), "assembly", "big.template.json"), []byte(`{"Resources":{}}`), 0o644))
	}
	assert.NotContains(t, synth(), hit, "a damaged entry is never trusted")
	rebuilt, err := os.ReadFile(template)
	require.NoError(t, err)
	assert.NotEqual(t, `{"Resources":{}}`, string(rebuilt))
	assert.Contains(t, synth(), hit, "and is rebuilt")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	return raw
}
