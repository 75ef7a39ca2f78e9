// Package pipelinetest lets a pipeline repo's own Go tests render, validate and synthesize its pipeline.
package pipelinetest

import (
	_ "github.com/blueprint-dev/blueprint/internal/jsiienv" // sets jsii's env before its init

	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/run"
	"github.com/blueprint-dev/blueprint/blueprint/sfntest"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/engines"
)

// Main runs the tests and closes the one node process CDK starts for
// them; call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// Options say how to load the pipeline.
type Options struct {
	Stage string
	Vars  map[string]string
	// Env is the environment the templates see (STAGE, AWSREGION, …);
	// nothing else from the test's own environment leaks in.
	Env map[string]string
	// Engines are the repo's own step or resource types, next to blueprint's.
	Engines []engine.Engine
}

// Registry returns blueprint's engines plus extra ones.
func Registry(extra ...engine.Engine) *engine.Registry {
	r := engines.Registry()
	for _, e := range extra {
		r.Register(e)
	}
	return r
}

func (o Options) load(dir string) ([]*plan.Stack, diag.List) {
	return plan.Load(config.LoadOptions{RepoDir: dir, Stage: o.Stage, Vars: o.Vars, LookupEnv: o.lookupEnv()}, Registry(o.Engines...))
}

func (o Options) lookupEnv() func(string) (string, bool) {
	env := o.Env
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// Plan validates and plans the pipeline at dir, failing the test with
// every diagnostic when it does not validate: its stacks, with the config
// each was read from and its state machine, for tests that follow the
// config as it is edited.
func Plan(t testing.TB, dir string, o Options) []*plan.Stack {
	t.Helper()
	stacks, diags := o.load(dir)
	if diags.HasErrors() {
		var b bytes.Buffer
		diags.Print(&b)
		t.Fatalf("the pipeline does not validate for stage %q:\n%s", o.Stage, b.String())
	}
	return stacks
}

// Jobs are the names of every job of a config, nested ones (a choice's
// branches) included: each is a state of the planned state machine.
func Jobs(st *plan.Stack) []string {
	var out []string
	var walk func(groups []*config.Group)
	walk = func(groups []*config.Group) {
		for _, g := range groups {
			for _, j := range g.Jobs {
				out = append(out, j.Name)
				if n, ok := j.Spec.(engine.Nester); ok {
					walk(n.NestedGroups())
				}
			}
		}
	}
	walk(st.Config.Pipeline.Groups)
	if st.Config.Pipeline.Catch != nil {
		walk(st.Config.Pipeline.Catch.Groups)
	}
	return out
}

// MissingJobs are the jobs of a config with no state in its planned state
// machine: a job's state is named after it, or its states "<job>: …".
func MissingJobs(st *plan.Stack) []string {
	states := map[string]bool{}
	if st.Machine != nil {
		st.Machine.Definition.Walk(func(name string, _ *asl.State) {
			states[name] = true
			if job, _, ok := strings.Cut(name, ": "); ok {
				states[job] = true
			}
		})
	}
	var out []string
	for _, j := range Jobs(st) {
		if !states[j] {
			out = append(out, j)
		}
	}
	return out
}

// Validate fails the test with every diagnostic when the pipeline at dir
// does not validate, and returns the warnings.
func Validate(t testing.TB, dir string, o Options) diag.List {
	t.Helper()
	_, diags := o.load(dir)
	if diags.HasErrors() {
		var b bytes.Buffer
		diags.Print(&b)
		t.Fatalf("the pipeline does not validate for stage %q:\n%s", o.Stage, b.String())
	}
	return diags
}

// Assembly is a synthesized cloud assembly.
type Assembly struct {
	Dir string
	// Templates maps stack names to their templates, decoded.
	Templates map[string]map[string]any
}

// Resources returns the resources of a stack of the given CloudFormation
// type ("AWS::Lambda::Function"), by logical id.
func (a *Assembly) Resources(stack, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	res, _ := a.Templates[stack]["Resources"].(map[string]any)
	for id, r := range res {
		if m, ok := r.(map[string]any); ok && m["Type"] == typ {
			out[id] = m
		}
	}
	return out
}

// Stacks lists the stack names, sorted.
func (a *Assembly) Stacks() []string {
	out := make([]string, 0, len(a.Templates))
	for k := range a.Templates {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Synth validates and synthesizes the pipeline at dir into a temporary
// dir, without bundling assets, and fails the test on any problem.
func Synth(t testing.TB, dir string, o Options) *Assembly {
	t.Helper()
	stacks := Plan(t, dir, o)
	out := filepath.Join(t.TempDir(), "cdk.out")
	if err := synth.Synth(stacks, synth.Options{OutDir: out, SkipBundling: true, Registry: Registry(o.Engines...)}); err != nil {
		t.Fatalf("synth: %v", err)
	}
	a := &Assembly{Dir: out, Templates: map[string]map[string]any{}}
	files, _ := filepath.Glob(filepath.Join(out, "*.template.json"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		a.Templates[strings.TrimSuffix(filepath.Base(f), ".template.json")] = m
	}
	return a
}

// StateMachineCases runs the test cases of tests/sfn/*.json (the format
// blueprint test reads) on the planned state machines, one subtest per
// case named <file>/<machine>/<case>, so they show in the JUnit report
// of the RunTests stage. No AWS call and no node process.
func StateMachineCases(t *testing.T, dir string, o Options) {
	t.Helper()
	files := sfntest.Files(dir)
	if len(files) == 0 {
		t.Skipf("no test cases in %s", filepath.Join(dir, "tests", "sfn", "*.json"))
	}
	stacks := Plan(t, dir, o)
	machines := sfntest.Machines(stacks)
	for _, f := range files {
		suite, err := sfntest.Render(f, sfntest.Context(stacks), o.lookupEnv())
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		for _, r := range suite.Run(machines) {
			t.Run(strings.TrimSuffix(filepath.Base(f), ".json")+"/"+r.Machine+"/"+r.Case, func(t *testing.T) {
				if len(r.Path) > 0 {
					t.Logf("path: %s", strings.Join(r.Path, " → "))
				}
				for _, p := range r.Problems {
					t.Error(p)
				}
			})
		}
	}
}

// IntegrationStage is the stage a deployed-stage test runs against: the
// RunTests<Stage> project of blueprint synth --cicd sets it; "" elsewhere,
// where those tests skip.
func IntegrationStage() string { return os.Getenv(synth.IntegrationStageEnv) }

// Run starts the deployed state machine of stage o.Stage with input (JSON)
// and follows it, each state in the test log, for at most timeout. It
// finds it as blueprint run does (the stack of config.yaml, or the only
// one with a state machine, by its SSM parameter) and reaches AWS with
// the environment's credentials and region. A failure to start fails the
// test; how the execution ended is returned.
func Run(t testing.TB, dir string, o Options, input string, timeout time.Duration) *run.Outcome {
	t.Helper()
	st, err := run.Pick(Plan(t, dir, o))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	client, arn, err := run.Find(ctx, st, run.Options{})
	if err != nil {
		t.Fatal(err)
	}
	execution, err := client.Start(ctx, arn, input)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("started %s", execution)
	out, err := client.Follow(ctx, execution, logWriter{t}, run.FollowOptions{Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(run.Summary(out, execution))
	return out
}

// logWriter writes to the test log, a line per Write.
type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
