package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/executor"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/sfntest"
	"github.com/blueprint-dev/blueprint/internal/bigpipe"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// planShape writes and plans a generated pipeline.
func planShape(t testing.TB, s bigpipe.Shape) *plan.Stack {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, bigpipe.Write(dir, s))
	stacks := testkit.Plan(t, dir, testkit.Options{Stage: "dev"})
	require.Len(t, stacks, 1)
	return stacks[0]
}

// templateStats reads every template of an assembly: resources and size.
func templateStats(t testing.TB, dir string) map[string][2]int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.template.json"))
	require.NoError(t, err)
	out := map[string][2]int{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var tpl struct{ Resources map[string]json.RawMessage }
		require.NoError(t, json.Unmarshal(raw, &tpl))
		out[filepath.Base(f)] = [2]int{len(tpl.Resources), len(raw)}
	}
	return out
}

func TestAPipelineJustPast500ResourcesSplitsIntoNestedStacksAndLintsClean(t *testing.T) {
	st := planShape(t, bigpipe.Shape{Groups: 42, Lambdas: 3})
	require.True(t, st.Layout.Nested, "126 Lambda steps build about %d resources", st.Layout.Resources)
	require.Empty(t, st.Machine.Parts, "a 42-group definition fits one state machine")
	require.Len(t, st.Describe(), 1)
	assert.Regexp(t, `^about 5\d\d resources, more than one template holds \(500\): each job's resources go into one of 16 nested stacks chosen by its name \(Jobs01 \d+, Jobs02`, st.Describe()[0])

	a := testkit.Synth(t, []*plan.Stack{st}, false)
	stats := templateStats(t, a.Dir)
	nested := 0
	for name, s := range stats {
		assert.LessOrEqual(t, s[0], plan.MaxResources, name)
		assert.LessOrEqual(t, s[1], 1<<20, name)
		if strings.Contains(name, ".nested.") {
			nested++
		}
	}
	assert.Equal(t, plan.Buckets, nested, "every bucket gets some of 126 jobs")
	// Every function moved; the main stack keeps the machine and the nested stacks.
	assert.Empty(t, a.Resources(t, "big", "AWS::Lambda::Function"))
	assert.Len(t, a.Resources(t, "big", "AWS::CloudFormation::Stack"), plan.Buckets)
	check.Assembly(t, a.Dir)
}

func TestAddingJobsNeverMovesAJobToAnotherNestedStack(t *testing.T) {
	before := planShape(t, bigpipe.Shape{Groups: 42, Lambdas: 3})
	after := planShape(t, bigpipe.Shape{Groups: 60, Lambdas: 4})
	require.True(t, before.Layout.Nested)
	require.True(t, after.Layout.Nested)
	for job, bucket := range before.Layout.Jobs {
		assert.Equal(t, bucket, after.Layout.Jobs[job], job)
	}
}

func TestASmallPipelineStaysInOneStack(t *testing.T) {
	st := planShape(t, bigpipe.Shape{Groups: 20, Lambdas: 3})
	assert.False(t, st.Layout.Nested)
	assert.Empty(t, st.Describe())
}

// runAll runs a machine as it deploys with every task answering {}.
func runAll(t *testing.T, st *plan.Stack, fail string) *executor.Result {
	t.Helper()
	machines, children := sfntest.Deployed([]*plan.Stack{st})
	tasks := executor.TaskFunc(func(c executor.TaskContext) (any, *executor.Error) {
		if c.State == fail {
			return nil, &executor.Error{Error: "Boom", Cause: "mocked"}
		}
		return map[string]any{}, nil
	})
	r, err := executor.Run(machines[st.Machine.Name], map[string]any{"run": 1}, executor.Options{Tasks: tasks, Children: children, MaxTransitions: 100000})
	require.NoError(t, err)
	return r
}

