package asl

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFragmentsChainAndClose(t *testing.T) {
	a := Single("A", &State{Type: Pass})
	b := Single("B", &State{Type: Task, Resource: "arn:aws:states:::sns:publish"})
	require.NoError(t, a.Then(b))
	sm := a.Close()
	assert.Equal(t, "A", sm.StartAt)
	assert.Equal(t, "B", sm.States["A"].Next)
	assert.True(t, sm.States["B"].End)
	assert.False(t, sm.States["A"].End)
}

func TestThenRefusesADuplicateStateName(t *testing.T) {
	a := Single("A", &State{Type: Pass})
	err := a.Then(Single("A", &State{Type: Pass}))
	assert.EqualError(t, err, `state name "A" is used twice`)
}

func TestChoiceAndFailStatesAreNeverGivenAnEnd(t *testing.T) {
	f := Single("C", &State{Type: Choice, Default: "X"})
	require.NoError(t, f.Merge(Single("X", &State{Type: Fail, Error: "E"})))
	sm := f.Close()
	assert.False(t, sm.States["C"].End)
	assert.False(t, sm.States["X"].End)
}

func TestMarshalIsDeterministicAndRoundTrips(t *testing.T) {
	sm := &StateMachine{StartAt: "C", TimeoutSeconds: 60, States: map[string]*State{
		"C": {Type: Choice, Choices: []*ChoiceRule{
			{Variable: "$.x", Comparison: map[string]any{"BooleanEquals": true}, Next: "P"},
			{And: []*ChoiceRule{{Variable: "$.n", Comparison: map[string]any{"NumericGreaterThan": 3}}, {Not: &ChoiceRule{Variable: "$.s", Comparison: map[string]any{"IsPresent": true}}}}, Next: "P"},
		}, Default: "P"},
		"P": {Type: Pass, ResultPath: Discard(), End: true},
	}}
	a, err := sm.Marshal()
	require.NoError(t, err)
	b, err := sm.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
	assert.Contains(t, string(a), `"ResultPath": null`)
	assert.Contains(t, string(a), `"BooleanEquals": true`)

	back, err := Parse(a)
	require.NoError(t, err)
	again, err := back.Marshal()
	require.NoError(t, err)
	assert.JSONEq(t, string(a), string(again))
}

func TestWalkVisitsNestedStatesInNameOrder(t *testing.T) {
	inner := &StateMachine{StartAt: "z", States: map[string]*State{"z": {Type: Pass, End: true}, "y": {Type: Pass, End: true}}}
	sm := &StateMachine{StartAt: "b", States: map[string]*State{
		"b": {Type: Parallel, Branches: []*StateMachine{inner}, End: true},
		"a": {Type: Pass, End: true},
	}}
	var names []string
	sm.Walk(func(n string, _ *State) { names = append(names, n) })
	assert.Equal(t, []string{"a", "b", "y", "z"}, names)
}

func TestParseKeepsANullResultPathOnStatesAndCatchers(t *testing.T) {
	sm, err := Parse([]byte(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","ResultPath":null,
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F","ResultPath":null},{"ErrorEquals":["X"],"Next":"F"}],"End":true},
		"F":{"Type":"Fail"}}}`))
	require.NoError(t, err)
	require.NotNil(t, sm.States["T"].ResultPath)
	assert.True(t, sm.States["T"].ResultPath.Null)
	require.NotNil(t, sm.States["T"].Catch[0].ResultPath)
	assert.True(t, sm.States["T"].Catch[0].ResultPath.Null)
	assert.Nil(t, sm.States["T"].Catch[1].ResultPath)
	assert.Nil(t, sm.States["F"].ResultPath)
}
