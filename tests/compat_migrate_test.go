package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// migrated copies a compat repo and runs blueprint migrate --write on the
// copy; it returns the copy and migrate's stderr.
func migrated(t *testing.T, dir string) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "repo")
	require.NoError(t, os.CopyFS(out, os.DirFS(dir)))
	var stdout, stderr bytes.Buffer
	app := &cmd.App{Stdout: &stdout, Stderr: &stderr, LookupEnv: compatEnv, Environ: func() []string { return nil }, Registry: engines.Registry()}
	require.Equal(t, 0, app.Run([]string{"migrate", "--write", out}), stderr.String())
	return out, stderr.String()
}

// TestCompatMigrateRewritesEveryBranch: a template that writes the same
// key once per {% if %} branch (the old cats-batch example,
// examples/cats-batch_example/config.yaml:21-33) is migrated branch by
// branch, and each stage keeps its network (subnet_id[] and
// security_group_id[], resource_task.py:622-651; bid_percentage, read for
// SPOT only, :672-675, left out in both).
func TestCompatMigrateRewritesEveryBranch(t *testing.T) {
	dir := filepath.Join("testdata", "compat", "migrate", "branch_keys")
	repo, stderr := migrated(t, dir)
	assert.Contains(t, stderr, "config.yaml:36:7: warning: properties.bid_percentage: the data.all blueprint did not read properties.bid_percentage")
	assert.Contains(t, stderr, "config.yaml:40:7: warning: properties.bid_percentage")
	want := map[string]struct{ queue, ce, sg []any }{
		"test": {[]any{"subnet-0a1b2c3d4e5f60731"}, []any{"subnet-0a1b2c3d4e5f60731"}, []any{"sg-0a1b2c3d4e5f60731"}},
		"prod": {[]any{"subnet-0a1b2c3d4e5f60732", "subnet-0a1b2c3d4e5f60733"}, []any{"subnet-0a1b2c3d4e5f60732"}, []any{"sg-0a1b2c3d4e5f60732"}},
	}
	for stage, w := range want {
		opts := testkit.Options{Stage: stage, Env: compatEnv}
		before, after := testkit.Synth(t, testkit.Plan(t, dir, opts), false), testkit.Synth(t, testkit.Plan(t, repo, opts), false)
		if stage == "prod" {
			check.Assembly(t, before.Dir)
		}
		require.Equal(t, before.StackNames(), after.StackNames())
		ta, tb := before.Template(t, before.StackNames()[0]), after.Template(t, after.StackNames()[0])
		ja, _ := json.Marshal(ta["Resources"])
		jb, _ := json.Marshal(tb["Resources"])
		assert.JSONEq(t, string(ja), string(jb), "stage %s: the migrated config gives the same resources", stage)

		ces := resourcesOfType(ta, "AWS::Batch::ComputeEnvironment")
		require.Len(t, ces, 2, "stage %s", stage)
		require.Contains(t, ces, "ComputeEnvironmentStageCe")
		for id, ce := range ces {
			cr := ce["ComputeResources"].(map[string]any)
			assert.NotContains(t, cr, "BidPercentage", "stage %s: %s", stage, id)
			if id == "ComputeEnvironmentStageCe" {
				assert.Equal(t, w.ce, cr["Subnets"], "stage %s", stage)
				assert.Equal(t, w.sg, cr["SecurityGroupIds"], "stage %s", stage)
			} else {
				assert.Equal(t, w.queue, cr["Subnets"], "stage %s: %s, the queue's own", stage, id)
			}
		}
	}
}
