package yamlslip

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestValidYAMLHasNoSlip: every YAML file of the repo that parses reads as
// well-indented, so a slip found in a broken file is never a false alarm
// about its valid parts.
func TestValidYAMLHasNoSlip(t *testing.T) {
	n := 0
	err := filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "fuzz") {
			if err == nil {
				return filepath.SkipDir
			}
			return err
		}
		if ext := filepath.Ext(p); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var doc yaml.Node
		if yaml.Unmarshal(raw, &doc) != nil {
			return nil
		}
		n++
		if s, found := Find(raw); found {
			t.Errorf("%s:%d:%d: %s (%s)", p, s.Line, s.Col, s.Message, s.Hint)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, n, 20)
}
