package sns_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const fixture = "testdata/pipeline"

func TestPublishNamesTopicsEveryWay(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	var def map[string]any
	require.NoError(t, json.Unmarshal(testkit.Definition(t, stacks[0]), &def))
	branches := def["States"].(map[string]any)["Publish"].(map[string]any)["Branches"].([]any)
	params := func(i int, name string) map[string]any {
		return branches[i].(map[string]any)["States"].(map[string]any)[name].(map[string]any)["Parameters"].(map[string]any)
	}
	assert.Equal(t, map[string]any{"TopicArn": "${bp:sns_topic:Alerts:arn}", "Message": "loaded for dev", "Subject": "Pipeline"}, params(0, "ByName"))
	assert.Equal(t, map[string]any{"TopicArn": "${bp:sns_topic:Quiet:arn}", "Message.$": "$.message"}, params(1, "ByAWSName"))
	assert.Equal(t, map[string]any{"TopicArn": "arn:aws:sns:eu-west-1:111111111111:upstream", "Message": `{"count":3,"status":"done"}`}, params(2, "ByARN"))
	assert.Equal(t, map[string]any{"TopicArn": "arn:${bp:aws:partition:}:sns:${bp:aws:region:}:${bp:aws:account:}:team-topic", "Message.$": "States.Format('run {}', $$.Execution.Id)"}, params(3, "Existing"))
}

func TestTopicsAndPublishSynthesize(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	topics := a.Resources(t, "sns-fixture", "AWS::SNS::Topic")
	require.Len(t, topics, 2)
	names := []string{}
	for _, tp := range topics {
		names = append(names, tp["Properties"].(map[string]any)["TopicName"].(string))
	}
	assert.ElementsMatch(t, []string{"Alerts-sns-fixture-dev", "Quiet-sns-fixture-dev"}, names)
	testkit.Golden(t, "testdata/golden/sns-fixture.template.json", a.Templates["sns-fixture"])
}
