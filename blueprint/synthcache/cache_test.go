package synthcache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func repo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for p, body := range map[string]string{
		"config.yaml":                     "name: x\n",
		"customcode/fn/handler.py":        "def handler(e, c):\n    return e\n",
		"customcode/glue/job.yaml":        "script: job.py\nfiles: [lookup.csv]\n",
		"customcode/glue/job.py":          "print(1)\n",
		"customcode/glue/lookup.csv":      "a,b\n",
		"customcode/unnamed/untouched.py": "x = 1\n",
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, p), []byte(body), 0o644))
	}
	return dir
}

func inputs(dir string) Inputs {
	return Inputs{Repo: dir, Stacks: []Stack{{Path: "config.yaml", Context: map[string]any{"stage": "dev"},
		Rendered: []byte("name: x\ngroups:\n  - jobs:\n      - config: {entry: customcode/fn}\n      - config: {job_file: customcode/glue/job.yaml}\n")}}}
}

func key(t *testing.T, in Inputs) string {
	t.Helper()
	c, err := New(in)
	require.NoError(t, err)
	return c.Key
}

func TestTheKeyChangesWithEveryInputAndOnlyThen(t *testing.T) {
	dir := repo(t)
	base := key(t, inputs(dir))
	assert.Equal(t, base, key(t, inputs(dir)), "same inputs, same key")

	write := func(p, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, p), []byte(body), 0o644))
	}
	write("customcode/unnamed/untouched.py", "x = 2\n")
	assert.Equal(t, base, key(t, inputs(dir)), "a file no config names does not count")

	for _, change := range []struct{ name, path, body string }{
		{"a file of a named directory", "customcode/fn/handler.py", "def handler(e, c):\n    return None\n"},
		{"a named job file", "customcode/glue/job.yaml", "script: job.py\nfiles: [lookup.csv]\nworkers: 3\n"},
		{"a file the job file names", "customcode/glue/lookup.csv", "a,b,c\n"},
	} {
		before := key(t, inputs(dir))
		write(change.path, change.body)
		assert.NotEqual(t, before, key(t, inputs(dir)), change.name)
	}
	in := inputs(dir)
	now := key(t, in)
	in.Stacks[0].Context["stage"] = "prod"
	assert.NotEqual(t, now, key(t, in), "the template context")
	in = inputs(dir)
	in.Settings = map[string]any{"skip_bundling": true}
	assert.NotEqual(t, now, key(t, in), "settings")
	in = inputs(dir)
	in.Stacks[0].Rendered = append(in.Stacks[0].Rendered, "# one more line\n"...)
	assert.NotEqual(t, now, key(t, in), "the rendered config")
}

func assembly(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "asset.abc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"version":"1"}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.template.json"), []byte(`{"Resources":{}}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "asset.abc", "handler.py"), []byte("pass\n"), 0o644))
	return dir
}

func TestAStoredAssemblyIsRestoredWhole(t *testing.T) {
	c, err := New(inputs(repo(t)))
	require.NoError(t, err)
	out := t.TempDir()
	assert.False(t, c.Restore(out), "nothing stored yet")
	require.NoError(t, c.Store(assembly(t)))
	require.True(t, c.Restore(out))
	b, err := os.ReadFile(filepath.Join(out, "asset.abc", "handler.py"))
	require.NoError(t, err)
	assert.Equal(t, "pass\n", string(b))
}

func TestADamagedOrForeignEntryIsNeverTrusted(t *testing.T) {
	for name, damage := range map[string]func(entry string){
		"a file changed": func(e string) {
			require.NoError(t, os.WriteFile(filepath.Join(e, "assembly", "x.template.json"), []byte(`{"Resources":{"Evil":{}}}`), 0o644))
		},
		"a file missing": func(e string) { require.NoError(t, os.Remove(filepath.Join(e, "assembly", "manifest.json"))) },
		"a foreign manifest": func(e string) {
			require.NoError(t, os.WriteFile(filepath.Join(e, "manifest.json"), []byte(`{"format":"other/1","files":{"a":"b"}}`), 0o644))
		},
		"a manifest that is not JSON": func(e string) {
			require.NoError(t, os.WriteFile(filepath.Join(e, "manifest.json"), []byte(`{{`), 0o644))
		},
		"a path out of the assembly": func(e string) {
			raw, _ := os.ReadFile(filepath.Join(e, "manifest.json"))
			raw = []byte(string(raw[:len(raw)-2]) + `,"../../escape":"00"}}`)
			require.NoError(t, os.WriteFile(filepath.Join(e, "manifest.json"), raw, 0o644))
		},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := New(inputs(repo(t)))
			require.NoError(t, err)
			require.NoError(t, c.Store(assembly(t)))
			damage(filepath.Join(c.Root, c.Key))
			out := t.TempDir()
			assert.False(t, c.Restore(out))
			left, _ := os.ReadDir(out)
			assert.Empty(t, left, "a miss leaves the out dir as it was")
			require.NoError(t, c.Store(assembly(t)), "a rebuilt assembly replaces the entry")
			assert.True(t, c.Restore(t.TempDir()))
		})
	}
}

func TestTheCacheKeepsTheNewestEntriesOnly(t *testing.T) {
	dir := repo(t)
	for i := range keep + 2 {
		in := inputs(dir)
		in.Settings = map[string]any{"i": i}
		c, err := New(in)
		require.NoError(t, err)
		require.NoError(t, c.Store(assembly(t)))
	}
	entries, err := os.ReadDir(Dir(dir))
	require.NoError(t, err)
	assert.Len(t, entries, keep)
}
