package cmd_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// run executes the CLI in-process with a fixed environment.
func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	kv := []string{}
	for k, v := range env {
		kv = append(kv, k, v)
	}
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	app := &cmd.App{Stdout: &o, Stderr: &e, LookupEnv: testkit.Env(kv...), Environ: func() []string { return environ }, Registry: engines.Registry()}
	code = app.Run(args)
	return code, o.String(), e.String()
}

func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

const small = `version: 2
name: small pipeline
aws_resources:
  - name: Alerts
    type: sns_topic
groups:
  - name: Notify
    jobs:
      - name: Publish
        type: sns_publish
        config:
          topic_name: Alerts
          message: "{{ greeting }} from {{ stage }}"
`

const smallVars = `greeting: hello
stages:
  dev: {}
  prod:
    greeting: hi
`

func TestValidateAcceptsAGoodRepo(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": small, "variables.yaml": smallVars})
	code, out, errOut := run(t, nil, "validate", "--dir", dir, "--stage", "dev")
	assert.Equal(t, 0, code, errOut)
	assert.Empty(t, out)
	assert.Equal(t, "1 stack(s) valid for stage dev\n", errOut)
}

func TestRenderPrintsTheRenderedConfigForTheStage(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": small, "variables.yaml": smallVars})
	code, out, errOut := run(t, nil, "render", "--dir", dir, "--stage", "prod")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `message: "hi from prod"`)
	code, out, _ = run(t, nil, "render", "--dir", dir, "--stage", "dev", "--var", "greeting=hey")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `message: "hey from dev"`)
}

func TestInvalidConfigPrintsEveryDiagnosticAndExits1(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": `version: 2
name: p
groups:
  - name: G
    jobs:
      - name: A
        type: sns_publsh
      - name: B
        type: sns_publish
        confg: {}
`})
	code, out, errOut := run(t, nil, "validate", "--dir", dir)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, `config.yaml:7:15: groups[0].jobs[0].type: unknown step type "sns_publsh" (did you mean "sns_publish"?)
config.yaml:8:9: groups[0].jobs[1].config.message: is required
config.yaml:8:9: groups[0].jobs[1].config.topic_name: is required
config.yaml:10:9: groups[0].jobs[1].confg: unknown key "confg" (did you mean "config"?)
4 errors, 0 warnings
`, errOut)
}

func TestDiagnosticsAsJSON(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": "version: 2\nname: p\ngroups: []\n"})
	code, out, _ := run(t, nil, "validate", "--dir", dir, "--format", "json")
	assert.Equal(t, 1, code)
	var doc struct {
		Diagnostics []map[string]any `json:"diagnostics"`
		Errors      int              `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, 1, doc.Errors)
	assert.Equal(t, "groups", doc.Diagnostics[0]["path"])
	assert.Equal(t, float64(3), doc.Diagnostics[0]["line"])
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"synthesize"},
		{"validate", "--nope"},
		{"validate", "--var", "novalue"},
		{"validate", "--format", "xml"},
		{"validate", "extra-arg"},
		{"validate", "--dir", "/does/not/exist"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, _, errOut := run(t, nil, args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, "blueprint: ")
			assert.Contains(t, errOut, "Run 'blueprint --help' for usage.")
		})
	}
}

func TestEveryCommandHasHelpWithAnExample(t *testing.T) {
	for _, c := range []string{"synth", "validate", "render", "list"} {
		t.Run(c, func(t *testing.T) {
			code, out, _ := run(t, nil, c, "--help")
			assert.Equal(t, 0, code)
			assert.Contains(t, out, "Examples:")
			assert.Contains(t, out, "blueprint "+c)
		})
	}
}

func TestListShowsTypesWithTheirKeys(t *testing.T) {
	code, out, _ := run(t, nil, "list")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "sns_publish (step)\n    publishes a message to an SNS topic\n    keys: comment, config.message, config.subject, config.topic_name, description, name, result_path, retry, type\n")
}

func TestAMissingConfigIsADiagnostic(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := run(t, nil, "validate", "--dir", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "config.yaml: no config.yaml in ")
	assert.Contains(t, errOut, "blueprint init DIR scaffolds a new repo")
}

func TestSynthWritesTheAssemblyAndLeavesItOnFailure(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": small, "variables.yaml": smallVars})
	out := filepath.Join(dir, "cdk.out")
	code, _, errOut := run(t, map[string]string{"ENVTAG_team": "data"}, "synth", "--dir", dir, "--stage", "dev")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "1 stack(s): small-pipeline")
	tmpl, err := os.ReadFile(filepath.Join(out, "small-pipeline.template.json"))
	require.NoError(t, err)
	assert.Contains(t, string(tmpl), `"/dataall/small-pipeline/dev/step_function_arn"`)
	assert.Contains(t, string(tmpl), `"Key": "team"`)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("version: 2\nname: p\ngroups: []\n"), 0o644))
	code, _, _ = run(t, nil, "synth", "--dir", dir, "--stage", "dev")
	assert.Equal(t, 1, code)
	again, err := os.ReadFile(filepath.Join(out, "small-pipeline.template.json"))
	require.NoError(t, err, "a failed synth leaves the previous assembly in place")
	assert.Equal(t, tmpl, again)
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".blueprint-synth-*"))
	assert.Empty(t, leftovers)
}

