package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// TestTheDataAllGuideShowsWhatMigrateWrites keeps the example of
// docs/data-all.md what blueprint migrate writes for it;
// BLUEPRINT_UPDATE_GOLDEN=1 rewrites the migrated block.
func TestTheDataAllGuideShowsWhatMigrateWrites(t *testing.T) {
	path := filepath.Join(root, "docs", "data-all.md")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	doc := string(raw)
	const fence, end = "```yaml\n", "```\n"
	i := strings.Index(doc, "For example, this version 1 config:\n\n"+fence)
	require.GreaterOrEqual(t, i, 0, "the guide has no version 1 example")
	i = strings.Index(doc[i:], fence) + i + len(fence)
	before := doc[i : i+strings.Index(doc[i:], end)]
	j := strings.Index(doc, "<!-- migrated:")
	require.GreaterOrEqual(t, j, 0, "the guide has no migrated block")
	j = strings.Index(doc[j:], fence) + j + len(fence)
	shown := doc[j : j+strings.Index(doc[j:], end)]

	out, notes := config.Migrate("config.yaml", []byte(before))
	require.False(t, notes.HasErrors(), "%v", notes)
	if testkit.UpdateGolden() {
		require.NoError(t, os.WriteFile(path, []byte(doc[:j]+string(out)+doc[j+len(shown):]), 0o644))
		return
	}
	require.Equal(t, string(out), shown, "docs/data-all.md: the migrated example is not what blueprint migrate writes; regenerate it with BLUEPRINT_UPDATE_GOLDEN=1")
}
