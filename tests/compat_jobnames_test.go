package tests

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// The SageMaker steps of a version 1 config are named and tagged as
// data.all's: each job reads its name at $.job_names.<group>|<job> and its
// tags at $.job_names.tags, which the first state, Task Execution Id,
// writes (utils/stack_task_util.py:290-352; engine/sagemaker/
// training_task.py:22-35, hpo_task.py:18-31, sagemaker_processing_task.py:9-21,
// batch_transform_task.py:19); models and endpoint configurations get the
// stack's tags, which tag Lambdas added (model_task.py:93-134,
// endpointconfig_task.py:77-125), from utils/stack_util.py:383-414.
func TestCompatSageMakerJobsAreNamedAndTaggedFromJobNames(t *testing.T) {
	environ := []string{"AWSREGION=eu-west-1", "AWSACCOUNTID=111111111111", "BUCKET_NAME=pipeline-bucket", "STAGE=prod",
		"ENVTAG_team=ml", "CODEBUILD_BUILD_ID=compat:7", "CODEBUILD_RESOLVED_SOURCE_VERSION=0123abc",
		"ENVROLEARN=arn:aws:iam::111111111111:role/dataall-env", "SAML_GROUP=DataScientists",
		"PIPELINE_URI=pipe123", "ENVIRONMENT_URI=env456", "ORIGIN_PIPELINE_NAME=compat origin"}
	var kv []string
	for _, e := range environ {
		k, v, _ := strings.Cut(e, "=")
		kv = append(kv, k, v)
	}
	dir := filepath.Join("testdata", "compat", "sagemaker")
	stacks := testkit.Plan(t, dir, testkit.Options{Env: testkit.Env(kv...), Environ: environ})
	require.Len(t, stacks, 1)
	a := testkit.SynthEnv(t, stacks, false, environ)
	check.Assembly(t, a.Dir)
	var def map[string]any
	require.NoError(t, json.Unmarshal(testkit.Definition(t, stacks[0]), &def))
	// Every state, those of the groups' Parallels too, by name.
	states := map[string]any{}
	var walk func(sm map[string]any)
	walk = func(sm map[string]any) {
		for name, s := range sm["States"].(map[string]any) {
			states[name] = s
			for _, b := range asList(s.(map[string]any)["Branches"]) {
				walk(b.(map[string]any))
			}
		}
	}
	walk(def)
	params := func(state string) map[string]any {
		st, ok := states[state].(map[string]any)
		require.True(t, ok, "no state %q", state)
		return st["Parameters"].(map[string]any)
	}

	// The tags: ENVTAG_ variables, then Application, PipelineInfo
	// <stage>/<origin pipeline name>, BuildID, CommitID, EnvironmentRole,
	// samlgroup (lowercased), PipelineURI, EnvironmentURI.
	stackTags := []any{
		map[string]any{"Key": "team", "Value": "ml"},
		map[string]any{"Key": "Application", "Value": "data.all"},
		map[string]any{"Key": "PipelineInfo", "Value": "prod/compat origin"},
		map[string]any{"Key": "BuildID", "Value": "compat:7"},
		map[string]any{"Key": "CommitID", "Value": "0123abc"},
		map[string]any{"Key": "EnvironmentRole", "Value": "arn:aws:iam::111111111111:role/dataall-env"},
		map[string]any{"Key": "samlgroup", "Value": "datascientists"},
		map[string]any{"Key": "PipelineURI", "Value": "pipe123"},
		map[string]any{"Key": "EnvironmentURI", "Value": "env456"},
	}
	assert.Equal(t, "Task Execution Id", def["StartAt"])
	names := params("Task Execution Id")
	// name: [^a-zA-Z0-9-] removed, lowercased, [:32], "-<execution name>".
	assert.Equal(t, "States.Format('train-{}', $$.Execution.Name)", names["0|0.$"])
	assert.Equal(t, "States.Format('trainprebuilt-{}', $$.Execution.Name)", names["1|0.$"])
	assert.Equal(t, "States.Format('mymodel-{}', $$.Execution.Name)", names["3|0.$"])
	assert.Equal(t, "States.Format('preparedefaults-{}', $$.Execution.Name)", names["6|1.$"])
	// A tuning job's name is at most 32 characters.
	assert.Equal(t, "States.Format('tune-{}', States.ArrayGetItem(States.StringSplit($$.Execution.Name, '-'), 0))", names["2|0.$"])
	tags, err := json.Marshal(append(stackTags, map[string]any{"Key": "ExecutionID", "Value": "\x00"}))
	require.NoError(t, err)
	lit := strings.NewReplacer(`{`, `\{`, `}`, `\}`, `\u0000`, `{}`).Replace(string(tags))
	assert.Equal(t, "States.StringToJson(States.Format('"+lit+"', $$.Execution.Name))", names["tags.$"])

	// The jobs: their names and tags from $.job_names.
	assert.Equal(t, "$.job_names['0|0']", params("Train")["TrainingJobName.$"])
	assert.Equal(t, "$.job_names['1|1']", params("TrainImage")["TrainingJobName.$"])
	assert.Equal(t, "$.job_names['2|0']", params("Tune")["HyperParameterTuningJobName.$"])
	assert.Equal(t, "$.job_names['6|0']", params("Prepare")["ProcessingJobName.$"])
	assert.Equal(t, "$.job_names['6|1']", params("Prepare Defaults")["ProcessingJobName.$"])
	for _, job := range []string{"Train", "TrainPrebuilt", "TrainImage", "Tune", "Prepare", "Prepare Defaults", "Score", "Endpoint", "iris-endpoint"} {
		assert.Equal(t, "$.job_names.tags", params(job)["Tags.$"], job)
	}
	// Its transform job name stays the one written (transform_job_name_path).
	assert.Equal(t, "iris-scoring", params("Score")["TransformJobName"])
	// Models and the endpoint configuration: the stack's tags, fixed.
	for _, st := range []string{"My_Model", "Model From Bucket", "Model From Image", "Train: model", "Tune: model", "EndpointConfig"} {
		assert.Equal(t, stackTags, params(st)["Tags"], st)
	}
	// An endpoint in service is tagged before it is updated: UpdateEndpoint takes no tags.
	assert.Equal(t, "Endpoint: tag", states["Endpoint: status?"].(map[string]any)["Choices"].([]any)[0].(map[string]any)["Next"])
	assert.Equal(t, map[string]any{"ResourceArn.$": "$.endpoint_exists.arn", "Tags.$": "$.job_names.tags"}, params("Endpoint: tag"))
	assert.Equal(t, "arn:aws:states:::aws-sdk:sagemaker:addTags", states["Endpoint: tag"].(map[string]any)["Resource"])

	// The stack's tags are the same set, on every resource (stack.py:53,66-67).
	machines := a.Resources(t, a.StackNames()[0], "AWS::StepFunctions::StateMachine")
	require.Len(t, machines, 1)
	for name, r := range machines {
		assert.ElementsMatch(t, stackTags, r["Properties"].(map[string]any)["Tags"], name)
	}
	ssm := a.Resources(t, a.StackNames()[0], "AWS::SSM::Parameter")
	require.NotEmpty(t, ssm)
	asMap := map[string]any{}
	for _, tg := range stackTags {
		asMap[tg.(map[string]any)["Key"].(string)] = tg.(map[string]any)["Value"]
	}
	for name, r := range ssm {
		assert.Equal(t, asMap, r["Properties"].(map[string]any)["Tags"], name)
	}
}

// The two departures are warned about where they are.
func TestCompatSageMakerNamesWarnWhereTheyDepart(t *testing.T) {
	out := testkit.Diagnostics(t, filepath.Join("testdata", "compat", "sagemaker"), testkit.Options{Env: compatEnv})
	assert.Contains(t, out, "config.yaml:50:15: warning: groups[2].jobs[0].type: the data.all blueprint named a tuning job <name[:24]>-<execution name[:7]>")
	assert.Contains(t, out, "config.yaml:109:15: warning: groups[4].jobs[1].type: the data.all blueprint's tag Lambda for an endpoint had a syntax error")
}
