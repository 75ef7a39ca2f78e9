package lambda_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestAssetSymlinksStayInTheRepo(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "credentials")
	require.NoError(t, os.WriteFile(outside, []byte("[default]\naws_secret_access_key = x\n"), 0o644))
	for name, body := range map[string]string{
		"customcode/fn/handler.py":          "def handler(e, c):\n    return e\n",
		"customcode/shared/util.py":         "X = 1\n",
		"customcode/layer/requirements.txt": "",
	} {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	require.NoError(t, os.Symlink("../shared/util.py", filepath.Join(dir, "customcode/fn/util.py")))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "customcode/fn/creds")))
	require.NoError(t, os.Symlink(filepath.Dir(outside), filepath.Join(dir, "customcode/layer/home")))
	cfg := "version: 2\nname: p\naws_resources:\n  - {name: L, type: lambda_layer, config: {layer_entry: customcode/layer, bundle_type: simple}}\n" +
		"groups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: handler, layer_ref: [L]}}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644))
	got := strings.ReplaceAll(testkit.Diagnostics(t, dir, testkit.Options{}), filepath.Dir(outside), "OUTSIDE")
	const hint = " (an asset holds only files of the repo: copy the file into the directory, or point the link inside the repo)"
	assert.Equal(t, strings.Join([]string{
		`config.yaml:4:57: aws_resources[0].config.layer_entry: symlink "customcode/layer/home" leads outside the repo (to OUTSIDE)` + hint,
		`config.yaml:8:58: groups[0].jobs[0].config.entry: symlink "customcode/fn/creds" leads outside the repo (to OUTSIDE/credentials)` + hint,
		"2 errors, 0 warnings",
	}, "\n"), strings.TrimSpace(got))
}

func TestALinkInsideTheRepoIsCopiedAsItsTarget(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"customcode/fn/handler.py":  "def handler(e, c):\n    return e\n",
		"customcode/shared/util.py": "X = 1\n",
	} {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	require.NoError(t, os.Symlink("../shared/util.py", filepath.Join(dir, "customcode/fn/util.py")))
	cfg := "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: handler}}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644))
	a := testkit.Synth(t, testkit.Plan(t, dir, testkit.Options{Stage: "dev"}), false)
	copies, err := filepath.Glob(filepath.Join(a.Dir, "asset.*", "util.py"))
	require.NoError(t, err)
	require.Len(t, copies, 1)
	fi, err := os.Lstat(copies[0])
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular(), "the asset holds the file, not a link")
}
