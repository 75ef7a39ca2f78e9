package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

func TestTemplatesOverCloudFormationLimitsAreRefusedAfterTheSplit(t *testing.T) {
	dir := t.TempDir()
	template := func(path string, resources int, pad int) {
		res := map[string]any{}
		for i := range resources {
			res[fmt.Sprintf("Topic%d", i)] = map[string]any{"Type": "AWS::SNS::Topic", "Properties": map[string]any{"DisplayName": strings.Repeat("x", pad)}}
		}
		raw, err := json.Marshal(map[string]any{"Resources": res})
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, raw, 0o644))
	}
	template(filepath.Join(dir, "small.template.json"), 3, 0)
	require.NoError(t, synth.CheckLimits(dir))

	template(filepath.Join(dir, "big.template.json"), 501, 0)
	template(filepath.Join(dir, "assembly-Prod", "heavy-prod.template.json"), 2, 600_000)
	err := synth.CheckLimits(dir)
	require.Error(t, err)
	assert.Equal(t, "stack big has 501 resources after the split; CloudFormation accepts at most 500 in one stack; "+
		"the template of stack heavy-prod is 1200151 bytes; CloudFormation accepts at most 1 MB (1048576 bytes) "+
		"(blueprint's estimate of the stack was wrong: please report it; meanwhile, move some groups or resources into a stack of their own, a file in configs/)", err.Error())
}
