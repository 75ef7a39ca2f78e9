package sfntest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/render"
	"github.com/blueprint-dev/blueprint/blueprint/sfntest"
)

// machine: Load (a task, retried once on Flaky), then Route: big inputs
// go to Big, the rest to Small; a failure of Load is caught into Alert.
const machine = `{"StartAt":"Load","States":{
 "Load":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.loaded",
   "Retry":[{"ErrorEquals":["Flaky"],"MaxAttempts":1}],
   "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Alert"}],"Next":"Route"},
 "Route":{"Type":"Choice","Choices":[{"Variable":"$.loaded.rows","NumericGreaterThan":100,"Next":"Big"}],"Default":"Small"},
 "Big":{"Type":"Pass","Result":"big","ResultPath":"$.size","End":true},
 "Small":{"Type":"Pass","Result":"small","ResultPath":"$.size","End":true},
 "Alert":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","ResultPath":null,"Next":"Failed"},
 "Failed":{"Type":"Fail","Error":"PipelineFailed"}}}`

func machines(t *testing.T) map[string]*asl.StateMachine {
	t.Helper()
	sm, err := asl.Parse([]byte(machine))
	require.NoError(t, err)
	return map[string]*asl.StateMachine{"p": sm}
}

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cases.json")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func TestBadMockFilesNameTheFileAndTheProblem(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"not JSON": {"{\n  \"StateMachines\": {,\n}", `:2:21: not valid JSON: invalid character ',' looking for beginning of object key string`},
		"empty":    {"", ":1:1: not valid JSON: the file ends before the document does"},
		"wrong type": {`{"StateMachines": {"p": {"TestCases": {"c": {"Load": 3}}}}}`,
			`:1:54: a number where a string belongs (in StateMachines.TestCases)`},
		"unknown field": {`{"StateMachine": {}}`, `: json: unknown field "StateMachine"`},
		"bad range": {`{"MockedResponses": {"R": {"x": {"Return": 1}}}}`,
			`: MockedResponses.R: "x" is not an invocation number or range such as "0" or "1-2"`},
		"reversed range": {`{"MockedResponses": {"R": {"3-1": {"Return": 1}}}}`,
			`: MockedResponses.R: "3-1" is not an invocation range such as "1-2"`},
		"overlap": {`{"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}`,
			`: MockedResponses.R: invocations are numbered from 0 without gaps or overlaps; after "0-2" comes 3, not "2"`},
		"gap": {`{"MockedResponses": {"R": {"0": {"Return": 1}, "2-3": {"Return": 2}}}}`,
			`: MockedResponses.R: invocations are numbered from 0 without gaps or overlaps; after "0" comes 1, not "2-3"`},
		"not from 0": {`{"MockedResponses": {"R": {"1": {"Return": 1}}}}`,
			`: MockedResponses.R: invocations are numbered from 0 without gaps or overlaps; the first must be "0", not "1"`},
		"both": {`{"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}}`,
			`: MockedResponses.R.0: give exactly one of Return and Throw`},
		"neither": {`{"MockedResponses": {"R": {"0": {}}}}`,
			`: MockedResponses.R.0: give exactly one of Return and Throw`},
		"throw without error": {`{"MockedResponses": {"R": {"0": {"Throw": {"Cause": "c"}}}}}`,
			`: MockedResponses.R.0.Throw: Error is missing`},
		"undefined response": {`{"StateMachines": {"p": {"TestCases": {"c": {"Load": "Nope"}}}}}`,
			`: StateMachines.p.TestCases.c.Load: mocked response "Nope" is not defined`},
		"expectation without case": {`{"StateMachines": {"p": {"TestCases": {}}}, "Expectations": {"p": {"c": {}}}}`,
			`: Expectations.p.c: no such test case in StateMachines`},
		"bad status": {`{"StateMachines": {"p": {"TestCases": {"c": {}}}}, "Expectations": {"p": {"c": {"Status": "OK"}}}}`,
			`: Expectations.p.c.Status: "OK" is neither SUCCEEDED nor FAILED`},
	} {
		t.Run(name, func(t *testing.T) {
			p := write(t, tc.body)
			_, err := sfntest.Load(p)
			require.Error(t, err)
			assert.Equal(t, p+tc.want, err.Error())
		})
	}
	_, err := sfntest.Load(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorContains(t, err, "missing.json: no such file or directory")
}

