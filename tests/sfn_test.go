package tests

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/sfntest"
	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func runTest(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := &cmd.App{Stdout: &stdout, Stderr: &stderr, LookupEnv: testkit.Env(), Environ: func() []string { return nil }, Registry: engines.Registry()}
	code := app.Run(append([]string{"test"}, args...))
	return code, stdout.String(), stderr.String()
}

type junit struct {
	Suites []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestBlueprintTestRunsTheDefaultPipelineCases is issue 7's promise on
// the repo's own pipeline: the happy path, a retry that succeeds on the
// second attempt, and a failure caught by the global catch that publishes
// to SNS, for every stage, with a JUnit report for the RunTests stage.
func TestBlueprintTestRunsTheDefaultPipelineCases(t *testing.T) {
	for _, stage := range []string{"dev", "test", "prod"} {
		t.Run(stage, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "reports", "sfn.xml")
			code, out, errOut := runTest(t, "--dir", root, "--stage", stage, "--junit", report)
			require.Equal(t, 0, code, out+errOut)
			assert.Contains(t, out, `  PASS data-pipeline / LargeDatasetRetriesTheChunkedTransformOnce
       path: RetryAndErrorHandler → Prepare → ValidateInput → AnnounceStart → Process → RouteBySize → ProcessLarge → TransformInChunks (retried once) → RouteBySize: end → Publish → NotifyDone
`)
			assert.Contains(t, out, "PASS data-pipeline / SmallDatasetTakesTheDefaultBranch\n")
			assert.Contains(t, out, "path: RetryAndErrorHandler (retried once, caught ValueError) → Prepare → ValidateInput (failed ValueError) → Prepare → ValidateInput (failed ValueError) → OnFailure → NotifyFailure → PipelineFailed\n")
			assert.Contains(t, out, "3 passed, 0 failed\n")

			raw, err := os.ReadFile(report)
			require.NoError(t, err)
			var doc junit
			require.NoError(t, xml.Unmarshal(raw, &doc))
			require.Len(t, doc.Suites, 1)
			assert.Equal(t, filepath.Join("tests", "sfn", "default.json"), doc.Suites[0].Name)
			assert.Equal(t, 3, doc.Suites[0].Tests)
			assert.Zero(t, doc.Suites[0].Failures)
		})
	}
}

// TestEveryExampleHasCasesThatPass: each example ships state machine
// cases (blueprint init copies them); glue-athena's choice takes each
// branch, sagemaker's endpoint wait loop ends in each of its three ways.
func TestEveryExampleHasCasesThatPass(t *testing.T) {
	for name, want := range map[string]string{
		"batch": "3 passed", "container-lambda": "3 passed", "fan-out": "4 passed", "glue-athena": "2 passed",
		"sagemaker": "4 passed", "starter": "2 passed",
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runTest(t, "--dir", filepath.Join("..", "examples", name), "--stage", "prod")
			require.Equal(t, 0, code, out+errOut)
			assert.Contains(t, out, want+", 0 failed\n")
		})
	}
	entries, err := os.ReadDir(filepath.Join("..", "examples"))
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() {
			assert.NotEmpty(t, sfntest.Files(filepath.Join("..", "examples", e.Name())), "examples/%s has no tests/sfn cases", e.Name())
		}
	}
	code, out, _ := runTest(t, "--dir", filepath.Join("..", "examples", "glue-athena"), "--stage", "dev")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "→ Check → LateData → Warn → WarnLateData → LateData: end\n")
	assert.Contains(t, out, "→ Check → LateData → LateData: end\n")
	code, out, _ = runTest(t, "--dir", filepath.Join("..", "examples", "sagemaker"), "--stage", "dev")
	require.Equal(t, 0, code)
	for _, end := range []string{"IrisEndpoint: in service", "IrisEndpoint: failed"} {
		assert.Contains(t, out, "→ IrisEndpoint: check → "+end)
	}
	assert.Contains(t, out, "→ (IrisEndpoint: wait → IrisEndpoint: status → IrisEndpoint: count → IrisEndpoint: check) ×30 → IrisEndpoint: timed out\n"+
		"       waits: 30m0s in Wait states and retry intervals (not slept)\n")
}

func TestBlueprintTestReportsFailuresAndBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"config.yaml": `version: 2
name: tiny
groups:
  - name: G
    jobs:
      - name: Hello
        type: lambda_function
        config:
          entry: customcode/lambda_functions/hello
          index: handler.py
          handler: handler
`,
		"customcode/lambda_functions/hello/handler.py": "def handler(event, context):\n    return event\n",
		"tests/sfn/a.json": `{"StateMachines": {"tiny": {"TestCases": {"Fails": {"Hello": "Boom"}}}},
 "MockedResponses": {"Boom": {"0": {"Throw": {"Error": "Lambda.Unknown"}}}},
 "Expectations": {"tiny": {"Fails": {"Status": "SUCCEEDED"}}}}`,
		"tests/sfn/b.json": `{"StateMachines": {"tiny": {"TestCases": {"Typo": {"Helo": "Ok"}}}},
 "MockedResponses": {"Ok": {"0": {"Return": {}}}}}`,
		"tests/sfn/c.json": `{"StateMachines": `,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	report := filepath.Join(dir, "tests", "reports", "sfn.xml")
	code, out, errOut := runTest(t, "--dir", dir, "--stage", "dev", "--junit", report)
	assert.Equal(t, 1, code)
	assert.Equal(t, `tests/sfn/a.json
  FAIL tiny / Fails
       path: G → Hello (failed Lambda.Unknown)
       status FAILED, expected SUCCEEDED (Lambda.Unknown: )
tests/sfn/b.json
  FAIL tiny / Typo
       the case mocks state "Helo", which the state machine does not have
0 passed, 3 failed
`, out)
	assert.Equal(t, filepath.Join(dir, "tests", "sfn", "c.json")+":1:19: not valid JSON: the file ends before the document does\n", errOut)
	raw, err := os.ReadFile(report)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `<testsuite name="tests/sfn/a.json" tests="1" failures="1">`)

	empty := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(empty, "config.yaml"), []byte("version: 2\nname: e\ngroups: []\n"), 0o644))
	code, _, errOut = runTest(t, "--dir", empty)
	assert.Equal(t, 1, code)
	assert.Equal(t, "blueprint: no test cases in "+filepath.Join(empty, "tests", "sfn", "*.json")+" (blueprint test --skeleton > tests/sfn/cases.json starts one)\n", errOut)
}

// TestBlueprintTestCoversEveryStack: each stack's machine is addressed by
// its name (a configs/ stack's is <pipeline>-<config>); --config runs only
// the cases of the stack it selects.
func TestBlueprintTestCoversEveryStack(t *testing.T) {
	publish := "groups:\n  - name: G\n    jobs:\n      - {name: Hello, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: hi}}\n"
	dir := writeRepo(t, map[string]string{
		"config.yaml":        "version: 2\nname: main\n" + publish,
		"configs/extra.yaml": "version: 2\nname: extra\n" + publish,
		"tests/sfn/cases.json": `{"StateMachines": {"main": {"TestCases": {"Main": {"Hello": "Ok"}}}, "main-extra": {"TestCases": {"Extra": {"Hello": "Ok"}}}},
 "MockedResponses": {"Ok": {"0": {"Return": {"MessageId": "1"}}}}}`,
	})
	code, out, errOut := runTest(t, "--dir", dir, "--stage", "dev")
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "  PASS main / Main\n")
	assert.Contains(t, out, "  PASS main-extra / Extra\n")
	assert.Contains(t, out, "2 passed, 0 failed\n")

	code, out, errOut = runTest(t, "--dir", dir, "--stage", "dev", "--config", "configs/extra.yaml")
	require.Equal(t, 0, code, out+errOut)
	assert.NotContains(t, out, "main / Main")
	assert.Contains(t, out, "1 passed, 0 failed, 1 of other stacks skipped (--config configs/extra.yaml)\n")
}

