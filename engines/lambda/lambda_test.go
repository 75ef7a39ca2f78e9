package lambda_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const fixture = "testdata/pipeline"

func TestStepsInvokeTheirFunctions(t *testing.T) {
	stacks, diags := testkit.TryPlan(fixture, testkit.Options{Stage: "dev"})
	require.False(t, diags.HasErrors(), "%v", diags)
	var printed []string
	for _, d := range diags {
		printed = append(printed, d.String())
	}
	assert.Equal(t, []string{
		"config.yaml:26:16: warning: aws_resources[3].config.runtime: Lambda no longer creates functions with python3.8; deploying with python3.12 instead (write runtime: python3.12 to silence this)",
		"config.yaml:59:20: warning: groups[0].jobs[0].config.runtime: Lambda no longer creates functions with python3.7; deploying with python3.12 instead (write runtime: python3.12 to silence this)",
	}, printed)
	run := stacks[0].Machine.Definition.States["Run"]
	task := func(i int, name string) map[string]any {
		raw, err := json.Marshal(run.Branches[i].States[name])
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		return m
	}
	with := task(0, "WithLayers")
	assert.Equal(t, "arn:aws:states:::lambda:invoke", with["Resource"])
	assert.Equal(t, map[string]any{"FunctionName": "${bp:lambda_function:WithLayers:arn}", "Payload.$": "$"}, with["Parameters"])
	assert.Equal(t, "$.result", with["ResultPath"])
	assert.Equal(t, map[string]any{"Payload.$": "$.Payload"}, with["ResultSelector"])
	assert.Equal(t, "uses every layer", with["Comment"])
	assert.Len(t, with["Retry"], 1)

	static := task(1, "StaticPayload")
	assert.Equal(t, map[string]any{"FunctionName": "${bp:lambda_function:StaticPayload:arn}", "Payload": map[string]any{"node_name": "load"}}, static["Parameters"])
	assert.Nil(t, static["ResultPath"], "no result path keeps nothing: ResultPath null")
	assert.Contains(t, string(testkit.Definition(t, stacks[0])), `"ResultPath": null`)
}

func TestFixtureSynthesizes(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	fns := a.Resources(t, "lambda-fixture", "AWS::Lambda::Function")
	require.Len(t, fns, 5, "a standalone function, a trigger and three steps")
	var runtimes, handlers []string
	for _, f := range fns {
		p := f["Properties"].(map[string]any)
		if r, ok := p["Runtime"].(string); ok {
			runtimes = append(runtimes, r)
			handlers = append(handlers, p["Handler"].(string))
		} else {
			assert.Equal(t, "Image", p["PackageType"])
		}
		assert.Equal(t, map[string]any{"Mode": "Active"}, p["TracingConfig"])
	}
	assert.ElementsMatch(t, []string{"python3.12", "python3.12", "python3.12", "python3.12"}, runtimes)
	assert.ElementsMatch(t, []string{"handler.handler", "handler.handler", "handler.handler", "handler.handler"}, handlers)
	assert.Len(t, a.Resources(t, "lambda-fixture", "AWS::Lambda::LayerVersion"), 3, "the imported layer is not created")
	assert.Len(t, a.Resources(t, "lambda-fixture", "AWS::SNS::Subscription"), 1)
	rules := a.Resources(t, "lambda-fixture", "AWS::Events::Rule")
	require.Len(t, rules, 2)
	var inputs []string
	for _, r := range rules {
		targets := r["Properties"].(map[string]any)["Targets"].([]any)
		inputs = append(inputs, targets[0].(map[string]any)["Input"].(string))
	}
	assert.ElementsMatch(t, []string{`{"bucket":"datasetbucket","secret":"somesecret"}`, `{"bucket":"other"}`}, inputs)
	tmpl := string(a.Templates["lambda-fixture"])
	assert.Contains(t, tmpl, `"STATE_MACHINE_ARN"`)
	assert.Contains(t, tmpl, `"states:StartExecution"`)

	manifest, err := os.ReadFile(filepath.Join(a.Dir, "lambda-fixture.assets.json"))
	require.NoError(t, err)
	var assets struct {
		DockerImages map[string]any `json:"dockerImages"`
	}
	require.NoError(t, json.Unmarshal(manifest, &assets))
	assert.Len(t, assets.DockerImages, 1, "the container function's image is recorded, to be built at deploy")
	testkit.Golden(t, "testdata/golden/lambda-fixture.template.json", a.Templates["lambda-fixture"])
}

