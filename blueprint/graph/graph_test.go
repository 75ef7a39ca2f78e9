package graph

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

func sample(t *testing.T) *asl.StateMachine {
	t.Helper()
	fn := engine.Ref{Kind: "lambda_function", Name: "Load data", Attr: "arn"}.String()
	sm, err := asl.Parse([]byte(`{"StartAt":"Handler","States":{
	  "Handler":{"Type":"Parallel","End":true,
	    "Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}],
	    "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Notify"}],
	    "Branches":[{"StartAt":"Group1","States":{
	      "Group1":{"Type":"Parallel","End":true,"Branches":[
	        {"StartAt":"Load","States":{"Load":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"` + fn + `"},"End":true}}},
	        {"StartAt":"Pick","States":{
	          "Pick":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThanEquals":3,"Next":"Big"},
	            {"And":[{"Variable":"$.a","IsPresent":true},{"Not":{"Variable":"$.b","StringEquals":"x"}}],"Next":"Big"}],"Default":"Done"},
	          "Big":{"Type":"Pass","Next":"Done"},
	          "Done":{"Type":"Pass","End":true}}}]}}}]},
	  "Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Next":"Failed"},
	  "Failed":{"Type":"Fail","Error":"PipelineFailed"}}}`))
	require.NoError(t, err)
	return sm
}

func TestMermaidShowsGroupsChoicesRetryAndCatch(t *testing.T) {
	out := Mermaid("my pipeline", sample(t))
	for _, want := range []string{
		"title: my pipeline",
		`[["Handler<br/>Parallel: 1 branch<br/>retry States.ALL ×2"]]`,
		`subgraph`, `["Group1 · branch 2"]`,
		`{"Pick<br/>Choice"}`,
		`-->|$.n >= 3|`,
		`-->|($.a IsPresent true and not ($.b == #quot;x#quot;))|`,
		`-->|otherwise|`,
		`-.->|catch States.ALL|`,
		`(["Failed<br/>Fail"])`,
		`["Load<br/>Task: lambda:invoke"]`,
	} {
		assert.Contains(t, out, want)
	}
}

func TestDOTIsDeterministicAndQuoted(t *testing.T) {
	a, b := DOT("my pipeline", sample(t)), DOT("my pipeline", sample(t))
	assert.Equal(t, a, b)
	assert.True(t, strings.HasPrefix(a, "digraph my_pipeline {\n"))
	assert.Contains(t, a, `label="$.n >= 3"`)
	assert.Contains(t, a, `label="($.a IsPresent true and not ($.b == \"x\"))"`)
	assert.Contains(t, a, "shape=diamond")
	assert.Contains(t, a, "subgraph cluster_")
	assert.Contains(t, a, `label="catch States.ALL", style=dashed`)
}

func TestReadableASLReplacesPlaceholders(t *testing.T) {
	out, err := ReadableASL(sample(t))
	require.NoError(t, err)
	assert.Contains(t, string(out), `"FunctionName": "arn:aws:lambda:eu-west-1:123456789012:function:Load-data"`)
	assert.NotContains(t, string(out), "${bp:")
}
