package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/graph"
	"github.com/blueprint-dev/blueprint/blueprint/kedro"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// spaceflights is a kedro viz build of a spaceflights-like project: two
// namespaces with parameters, a transcoded dataset, two nodes outside
// any namespace.
var spaceflights = filepath.Join("..", "blueprint", "kedro", "testdata", "spaceflights", "build")

func importKedro(t *testing.T, args ...string) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "spaceflights")
	code, text := blueprint(t, append([]string{"import", "kedro", spaceflights, "--out", out}, args...)...)
	require.Equal(t, 0, code, text)
	return out, text
}

// TestKedroImportValidatesAndSynthesizesForBothTargets: the import of the
// spaceflights-like export is a repo that validates for every stage,
// synthesizes, passes cfn-lint and asl-validator, and whose state machine
// cases pass.
func TestKedroImportValidatesAndSynthesizesForBothTargets(t *testing.T) {
	for _, target := range kedro.Targets {
		t.Run(target, func(t *testing.T) {
			dir, text := importKedro(t, "--target", target)
			assert.Contains(t, text, "8 nodes → 8 jobs (by node) in 5 groups, on "+target)
			assert.Contains(t, text, "validates for dev, test and prod")
			for _, stage := range []string{"dev", "test", "prod"} {
				testkit.Plan(t, dir, testkit.Options{Stage: stage})
			}
			cfg, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
			require.NoError(t, err)
			testkit.Golden(t, filepath.Join("testdata", "golden", "kedro", target+".config.yaml"), cfg)

			a := testkit.Synth(t, testkit.Plan(t, dir, testkit.Options{Stage: "dev"}), false)
			check.Assembly(t, a.Dir)
			switch target {
			case kedro.Lambda:
				assert.Len(t, a.Resources(t, "spaceflights", "AWS::Lambda::Function"), 8)
				tmpl := string(a.Templates["spaceflights"])
				assert.Equal(t, 8, strings.Count(tmpl, `":s3:::spaceflights-data-dev/*"`), "every function's role reads and writes the data bucket")
			case kedro.Batch:
				assert.Len(t, a.Resources(t, "spaceflights", "AWS::Batch::JobDefinition"), 1)
				assert.Len(t, a.Resources(t, "spaceflights", "AWS::Batch::JobQueue"), 1)
				assert.Len(t, a.Resources(t, "spaceflights", "AWS::Batch::ComputeEnvironment"), 1)
				def := compact(t, testkit.Definition(t, testkit.Plan(t, dir, testkit.Options{Stage: "dev"})[0]))
				assert.Contains(t, def, `"Command":["kedro","run","--env","aws","--nodes","data_science.split_data_node"]`)
			}

			code, text := blueprint(t, "test", "--dir", dir, "--stage", "prod")
			require.Equal(t, 0, code, text)
			assert.Contains(t, text, "2 passed, 0 failed")
		})
	}
}

func TestKedroImportByNamespaceGivesOneFunctionPerNamespace(t *testing.T) {
	dir, text := importKedro(t, "--group-by", "namespace")
	assert.Contains(t, text, "8 nodes → 4 jobs (by namespace) in 3 groups")
	stacks := testkit.Plan(t, dir, testkit.Options{Stage: "dev"})
	def := compact(t, testkit.Definition(t, stacks[0]))
	for _, ns := range []string{"data_processing", "data_science"} {
		assert.Contains(t, def, `"namespaces":["`+ns+`"]`)
	}
	a := testkit.Synth(t, stacks, false)
	assert.Len(t, a.Resources(t, "spaceflights", "AWS::Lambda::Function"), 4)
}

// TestKedroReimportKeepsTheUsersEditsAndPrintsTheChange: the user adds a
// schedule and edits variables; the pipeline gains a node; a re-import
// prints the diff, replaces the generated block and keeps the rest.
func TestKedroReimportKeepsTheUsersEditsAndPrintsTheChange(t *testing.T) {
	dir, _ := importKedro(t)
	cfgPath := filepath.Join(dir, "config.yaml")
	cfg, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	edited := strings.Replace(string(cfg), "\n"+kedro.BeginMarker, "\nproperties:\n  schedulers:\n    - cron: cron(0 6 * * ? *)\n\n"+kedro.BeginMarker, 1)
	require.NoError(t, os.WriteFile(cfgPath, []byte(edited), 0o644))
	vars := filepath.Join(dir, "variables.yaml")
	v, err := os.ReadFile(vars)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(vars, []byte(strings.Replace(string(v), "memory: 3008", "memory: 4096", 1)), 0o644))

	// The new export: feature_importance_node is gone, report_node reads
	// the metrics.
	export := filepath.Join(t.TempDir(), "api")
	require.NoError(t, os.MkdirAll(export, 0o755))
	main, err := os.ReadFile(filepath.Join(spaceflights, "api", "main"))
	require.NoError(t, err)
	changed := strings.Replace(string(main), `"name":"feature_importance_node"`, `"name":"report_node"`, 1)
	changed = strings.Replace(changed, `"full_name":"feature_importance_node"`, `"full_name":"report_node"`, 1)
	require.NoError(t, os.WriteFile(filepath.Join(export, "main"), []byte(changed), 0o644))

	code, text := blueprint(t, "import", "kedro", export, "--out", dir)
	require.Equal(t, 0, code, text)
	assert.Contains(t, text, "--- a/config.yaml\n+++ b/config.yaml\n")
	assert.Contains(t, text, "-      - name: feature_importance_node\n")
	assert.Contains(t, text, "+      - name: report_node\n")
	assert.Contains(t, text, "updated "+dir+": config.yaml, tests/sfn/kedro.json")
	got, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	assert.Contains(t, string(got), "  schedulers:\n    - cron: cron(0 6 * * ? *)\n")
	assert.Contains(t, string(got), "name: report_node")
	assert.NotContains(t, string(got), "feature_importance_node")
	v2, err := os.ReadFile(vars)
	require.NoError(t, err)
	assert.Contains(t, string(v2), "memory: 4096")

	code, text = blueprint(t, "import", "kedro", export, "--out", dir)
	require.Equal(t, 0, code, text)
	assert.Contains(t, text, "is up to date with the export")
	code, text = blueprint(t, "test", "--dir", dir)
	require.Equal(t, 0, code, text)
}