const cases = `{
  "StateMachines": {"p": {"TestCases": {
    "BigAfterARetry": {"Load": "FlakyThenBig"},
    "Small": {"Load": "Few"},
    "Caught": {"Load": "Broken", "Alert": "Sent"}
  }}},
  "MockedResponses": {
    "FlakyThenBig": {"0": {"Throw": {"Error": "Flaky", "Cause": "try again"}}, "1": {"Return": {"rows": 500}}},
    "Few": {"0": {"Return": {"rows": 5}}},
    "Broken": {"0": {"Throw": {"Error": "ValueError", "Cause": "bad"}}},
    "Sent": {"0": {"Return": {"MessageId": "m-1"}}}
  },
  "Expectations": {"p": {
    "BigAfterARetry": {"Input": {"day": 1}, "Output": {"day": 1, "size": "big", "loaded": {"rows": 500}}, "Visited": ["Big"], "NotVisited": ["Small"]},
    "Small": {"Output": {"size": "small"}, "NotVisited": ["Big", "Alert"]},
    "Caught": {"Status": "FAILED", "Error": "PipelineFailed", "Visited": ["Load", "Alert", "Failed"]}
  }}
}`

func TestCasesRunWithMockedResponses(t *testing.T) {
	s, err := sfntest.Load(write(t, cases))
	require.NoError(t, err)
	results := s.Run(machines(t))
	require.Len(t, results, 3)
	for _, r := range results {
		assert.True(t, r.Passed, "%s: %v", r.Case, r.Problems)
	}
	// Cases run in name order; the path lists each state once per entry,
	// with its retries and what it failed with or caught.
	assert.Equal(t, "BigAfterARetry", results[0].Case)
	assert.Equal(t, []string{"Load (retried once)", "Route", "Big"}, results[0].Path)
	assert.Equal(t, []string{"Load (caught ValueError)", "Alert", "Failed"}, results[1].Path)

	var out bytes.Buffer
	passed, failed := sfntest.Report(&out, "tests/sfn/cases.json", results)
	assert.Equal(t, [2]int{3, 0}, [2]int{passed, failed})
	assert.Equal(t, `tests/sfn/cases.json
  PASS p / BigAfterARetry
       path: Load (retried once) → Route → Big
       waits: 1s in Wait states and retry intervals (not slept)
  PASS p / Caught
       path: Load (caught ValueError) → Alert → Failed
  PASS p / Small
       path: Load → Route → Small
`, out.String())
}

func TestFailedExpectationsSayWhatDiffered(t *testing.T) {
	s, err := sfntest.Load(write(t, `{
  "StateMachines": {"p": {"TestCases": {"c": {"Load": "Few"}}}},
  "MockedResponses": {"Few": {"0": {"Return": {"rows": 5}}}},
  "Expectations": {"p": {"c": {"Status": "FAILED", "Error": "PipelineFailed",
    "Output": {"size": "big", "loaded": {"cols": 2}}, "Visited": ["Big"], "NotVisited": ["Small"]}}}
}`))
	require.NoError(t, err)
	r := s.Run(machines(t))[0]
	assert.False(t, r.Passed)
	assert.Equal(t, []string{
		"status SUCCEEDED, expected FAILED",
		`error "", expected "PipelineFailed"`,
		`state "Big" was not visited`,
		`state "Small" was visited`,
		"output: $.loaded.cols is missing",
	}, r.Problems)
}

