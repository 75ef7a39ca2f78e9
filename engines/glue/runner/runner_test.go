package runner

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// python3 returns the interpreter; CI must have one.
func python3(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 is not installed, and CI must test the Glue runner")
		}
		t.Skip("python3 is not installed")
	}
	return bin
}

// TestTheRunnerCompiles byte-compiles every file shipped, as they are
// embedded (python3 -m py_compile).
func TestTheRunnerCompiles(t *testing.T) {
	py := python3(t)
	dir := t.TempDir()
	zipped, err := Package(nil)
	require.NoError(t, err)
	r, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	require.NoError(t, err)
	args := []string{"-m", "py_compile", filepath.Join(dir, "main.py")}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.py"), Script(), 0o644))
	for _, f := range r.File {
		rc, err := f.Open()
		require.NoError(t, err)
		var b bytes.Buffer
		_, err = b.ReadFrom(rc)
		require.NoError(t, err)
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, b.Bytes(), 0o644))
		if filepath.Ext(p) == ".py" {
			args = append(args, p)
		}
	}
	assert.Greater(t, len(args), 10)
	cmd := exec.Command(py, args...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// TestTheRunnerUnittests runs the runner's Python tests against the fake
// of Spark and Glue in tests/fake.py.
func TestTheRunnerUnittests(t *testing.T) {
	py := python3(t)
	cmd := exec.Command(py, "-m", "unittest", "discover", "-s", "tests", "-t", "tests", "-v")
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "\nOK")
	t.Logf("%s", out)
}

func TestThePackageIsTheSameBytesForTheSameContent(t *testing.T) {
	a, err := Package(map[string][]byte{"udfs/x.py": []byte("x = 1\n")})
	require.NoError(t, err)
	b, err := Package(map[string][]byte{"udfs/x.py": []byte("x = 1\n")})
	require.NoError(t, err)
	assert.Equal(t, a, b)
	c, err := Package(map[string][]byte{"udfs/x.py": []byte("x = 2\n")})
	require.NoError(t, err)
	assert.NotEqual(t, a, c)
	_, err = Package(map[string][]byte{"blueprint_glue/job.py": nil})
	assert.EqualError(t, err, "blueprint_glue/job.py is part of the runner")
}

// TestEveryHandlerHasASchema: each type the runner registers has a schema
// in handlers.json, and each schema a handler.
func TestEveryHandlerHasASchema(t *testing.T) {
	py := python3(t)
	cmd := exec.Command(py, "-c", "import sys; sys.path.insert(0, '.'); from blueprint_glue import handlers; print(' '.join(handlers.types()))")
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	var schemas []string
	for k, h := range Handlers() {
		schemas = append(schemas, k)
		for name, key := range h.Keys {
			assert.Contains(t, Types, key.Type, "%s.%s", k, name)
		}
	}
	sort.Strings(schemas)
	assert.Equal(t, string(bytes.TrimSpace(out)), strings.Join(schemas, " "))
}