func compact(t *testing.T, def []byte) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, json.Compact(&b, def))
	return b.String()
}

// snapshot lists the files under dir with their contents.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	return out
}

func TestKedroImportRefusesBadInputAndForeignReposWritingNothing(t *testing.T) {
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad", "api")
	require.NoError(t, os.MkdirAll(bad, 0o755))
	main, err := os.ReadFile(filepath.Join(spaceflights, "api", "main"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(bad, "main"), []byte(strings.Replace(string(main), `"name":"train_model_node"`, `"name":null`, 1)), 0o644))
	foreign := filepath.Join(tmp, "foreign")
	code, text := blueprint(t, "init", foreign)
	require.Equal(t, 0, code, text)

	for name, c := range map[string]struct {
		args []string
		code int
		want string
	}{
		"a task node without a name": {[]string{bad}, 1, filepath.Join(bad, "main") + `: nodes[15].name: task node "fc96529e" has no name (name: null)`},
		"an unknown pipeline":        {[]string{spaceflights, "--pipeline", "reporting"}, 1, `api/main: pipelines: no pipeline "reporting" in this export`},
		"a folder that is no export": {[]string{tmp}, 1, "not a kedro-viz export: no api/main in this folder"},
		"a repo no import made":      {[]string{spaceflights, "--out", foreign}, 1, "holds a pipeline repo that blueprint import kedro did not make"},
		"an unknown target":          {[]string{spaceflights, "--target", "fargate"}, 2, `--target "fargate": must be "lambda" or "batch"`},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(tmp, "out-"+strings.ReplaceAll(name, " ", "-"))
			args := append([]string{"import", "kedro", "--out", out}, c.args...)
			before := snapshot(t, tmp)
			code, text := blueprint(t, args...)
			assert.Equal(t, c.code, code, text)
			assert.Contains(t, text, c.want)
			assert.Equal(t, before, snapshot(t, tmp), "nothing is written")
		})
	}

	code, text = blueprint(t, "import", "kedro", spaceflights, "--out", foreign, "--force")
	require.Equal(t, 0, code, text)
	assert.Contains(t, text, "+++ b/config.yaml")
	testkit.Plan(t, foreign, testkit.Options{Stage: "dev"})
}

// TestTheREADMEKedroGraphIsTheImports keeps the README's drawing of the
// imported spaceflights-like project what blueprint graph draws.
func TestTheREADMEKedroGraphIsTheImports(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "## From a Kedro project\n")
	require.True(t, ok, "the README has no Kedro section")
	const open = "```mermaid\n"
	i := strings.Index(section, open)
	require.GreaterOrEqual(t, i, 0, "the Kedro section has no Mermaid drawing")
	body := section[i+len(open):]
	body = body[:strings.Index(body, "```")]

	dir, _ := importKedro(t)
	m := testkit.Plan(t, dir, testkit.Options{Stage: "dev"})[0].Machine
	assert.Equal(t, graph.Mermaid(m.Name, m.Definition), body,
		"redraw it with: blueprint import kedro blueprint/kedro/testdata/spaceflights/build --out /tmp/x/spaceflights && blueprint graph -C /tmp/x/spaceflights --stage dev")
}

// TestTheTwoHundredNodeImportSynthesizesInNestedStacks: 200 functions
// (800-odd resources) go past one template's 500, so the jobs go to
// nested stacks and the state machine to child machines; the import's
// cases still pass. cfn-lint on its 19 templates runs with BLUEPRINT_HEAVY=1.
func TestTheTwoHundredNodeImportSynthesizesInNestedStacks(t *testing.T) {
	export := filepath.Join(t.TempDir(), "export")
	require.NoError(t, os.MkdirAll(filepath.Join(export, "api"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(export, "api", "main"), kedro.Synthetic(200), 0o644))
	dir := filepath.Join(t.TempDir(), "large")
	code, text := blueprint(t, "import", "kedro", export, "--out", dir)
	require.Equal(t, 0, code, text)
	assert.Contains(t, text, "200 nodes → 200 jobs (by node)")

	a := testkit.Synth(t, testkit.Plan(t, dir, testkit.Options{Stage: "dev"}), false)
	functions, nested := 0, 0
	for name := range a.Templates {
		functions += len(a.Resources(t, name, "AWS::Lambda::Function"))
		if strings.HasSuffix(name, ".nested") {
			nested++
		}
	}
	assert.Equal(t, 200, functions)
	assert.Greater(t, nested, 1)
	if os.Getenv("BLUEPRINT_HEAVY") == "1" {
		check.Assembly(t, a.Dir)
	}
	code, text = blueprint(t, "test", "--dir", dir)
	require.Equal(t, 0, code, text)
	assert.Contains(t, text, "2 passed, 0 failed")
}