// TestLayersAreBundledOnThisMachine synthesizes with bundling on: the
// custom layer's cmd runs here with /asset-output mapped to the asset dir,
// and the simple layer's files land under python/, with no Docker at all.
func TestLayersAreBundledOnThisMachine(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	a := testkit.Synth(t, stacks, true)
	var custom, simple bool
	dirs, _ := filepath.Glob(filepath.Join(a.Dir, "asset.*"))
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "python", "helpers", "__init__.py")); err == nil {
			custom = true
		}
		if _, err := os.Stat(filepath.Join(d, "python", "pkg", "__init__.py")); err == nil {
			simple = true
			_, err := os.Stat(filepath.Join(d, "python", "requirements.txt"))
			assert.True(t, os.IsNotExist(err), "requirements.txt is not part of the layer")
		}
	}
	assert.True(t, custom, "custom layer bundled")
	assert.True(t, simple, "simple layer bundled")
}

func TestAFailingLayerCommandIsAnError(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "customcode", "layer"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(`version: 2
name: p
aws_resources:
  - name: broken
    type: lambda_layer
    config: {layer_entry: customcode/layer, bundle_type: custom, cmd: "echo nope >&2; exit 3"}
`), 0o644))
	stacks := testkit.Plan(t, dir, testkit.Options{})
	_, err := testkitSynth(stacks, dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "layer broken: bundling in")
	assert.Contains(t, err.Error(), "exit status 3")
	assert.Contains(t, err.Error(), "nope")
}

func TestBadLambdaConfigs(t *testing.T) {
	base := map[string]string{"customcode/fn/handler.py": "def handler(e, c):\n    return e\n\n\nh = handler\n", "customcode/img/README": "no Dockerfile here\n"}
	tests := []struct{ name, cfg, want string }{
		{"a missing index file", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: main.py, handler: h}}\n",
			`config.yaml:6:80: groups[0].jobs[0].config.index: file "customcode/fn/main.py" does not exist`},
		{"memory below Lambda's minimum", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: h, memory: 64}}\n",
			`config.yaml:6:112: groups[0].jobs[0].config.memory: must be at least 128 MB; got 64`},
		{"an unknown runtime", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: h, runtime: python3.21}}\n",
			`config.yaml:6:113: groups[0].jobs[0].config.runtime: unknown Lambda runtime "python3.21" (did you mean "python3.12"?)`},
		{"an image directory without a Dockerfile", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {image: {directory: customcode/img}}}\n",
			`config.yaml:6:58: groups[0].jobs[0].config.image.file: file "customcode/img/Dockerfile" does not exist`},
		{"a container function with a handler", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {image: {directory: customcode/fn, file: handler.py}, handler: h}}\n",
			`config.yaml:6:113: groups[0].jobs[0].config.handler: a container-image function (config.image) takes no handler: the image holds the code and its runtime`},
		{"a zip function without handler", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py}}\n",
			`config.yaml:6:50: groups[0].jobs[0].config.handler: is required when image is not set`},
		{"a malformed trigger payload", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs: [{name: N, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: m}}]\ntriggers:\n  - name: T\n    type: lambda_function\n    config:\n      entry: customcode/fn\n      index: handler.py\n      handler: handler\n      schedulers:\n        - cron: cron(0 4 * * ? *)\n          payload: \"secret=x\"\n",
			`config.yaml:15:20: triggers[0].config.schedulers[0].payload: payload "secret=x" is neither JSON nor a Python dict literal: at character 1: unexpected "s"`},
		{"a broken trigger cron", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs: [{name: N, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: m}}]\ntriggers:\n  - name: T\n    type: lambda_function\n    config:\n      entry: customcode/fn\n      index: handler.py\n      handler: handler\n      schedulers:\n        - cron: cron(0 4 * * * *)\n",
			`config.yaml:14:17: triggers[0].config.schedulers[0].cron: cron(0 4 * * * *): exactly one of day-of-month and day-of-week must be "?"`},
		{"sns on a step", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: F\n        type: lambda_function\n        config: {entry: customcode/fn, index: handler.py, handler: h, sns: {topic_arn: 'arn:aws:sns:eu-west-1:111111111111:t'}}\n",
			`config.yaml:8:76: groups[0].jobs[0].config.sns: sns subscribes a trigger or a standalone function to a topic; a step's function runs when the state machine invokes it`},
		{"a task timeout on a standalone function", "version: 2\nname: p\naws_resources:\n  - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: h, task_timeout: 60}}\n",
			`config.yaml:4:114: aws_resources[0].config.task_timeout: task_timeout is for steps: it sets the state that invokes the function`},
		{"a heartbeat as long as the task timeout", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: h, task_timeout: 60, heartbeat: 60}}\n",
			`config.yaml:6:133: groups[0].jobs[0].config.heartbeat: heartbeat (60 s) must be shorter than task_timeout (60 s)`},
		{"both response shapes", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: h, full_response: true, payload_response_only: true}}\n",
			`config.yaml:6:119: groups[0].jobs[0].config.full_response: full_response keeps the whole invocation response, payload_response_only only the return value: give one of them`},
		{"an output path that is no path", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: h, output_path: result}}\n",
			`config.yaml:6:117: groups[0].jobs[0].config.output_path: path "result" must start with "$" (the state input) or "$$" (the context object)`},
		{"a role that is no ARN", "version: 2\nname: p\naws_resources:\n  - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: h, role: my-role}}\n",
			`config.yaml:4:106: aws_resources[0].config.role: must start with "arn:"; got "my-role"`},
		{"a layer made two ways", "version: 2\nname: p\naws_resources:\n  - name: L\n    type: lambda_layer\n    config: {layer_entry: customcode/fn, bundle_type: custom, cmd: x, layer_arn: {arn: 'arn:aws:lambda:eu-west-1:111111111111:layer:l:1'}}\n",
			`config.yaml:6:13: aws_resources[0].config: a layer is made one way: give only one of layer_entry, layer_arn or bucket_arn + key`},
		{"a simple layer without requirements.txt", "version: 2\nname: p\naws_resources:\n  - name: L\n    type: lambda_layer\n    config: {layer_entry: customcode/fn, bundle_type: simple}\n",
			`config.yaml:6:27: aws_resources[0].config.layer_entry: bundle_type simple installs customcode/fn/requirements.txt, which does not exist`},
		{"an unknown bundle type", "version: 2\nname: p\naws_resources:\n  - name: L\n    type: lambda_layer\n    config: {layer_entry: customcode/fn, bundle_type: docker}\n",
			`config.yaml:6:55: aws_resources[0].config.bundle_type: must be one of "simple" or "custom"; got "docker"`},
		{"a data bucket given as a URI", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: h, data_bucket: 's3://data'}}\n",
			`config.yaml:6:117: groups[0].jobs[0].config.data_bucket: "s3://data" is no S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens (the name, not an s3:// URI or an ARN)`},
		{"a reserved environment variable", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: F, type: lambda_function, config: {entry: customcode/fn, index: handler.py, handler: h, environment: {AWS_REGION: x}}}\n",
			`config.yaml:6:130: groups[0].jobs[0].config.environment.AWS_REGION: AWS_REGION is set by Lambda itself and cannot be overridden`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range base {
				p := filepath.Join(dir, name)
				require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
				require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(tt.cfg), 0o644))
			got := testkit.Diagnostics(t, dir, testkit.Options{})
			assert.Equal(t, tt.want, strings.Split(got, "\n")[0], got)
		})
	}
}

