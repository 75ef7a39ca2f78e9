package cmd_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSynthRefusesAnOutThatIsNotAnAssembly(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": small, "variables.yaml": smallVars, ".git/HEAD": "ref: refs/heads/main\n"})
	user := repo(t, map[string]string{"notes.txt": "mine", "photos/a.jpg": "jpg"})
	tests := []struct {
		name, out, want string
	}{
		{"a folder of user files", user, "holds files that are not a cloud assembly (no manifest.json of one); nothing was written or removed"},
		{"the repo itself", dir, "holds .git, so it is a repo, not a cloud assembly; nothing was written or removed"},
		{"a file", filepath.Join(user, "notes.txt"), "is not a directory; nothing was written"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, nil, "synth", "--dir", dir, "--stage", "dev", "--out", tt.out)
			assert.Equal(t, 1, code)
			assert.Contains(t, errOut, tt.want)
			for _, f := range []string{filepath.Join(user, "notes.txt"), filepath.Join(user, "photos/a.jpg"), filepath.Join(dir, ".git/HEAD"), filepath.Join(dir, "config.yaml")} {
				assert.FileExists(t, f, "nothing is removed")
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(tt.out), ".blueprint-*"))
			assert.Empty(t, leftovers)
		})
	}
}

func TestSynthReplacesAnAssemblyAndCleansWhatKilledRunsLeft(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": small, "variables.yaml": smallVars})
	parent := t.TempDir()
	out := filepath.Join(parent, "cdk.out")
	// What a synth killed mid-way leaves beside the out dir, and a
	// folder of the user's that merely looks alike.
	for _, d := range []string{".blueprint-synth-cdk.out-123", ".blueprint-old-cdk.out-456/cdk.out", ".blueprint-synth-other.out-1", "blueprint-notes"} {
		require.NoError(t, os.MkdirAll(filepath.Join(parent, d), 0o755))
	}
	code, _, errOut := run(t, nil, "synth", "--dir", dir, "--stage", "dev", "--out", out)
	require.Equal(t, 0, code, errOut)
	require.FileExists(t, filepath.Join(out, "manifest.json"))
	require.NoError(t, os.WriteFile(filepath.Join(out, "stale.txt"), []byte("x"), 0o644))

	code, _, errOut = run(t, nil, "synth", "--dir", dir, "--stage", "dev", "--out", out)
	require.Equal(t, 0, code, "an out dir holding an assembly is replaced: %s", errOut)
	assert.NoFileExists(t, filepath.Join(out, "stale.txt"))
	assert.FileExists(t, filepath.Join(out, "small-pipeline.template.json"))
	var names []string
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{".blueprint-synth-other.out-1", "blueprint-notes", "cdk.out"}, names,
		"leftovers of this out dir are removed, nothing else")
}

func TestMistakesYAMLLetPassAreReported(t *testing.T) {
	const cfg = "version: 2\nname: p\naws_resources:\n  - {name: T, type: sns_topic}\n"
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"a second document in the config", map[string]string{"config.yaml": cfg + "---\nname: q\n"},
			"config.yaml:6:1: a second YAML document starts here, and only the first is read (remove the --- before it, or move it to a file of its own)\n1 error, 0 warnings\n"},
		{"a byte that is not UTF-8 in the config", map[string]string{"config.yaml": cfg + "# caf\xe9\n"},
			"config.yaml:5:6: byte 0xe9 is not UTF-8 text (save the file as UTF-8)\n1 error, 0 warnings\n"},
		{"an empty config", map[string]string{"config.yaml": "# nothing yet\n"},
			"config.yaml:1: the config is empty (a config needs at least a name)\n1 error, 0 warnings\n"},
		{"a duplicate variable", map[string]string{"config.yaml": cfg, "variables.yaml": "owner: a\nteam: t\nowner: b\n"},
			"variables.yaml:3:1: owner: duplicate variable \"owner\" (first set on line 1; only one value can win)\n1 error, 0 warnings\n"},
		{"a second document in variables.yaml", map[string]string{"config.yaml": cfg, "variables.yaml": "owner: a\n---\nowner: b\n"},
			"variables.yaml:3:1: a second YAML document starts here, and only the first is read (remove the --- before it, or move its variables into the first)\n1 error, 0 warnings\n"},
		{"a byte that is not UTF-8 in variables.yaml", map[string]string{"config.yaml": cfg, "variables.yaml": "owner: \"caf\xe9\"\n"},
			"variables.yaml:1:12: byte 0xe9 is not UTF-8 text (save the file as UTF-8)\n1 error, 0 warnings\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, nil, "validate", "--dir", repo(t, tt.files))
			assert.Equal(t, 1, code)
			assert.Equal(t, tt.want, errOut)
		})
	}
}
