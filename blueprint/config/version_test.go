package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadDiags(t *testing.T, files map[string]string) []string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	stacks, diags := Load(LoadOptions{RepoDir: dir, LookupEnv: func(string) (string, bool) { return "", false }})
	for _, st := range stacks {
		diags.Add(st.Decoder.Diags...)
	}
	var got []string
	for _, d := range diags.Sorted() {
		got = append(got, d.String())
	}
	return got
}

const v1Hint = " (blueprint migrate upgrades it to version 2; a config already written for this tool only needs version: 2 on its first line)"

func TestFormatVersion(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"version 2 reads without a note", map[string]string{"config.yaml": "version: 2\nname: p\n"}, nil},
		{"a quoted version 2 is version 2", map[string]string{"config.yaml": "version: \"2\"\nname: p\n"}, nil},
		{"a config without version gets one note, however many keys it has",
			map[string]string{"config.yaml": "# old\nname: p\ndescription: d\naws_resources:\n  - {name: T, type: sns_topic}\n"},
			[]string{"config.yaml:1: warning: read as a data.all blueprint config (version 1), since it has no version: key" + v1Hint}},
		{"version 1 is noted at its key",
			map[string]string{"config.yaml": "name: p\nversion: 1\n"},
			[]string{"config.yaml:2:10: warning: version: read as a data.all blueprint config (version 1)" + v1Hint}},
		{"each config file gets its own note",
			map[string]string{"config.yaml": "version: 2\nname: p\n", "configs/old.yaml": "name: q\n"},
			[]string{"configs/old.yaml:1: warning: read as a data.all blueprint config (version 1), since it has no version: key" + v1Hint,
				"configs/old.yaml:1: warning: the data.all blueprint never deployed configs/ files (app.py:31-33 looked for the bare file name in the repo root); synthesized as one more stack, SampleDataProcessingPipeline-q (move it out of configs/ if it is not meant to be deployed)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, loadDiags(t, tt.files))
		})
	}
}