func TestUnmockedTasksAndUnknownStatesAreErrors(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"unmocked task": {`{"StateMachines": {"p": {"TestCases": {"c": {}}}}}`,
			`unmocked task: Load`},
		"too few responses": {`{"StateMachines": {"p": {"TestCases": {"c": {"Load": "Once"}}}},
			"MockedResponses": {"Once": {"0": {"Throw": {"Error": "Flaky"}}}}}`,
			`unmocked task: Load (attempt 1)`},
		"unknown mocked state": {`{"StateMachines": {"p": {"TestCases": {"c": {"Lod": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": 1}}}}`,
			`the case mocks state "Lod", which the state machine does not have`},
		"unknown expected state": {`{"StateMachines": {"p": {"TestCases": {"c": {}}}}, "Expectations": {"p": {"c": {"Visited": ["Nope"]}}}}`,
			`the expectations name state "Nope", which the state machine does not have`},
		"unknown machine": {`{"StateMachines": {"q": {"TestCases": {"c": {}}}}}`,
			`no state machine "q"; the machines are p`},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := sfntest.Load(write(t, tc.body))
			require.NoError(t, err)
			r := s.Run(machines(t))[0]
			assert.False(t, r.Passed)
			assert.Contains(t, r.Problems, tc.want)
		})
	}
}

func TestJUnitListsEveryCaseAndItsFailure(t *testing.T) {
	s, err := sfntest.Load(write(t, `{
  "StateMachines": {"p": {"TestCases": {"Good": {"Load": "Few"}, "Bad": {"Load": "Few"}}}},
  "MockedResponses": {"Few": {"0": {"Return": {"rows": 5}}}},
  "Expectations": {"p": {"Bad": {"Visited": ["Big"]}}}
}`))
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, sfntest.WriteJUnit(&out, map[string][]sfntest.CaseResult{"tests/sfn/cases.json": s.Run(machines(t))}))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="tests/sfn/cases.json" tests="2" failures="1">
    <testcase name="Bad" classname="p">
      <failure message="state &#34;Big&#34; was not visited">path: Load → Route → Small</failure>
    </testcase>
    <testcase name="Good" classname="p">
      <system-out>path: Load → Route → Small</system-out>
    </testcase>
  </testsuite>