func TestA2000JobStateMachineRunsAsChildMachinesOfWholeGroups(t *testing.T) {
	st := planShape(t, bigpipe.Shape{Groups: 500, Lambdas: 1, Publishes: 3})
	m := st.Machine
	require.NotEmpty(t, m.Parts)
	lines := st.Describe()
	require.Len(t, lines, 2+len(m.Parts))
	assert.Contains(t, lines[1], fmt.Sprintf("runs %d child machines in turn", len(m.Parts)))
	assert.Contains(t, lines[2], "big-part1: 149 groups, Group0000 … Group0148")
	var groups []string
	states := map[string]bool{}
	for _, p := range m.Parts {
		assert.LessOrEqual(t, p.Bytes, plan.MaxDefinitionBytes, p.Name)
		assert.LessOrEqual(t, p.Refs, plan.MaxMachineRefs, p.Name)
		groups = append(groups, p.Groups...)
		p.Definition.Walk(func(n string, _ *asl.State) { states[n] = true })
	}
	require.Len(t, groups, 500, "every group in exactly one part, in order")
	for i, g := range groups {
		assert.Equal(t, fmt.Sprintf("Group%04d", i), g)
	}
	whole := map[string]bool{}
	m.Definition.Walk(func(n string, _ *asl.State) { whole[n] = true })
	assert.Equal(t, whole, states, "the parts hold the whole machine's states")

	r := runAll(t, st, "")
	require.Equal(t, executor.Succeeded, r.Status, r.Error+" "+r.Cause)
	assert.Contains(t, r.Visited, "Fn0499_0")
	assert.Equal(t, map[string]any{"run": float64(1)}, r.Output, "groups without results pass the input through the children")

	r = runAll(t, st, "Fn0300_0")
	require.Equal(t, executor.Failed, r.Status)
	assert.Equal(t, asl.ErrTaskFailed, r.Error)
	assert.Contains(t, r.Cause, `"Error":"Boom"`)
	assert.NotContains(t, r.Visited, "Fn0499_0")
}

func TestAGroupTooBigForOneStateMachineIsADiagnosticNamingIt(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, bigpipe.Write(dir, bigpipe.Shape{Groups: 2, Lambdas: 151}))
	got := testkit.Diagnostics(t, dir, testkit.Options{Stage: "dev"})
	assert.Contains(t, got, "config.yaml:4:5: groups[0]: group Group0000 alone uses 151 deploy-time values (function ARNs, …); one state machine may use at most 150 (split the group's jobs into several groups)")
	assert.Contains(t, got, "groups[1]: group Group0001 alone uses 151")
}

// TestSynth2000Jobs is the heavy case: BLUEPRINT_HEAVY=1 runs it.
func TestSynth2000Jobs(t *testing.T) {
	if os.Getenv("BLUEPRINT_HEAVY") == "" {
		t.Skip("set BLUEPRINT_HEAVY=1 to synthesize the 2,000-job pipeline")
	}
	st := planShape(t, bigpipe.Shape{Groups: 500, Lambdas: 1, Publishes: 3})
	start := time.Now()
	a := testkit.Synth(t, []*plan.Stack{st}, false)
	t.Logf("synth of 2,000 jobs: %s", time.Since(start))
	stats := templateStats(t, a.Dir)
	names := make([]string, 0, len(stats))
	for n := range stats {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := stats[n]
		t.Logf("%s: %d resources, %d bytes", n, s[0], s[1])
		assert.LessOrEqual(t, s[0], plan.MaxResources, n)
		assert.LessOrEqual(t, s[1], 1<<20, n)
		raw, err := os.ReadFile(filepath.Join(a.Dir, n))
		require.NoError(t, err)
		defs, err := check.Definitions(raw)
		require.NoError(t, err)
		for id, d := range defs {
			assert.LessOrEqual(t, len(d), 1<<20, n+" "+id)
		}
	}
	check.Assembly(t, a.Dir)
}