// TestASkeletonIsAStart: blueprint test --skeleton prints a file that,
// saved as tests/sfn/cases.json, runs green where mocked successes and
// placeholder inputs suffice (the examples) and otherwise names what is
// missing.
func TestASkeletonIsAStart(t *testing.T) {
	for _, ex := range []string{"starter", "batch", "container-lambda", "glue-athena", "sagemaker"} {
		t.Run(ex, func(t *testing.T) {
			src := filepath.Join("..", "examples", ex)
			code, skeleton, errOut := runTest(t, "--dir", src, "--stage", "dev", "--skeleton")
			require.Equal(t, 0, code, errOut)
			files := map[string]string{"tests/sfn/cases.json": skeleton}
			for _, f := range []string{"config.yaml", "variables.yaml"} {
				b, err := os.ReadFile(filepath.Join(src, f))
				require.NoError(t, err)
				files[f] = string(b)
			}
			dir := writeRepo(t, files)
			require.NoError(t, os.CopyFS(filepath.Join(dir, "customcode"), os.DirFS(filepath.Join(src, "customcode"))))
			code, out, errOut := runTest(t, "--dir", dir, "--stage", "dev")
			require.Equal(t, 0, code, out+errOut)
			assert.Contains(t, out, "1 passed, 0 failed\n")
		})
	}
	code, out, errOut := runTest(t, "--dir", writeRepo(t, map[string]string{"config.yaml": "version: 2\nname: e\n"}), "--stage", "dev")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "(blueprint test --skeleton > tests/sfn/cases.json starts one)\n")
}

func TestBlueprintTestPrintsTheHistory(t *testing.T) {
	code, out, errOut := runTest(t, "--dir", filepath.Join("..", "examples", "starter"), "--stage", "dev", "--history")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `  history of my-pipeline / AFailingStepIsReported:
         1 ExecutionStarted
         2 ParallelStateEntered       RetryAndErrorHandler
         3 ParallelStateEntered       Work
         4 TaskStateEntered           SayHello
         5 TaskScheduled              SayHello  arn:aws:states:::lambda:invoke
         6 TaskFailed                 SayHello  Lambda.Unknown
         7 Caught                     RetryAndErrorHandler  Lambda.Unknown
`)
	assert.Contains(t, out, "        16 ExecutionFailed            PipelineFailed\n")
}

// TestFanOutToleratesOneBadBatchAndFailsOnTwo is issue 16's promise on the
// fan-out example: its distributed map tolerates one failed batch in five
// (20%) and fails the pipeline, through the global catch, on two.
func TestFanOutToleratesOneBadBatchAndFailsOnTwo(t *testing.T) {
	code, out, errOut := runTest(t, "--dir", filepath.Join("..", "examples", "fan-out"), "--stage", "dev")
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, `  PASS fan-out / OneBadBatchInFiveIsTolerated
       path: RetryAndErrorHandler → List → ListPartitions → Partitions → PerPartition → (Partition → ProcessPartition) ×3 → Files → PerFile (1 of 5 child executions failed, tolerated) → (FileBatch → ProcessFiles) ×3 → FileBatch → ProcessFiles (failed ValueError) → FileBatch → ProcessFiles → Notify → NotifyDone
`)
	assert.Contains(t, out, `  PASS fan-out / TwoBadBatchesFailThePipeline
       path: RetryAndErrorHandler (caught States.ExceedToleratedFailureThreshold) → List → ListPartitions → Partitions → PerPartition → (Partition → ProcessPartition) ×3 → Files → PerFile (2 of 5 child executions failed) → FileBatch → ProcessFiles → FileBatch → ProcessFiles (failed ValueError) → FileBatch → ProcessFiles (failed ValueError) → FileBatch → ProcessFiles → FileBatch → ProcessFiles → OnFailure → NotifyFailure → PipelineFailed
`)
	assert.Contains(t, out, "4 passed, 0 failed\n")
}
