package sagemaker_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// training wraps a sagemaker_training config in a pipeline.
func training(cfg string) string {
	return "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: T\n        type: sagemaker_training\n        config:\n" + cfg
}

const trainingBase = "          output_path_from_input: $.out\n          resources: [{instance_type: ml.m5.xlarge}]\n"

func hpo(ranges string) string {
	return "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: H\n        type: sagemaker_hpo\n        config:\n" +
		"          algorithm: {name: xgboost, version: \"1.7-1\"}\n" + trainingBase +
		"          objective: {type: Minimize, metric: \"validation:merror\"}\n          parameter_ranges:\n" + ranges
}

func TestBadSageMakerConfigs(t *testing.T) {
	tests := []struct {
		name, cfg string
		env       []string
		want      string
	}{
		{"an unknown algorithm", training("          algorithm: {name: xgbost, version: \"1.7-1\"}\n" + trainingBase), nil,
			"config.yaml:9:29: groups[0].jobs[0].config.algorithm.name: unknown algorithm \"xgbost\" (did you mean \"xgboost\"?)\n1 error, 0 warnings"},
		{"a version with no image", training("          algorithm: {name: xgboost, version: \"9.9\"}\n" + trainingBase), nil,
			"config.yaml:9:47: groups[0].jobs[0].config.algorithm.version: xgboost has no image for version \"9.9\" (versions: 0.90-1, 0.90-2, 1, 1.0-1, 1.2-1, 1.2-2, 1.3-1, 1.5-1, 1.7-1, latest (= 1))\n1 error, 0 warnings"},
		{"latest where the SageMaker SDK has no latest", training("          algorithm: {name: sklearn, version: latest}\n" + trainingBase), nil,
			"config.yaml:9:47: groups[0].jobs[0].config.algorithm.version: sklearn has no image for version \"latest\" (versions: 0.23-1, 1.0-1, 1.2-1)\n1 error, 0 warnings"},
		{"an image of the ECR repository, which is not known", training("          training_image: {ecr_repository: true, tag: train}\n" + trainingBase), nil,
			"config.yaml:9:27: groups[0].jobs[0].config.training_image: the image is in the pipeline's ECR repository, which is not known (set ECR_REPOSITORY (data.all's CodeBuild does) or the template variable ecr_repository)\n1 error, 0 warnings"},
		{"a version 1 pre_built module without a folder", strings.TrimPrefix(training("          algorithm: {pre_built: {module: train.py}}\n"+trainingBase), "version: 2\n"), []string{"ECR_REPOSITORY", "r"},
			"config.yaml:1: warning: read as a data.all blueprint config (version 1), since it has no version: key (blueprint migrate upgrades it to version 2; a config already written for this tool only needs version: 2 on its first line)\nconfig.yaml:8:43: config.algorithm.pre_built.module: \"train.py\" has no folder; the data.all blueprint named the image after the folder and file, and failed without a folder (e.g. sagemaker_jobs/train.py)\n1 error, 1 warning"},
		{"a version with no image in the stack's region", training("          algorithm: {name: xgboost, version: \"1.7-1\"}\n" + trainingBase), []string{"AWSREGION", "mars-north-1"},
			"config.yaml:9:22: groups[0].jobs[0].config.algorithm: xgboost 1.7-1 has no image in region mars-north-1; regions: ap-northeast-1, ap-northeast-2, ap-south-1, ap-southeast-1, ap-southeast-2, ca-central-1, eu-central-1, eu-north-1, eu-west-1, eu-west-2, eu-west-3, sa-east-1, us-east-1, us-east-2, us-west-1, us-west-2\n1 error, 0 warnings"},
		{"a resource_ref that names no resource", training("          algorithm: {name: kmeans, version: \"1\"}\n" + trainingBase + "          resource_ref: big\n"), nil,
			"config.yaml:12:25: groups[0].jobs[0].config.resource_ref: resource_ref \"big\" names no entry of config.resources (name an entry: resources: [{name: big, instance_type: …}])\n1 error, 0 warnings"},
		{"an HPO range with min above max", hpo("            - {name: eta, type: continuous, min_value: 5, max_value: 1}\n"), nil,
			"config.yaml:14:56: groups[0].jobs[0].config.parameter_ranges[0].min_value: min_value 5 is more than max_value 1\n1 error, 0 warnings"},
		{"an unknown parameter type", hpo("            - {name: eta, type: float, min_value: 0, max_value: 1}\n"), nil,
			"config.yaml:14:33: groups[0].jobs[0].config.parameter_ranges[0].type: unknown parameter range type \"float\" (one of \"categorical\", \"continuous\", \"integer\")\n1 error, 0 warnings"},
		{"a bare EC2 instance type is a warning", training("          algorithm: {name: kmeans, version: \"1\"}\n          output_path_from_input: $.out\n          resources: [{instance_type: c5.2xlarge}]\n"), nil,
			"config.yaml:11:39: warning: groups[0].jobs[0].config.resources[0].instance_type: SageMaker instance types start with ml.; using ml.c5.2xlarge\n0 errors, 1 warning"},
		{"an instance type that is no instance type", training("          algorithm: {name: kmeans, version: \"1\"}\n          output_path_from_input: $.out\n          resources: [{instance_type: large}]\n"), nil,
			"config.yaml:11:39: groups[0].jobs[0].config.resources[0].instance_type: \"large\" is not a SageMaker instance type, e.g. ml.m5.xlarge\n1 error, 0 warnings"},
		{"a $. path that is not valid JSONPath", training("          algorithm: {name: kmeans, version: \"1\"}\n          output_path_from_input: $.out..x\n          resources: [{instance_type: ml.m5.xlarge}]\n"), nil,
			"config.yaml:10:35: groups[0].jobs[0].config.output_path_from_input: path \"$.out..x\": deep scan \"..\" is not allowed in Step Functions paths\n1 error, 0 warnings"},
		{"a model without a place for the tuning result", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: H\n        type: sagemaker_hpo\n        model: {model_name_path: $.m}\n        config:\n" +
			"          algorithm: {name: xgboost, version: \"1.7-1\"}\n" + trainingBase + "          objective: {type: Minimize, metric: m}\n", nil,
			"config.yaml:8:16: groups[0].jobs[0].model: creating a model from the best training job needs hpo_result_path, where the tuning result is kept\n1 error, 0 warnings"},
		{"tags from a path and the stack's at once", training("          algorithm: {name: kmeans, version: \"1\"}\n" + trainingBase + "          tags_path: $.tags\n          stack_tags: true\n"), nil,
			"config.yaml:13:23: groups[0].jobs[0].config.stack_tags: give tags_path or stack_tags, not both\n1 error, 0 warnings"},
		{"tags on an update, which takes none", "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: E\n        type: sagemaker_endpoint\n        endpoint: $.name\n" +
			"        config: {update: true, tags_path: $.tags}\n", nil,
			"config.yaml:9:26: groups[0].jobs[0].config.update: an updated endpoint cannot be tagged: UpdateEndpoint takes no tags (use create_or_update: an endpoint in service is tagged, then updated)\n1 error, 0 warnings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(tt.cfg), 0o644))
			assert.Equal(t, tt.want, testkit.Diagnostics(t, dir, testkit.Options{Env: testkit.Env(tt.env...)}))
		})
	}
}