func TestSynthActsAsACDKApp(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": small, "variables.yaml": smallVars})
	cdkOut := t.TempDir()
	code, _, errOut := run(t, map[string]string{"CDK_OUTDIR": cdkOut, "CDK_CONTEXT_JSON": `{"some:context": "x"}`, "STAGE": "prod"}, "synth", "--dir", dir)
	require.Equal(t, 0, code, errOut)
	_, err := os.Stat(filepath.Join(cdkOut, "small-pipeline.template.json"))
	assert.NoError(t, err)
	_, err = os.Stat(filepath.Join(dir, "cdk.out"))
	assert.True(t, os.IsNotExist(err), "under the CDK CLI nothing is written to ./cdk.out")
}

func TestEveryConfigIsItsOwnStack(t *testing.T) {
	dir := repo(t, map[string]string{
		"config.yaml": small, "variables.yaml": smallVars,
		"configs/nightly-report.yaml": "version: 2\nname: nightly\ngroups:\n  - name: N\n    jobs: [{name: Ping, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: '{{ greeting }}'}}]\n",
		"configs/resources_only.yml":  "version: 2\nname: extra\naws_resources: [{name: More, type: sns_topic}]\n",
		"configs/notes.txt":           "not a config",
	})
	out := filepath.Join(t.TempDir(), "cdk.out")
	code, _, errOut := run(t, nil, "synth", "--dir", dir, "--stage", "dev", "--out", out)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "3 stack(s): small-pipeline, small-pipeline-nightly-report, small-pipeline-resources-only")
	tmpl, err := os.ReadFile(filepath.Join(out, "small-pipeline-nightly-report.template.json"))
	require.NoError(t, err)
	assert.Contains(t, string(tmpl), `"StateMachineName": "small-pipeline-nightly-report-dev"`)
	assert.Contains(t, string(tmpl), `\"Message\":\"hello\"`)

	code, _, errOut = run(t, nil, "synth", "--dir", dir, "--stage", "dev", "--out", out, "--config", "configs/nightly-report.yaml")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "1 stack(s): small-pipeline-nightly-report")

	code, _, errOut = run(t, nil, "validate", "--dir", dir, "--config", "configs/nightly.yaml")
	assert.Equal(t, 1, code)
	assert.Equal(t, "--config configs/nightly.yaml: no such config; the configs of this repo are config.yaml, configs/nightly-report.yaml, configs/resources_only.yml (did you mean \"configs/nightly-report.yaml\"?)\n1 error, 0 warnings\n", errOut)
}

func TestStackNamesThatCollideAreReported(t *testing.T) {
	dir := repo(t, map[string]string{
		"config.yaml":      "version: 2\nname: p\n",
		"configs/a_b.yaml": "version: 2\nname: x\n",
		"configs/a-b.yaml": "version: 2\nname: y\n",
	})
	code, _, errOut := run(t, nil, "validate", "--dir", dir)
	assert.Equal(t, 1, code)
	assert.Equal(t, "configs/a_b.yaml: stack name \"p-a-b\" is already used by configs/a-b.yaml (rename one of the files: stack names come from the file names, with characters outside A-Z, a-z, 0-9 and - replaced by -)\n1 error, 0 warnings\n", errOut)
}

func TestTheEnvironmentRoleReplacesTheCreatedRole(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": small, "variables.yaml": smallVars})
	out := filepath.Join(t.TempDir(), "cdk.out")
	code, _, errOut := run(t, map[string]string{"ENVROLEARN": "arn:aws:iam::111111111111:role/dataall-env", "AWSACCOUNTID": "111111111111", "AWSREGION": "eu-west-1"},
		"synth", "--dir", dir, "--stage", "dev", "--out", out)
	require.Equal(t, 0, code, errOut)
	tmpl, err := os.ReadFile(filepath.Join(out, "small-pipeline.template.json"))
	require.NoError(t, err)
	assert.NotContains(t, string(tmpl), `"AWS::IAM::Role"`)
	assert.Contains(t, string(tmpl), `"RoleArn": "arn:aws:iam::111111111111:role/dataall-env"`)
}

func TestGraphDrawsThePlanInEachFormat(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": small, "variables.yaml": smallVars})
	code, out, errOut := run(t, nil, "graph", "--dir", dir, "--stage", "dev")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "flowchart TD\n")
	assert.Contains(t, out, `Publish<br/>Task: sns:publish`)

	code, out, errOut = run(t, nil, "graph", "--dir", dir, "--stage", "dev", "--format", "dot")
	require.Equal(t, 0, code, errOut)
	assert.True(t, strings.HasPrefix(out, "digraph "), out)

	code, out, errOut = run(t, nil, "graph", "--dir", dir, "--stage", "dev", "--format", "asl")
	require.Equal(t, 0, code, errOut)
	var def map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &def), out)
	assert.Equal(t, "Notify", def["StartAt"])

	code, _, errOut = run(t, nil, "graph", "--dir", dir, "--format", "png")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `--format "png": must be mermaid, dot or asl`)
}

