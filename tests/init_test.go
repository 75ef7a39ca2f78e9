package tests

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func blueprint(t testing.TB, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &cmd.App{Stdout: &out, Stderr: &errOut, LookupEnv: testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111"),
		Environ: func() []string { return nil }, Registry: engines.Registry()}
	code := app.Run(args)
	return code, out.String() + errOut.String()
}

// nextSteps reads the commands init printed after "next:" (the cd first),
// and checks the new repo's README opens with the same ones.
func nextSteps(t *testing.T, out, dir string) []string {
	t.Helper()
	_, next, ok := strings.Cut(out, "next:\n")
	require.True(t, ok, "init prints the next commands:\n%s", out)
	var steps []string
	for _, line := range strings.Split(strings.TrimSpace(next), "\n") {
		cmd, _, _ := strings.Cut(line, "#")
		steps = append(steps, strings.TrimSpace(cmd))
	}
	require.Equal(t, "cd "+dir, steps[0])
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	require.NoError(t, err)
	for _, s := range steps[1:] {
		assert.Contains(t, string(readme), "\n"+s+" ", "the README shows what init printed")
	}
	return steps[1:]
}

// runIn runs a printed command line in dir, as a user's shell would.
func runIn(t *testing.T, dir, line string, env ...string) string {
	t.Helper()
	c := exec.Command("sh", "-c", line)
	c.Dir = dir
	c.Env = append(append(os.Environ(), "GOFLAGS=-mod=mod", "STAGE="), env...)
	out, err := c.CombinedOutput()
	require.NoError(t, err, "%s:\n%s", line, out)
	return string(out)
}

// TestInitScaffoldsARepoWhoseOwnTestsPass is the user's first ten minutes:
// init a repo with a step type of its own, run its tests, synthesize prod.
func TestInitScaffoldsARepoWhoseOwnTestsPass(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests the scaffolded repo")
	}
	root, err := check.RepoRoot()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "orders")
	code, out := blueprint(t, "init", dir, "--with-engine", "--blueprint-src", root)
	require.Equal(t, 0, code, out)
	for _, f := range []string{"config.yaml", "variables.yaml", "configs/README.md", "customcode/lambda_functions/start_pipeline/handler.py",
		"tests/pipeline_test.go", "tests/sfn/pipeline.json", "tests/integration/pipeline_test.go", "tests/integration/dev.json", "cdk.json", "buildspec.yml", "README.md", "go.mod", "engines/pause/pause.go", "cmd/blueprint/main.go"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	// The commands init printed, as printed: tidy, test, synth.
	steps := nextSteps(t, out, dir)
	require.Equal(t, []string{"go mod tidy", "go test ./tests/...", "go run ./cmd/blueprint synth --stage dev"}, steps)
	runIn(t, dir, steps[0])
	// go test ./tests/..., as the RunTests stage runs it (gotestsum aside):
	// its coverage report measures the code the tests run, never nothing.
	_, args, _ := strings.Cut(config.RunTests[1], " -- ")
	require.True(t, strings.HasSuffix(args, " "+strings.TrimPrefix(steps[1], "go test ")), "RunTests runs the printed go test")
	tests := runIn(t, dir, "mkdir -p tests/reports && go test -v "+args)
	assert.Contains(t, tests, "ok")
	cover, err := os.ReadFile(filepath.Join(dir, "tests", "reports", "coverage.out"))
	require.NoError(t, err)
	assert.Greater(t, strings.Count(string(cover), "\n"), 1000, "coverage.out holds blocks, not only its mode line")
	assert.Contains(t, string(cover), "github.com/blueprint-dev/blueprint/blueprint/validate/")
	assert.Contains(t, string(cover), "/engines/pause/pause.go:")
	// The tests of a deployed stage wait for RunTests<Stage> to set one.
	assert.Contains(t, tests, "--- SKIP: TestTheDeployedPipelineRuns")
	// The state machine cases run as subtests, addressed by the repo's name.
	for _, c := range []string{"HelloThenDone", "AFailingStepIsReported"} {
		assert.Contains(t, tests, "--- PASS: TestStateMachineCases/prod/pipeline/orders/"+c)
	}
	assert.Contains(t, runIn(t, dir, "go run ./cmd/blueprint test --stage prod"), "2 passed, 0 failed")
	// A renamed pipeline keeps its cases: they name it {{ pipeline_name }}.
	vars, err := os.ReadFile(filepath.Join(dir, "variables.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), []byte(strings.Replace(string(vars), "project_name: orders", "project_name: orders-v2", 1)), 0o644))
	assert.Contains(t, runIn(t, dir, "go run ./cmd/blueprint test --stage prod"), "2 passed, 0 failed")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), vars, 0o644))
	runIn(t, dir, strings.Replace(steps[2], "dev", "prod", 1))
	tmpl, err := os.ReadFile(filepath.Join(dir, "cdk.out", "orders.template.json"))
	require.NoError(t, err)
	for _, want := range []string{`"AWS::SNS::Subscription"`, `"AWS::Events::Rule"`, `"STATE_MACHINE_ARN"`, `\"Type\":\"Wait\"`} {
		assert.Contains(t, string(tmpl), want)
	}
	check.Assembly(t, filepath.Join(dir, "cdk.out"))
}

