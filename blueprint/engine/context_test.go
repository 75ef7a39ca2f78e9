package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRepoPathNearReadsPathsAsTheNamingFileMeansThem(t *testing.T) {
	repo := t.TempDir()
	for _, f := range []string{"customcode/glue/sql/a.sql", "b.sql"} {
		require.NoError(t, os.MkdirAll(filepath.Join(repo, filepath.Dir(f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(repo, f), nil, 0o644))
	}
	const base = "customcode/glue/glue_jobs"
	tests := []struct{ value, want, err string }{
		{"customcode/glue/sql/a.sql", "customcode/glue/sql/a.sql", ""},
		{"../sql/a.sql", "customcode/glue/sql/a.sql", ""},
		{"b.sql", "b.sql", ""},
		{"../sql/c.sql", "", `file "../sql/c.sql" does not exist (looked for customcode/glue/sql/c.sql)`},
		{"c.sql", "", `file "c.sql" does not exist (looked for customcode/glue/glue_jobs/c.sql and c.sql)`},
		{"../../../../x.sql", "", `file "../../../../x.sql" is outside the repo; paths must stay inside it`},
		{"/etc/passwd", "", `file "/etc/passwd" is an absolute path; paths are relative to the repo root, e.g. customcode/…`},
	}
	for _, tt := range tests {
		got, err := RepoPathNear(repo, base, tt.value)
		if tt.err != "" {
			assert.EqualError(t, err, tt.err, tt.value)
			continue
		}
		require.NoError(t, err, tt.value)
		assert.Equal(t, tt.want, got, tt.value)
	}
}