// TestInjectedStepFunctionsAreWhatTheL2Writes: a plain synth writes the
// steps' functions as CloudFormation (inject.go); a checked synth builds
// them with the L2 Function, for cdk-nag. Both templates hold the same
// resources, but for the order CDK lists a function's DependsOn in.
func TestInjectedStepFunctionsAreWhatTheL2Writes(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	a := testkit.Synth(t, stacks, false)
	plain := a.Template(t, "lambda-fixture")
	// The template's own asset is named after the template as written,
	// or the CLI would take an upload of an older one for it.
	sum := sha256.Sum256(a.Templates["lambda-fixture"])
	assets, err := os.ReadFile(filepath.Join(a.Dir, "lambda-fixture.assets.json"))
	require.NoError(t, err)
	assert.Contains(t, string(assets), `"objectKey": "`+hex.EncodeToString(sum[:])+`.json"`)
	out := filepath.Join(t.TempDir(), "cdk.out")
	_, err = synth.SynthNag(stacks, synth.Options{OutDir: out, SkipBundling: true, Registry: engines.Registry()})
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join(out, "lambda-fixture.template.json"))
	require.NoError(t, err)
	var checked map[string]any
	require.NoError(t, json.Unmarshal(raw, &checked))
	sortDependsOn := func(tmpl map[string]any) map[string]any {
		for _, r := range tmpl["Resources"].(map[string]any) {
			if deps, ok := r.(map[string]any)["DependsOn"].([]any); ok {
				sort.Slice(deps, func(i, j int) bool { return deps[i].(string) < deps[j].(string) })
			}
		}
		return tmpl
	}
	// cdk-nag's suppressions are metadata of the checked stack only.
	assert.Equal(t, sortDependsOn(checked)["Resources"], sortDependsOn(plain)["Resources"])
	assert.Contains(t, string(raw), "FunctionStaticPayload")
}
