package synth

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOnlyAbsentEmptyOrAssemblyDirsAreReplaceable(t *testing.T) {
	write := func(t *testing.T, files map[string]string) string {
		dir := t.TempDir()
		for p, c := range files {
			require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644))
		}
		return dir
	}
	tests := []struct {
		name  string
		files map[string]string
		ok    bool
	}{
		{"an empty dir", map[string]string{}, true},
		{"a cloud assembly", map[string]string{"manifest.json": `{"version":"36.0.0","artifacts":{}}`, "x.template.json": "{}"}, true},
		{"a manifest.json of something else", map[string]string{"manifest.json": `{"name":"my-app","files":["a"]}`}, false},
		{"a manifest.json that is not JSON", map[string]string{"manifest.json": "version: 1"}, false},
		{"user files", map[string]string{"notes.txt": "x"}, false},
		{"a repo with a manifest", map[string]string{"manifest.json": `{"version":"36.0.0"}`, ".git/HEAD": "x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := replaceable(write(t, tt.files))
			assert.Equal(t, tt.ok, err == nil, "%v", err)
		})
	}
	assert.NoError(t, replaceable(filepath.Join(t.TempDir(), "new")))
}

func TestReplaceSwapsByRenames(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "cdk.out")
	require.NoError(t, os.MkdirAll(out, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "manifest.json"), []byte(`{"version":"1"}`), 0o644))
	o, err := openOut(out)
	require.NoError(t, err)
	defer o.close()
	built, err := o.build()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(built, "manifest.json"), []byte(`{"version":"2"}`), 0o644))
	require.NoError(t, o.replace(built))
	got, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	require.NoError(t, err)
	assert.Equal(t, `{"version":"2"}`, string(got))
	entries, _ := os.ReadDir(parent)
	assert.Len(t, entries, 1, "only cdk.out remains")
}

func TestASecondSynthIntoOneOutWaitsForTheFirst(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cdk.out")
	first, err := openOut(out)
	require.NoError(t, err)
	got := make(chan *outDir)
	go func() {
		second, err := openOut(out)
		assert.NoError(t, err)
		got <- second
	}()
	select {
	case <-got:
		t.Fatal("the second synth did not wait for the first")
	case <-time.After(100 * time.Millisecond):
	}
	first.close()
	second := <-got
	second.close()
}
