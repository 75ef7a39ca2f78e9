package synthcache

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func quickKey(t *testing.T, dir string, settings map[string]any, skip ...string) string {
	t.Helper()
	k, err := QuickKey(dir, settings, skip...)
	require.NoError(t, err)
	return k
}

func TestTheQuickKeyMovesWithEveryWriteInTheRepoAndNotWithOutputs(t *testing.T) {
	dir := repo(t)
	settings := map[string]any{"stage": "dev"}
	base := quickKey(t, dir, settings, filepath.Join(dir, "build"))
	assert.Equal(t, base, quickKey(t, dir, settings, filepath.Join(dir, "build")), "stable")

	// Outputs, the cache, git and a temporary file come and gone leave it.
	for _, p := range []string{"cdk.out/x.template.json", ".blueprint/cache/synth/k", ".git/HEAD", "build/manifest.json", "customcode/node_modules/m.js"} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, p), []byte("x"), 0o644))
	}
	tmp := filepath.Join(dir, ".cdk.out-tmp")
	require.NoError(t, os.WriteFile(tmp, nil, 0o644))
	require.NoError(t, os.Remove(tmp))
	assert.Equal(t, base, quickKey(t, dir, settings, filepath.Join(dir, "build")))

	assert.NotEqual(t, base, quickKey(t, dir, map[string]any{"stage": "prod"}, filepath.Join(dir, "build")), "a setting")
	changes := map[string]func(){
		"a file rewritten, same size": func() {
			p := filepath.Join(dir, "config.yaml")
			require.NoError(t, os.WriteFile(p, []byte("name: y\n"), 0o644))
			later := time.Now().Add(2 * time.Second)
			require.NoError(t, os.Chtimes(p, later, later))
		},
		"a file added":    func() { require.NoError(t, os.WriteFile(filepath.Join(dir, "customcode", "new.py"), nil, 0o644)) },
		"a file removed":  func() { require.NoError(t, os.Remove(filepath.Join(dir, "customcode", "glue", "lookup.csv"))) },
		"an empty folder": func() { require.NoError(t, os.Mkdir(filepath.Join(dir, "customcode", "empty"), 0o755)) },
		"a mode":          func() { require.NoError(t, os.Chmod(filepath.Join(dir, "customcode", "glue", "job.py"), 0o755)) },
	}
	seen := map[string]string{base: "base"}
	for what, change := range changes {
		change()
		k := quickKey(t, dir, settings, filepath.Join(dir, "build"))
		_, dup := seen[k]
		assert.False(t, dup, "%s: the key did not move", what)
		seen[k] = what
	}
}

func TestAQuickEntryHoldsOnlyWhileTheVariablesItReadKeepTheirValues(t *testing.T) {
	dir := repo(t)
	q := quickKey(t, dir, nil)
	full := strings.Repeat("ab", 32)
	region, env := "eu-west-1", map[string]string{"AWSREGION": "eu-west-1"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	require.NoError(t, StoreQuick(dir, q, QuickEntry{Key: full, Env: map[string]*string{"AWSREGION": &region, "BUCKET_NAME": nil}, Stacks: []string{"x"}}))

	e, ok := LookupQuick(dir, q, lookup)
	require.True(t, ok)
	assert.Equal(t, full, e.Key)
	assert.Equal(t, []string{"x"}, e.Stacks)

	env["AWSREGION"] = "eu-central-1"
	_, ok = LookupQuick(dir, q, lookup)
	assert.False(t, ok, "a value changed")
	env["AWSREGION"] = "eu-west-1"
	env["BUCKET_NAME"] = "b"
	_, ok = LookupQuick(dir, q, lookup)
	assert.False(t, ok, "an unset variable was set")
	delete(env, "BUCKET_NAME")
	delete(env, "AWSREGION")
	_, ok = LookupQuick(dir, q, lookup)
	assert.False(t, ok, "a set variable was unset")
}

func TestADamagedOrForeignQuickEntryIsAMiss(t *testing.T) {
	dir := repo(t)
	q := quickKey(t, dir, nil)
	none := func(string) (string, bool) { return "", false }
	path := filepath.Join(quickDir(dir), q+".json")
	require.NoError(t, os.MkdirAll(quickDir(dir), 0o755))
	for what, body := range map[string]string{
		"not JSON":       "{",
		"another format": `{"format":"blueprint-synth-quick/0","key":"` + strings.Repeat("a", 64) + `"}`,
		"not a key":      `{"format":"` + quickFormat + `","key":"../../etc"}`,
	} {
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
		_, ok := LookupQuick(dir, q, none)
		assert.False(t, ok, what)
	}
	_, ok := LookupQuick(dir, "../"+q[3:], none)
	assert.False(t, ok, "a quick key that is not a key")
	assert.Error(t, StoreQuick(dir, q, QuickEntry{Key: "../x"}))
}

func TestTheQuickEntriesKeepTheNewestOnly(t *testing.T) {
	dir := repo(t)
	full := strings.Repeat("cd", 32)
	for i := range keepQuick + 3 {
		q := fmt.Sprintf("%064x", i)
		require.NoError(t, StoreQuick(dir, q, QuickEntry{Key: full}))
		old := time.Now().Add(time.Duration(i-100) * time.Minute)
		require.NoError(t, os.Chtimes(filepath.Join(quickDir(dir), q+".json"), old, old))
	}
	require.NoError(t, StoreQuick(dir, strings.Repeat("f", 64), QuickEntry{Key: full}))
	entries, err := os.ReadDir(quickDir(dir))
	require.NoError(t, err)
	assert.Len(t, entries, keepQuick)
	_, err = os.Stat(filepath.Join(quickDir(dir), fmt.Sprintf("%064x", 0)+".json"))
	assert.True(t, os.IsNotExist(err), "the oldest went")
}