</testsuites>
`, out.String())
	assert.False(t, strings.Contains(out.String(), "<nil>"))
}

// FuzzSuite: any test file either loads with an error or runs; never a
// panic.
func FuzzSuite(f *testing.F) {
	f.Add(cases)
	f.Add(`{"StateMachines": {"p": {"TestCases": {"c": {"Load": "R"}}}}, "MockedResponses": {"R": {"0-1": {"Throw": {"Error": "Flaky"}}, "2": {"Return": null}}}}`)
	f.Add(`{"Expectations": {"p": {"c": {"Output": [1, {"a": null}]}}}}`)
	sm, err := asl.Parse([]byte(machine))
	if err != nil {
		f.Fatal(err)
	}
	machines := map[string]*asl.StateMachine{"p": sm}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body string) {
		p := filepath.Join(dir, "case.json")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := sfntest.Load(p)
		if err != nil {
			return
		}
		var out bytes.Buffer
		sfntest.Report(&out, p, s.Run(machines))
	})
}

func TestTestFilesAreTemplatesOfTheStage(t *testing.T) {
	st := &config.Stack{Context: render.Context{"stage": "prod", "rows": 500}, RepoDir: t.TempDir()}
	p := write(t, `{
  "StateMachines": {"p": {"TestCases": {"c": {"Load": "Rows"}}}},
  "MockedResponses": {"Rows": {"0": {"Return": {"rows": {{ rows }}, "stage": "{{ stage }}"}}}},
  "Expectations": {"p": {"c": {"Input": {"stage": "{{ stage }}"},
{% if stage == "prod" %}
    "Visited": ["Big"],
{% endif %}
    "TaskInputs": {"Load": {"stage": "{{ stage }}"}}}}}
}`)
	s, err := sfntest.Render(p, st, nil)
	require.NoError(t, err)
	r := s.Run(machines(t))[0]
	assert.True(t, r.Passed, "%v", r.Problems)
	assert.Equal(t, []string{"Load", "Route", "Big"}, r.Path)

	p = write(t, "{\n{% if stage == \"prod\" %}\n\n{% endif %}\n  \"StateMachines\": {,\n}")
	_, err = sfntest.Render(p, st, nil)
	assert.EqualError(t, err, p+":5:21: not valid JSON: invalid character ',' looking for beginning of object key string", "the line is the template's")

	p = write(t, `{"StateMachines": {"p": {"TestCases": {"c": {"Load": "{{ respons }}"}}}}}`)
	_, err = sfntest.Render(p, st, nil)
	assert.EqualError(t, err, p+":1:58: undefined variable \"respons\" (set it in variables.yaml or with --var respons=…)\n1 error, 0 warnings")
}

func TestTaskInputsAreWhatTheTasksReceived(t *testing.T) {
	s, err := sfntest.Load(write(t, `{
  "StateMachines": {"p": {"TestCases": {"Good": {"Load": "Few"}, "Bad": {"Load": "Few"}}}},
  "MockedResponses": {"Few": {"0": {"Return": {"rows": 5}}}},
  "Expectations": {"p": {
    "Good": {"Input": {"day": "2026-11-24", "x": 1}, "TaskInputs": {"Load": {"day": "2026-11-24"}}},
    "Bad": {"Input": {"day": "2026-11-23"}, "TaskInputs": {"Load": {"day": "2026-11-24"}, "Alert": {"Message": "m"}}}}}
}`))
	require.NoError(t, err)
	results := s.Run(machines(t))
	assert.Equal(t, []string{`task "Alert" was never called`, `input of "Load": $.day is "2026-11-23", expected "2026-11-24"`}, results[0].Problems)
	assert.True(t, results[1].Passed, "%v", results[1].Problems)
}

func TestShowPathFoldsLoops(t *testing.T) {
	for _, tc := range []struct {
		path []string
		want string
	}{
		{[]string{"A", "B"}, "A → B"},
		{[]string{"A", "W", "C", "W", "C", "D"}, "A → W → C → W → C → D"},
		{[]string{"A", "W", "C", "W", "C", "W", "C", "D"}, "A → (W → C) ×3 → D"},
		{[]string{"Poll", "Poll", "Poll", "Poll", "Done"}, "Poll ×4 → Done"},
	} {
		assert.Equal(t, tc.want, sfntest.ShowPath(tc.path))
	}
}

func TestSkeletonMocksEveryTaskWithATypicalSuccess(t *testing.T) {
	got, err := sfntest.Skeleton(machines(t))
	require.NoError(t, err)
	assert.Equal(t, `{
  "StateMachines": {
    "p": {
      "TestCases": {
        "HappyPath": {
          "Alert": "Published",
          "Load": "LambdaReturns"
        }
      }
    }
  },
  "MockedResponses": {
    "LambdaReturns": {
      "0": {
        "Return": {
          "Payload": {},
          "StatusCode": 200
        }
      }
    },
    "Published": {
      "0": {
        "Return": {
          "MessageId": "00000000-0000-4000-8000-000000000000"
        }
      }
    }
  },
  "Expectations": {
    "p": {
      "HappyPath": {
        "Input": {},
        "Status": "SUCCEEDED"
      }
    }
  }
}
`, string(got))
	// It loads, and its case runs (here into the Choice, which needs rows).
	p := write(t, string(got))
	s, err := sfntest.Load(p)
	require.NoError(t, err)
	r := s.Run(machines(t))[0]
	assert.Equal(t, []string{`status FAILED, expected SUCCEEDED (States.Runtime: state "Route": Variable "$.loaded.rows" matches nothing in the input)`}, r.Problems)
}

// mapMachine lists partitions with a task and runs Work once per
// partition in a distributed Map that tolerates a third of them failing,
// then over the objects its item reader lists.
const mapMachine = `{"StartAt":"PerPartition","States":{
  "PerPartition":{"Type":"Map","ItemsPath":"$.partitions","ResultPath":"$.done","ToleratedFailurePercentage":34,
    "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}},"Next":"PerFile"},
  "PerFile":{"Type":"Map","ResultPath":"$.files","ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"b","Prefix":"raw/"}},
    "ItemSelector":{"key.$":"$$.Map.Item.Value.Key"},
    "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"File","States":{"File":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}},"End":true}}}`

func TestCasesMockMapIterationsApartAndTheItemReader(t *testing.T) {
	sm, err := asl.Parse([]byte(mapMachine))
	require.NoError(t, err)
	p := write(t, `{
 "StateMachines": {"p": {"TestCases": {
   "OneOfThreeFails": {"Work": "Works", "Work[1]": "Breaks", "PerFile": "TwoFiles", "File": "Works"},
   "TwoOfThreeFail": {"Work": "Works", "Work[1-2]": "Breaks", "PerFile": "TwoFiles", "File": "Works"}}}},
 "MockedResponses": {
   "Works": {"0": {"Return": "ok"}},
   "Breaks": {"0": {"Throw": {"Error": "PartitionCorrupt", "Cause": "bad rows"}}},
   "TwoFiles": {"0": {"Return": {"Contents": [{"Key": "raw/a"}, {"Key": "raw/b"}]}}}},
 "Expectations": {"p": {
   "OneOfThreeFails": {"Input": {"partitions": ["a", "b", "c"]}, "Output": {"done": ["ok", {"Error": "PartitionCorrupt", "Cause": "bad rows"}, "ok"], "files": ["ok", "ok"]},
     "TaskInputs": {"File": {"key": "raw/b"}}},
   "TwoOfThreeFail": {"Input": {"partitions": ["a", "b", "c"]}, "Status": "FAILED", "Error": "States.ExceedToleratedFailureThreshold", "NotVisited": ["PerFile"]}}}}`)
	s, err := sfntest.Load(p)
	require.NoError(t, err)
	results := s.Run(map[string]*asl.StateMachine{"p": sm})
	require.Len(t, results, 2)
	for _, r := range results {
		assert.True(t, r.Passed, "%s: %v", r.Case, r.Problems)
	}
}

func TestMocksOfAnUnknownIteratedStateAreRefused(t *testing.T) {
	sm, err := asl.Parse([]byte(mapMachine))
	require.NoError(t, err)
	p := write(t, `{"StateMachines": {"p": {"TestCases": {"C": {"Wrok[1]": "Works"}}}}, "MockedResponses": {"Works": {"0": {"Return": "ok"}}}}`)
	s, err := sfntest.Load(p)
	require.NoError(t, err)
	r := s.Run(map[string]*asl.StateMachine{"p": sm})[0]
	assert.Equal(t, []string{`the case mocks state "Wrok", which the state machine does not have`}, r.Problems)
}

func TestSkeletonOfMapsRunsGreen(t *testing.T) {
	sm, err := asl.Parse([]byte(mapMachine))
	require.NoError(t, err)
	machines := map[string]*asl.StateMachine{"p": sm}
	got, err := sfntest.Skeleton(machines)
	require.NoError(t, err)
	assert.Contains(t, string(got), `"PerFile": "ObjectsListed"`)
	assert.Contains(t, string(got), `"partitions": [`)
	s, err := sfntest.Load(write(t, string(got)))
	require.NoError(t, err)
	r := s.Run(machines)[0]
	assert.True(t, r.Passed, "%v", r.Problems)
}
