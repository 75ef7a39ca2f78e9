package dircopy

import (
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCopyMergesAndSkips(t *testing.T) {
	from, to := t.TempDir(), t.TempDir()
	for p, body := range map[string]string{"config.yaml": "name: p\n", "code/a.py": "a", "cdk.out/x.json": "{}", "code/cdk.out": "a file"} {
		require.NoError(t, os.MkdirAll(filepath.Join(from, filepath.Dir(p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(from, p), []byte(body), 0o644))
	}
	require.NoError(t, os.Symlink("config.yaml", filepath.Join(from, "link.yaml")))
	require.NoError(t, os.WriteFile(filepath.Join(to, "kept.txt"), []byte("k"), 0o644))

	require.NoError(t, Copy(from, to, func(rel string, dir bool) bool { return dir && path.Base(rel) == "cdk.out" }))
	var got []string
	require.NoError(t, filepath.WalkDir(to, func(p string, d os.DirEntry, err error) error {
		if !d.IsDir() {
			rel, _ := filepath.Rel(to, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return err
	}))
	assert.ElementsMatch(t, []string{"config.yaml", "code/a.py", "code/cdk.out", "kept.txt"}, got, "a skipped folder is left out, a file of that name is not; links are not copied")

	// One file, to a path whose folders do not exist yet.
	require.NoError(t, Copy(filepath.Join(from, "code", "a.py"), filepath.Join(to, "deep", "b.py"), nil))
	raw, err := os.ReadFile(filepath.Join(to, "deep", "b.py"))
	require.NoError(t, err)
	assert.Equal(t, "a", string(raw))
}
