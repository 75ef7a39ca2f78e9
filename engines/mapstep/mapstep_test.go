package mapstep_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/graph"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const fixture = "testdata/pipeline"

func TestInlineMapRunsItsGroupsPerItemAndCatchesItsOwnError(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	def := stacks[0].Machine.Definition
	branch := def.States["Fan"].Branches[0]
	m := branch.States["PerPartition"]
	require.Equal(t, asl.Map, m.Type)
	assert.Equal(t, "$.partitions", m.ItemsPath)
	assert.Equal(t, 5, m.MaxConcurrency)
	assert.Equal(t, map[string]any{"Mode": "INLINE"}, m.ItemProcessor.ProcessorConfig)
	assert.Equal(t, "Process", m.ItemProcessor.StartAt)
	assert.Equal(t, map[string]any{"partition.$": "$$.Map.Item.Value", "run.$": "$$.Execution.Id"}, m.ItemSelector)
	assert.Equal(t, "$.partitions_done", m.ResultPath.Value)
	require.Len(t, m.Retry, 1)
	assert.Equal(t, []string{"States.TaskFailed"}, m.Retry[0].ErrorEquals)
	assert.Equal(t, 2, *m.Retry[0].MaxAttempts)
	require.Len(t, m.Catch, 1)
	assert.Equal(t, "FanFailed", m.Catch[0].Next)
	assert.Equal(t, "$.fan_error", m.Catch[0].ResultPath.Value)
	assert.True(t, m.End, "the map and its catch groups both end the group's branch")
	assert.True(t, branch.States["FanFailed"].End)
	assert.Nil(t, m.ItemReader)
	assert.Equal(t, "Files", def.States["Fan"].Next)
	testkit.Golden(t, "testdata/golden/plan.mmd", []byte(graph.Mermaid(stacks[0].Machine.Name, def)))
	testkit.Golden(t, "testdata/golden/plan.dot", []byte(graph.DOT(stacks[0].Machine.Name, def)))
}

func TestGraphSaysHowEachMapRuns(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	for _, want := range []string{
		"PerPartition<br/>Map: inline over $.partitions<br/>5 at once<br/>retry States.TaskFailed ×2",
		"PerFile<br/>Distributed Map: s3://example-data-bucket/raw/dev/ (objects)<br/>100 at once, batches of 10, tolerates 5% failed<br/>results to s3://example-data-bucket/results/dev/",
		"PerRow<br/>Distributed Map: s3://example-data-bucket/lists/dev.csv (csv)<br/>tolerates 3 failed",
		`"PerFile · each batch"`, `"PerPartition · each item"`,
	} {
		assert.Contains(t, graph.Mermaid(stacks[0].Machine.Name, stacks[0].Machine.Definition), want)
	}
}

func TestDistributedMapReadsS3AndIsGrantedExactly(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	def := stacks[0].Machine.Definition
	files := def.States["Files"].Branches
	m := files[0].States["PerFile"]
	assert.True(t, m.Distributed())
	assert.Equal(t, map[string]any{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, m.ItemProcessor.ProcessorConfig)
	assert.Equal(t, &asl.ItemReader{Resource: "arn:aws:states:::s3:listObjectsV2",
		Parameters: map[string]any{"Bucket": "example-data-bucket", "Prefix": "raw/dev/"}}, m.ItemReader)
	assert.Equal(t, 10, m.ItemBatcher.MaxItemsPerBatch)
	assert.Equal(t, map[string]any{"stage": "dev"}, m.ItemBatcher.BatchInput)
	assert.Equal(t, 5.0, *m.ToleratedFailurePercentage)
	assert.Equal(t, "arn:aws:states:::s3:putObject", m.ResultWriter.Resource)
	rows := files[1].States["PerRow"]
	assert.Equal(t, &asl.ReaderConfig{InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: []string{"id", "name"}}, rows.ItemReader.ReaderConfig)
	assert.Equal(t, 3, *rows.ToleratedFailureCount)

	arn := func(res string) string { return engine.ARN("states", res) }
	s3 := "arn:" + engine.Partition.String() + ":s3:::example-data-bucket"
	got := map[string][]string{}
	for _, s := range stacks[0].Machine.Policy.Normalized() {
		for _, r := range s.Resources {
			got[r] = s.Actions
		}
	}
	assert.Equal(t, []string{"states:StartExecution"}, got[arn("stateMachine:map-fixture-dev")])
	assert.Equal(t, []string{"states:DescribeExecution", "states:StopExecution"}, got[arn("execution:map-fixture-dev/*")])
	assert.Equal(t, []string{"s3:ListBucket"}, got[s3])
	assert.Equal(t, []string{"s3:GetObject"}, got[s3+"/lists/dev.csv"])
	assert.Equal(t, []string{"s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"}, got[s3+"/results/dev/*"])
	for r := range got {
		assert.NotEqual(t, "*", r, "no statement of the map fixture needs a wildcard resource")
	}
}

func TestMapSynthesizes(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	testkit.Golden(t, "testdata/golden/map-fixture.template.json", a.Templates["map-fixture"])
}