func TestGraphDrawsAnSVGWithGraphviz(t *testing.T) {
	dir := repo(t, map[string]string{"config.yaml": small, "variables.yaml": smallVars})
	svg := filepath.Join(t.TempDir(), "pipeline.svg")
	if _, err := exec.LookPath("dot"); err == nil {
		code, _, errOut := run(t, nil, "graph", "--dir", dir, "--stage", "dev", "--out", svg)
		require.Equal(t, 0, code, errOut)
		b, err := os.ReadFile(svg)
		require.NoError(t, err)
		assert.Contains(t, string(b), "<svg")
	}
	t.Setenv("PATH", t.TempDir()) // no dot on the PATH
	code, _, errOut := run(t, nil, "graph", "--dir", dir, "--stage", "dev", "--out", svg+"2.svg")
	assert.Equal(t, 1, code)
	assert.Equal(t, "drawing an SVG needs Graphviz's dot, which is not installed (Debian/Ubuntu: apt-get install graphviz); --format dot prints the graph without it\n", errOut)
	assert.NoFileExists(t, svg+"2.svg")
}

func TestVersion2NamesCarryTheStageSoStagesShareAnAccount(t *testing.T) {
	for _, tc := range []struct {
		name, config, stage, want, stack string
	}{
		{"version 2 in dev", small, "dev", "small-pipeline-dev", "small-pipeline"},
		{"version 2 in prod", small, "prod", "small-pipeline-prod", "small-pipeline"},
		// Without PIPELINE_NAME, data.all's stack was SampleDataProcessingPipeline (app.py:22).
		{"version 1 keeps data.all's names", strings.TrimPrefix(small, "version: 2\n"), "prod", "small-pipeline", "SampleDataProcessingPipeline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := repo(t, map[string]string{"config.yaml": tc.config, "variables.yaml": smallVars})
			out := filepath.Join(t.TempDir(), "cdk.out")
			code, _, errOut := run(t, nil, "synth", "--dir", dir, "--stage", tc.stage, "--out", out, "--skip-bundling")
			require.Equal(t, 0, code, errOut)
			tmpl, err := os.ReadFile(filepath.Join(out, tc.stack+".template.json"))
			require.NoError(t, err)
			assert.Contains(t, string(tmpl), `"StateMachineName": "`+tc.want+`"`)
			assert.Contains(t, string(tmpl), `"LogGroupName": "/aws/vendedlogs/states/`+tc.want+`"`)
			manifest, err := os.ReadFile(filepath.Join(out, "manifest.json"))
			require.NoError(t, err)
			if tc.want == "small-pipeline" {
				assert.NotContains(t, string(manifest), `"stackName"`, "the stack is named as its id")
			} else {
				assert.Contains(t, string(manifest), `"stackName": "`+tc.want+`"`)
			}
		})
	}
}

func TestListPrintsOneTypeInFull(t *testing.T) {
	code, out, errOut := run(t, nil, "list", "choice")
	require.Equal(t, 0, code, errOut)
	for _, want := range []string{
		"choice (step)\n",
		"  choices      list of mapping; required; at least 1 item\n",
		"    condition  map of any; required\n",
		"    groups     list of group (name, jobs); required; at least 1 item\n",
		"    input      string; required; also written variable\n",
		"  default      mapping\n    groups  list of group (name, jobs); required; at least 1 item\n",
		"minimal example (<…> are yours to fill in):\n  name: <name>\n  type: choice\n  choices:\n",
	} {
		assert.Contains(t, out, want)
	}
	code, out, _ = run(t, nil, "list", "lambda_function")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "    memory                          integer; 128 to 10240; default 128; also written memory_size\n")

	code, out, _ = run(t, nil, "list", "glue-job")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "glue-job: the job YAML that a step of type glue_job names in its config\n")
	assert.Contains(t, out, "    type    string; required\n")
	assert.Contains(t, out, "      when type is sql: ", "the runner's handlers, each with its config keys")
	assert.Contains(t, out, "        output  string; database.table to save the result as (overwrite)\n")
	code, out, _ = run(t, nil, "list", "athena-job")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "      type    string; required; one of prepared_statement, sql\n")

	code, _, errOut = run(t, nil, "list", "lamda")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `no type "lamda"; `+"`blueprint list`"+` shows them all (did you mean "lambda_function"?)`)
}

func TestSchemaPrintsEachKind(t *testing.T) {
	for _, kind := range []string{"config", "variables", "glue-job", "athena-job", "test-case"} {
		code, out, errOut := run(t, nil, "schema", "--kind", kind)
		require.Equal(t, 0, code, errOut)
		var s map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &s), kind)
		assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", s["$schema"])
	}
	code, _, errOut := run(t, nil, "schema", "--kind", "glue")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--kind glue: no such schema; the kinds are athena-job, config, glue-job, test-case, variables")
}
