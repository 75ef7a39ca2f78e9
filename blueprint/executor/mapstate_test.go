package executor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// distributed is a Distributed Map whose iterations fail on items with
// "bad": true; extra holds its other fields.
func distributed(extra string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map",` + extra + `
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
			"C":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.bad","IsPresent":true},{"Variable":"$.bad","BooleanEquals":true}],"Next":"F"}],"Default":"T"},
			"F":{"Type":"Fail","Error":"Bad","Cause":"a bad item"},
			"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}},"End":true}}}`
}

const fiveItems = `{"items":[{"n":1},{"n":2,"bad":true},{"n":3},{"n":4},{"n":5}]}`

func TestDistributedMapToleratesItsShareOfFailures(t *testing.T) {
	res := run(t, distributed(`"ItemsPath":"$.items","ToleratedFailurePercentage":20,`), fiveItems, echo)
	require.Equal(t, Succeeded, res.Status, res.Cause)
	assert.Equal(t, `[{"n":1},{"Cause":"a bad item","Error":"Bad"},{"n":3},{"n":4},{"n":5}]`, js(t, res.Output))
}

func TestDistributedMapFailsPastItsTolerance(t *testing.T) {
	for name, extra := range map[string]string{
		"below the share":   `"ToleratedFailurePercentage":19.9,`,
		"no tolerance":      ``,
		"a count of zero":   `"ToleratedFailureCount":0,"ToleratedFailurePercentage":50,`,
		"a zero percentage": `"ToleratedFailurePercentage":0,`,
	} {
		t.Run(name, func(t *testing.T) {
			res := run(t, distributed(`"ItemsPath":"$.items",`+extra), fiveItems, echo)
			require.Equal(t, Failed, res.Status)
			assert.Equal(t, "States.ExceedToleratedFailureThreshold", res.Error)
			assert.Equal(t, "1 of 5 child executions failed (20%), more than the Map tolerates; the first: Bad: a bad item", res.Cause)
		})
	}
}

func TestInlineMapFailsWithTheFirstFailedIteration(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.bad","IsPresent":true},{"Variable":"$.bad","BooleanEquals":true}],"Next":"F"}],"Default":"P"},
		"F":{"Type":"Fail","Error":"Bad","Cause":"a bad item"},"P":{"Type":"Pass","End":true}}},"End":true}}}`
	res := run(t, def, fiveItems, nil)
	assert.Equal(t, Failed, res.Status)
	assert.Equal(t, "Bad", res.Error)
}

func TestItemReaderListsObjectsBatchesThemAndWritesResults(t *testing.T) {
	var seen []any
	tasks := TaskFunc(func(c TaskContext) (any, *Error) {
		if c.State == "M" {
			assert.Equal(t, "arn:aws:states:::s3:listObjectsV2", c.Resource)
			assert.Equal(t, map[string]any{"Bucket": "b", "Prefix": "raw/"}, c.Input)
			return map[string]any{"Contents": []any{map[string]any{"Key": "raw/a"}, map[string]any{"Key": "raw/b"}, map[string]any{"Key": "raw/c"}}}, nil
		}
		seen = append(seen, c.Input)
		return "ok", nil
	})
	res := run(t, distributed(`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"b","Prefix":"raw/"}},
		"ItemSelector":{"key.$":"$$.Map.Item.Value.Key","i.$":"$$.Map.Item.Index"},
		"ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"run.$":"$.run"}},
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"results"}},`), `{"run":"r1"}`, tasks)
	require.Equal(t, Succeeded, res.Status, res.Cause)
	assert.Equal(t, `[{"BatchInput":{"run":"r1"},"Items":[{"i":0,"key":"raw/a"},{"i":1,"key":"raw/b"}]},{"BatchInput":{"run":"r1"},"Items":[{"i":2,"key":"raw/c"}]}]`, js(t, seen))
	assert.Equal(t, `{"MapRunArn":"arn:aws:states:eu-west-1:123456789012:mapRun:machine/M:00000000-0000-4000-8000-000000000001","ResultWriterDetails":{"Bucket":"out","Key":"results/00000000-0000-4000-8000-000000000001/manifest.json"}}`, js(t, res.Output))
}

func TestItemReaderParsesObjectsAsTheirInputTypeSays(t *testing.T) {
	for _, tc := range []struct{ config, text, want string }{
		{`{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"}`, "id,name\n1,a\n2,\"b, c\"\n", `[{"id":"1","name":"a"},{"id":"2","name":"b, c"}]`},
		{`{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["x"],"CSVDelimiter":"PIPE","MaxItems":1}`, "1\n2\n", `[{"x":"1"}]`},
		{`{"InputType":"JSONL"}`, "{\"a\":1}\n\n[2]\n", `[{"a":1},[2]]`},
		{`{"InputType":"JSON"}`, `[1, "two"]`, `[1,"two"]`},
	} {
		reader := TaskFunc(func(c TaskContext) (any, *Error) {
			if c.State == "M" {
				return tc.text, nil
			}
			return c.Input, nil
		})
		def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k"},"ReaderConfig":` + tc.config + `},
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
		res := run(t, def, `{}`, reader)
		require.Equal(t, Succeeded, res.Status, res.Cause)
		assert.Equal(t, tc.want, js(t, res.Output), tc.config)
	}
}

func TestItemReaderThatReadsNoListFails(t *testing.T) {
	reader := TaskFunc(func(c TaskContext) (any, *Error) { return map[string]any{"rows": 1}, nil })
	res := run(t, distributed(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k"},"ReaderConfig":{"InputType":"JSON"}},`), `{}`, reader)
	assert.Equal(t, Failed, res.Status)
	assert.Equal(t, "States.ItemReaderFailed", res.Error)
}

func TestTasksInAMapKnowTheirIteration(t *testing.T) {
	var got []int
	tasks := TaskFunc(func(c TaskContext) (any, *Error) { got = append(got, c.Iteration); return nil, nil })
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","ResultPath":null,"Next":"M"},"M":{"Type":"Map","ItemsPath":"$.items","ResultPath":null,
		"ItemProcessor":{"StartAt":"U","States":{"U":{"Type":"Task","Resource":"r","ResultPath":null,"End":true}}},"End":true}}}`
	res := run(t, def, `{"items":[1,2,3]}`, tasks)
	require.Equal(t, Succeeded, res.Status, res.Cause)
	assert.Equal(t, []int{-1, 0, 1, 2}, got)
}
