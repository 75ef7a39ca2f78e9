package plan_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/engines/choice"
	"github.com/blueprint-dev/blueprint/internal/fake"
)

func registry() *engine.Registry {
	return engine.NewRegistry(fake.Step{}, fake.Thing{}, choice.Engine{})
}

func load(t *testing.T, cfg string) ([]*plan.Stack, diag.List) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644))
	return plan.Load(config.LoadOptions{RepoDir: dir, LookupEnv: func(string) (string, bool) { return "", false }}, registry())
}

func machine(t *testing.T, cfg string) *asl.StateMachine {
	t.Helper()
	stacks, diags := load(t, cfg)
	require.False(t, diags.HasErrors(), "%v", diags)
	require.Len(t, stacks, 1)
	require.NotNil(t, stacks[0].Machine)
	return stacks[0].Machine.Definition
}

const things = `
aws_resources:
  - {name: A, type: thing}
  - {name: B, type: thingy}
`

func TestGroupsBecomeAChainOfParallelStates(t *testing.T) {
	sm := machine(t, "version: 2\nname: p\n"+things+`
groups:
  - name: G1
    jobs:
      - {name: J1, type: task, config: {thing: A}}
      - {name: J2, type: task, config: {thing: B}}
  - name: G2
    jobs:
      - {name: J3, type: task, config: {thing: A}}
`)
	assert.Equal(t, "G1", sm.StartAt)
	g1 := sm.States["G1"]
	assert.Equal(t, asl.Parallel, g1.Type)
	assert.Equal(t, "G2", g1.Next)
	require.Len(t, g1.Branches, 2)
	assert.Equal(t, "J1", g1.Branches[0].StartAt)
	assert.True(t, g1.Branches[0].States["J1"].End)
	assert.Equal(t, "J2", g1.Branches[1].StartAt)
	assert.True(t, g1.ResultPath.Null, "jobs that keep nothing leave the input as it was")
	assert.True(t, sm.States["G2"].End)
	assert.Equal(t, 3600, sm.TimeoutSeconds)
}

func TestAGroupPassesOnWhatItsJobsKeep(t *testing.T) {
	sm := machine(t, "version: 2\nname: p\n"+things+`
groups:
  - name: One
    jobs:
      - {name: J1, type: task, config: {thing: A}}
      - {name: J2, type: task, config: {thing: A}, result_path: $.two}
  - name: Two
    jobs:
      - {name: J3, type: task, config: {thing: A}, result_path: $.three}
      - {name: J4, type: task, config: {thing: A}, result_path: $.four}
      - {name: J5, type: task, config: {thing: A}, result_path: $.five}
`)
	assert.Equal(t, "$[1]", sm.States["One"].OutputPath.Value)
	two := sm.States["Two"]
	assert.Equal(t, map[string]any{"merged.$": "States.JsonMerge(States.JsonMerge($[0], $[1], false), $[2], false)"}, two.ResultSelector)
	assert.Equal(t, "$.merged", two.OutputPath.Value)
}

func TestJobRetryAppliesToTheJobsTasks(t *testing.T) {
	sm := machine(t, "version: 2\nname: p\n"+things+`
groups:
  - name: G
    jobs:
      - name: J
        type: task
        config: {thing: A}
        retry: {error_equals: [Fake.Busy], retry_attempt: 5}
`)
	task := sm.States["G"].Branches[0].States["J"]
	require.Len(t, task.Retry, 1)
	r := task.Retry[0]
	assert.Equal(t, []string{"Fake.Busy"}, r.ErrorEquals)
	assert.Equal(t, 5, *r.MaxAttempts)
	assert.Equal(t, 1, *r.IntervalSeconds)
	assert.Equal(t, 2.0, *r.BackoffRate)
}

