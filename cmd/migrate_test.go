package cmd_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMigratePrintsADiffAndWritesVersion2(t *testing.T) {
	old := "# the team's pipeline\nname: p\naws_resources:\n  - name: T   # alerts\n    type: sns_topic\ngroups:\n"
	dir := repo(t, map[string]string{"config.yaml": old, "configs/new.yaml": "version: 2\nname: q\n"})

	code, out, errOut := run(t, nil, "migrate", dir)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, `--- a/config.yaml
+++ b/config.yaml
@@ -1,6 +1,13 @@
 # the team's pipeline
+version: 2
 name: p
 aws_resources:
   - name: T   # alerts
     type: sns_topic
-groups:
+    physical_name: T-{{ env_var("PIPELINE_NAME", "p")|aws_name }}
+    logical_id: TSNSD593500A
+properties:
+  stage_in_names: false
+  stack_name: '{{ env_var("PIPELINE_NAME", "SampleDataProcessingPipeline") }}'
+  pipeline_name: '{{ env_var("PIPELINE_NAME", "p") }}'
+  dataall_tags: true
`, out)
	raw, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	require.NoError(t, err)
	assert.Equal(t, old, string(raw), "without --write nothing is written")

	code, _, errOut = run(t, nil, "migrate", "--write", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "wrote config.yaml")
	code, _, errOut = run(t, nil, "migrate", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "nothing to migrate: every config is version 2")
}

func TestMigrateCarriesTemplateStatements(t *testing.T) {
	old := "name: p\n{% if stage == 'prod' %}\naws_resources:\n  - {name: T, type: sns_topic}\n{% endif %}\ncomment: \"{{ owner }}\"\n"
	dir := repo(t, map[string]string{"config.yaml": old})
	code, _, errOut := run(t, nil, "migrate", "--write", dir)
	require.Equal(t, 0, code, errOut)
	raw, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	require.NoError(t, err)
	want := strings.Replace(old, "{name: T, type: sns_topic}", "{name: T, type: sns_topic, physical_name: 'T-{{ env_var(\"PIPELINE_NAME\", \"p\")|aws_name }}', logical_id: TSNSD593500A}", 1)
	assert.Equal(t, "version: 2\n"+strings.TrimSuffix(want, "\n")+"\nproperties:\n  stage_in_names: false\n"+
		"  stack_name: '{{ env_var(\"PIPELINE_NAME\", \"SampleDataProcessingPipeline\") }}'\n  pipeline_name: '{{ env_var(\"PIPELINE_NAME\", \"p\") }}'\n  dataall_tags: true\n", string(raw))
	assert.Contains(t, errOut, `config.yaml:6:14: warning: undefined variable "owner" renders as empty text in version 1 and is an error in version 2`)
}

func TestMigrateListsWhatItCannotCarry(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": "name: p\n{% if stage == 'prod' %}aws_resources: []{% endif %}\n"})
	code, _, errOut := run(t, nil, "migrate", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "config.yaml:2:1: cannot migrate: a template statement with YAML after it on its line")
}

// fileJob is a step type whose jobs read a file of their own, with a
// version 1 rule for it (the shape of Glue's and Athena's job YAMLs).
type fileJob struct{}

func (fileJob) Type() string       { return "file_job" }
func (fileJob) Kinds() engine.Kind { return engine.Step }
func (fileJob) NewSpec() any       { return &struct{}{} }

func (fileJob) JobFiles(st *config.Stack, job *yaml.Node) []string {
	for i := 0; i+1 < len(job.Content); i += 2 {
		if job.Content[i].Value == "config" {
			return []string{job.Content[i+1].Value}
		}
	}
	return nil
}

// UpgradeJobFile renames the old key queries.
func (fileJob) UpgradeJobFile(d *config.Decoder, root *yaml.Node) {
	for i := 0; i < len(root.Content); i += 2 {
		if root.Content[i].Value == "queries" {
			root.Content[i].Value = "sql_queries"
		}
	}
}

func TestMigrateRewritesTheJobFilesOfVersion1Jobs(t *testing.T) {
	job := "# the ingest job\nqueries: sql/{{ stage }}\nsteps:\n  - name: {{ table }}_load\n"
	dir := repo(t, map[string]string{
		"config.yaml":      "name: p\ngroups:\n  - name: G\n    jobs:\n      - {name: J, type: file_job, config: \"jobs/{{ job }}.yaml\"}\n      - {name: K, type: file_job, config: jobs/same.yaml}\n",
		"variables.yaml":   "job: ingest\n",
		"jobs/ingest.yaml": job,
		"jobs/same.yaml":   "steps: []\n",
	})
	var o, e bytes.Buffer
	reg := engines.Registry()
	reg.Register(fileJob{})
	app := &cmd.App{Stdout: &o, Stderr: &e, LookupEnv: testkit.Env(), Environ: func() []string { return nil }, Registry: reg}
	require.Equal(t, 0, app.Run([]string{"migrate", "--write", dir}), e.String())
	assert.Contains(t, e.String(), "wrote config.yaml\nwrote jobs/ingest.yaml\n")
	assert.NotContains(t, e.String(), "jobs/same.yaml", "a job file the rule leaves alone is not rewritten")
	raw, err := os.ReadFile(filepath.Join(dir, "jobs", "ingest.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "# the ingest job\nsql_queries: sql/{{ stage }}\nsteps:\n  - name: {{ table }}_load\n", string(raw))
}

func TestMigrateChecksEveryBranchMeansTheSame(t *testing.T) {
	// timeout is set in one branch only: the old default (900 s) holds in
	// the other, which a rewrite of the masked text cannot see.
	old := "name: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n        type: lambda_function\n        config:\n          entry: e\n          {% if stage == 'prod' %}\n          timeout: 5\n          {% endif %}\n"
	dir := repo(t, map[string]string{"config.yaml": old})
	code, out, errOut := run(t, nil, "migrate", "--write", dir)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "config.yaml:1: cannot migrate: rendered for the default stage, the migrated config means something else than the original (a template block holds keys the rewrite reads; migrate this file by hand)")
	raw, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	require.NoError(t, err)
	assert.Equal(t, old, string(raw), "nothing is written")
}
