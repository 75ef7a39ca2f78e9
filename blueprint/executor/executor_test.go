package executor

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
)

func run(t *testing.T, def, input string, tasks TaskFunc) *Result {
	t.Helper()
	sm, err := asl.Parse([]byte(def))
	require.NoError(t, err)
	var in any
	require.NoError(t, json.Unmarshal([]byte(input), &in))
	res, err := Run(sm, in, Options{Tasks: tasks})
	require.NoError(t, err)
	return res
}

func js(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// echo returns the task input, failing with the error named in
// input.fail on the attempts listed in input.failOn.
func echo(c TaskContext) (any, *Error) {
	if m, ok := c.Input.(map[string]any); ok {
		if f, ok := m["fail"].(string); ok {
			if n, ok := m["times"].(float64); !ok || float64(c.Attempt) < n {
				return nil, &Error{Error: f, Cause: "asked to fail"}
			}
		}
	}
	return c.Input, nil
}

func TestExecutor(t *testing.T) {
	tests := []struct {
		name, def, input string
		status, output   string
		err              string
	}{
		{"pass with result and result path",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r","End":true}}}`, `{"a":1}`,
			Succeeded, `{"a":1,"r":{"x":1}}`, ""},
		{"input, parameters with paths and context, output path",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.in","Parameters":{"v.$":"$.v","name.$":"$$.Execution.Name","lit":"x"},"ResultPath":"$.out","OutputPath":"$.out","End":true}}}`,
			`{"in":{"v":[1,2]}}`, Succeeded, `{"lit":"x","name":"test-execution","v":[1,2]}`, ""},
		{"result path null keeps the input",
			`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","ResultPath":null,"End":true}}}`, `{"a":1}`,
			Succeeded, `{"a":1}`, ""},
		{"result selector",
			`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","Parameters":{"p":{"q":3}},"ResultSelector":{"got.$":"$.p.q"},"End":true}}}`, `{}`,
			Succeeded, `{"got":3}`, ""},
		{"intrinsics",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{
			 "f.$":"States.Format('{}-{}', $.a, $.n)","arr.$":"States.Array($.a, 1, 'x')","len.$":"States.ArrayLength($.l)",
			 "item.$":"States.ArrayGetItem($.l, 1)","json.$":"States.StringToJson('{\"k\":2}')","str.$":"States.JsonToString($.o)",
			 "merged.$":"States.JsonMerge($.o, $.p, false)","sum.$":"States.MathAdd($.n, 1)","split.$":"States.StringSplit('a,b', ',')",
			 "parts.$":"States.ArrayPartition($.l, 2)","has.$":"States.ArrayContains($.l, 2)","range.$":"States.ArrayRange(1, 5, 2)",
			 "uniq.$":"States.ArrayUnique(States.Array(1, 1, 2))","b64.$":"States.Base64Encode('hi')","unb64.$":"States.Base64Decode('aGk=')",
			 "hash.$":"States.Hash('a', 'SHA-1')","uuid.$":"States.UUID()"},"End":true}}}`,
			`{"a":"x","n":41,"l":[1,2,3],"o":{"k":1},"p":{"m":2}}`, Succeeded,
			`{"arr":["x",1,"x"],"b64":"aGk=","f":"x-41","has":true,"hash":"86f7e437faa5a7fce15d1ddcb9eaeaea377667b8","item":2,"json":{"k":2},"len":3,"merged":{"k":1,"m":2},"parts":[[1,2],[3]],"range":[1,3,5],"split":["a","b"],"str":"{\"k\":1}","sum":42,"unb64":"hi","uniq":[1,2],"uuid":"00000000-0000-4000-8000-000000000001"}`, ""},
		{"choice with operators and a default",
			`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
			 {"And":[{"Variable":"$.n","NumericGreaterThanEquals":10},{"Not":{"Variable":"$.s","StringEquals":"no"}}],"Next":"Big"},
			 {"Variable":"$.s","StringMatches":"ye*","Next":"Yes"},
			 {"Variable":"$.t","TimestampLessThanPath":"$.limit","Next":"Early"}],"Default":"Other"},
			 "Big":{"Type":"Pass","Result":"big","End":true},"Yes":{"Type":"Pass","Result":"yes","End":true},
			 "Early":{"Type":"Pass","Result":"early","End":true},"Other":{"Type":"Pass","Result":"other","End":true}}}`,
			`{"n":3,"s":"yes please","t":"2026-01-01T00:00:00Z","limit":"2027-01-01T00:00:00Z"}`, Succeeded, `"yes"`, ""},
		{"no choice matched",
			`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"E"}]},"E":{"Type":"Succeed"}}}`, `{}`,
			Failed, ``, "States.NoChoiceMatched"},
		{"parallel outputs each branch",
			`{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			 {"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"End":true}}},
			 {"StartAt":"B","States":{"B":{"Type":"Pass","InputPath":"$.v","End":true}}}]}}}`, `{"v":"x"}`,
			Succeeded, `[1,"x"]`, ""},
		{"map with item selector",
			`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","k.$":"$.k"},
			 "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true}}},"End":true}}}`, `{"items":["a","b"],"k":7}`,
			Succeeded, `[{"i":0,"k":7,"v":"a"},{"i":1,"k":7,"v":"b"}]`, ""},
		{"retry succeeds on the second attempt",
			`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","Parameters":{"fail":"Boom","times":1},"ResultPath":"$.r",
			 "Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":3,"MaxAttempts":2,"BackoffRate":2}],"End":true}}}`, `{}`,
			Succeeded, `{"r":{"fail":"Boom","times":1}}`, ""},
		{"max attempts zero never retries",
			`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","Parameters":{"fail":"Boom","times":1},
			 "Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":0}],"End":true}}}`, `{}`,
			Failed, ``, "Boom"},
		{"catch with result path",
			`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","Parameters":{"fail":"Boom"},
			 "Catch":[{"ErrorEquals":["Other"],"Next":"X"},{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.err","Next":"H"}],"End":true},
			 "X":{"Type":"Fail","Error":"wrong"},"H":{"Type":"Pass","End":true}}}`, `{"a":1}`,
			Succeeded, `{"a":1,"err":{"Cause":"asked to fail","Error":"Boom"}}`, ""},
		{"task failed does not catch a timeout",
			`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","Parameters":{"fail":"States.Timeout"},
			 "Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"H"}],"End":true},"H":{"Type":"Succeed"}}}`, `{}`,
			Failed, ``, "States.Timeout"},
		{"a branch failure fails the parallel, caught there",
			`{"StartAt":"P","States":{"P":{"Type":"Parallel","Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true,"Branches":[
			 {"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Bad","Cause":"c"}}}]},"H":{"Type":"Pass","End":true}}}`, `{}`,
			Succeeded, `{"Cause":"c","Error":"Bad"}`, ""},
		{"a missing path is a runtime error no catch takes",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.nope","Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true},"H":{"Type":"Succeed"}}}`, `{}`,
			Failed, ``, "States.Runtime"},
		{"wait counts and goes on",
			`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"Next":"S"},"S":{"Type":"Succeed"}}}`, `{"a":1}`,
			Succeeded, `{"a":1}`, ""},
		{"fail state",
			`{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"why"}}}`, `{}`, Failed, ``, "E"},
		{"an endless loop stops",
			`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}`, `{}`, Failed, ``, "States.Runtime"},
		{"slices and unions",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"tail.$":"$.l[1:]","ends.$":"$.l[0,-1]","all.$":"$.o[*]"},"End":true}}}`,
			`{"l":[1,2,3],"o":{"b":2,"a":1}}`, Succeeded, `{"all":[1,2],"ends":[1,3],"tail":[2,3]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, tt.def, tt.input, echo)
			assert.Equal(t, tt.status, res.Status, "%s %s", res.Error, res.Cause)
			if tt.output != "" {
				assert.JSONEq(t, tt.output, js(t, res.Output))
			}
			assert.Equal(t, tt.err, res.Error)
		})
	}
}

func TestRetriesAreCountedNotSlept(t *testing.T) {
	res := run(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","Parameters":{"fail":"Boom","times":2},
		"Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":3,"MaxAttempts":3,"BackoffRate":2}],"End":true}}}`, `{}`, echo)
	assert.Equal(t, Succeeded, res.Status)
	assert.Equal(t, 9.0, res.Waited, "3 s then 6 s")
	var retried []string
	for _, e := range res.History {
		if e.Type == "Retried" {
			retried = append(retried, e.Detail)
		}
	}
	assert.Equal(t, []string{"Boom (attempt 1 of 3)", "Boom (attempt 2 of 3)"}, retried)
}