func TestSageMakerPlans(t *testing.T) {
	stacks := testkit.Plan(t, "../../examples/sagemaker", testkit.Options{Stage: "prod"})
	def := stacks[0].Machine.Definition
	tune := def.States["Tune"].Branches[0]
	assert.Equal(t, "TuneXGBoost: best job", tune.States["TuneXGBoost"].Next)
	assert.Equal(t, "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync", tune.States["TuneXGBoost"].Resource)
	params := tune.States["TuneXGBoost"].Parameters.(map[string]any)
	assert.Equal(t, "$.tuning_job_name", params["HyperParameterTuningJobName.$"])
	ranges := params["HyperParameterTuningJobConfig"].(map[string]any)["ParameterRanges"].(map[string]any)
	assert.Len(t, ranges, 3)

	score := def.States["Score"].Branches[0].States["ScoreTestSet"].Parameters.(map[string]any)
	assert.Equal(t, map[string]any{"InputFilter": "$[1:]", "JoinSource": "Input", "OutputFilter": "$[0,-1]"}, score["DataProcessing"],
		"SageMaker's own filters stay literal")
	assert.Equal(t, "$.model_name", score["ModelName.$"])

	deploy := def.States["Deploy"].Branches[0]
	launch := deploy.States["LaunchEndpoint"].Branches[0]
	check := launch.States["IrisEndpoint: check"]
	require.Len(t, check.Choices, 3)
	assert.Equal(t, "IrisEndpoint: wait", check.Default)
	assert.Equal(t, "IrisEndpoint: status", launch.States["IrisEndpoint: wait"].Next)

	train := def.States["Train"].Branches[0].States["TrainBaseline"].Parameters.(map[string]any)
	assert.Equal(t, "States.Format('TrainBaseline-{}', $$.Execution.Name)", train["TrainingJobName.$"])
	assert.Equal(t, map[string]any{"num_class": "3", "num_round": "50", "objective": "multi:softmax"}, train["HyperParameters"])
}