func TestGlobalRetryAndCatchWrapTheChain(t *testing.T) {
	sm := machine(t, "version: 2\nname: p\n"+things+`
properties: {timeout: 600}
groups:
  - name: G
    jobs: [{name: J, type: task, config: {thing: A}}]
retry: {}
catch:
  result_path: $.error
  groups:
    - name: OnError
      jobs: [{name: Notify, type: task, config: {thing: B}}]
`)
	assert.Equal(t, plan.HandlerState, sm.StartAt)
	h := sm.States[plan.HandlerState]
	require.Len(t, h.Branches, 1)
	assert.Equal(t, "G", h.Branches[0].StartAt)
	assert.True(t, h.End)
	require.Len(t, h.Retry, 1)
	assert.Equal(t, []string{"States.ALL"}, h.Retry[0].ErrorEquals)
	assert.Equal(t, 3, *h.Retry[0].MaxAttempts)
	require.Len(t, h.Catch, 1)
	assert.Equal(t, "OnError", h.Catch[0].Next)
	assert.Equal(t, "$.error", h.Catch[0].ResultPath.Value)
	assert.Equal(t, plan.FailedState, sm.States["OnError"].Next)
	assert.Equal(t, asl.Fail, sm.States[plan.FailedState].Type)
	assert.Equal(t, 600, sm.TimeoutSeconds)
}

func TestChoiceBranchesRunTheirGroupsAndJoin(t *testing.T) {
	sm := machine(t, "version: 2\nname: p\n"+things+`
groups:
  - name: G
    jobs:
      - name: Decide
        type: choice
        choices:
          - input: $.go
            condition: {BooleanEquals: "true"}
            groups:
              - name: Yes
                jobs: [{name: DoIt, type: task, config: {thing: A}}]
          - input: $.n
            condition: {NumericGreaterThan: 3}
            groups:
              - name: Many
                jobs: [{name: DoMany, type: task, config: {thing: A}}]
        default:
          groups:
            - name: No
              jobs: [{name: Skip, type: task, config: {thing: B}}]
`)
	branch := sm.States["G"].Branches[0]
	assert.Equal(t, "Decide", branch.StartAt)
	c := branch.States["Decide"]
	require.Len(t, c.Choices, 2)
	assert.Equal(t, map[string]any{"BooleanEquals": true}, c.Choices[0].Comparison, "a quoted boolean is normalized")
	assert.Equal(t, "Yes", c.Choices[0].Next)
	assert.Equal(t, map[string]any{"NumericGreaterThan": int64(3)}, c.Choices[1].Comparison)
	assert.Equal(t, "No", c.Default)
	for _, n := range []string{"Yes", "Many", "No"} {
		assert.Equal(t, "Decide: end", branch.States[n].Next, n)
	}
	assert.True(t, branch.States["Decide: end"].End)
	assert.Equal(t, "$[0]", sm.States["G"].OutputPath.Value, "a choice passes on what its branches keep")
}

func TestAChoiceWithoutDefaultSkipsToTheJoin(t *testing.T) {
	sm := machine(t, "version: 2\nname: p\n"+things+`
groups:
  - name: G
    jobs:
      - name: Decide
        type: choice
        choices:
          - input: $.go
            condition: {StringEquals: yes}
            groups: [{name: Yes, jobs: [{name: DoIt, type: task, config: {thing: A}}]}]
`)
	assert.Equal(t, "Decide: end", sm.States["G"].Branches[0].States["Decide"].Default)
}

func TestAStackWithoutGroupsHasNoMachine(t *testing.T) {
	stacks, diags := load(t, "version: 2\nname: p\n"+things)
	require.False(t, diags.HasErrors())
	require.Len(t, stacks, 1)
	assert.Nil(t, stacks[0].Machine)
}

func TestPolicyListsWhatTheTasksUse(t *testing.T) {
	stacks, diags := load(t, "version: 2\nname: p\n"+things+`
groups:
  - name: G
    jobs: [{name: J, type: task, config: {thing: A}}, {name: K, type: task, config: {thing: A}}]
`)
	require.False(t, diags.HasErrors())
	assert.Equal(t, []engine.Statement{{Actions: []string{"fake:Run"}, Resources: []string{"${bp:thing:A:arn}"}}}, stacks[0].Machine.Policy.Normalized())
}

func TestJobRetryComesAfterTheEnginesOwnRetriers(t *testing.T) {
	sm := machine(t, "version: 2\nname: p\n"+things+`
groups:
  - name: G
    jobs:
      - name: J
        type: task
        config: {thing: A}
        retry: {}
`)
	task := sm.States["G"].Branches[0].States["J"]
	require.Len(t, task.Retry, 1)
	assert.Equal(t, []string{"States.ALL"}, task.Retry[len(task.Retry)-1].ErrorEquals, "States.ALL must be the last retrier")
}