func TestHistoryRecordsEnteredAndExited(t *testing.T) {
	res := run(t, `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Task","Resource":"r","End":true}}}`, `{}`, echo)
	var types []string
	for _, e := range res.History {
		types = append(types, e.Type+" "+e.State)
	}
	assert.Equal(t, []string{"ExecutionStarted ", "PassStateEntered A", "PassStateExited A", "TaskStateEntered B", "TaskScheduled B",
		"TaskSucceeded B", "TaskStateExited B", "ExecutionSucceeded "}, types)
	assert.Equal(t, []string{"A", "B"}, res.Visited)
}

func TestBadDefinitionsAreErrors(t *testing.T) {
	for def, want := range map[string]string{
		`{"States":{}}`: "definition: StartAt is missing",
		`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}`:     `state "A": transition to "B", which is not a state`,
		`{"StartAt":"A","States":{"A":{"Type":"Magic","End":true}}}`:    `state "A": type "Magic" is not supported`,
		`{"StartAt":"A","States":{"A":{"Type":"Pass"}}}`:                `state "A": neither Next nor End`,
		`{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[]}}}`: `state "A": a Choice needs Choices`,
	} {
		sm, err := asl.Parse([]byte(def))
		require.NoError(t, err)
		_, err = Run(sm, map[string]any{}, Options{Tasks: TaskFunc(echo)})
		assert.EqualError(t, err, want)
	}
}