// TestADistributedMapInAChildMachineStartsThatChild: a distributed map
// starts executions of the machine it runs in, so in a split pipeline
// its part, not the root, is the one granted them.
func TestADistributedMapInAChildMachineStartsThatChild(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, bigpipe.Write(dir, bigpipe.Shape{Groups: 500, Lambdas: 1, Publishes: 3}))
	cfg := filepath.Join(dir, "config.yaml")
	raw, err := os.ReadFile(cfg)
	require.NoError(t, err)
	raw = append(raw, []byte(`  - name: Fan
    jobs:
      - name: PerItem
        type: map
        mode: distributed
        items: $.items
        groups:
          - name: Each
            jobs:
              - {name: NotifyItem, type: sns_publish, config: {topic_name: events, message: item}}
`)...)
	require.NoError(t, os.WriteFile(cfg, raw, 0o644))
	stacks := testkit.Plan(t, dir, testkit.Options{Stage: "dev"})
	m := stacks[0].Machine
	require.Greater(t, len(m.Parts), 1)
	last := m.Parts[len(m.Parts)-1]
	require.Contains(t, last.Groups, "Fan")
	grants := func(p *engine.Policy) map[string]bool {
		out := map[string]bool{}
		for _, s := range p.Normalized() {
			for _, a := range s.Actions {
				if a == "states:StartExecution" {
					for _, r := range s.Resources {
						out[r] = true
					}
				}
			}
		}
		return out
	}
	own := engine.ARN("states", fmt.Sprintf("stateMachine:big-dev-%s", last.Name))
	assert.True(t, grants(last.Policy)[own], "the part starts its own executions: %v", grants(last.Policy))
	assert.False(t, grants(m.RootPolicy)[engine.ARN("states", "stateMachine:big-dev")], "the root runs no distributed map")
}

func TestASplitMachineWarnsACatchOfNamedErrorsThatPartsReportAsTaskFailed(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, bigpipe.Write(dir, bigpipe.Shape{Groups: 2, Lambdas: 100}))
	cfg := filepath.Join(dir, "config.yaml")
	raw, err := os.ReadFile(cfg)
	require.NoError(t, err)
	raw = append(raw, "catch:\n  error_equals: [Lambda.Unknown]\n  groups:\n    - name: OnFailure\n      jobs:\n        - name: Notify\n          type: lambda_function\n          config: {entry: customcode/fn, index: handler.py, handler: handler}\n"...)
	require.NoError(t, os.WriteFile(cfg, raw, 0o644))
	_, diags := testkit.TryPlan(dir, testkit.Options{Stage: "dev"})
	require.False(t, diags.HasErrors(), "%v", diags)
	var b strings.Builder
	diags.Print(&b)
	assert.Contains(t, b.String(), "catch.error_equals: the state machine is split into 2 child machines, and an error inside one reaches the catch as States.TaskFailed, not as Lambda.Unknown (add States.TaskFailed to error_equals)")
}

func TestASplitWhoseChildMachineNamesPass80CharactersIsRefusedAtTheName(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, bigpipe.Write(dir, bigpipe.Shape{Groups: 2, Lambdas: 100}))
	cfg := filepath.Join(dir, "config.yaml")
	raw, err := os.ReadFile(cfg)
	require.NoError(t, err)
	long := strings.Repeat("n", 74)
	require.NoError(t, os.WriteFile(cfg, []byte(strings.Replace(string(raw), "name: big\n", "name: "+long+"\n", 1)), 0o644))
	_, diags := testkit.TryPlan(dir, testkit.Options{Stage: "dev"})
	var b strings.Builder
	diags.Print(&b)
	assert.Equal(t, "config.yaml:2:7: name: the state machine is split into 2 child machines, the last named \""+long+"-dev-part2\", 84 characters; Step Functions accepts at most 80 (a name at most 70 characters long, or PIPELINE_NAME)\n1 error, 0 warnings\n", b.String())

	require.NoError(t, os.WriteFile(cfg, []byte(strings.Replace(string(raw), "name: big\n", "name: "+long[:70]+"\n", 1)), 0o644))
	stacks := testkit.Plan(t, dir, testkit.Options{Stage: "dev"})
	require.Len(t, stacks[0].Machine.Parts, 2)
}
