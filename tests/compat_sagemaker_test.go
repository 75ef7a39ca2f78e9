package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/sfntest"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// The old deployment flow, run with mocked SageMaker answers: a model and
// an endpoint configuration of the same name are deleted first
// (engine/sagemaker/model_task.py:14-72, endpointconfig_task.py:14-62);
// the endpoint is checked, then updated, made again, created or left
// (endpoint_task.py:26-118,278-312), and waited for by checking at once,
// then every 15 s, failing after retry_count checks (:204-276).
const endpointFlowConfig = `name: endpoint flow
groups:
  - name: Model
    jobs:
      - name: Model
        type: sagemaker_model
        config:
          primary_container:
            algorithm: {name: xgboost, version: "1.2-1"}
            model_path: $.artifacts
  - name: Config
    jobs:
      - name: Config
        type: sagemaker_endpoint_config
        endpoint: "$.EndPoint"
        config:
          instance_type: ml.m5.large
          model_name_path: $.model_name
  - name: Endpoint
    jobs:
      - name: Endpoint
        type: sagemaker_endpoint
        endpoint: "$.EndPoint"
        config:
          wait_for_completion: "true"
          retry_count: 3
`

const endpointFlowCases = `{
  "StateMachines": {"endpoint-flow": {"TestCases": {
    "AnEndpointInServiceIsUpdated": {
      "Model: delete existing": "Deleted", "Model": "Created",
      "Config: delete existing": "NotFound", "Config": "ConfigCreated",
      "Endpoint: exists?": "InService", "Endpoint: tag": "Tagged", "Endpoint: update": "Created", "Endpoint: status": "InService"},
    "AMissingEndpointIsCreated": {
      "Model: delete existing": "NotFound", "Model": "Created",
      "Config: delete existing": "Deleted", "Config": "ConfigCreated",
      "Endpoint: exists?": "NotFound", "Endpoint": "Created", "Endpoint: status": "InService"},
    "AFailedEndpointIsMadeAgain": {
      "Model: delete existing": "Deleted", "Model": "Created",
      "Config: delete existing": "Deleted", "Config": "ConfigCreated",
      "Endpoint: exists?": "Failed", "Endpoint: delete": "Deleted", "Endpoint": "Created", "Endpoint: status": "InService"},
    "ABusyEndpointIsLeft": {
      "Model: delete existing": "Deleted", "Model": "Created",
      "Config: delete existing": "Deleted", "Config": "ConfigCreated",
      "Endpoint: exists?": "Updating"},
    "AnEndpointNeverInServiceFailsAfterRetryCountChecks": {
      "Model: delete existing": "Deleted", "Model": "Created",
      "Config: delete existing": "Deleted", "Config": "ConfigCreated",
      "Endpoint: exists?": "NotFound", "Endpoint": "Created", "Endpoint: status": "AlwaysCreating"}
  }}},
  "MockedResponses": {
    "Deleted": {"0": {"Return": {}}},
    "NotFound": {"0": {"Throw": {"Error": "SageMaker.SageMakerException", "Cause": "Could not find it"}}},
    "Created": {"0": {"Return": {}}},
    "Tagged": {"0": {"Return": {"Tags": []}}},
    "ConfigCreated": {"0": {"Return": {"EndpointConfigArn": "arn:aws:sagemaker:eu-west-1:111111111111:endpoint-config/iris-config"}}},
    "InService": {"0": {"Return": {"EndpointStatus": "InService", "EndpointArn": "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/iris"}}},
    "Failed": {"0": {"Return": {"EndpointStatus": "Failed", "EndpointArn": "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/iris"}}},
    "Updating": {"0": {"Return": {"EndpointStatus": "Updating", "EndpointArn": "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/iris"}}},
    "AlwaysCreating": {"0-9": {"Return": {"EndpointStatus": "Creating", "EndpointArn": "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/iris"}}}
  },
  "Expectations": {"endpoint-flow": {
    "AnEndpointInServiceIsUpdated": {
      "Input": {"EndPoint": {"name": "iris", "config_name": "iris-config"}, "model_name": "iris", "artifacts": "s3://b/model.tar.gz"},
      "Status": "SUCCEEDED",
      "Visited": ["Task Execution Id", "Endpoint: tag", "Endpoint: exists", "Endpoint: update", "Endpoint: status", "Endpoint: in service"],
      "NotVisited": ["Endpoint", "Endpoint: delete", "Endpoint: wait"],
      "TaskInputs": {"Endpoint: update": {"EndpointName": "iris", "EndpointConfigName": "iris-config"},
        "Model": {"ModelName": "model", "Tags": [{"Key": "Application", "Value": "data.all"}, {"Key": "PipelineInfo", "Value": "test/endpoint flow"}]},
        "Config": {"Tags": [{"Key": "Application", "Value": "data.all"}, {"Key": "PipelineInfo", "Value": "test/endpoint flow"}]},
        "Endpoint: tag": {"ResourceArn": "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/iris",
          "Tags": [{"Key": "Application", "Value": "data.all"}, {"Key": "PipelineInfo", "Value": "test/endpoint flow"}, {"Key": "ExecutionID", "Value": "AnEndpointInServiceIsUpdated"}]}},
      "Output": {"EndPoint": {"name": "iris", "config_name": "iris-config"}, "model_name": "iris", "artifacts": "s3://b/model.tar.gz",
        "model": false, "endpointconfig": "arn:aws:sagemaker:eu-west-1:111111111111:endpoint-config/iris-config",
        "endpoint_exists": true, "endpoint_creation_status": {"attempts": 1, "status": "InService"}}},
    "AMissingEndpointIsCreated": {
      "Input": {"EndPoint": {"name": "iris", "config_name": "iris-config"}, "model_name": "iris", "artifacts": "s3://b/model.tar.gz"},
      "Status": "SUCCEEDED",
      "Visited": ["Model: none to delete", "Config: deleted", "Endpoint: does not exist", "Endpoint"],
      "NotVisited": ["Endpoint: update", "Endpoint: tag"],
      "TaskInputs": {"Endpoint": {"EndpointName": "iris", "EndpointConfigName": "iris-config",
        "Tags": [{"Key": "Application", "Value": "data.all"}, {"Key": "PipelineInfo", "Value": "test/endpoint flow"}, {"Key": "ExecutionID", "Value": "AMissingEndpointIsCreated"}]}}},
    "AFailedEndpointIsMadeAgain": {
      "Input": {"EndPoint": {"name": "iris", "config_name": "iris-config"}, "model_name": "iris", "artifacts": "s3://b/model.tar.gz"},
      "Status": "SUCCEEDED",
      "Visited": ["Endpoint: delete", "Endpoint: deleting", "Endpoint: does not exist", "Endpoint"],
      "NotVisited": ["Endpoint: update"]},
    "ABusyEndpointIsLeft": {
      "Input": {"EndPoint": {"name": "iris", "config_name": "iris-config"}, "model_name": "iris", "artifacts": "s3://b/model.tar.gz"},
      "Status": "SUCCEEDED",
      "Visited": ["Endpoint: busy"],
      "NotVisited": ["Endpoint", "Endpoint: update", "Endpoint: status"]},
    "AnEndpointNeverInServiceFailsAfterRetryCountChecks": {
      "Input": {"EndPoint": {"name": "iris", "config_name": "iris-config"}, "model_name": "iris", "artifacts": "s3://b/model.tar.gz"},
      "Status": "FAILED", "Error": "SageMaker.EndpointTimeout"}
  }}
}`

func TestCompatEndpointFlowRunsAsTheOldOne(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(endpointFlowConfig), 0o644))
	cases := filepath.Join(dir, "cases.json")
	require.NoError(t, os.WriteFile(cases, []byte(endpointFlowCases), 0o644))
	stacks := testkit.Plan(t, dir, testkit.Options{Env: compatEnv})
	suite, err := sfntest.Load(cases)
	require.NoError(t, err)
	results := suite.Run(sfntest.Machines(stacks))
	require.Len(t, results, 5)
	for _, r := range results {
		assert.True(t, r.Passed, "%s: %v\npath: %v", r.Case, r.Problems, r.Path)
	}
}