// FuzzExecute: any definition and input give a result or an error, never
// a panic.
func FuzzExecute(f *testing.F) {
	f.Add(`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"States.Format('{}', $.a)"},"End":true}}}`, `{"a":1}`)
	f.Add(`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":1,"Next":"E"}],"Default":"E"},"E":{"Type":"Succeed"}}}`, `{"a":1}`)
	f.Add(`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.l","Iterator":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true}}},"End":true}}}`, `{"l":[1]}`)
	f.Add(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","Parameters":{"fail":"X"},"Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["X"],"ResultPath":"$.e","Next":"T"}],"End":true}}}`, `{}`)
	f.Fuzz(func(t *testing.T, def, input string) {
		sm, err := asl.Parse([]byte(def))
		if err != nil {
			return
		}
		var in any
		if json.Unmarshal([]byte(input), &in) != nil {
			return
		}
		res, err := Run(sm, in, Options{Tasks: TaskFunc(echo), MaxTransitions: 500})
		if err == nil && res.Status != Succeeded && res.Status != Failed {
			t.Fatalf("status %q", res.Status)
		}
	})
}

// BenchmarkExecute1000States runs a chain of 1,000 states: Pass, Task
// and Choice in turn.
func BenchmarkExecute1000States(b *testing.B) {
	var parts []string
	for i := 0; i < 1000; i++ {
		next := fmt.Sprintf(`"Next":"S%d"`, i+1)
		if i == 999 {
			next = `"End":true`
		}
		switch i % 3 {
		case 0:
			parts = append(parts, fmt.Sprintf(`"S%d":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},%s}`, i, next))
		case 1:
			parts = append(parts, fmt.Sprintf(`"S%d":{"Type":"Task","Resource":"r","ResultPath":"$.t",%s}`, i, next))
		default:
			target := fmt.Sprintf("S%d", i+1)
			if i == 999 {
				parts = append(parts, fmt.Sprintf(`"S%d":{"Type":"Succeed"}`, i))
				continue
			}
			parts = append(parts, fmt.Sprintf(`"S%d":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":-1,"Next":"%s"}],"Default":"%s"}`, i, target, target))
		}
	}
	sm, err := asl.Parse([]byte(`{"StartAt":"S0","States":{` + strings.Join(parts, ",") + `}}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Run(sm, map[string]any{"n": 0}, Options{Tasks: TaskFunc(func(c TaskContext) (any, *Error) { return 1, nil })})
		if err != nil || res.Status != Succeeded || len(res.Visited) != 1000 {
			b.Fatalf("%v %+v", err, res)
		}
	}
}

func TestEndlessRetriesHitTheHistoryLimit(t *testing.T) {
	sm, err := asl.Parse([]byte(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r",
		"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":99999999}],"End":true}}}`))
	require.NoError(t, err)
	always := TaskFunc(func(TaskContext) (any, *Error) {
		return nil, &Error{Error: "Boom"}
	})
	r, err := Run(sm, map[string]any{}, Options{Tasks: always, MaxTransitions: 100})
	require.NoError(t, err)
	assert.Equal(t, Failed, r.Status)
	assert.Equal(t, "States.Runtime", r.Error)
	assert.Equal(t, `state "T": more than 100 state transitions and retries: it retries without end`, r.Cause)
}

func TestFeaturesTheExecutorLacksAreRefused(t *testing.T) {
	for def, want := range map[string]string{
		`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`: `field "QueryLanguage" is not supported`,
		`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1},"End":true}}}`:          `field "Assign" is not supported`,
		`{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"r","ReaderConfig":{"Transformation":"LOAD_AND_FLATTEN"}},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`: `field "Transformation" is not supported`,
	} {
		_, err := asl.Parse([]byte(def))
		require.Error(t, err, def)
		assert.Equal(t, want+" (JSONPath definitions without variables or JSONata are)", err.Error())
	}
}
