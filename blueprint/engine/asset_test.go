package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAssetLinksFindsLinksThatLeaveTheRepo(t *testing.T) {
	repo := t.TempDir()
	outside := t.TempDir()
	fn := filepath.Join(repo, "customcode", "fn")
	require.NoError(t, os.MkdirAll(filepath.Join(fn, "pkg"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "shared.py"), []byte("x = 1\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "credentials"), []byte("secret\n"), 0o644))
	for link, target := range map[string]string{
		"shared.py":      "../../shared.py",                            // inside: fine
		"pkg/creds":      filepath.Join(outside, "credentials"),        // outside, absolute
		"home":           "../../" + strings.Repeat("../", 20) + "tmp", // outside, relative
		"gone":           "nothing-here",
		"pkg/loop":       "..",
		"pkg/inside-dir": "../../../customcode",
	} {
		require.NoError(t, os.Symlink(target, filepath.Join(fn, link)))
	}
	var got []string
	for _, err := range AssetLinks(repo, fn) {
		got = append(got, strings.ReplaceAll(err.Error(), outside, "OUTSIDE"))
	}
	assert.Equal(t, []string{
		`symlink "customcode/fn/gone" leads nowhere`,
		`symlink "customcode/fn/home" leads outside the repo (to /tmp)`,
		`symlink "customcode/fn/pkg/creds" leads outside the repo (to OUTSIDE/credentials)`,
		`symlink "customcode/fn/pkg/inside-dir" loops back to a folder holding it`,
		`symlink "customcode/fn/pkg/loop" loops back to a folder holding it`,
	}, got)
}