// TestInitPinsTheBlueprintItWasBuiltFrom: without --blueprint-src, a
// blueprint built from a checkout points the new repo at that checkout,
// and the repo runs that blueprint as go tool blueprint, as its build does.
func TestInitPinsTheBlueprintItWasBuiltFrom(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the scaffolded repo's blueprint tool")
	}
	root, err := check.RepoRoot()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "sales")
	code, out := blueprint(t, "init", dir)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "go.mod uses the blueprint checkout at "+root+" (--blueprint-src to choose another)\n")
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(mod), "tool github.com/blueprint-dev/blueprint/cmd/blueprint\n")
	assert.Contains(t, string(mod), "replace github.com/blueprint-dev/blueprint => "+root+"\n")
	spec, err := os.ReadFile(filepath.Join(dir, "buildspec.yml"))
	require.NoError(t, err)
	assert.Contains(t, string(spec), "      - go tool blueprint synth --stage $STAGE\n")
	cdkJSON, err := os.ReadFile(filepath.Join(dir, "cdk.json"))
	require.NoError(t, err)
	assert.Contains(t, string(cdkJSON), `"app": "go tool blueprint synth"`, "cdk synth runs what works right after init")

	// The printed commands but go test (TestInitScaffoldsARepoWhoseOwnTestsPass runs that).
	steps := nextSteps(t, out, dir)
	require.Equal(t, []string{"go mod tidy", "go test ./tests/...", "go tool blueprint synth --stage dev"}, steps)
	aws := []string{"AWSREGION=eu-west-1", "AWSACCOUNTID=111111111111"}
	runIn(t, dir, steps[0])
	assert.Contains(t, runIn(t, dir, steps[2], aws...), "wrote cdk.out: 1 stack(s): sales\n")
	assert.FileExists(t, filepath.Join(dir, "cdk.out", "sales.template.json"))
	assert.Contains(t, runIn(t, dir, "go tool blueprint test --stage dev", aws...), "2 passed, 0 failed\n")
}

func TestInitStartsFromAnyExample(t *testing.T) {
	code, out := blueprint(t, "init", "--list")
	require.Equal(t, 0, code)
	for _, name := range []string{"starter", "batch", "container-lambda", "glue-athena", "sagemaker"} {
		assert.Contains(t, out, name)
	}
	dir := filepath.Join(t.TempDir(), "iris")
	code, out = blueprint(t, "init", dir, "--example", "sagemaker")
	require.Equal(t, 0, code, out)
	code, out = blueprint(t, "validate", "--dir", dir, "--stage", "prod")
	assert.Equal(t, 0, code, out)
}

func TestInitRefusesWhatItCannotDoAndWritesNothing(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "a-file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	full := filepath.Join(base, "full")
	require.NoError(t, os.MkdirAll(full, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(full, "keep.txt"), []byte("mine"), 0o644))

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"a file path", []string{"init", file}, 1, "blueprint: init " + file + ": " + file + " is a file; init writes a new directory\n"},
		{"a non-empty directory", []string{"init", full}, 1, "blueprint: init " + full + ": " + full + " is not empty (1 entries); choose a new directory, or --force to write into it\n"},
		{"an unknown example", []string{"init", filepath.Join(base, "new"), "--example", "sagemker"}, 2,
			"blueprint: no example \"sagemker\"; the examples are batch, container-lambda, fan-out, glue-athena, sagemaker, starter (did you mean \"sagemaker\"?)\nRun 'blueprint --help' for usage.\n"},
		{"no directory", []string{"init"}, 2, "blueprint: init takes one DIR, the new repo's directory\nRun 'blueprint --help' for usage.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := blueprint(t, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Equal(t, tt.want, out)
		})
	}
	entries, _ := os.ReadDir(base)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"a-file", "full"}, names, "nothing half-written, no temporary dir left")
	kept, _ := os.ReadFile(filepath.Join(full, "keep.txt"))
	assert.Equal(t, "mine", string(kept))

	code, out := blueprint(t, "init", full, "--force")
	require.Equal(t, 0, code, out)
	assert.FileExists(t, filepath.Join(full, "config.yaml"))
	assert.FileExists(t, filepath.Join(full, "keep.txt"), "--force writes over, it does not wipe")
}
