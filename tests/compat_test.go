package tests

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// compatEnv is what data.all's CodeBuild set when it synthesized.
var compatEnv = testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "BUCKET_NAME", "pipeline-bucket", "STAGE", "test")

// compatRepo synthesizes a data.all (version 1) config of
// testdata/compat, checks the assembly with cfn-lint and asl-validator,
// and returns its template and its planned state machine.
func compatRepo(t *testing.T, name string, allowed ...check.Allowed) (tmpl map[string]any, states map[string]map[string]any) {
	t.Helper()
	dir := filepath.Join("testdata", "compat", name)
	stacks := testkit.Plan(t, dir, testkit.Options{Env: compatEnv})
	require.Len(t, stacks, 1)
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir, allowed...)
	require.Len(t, a.StackNames(), 1)
	tmpl = a.Template(t, a.StackNames()[0])
	if stacks[0].Machine == nil {
		return tmpl, nil
	}
	var def map[string]any
	require.NoError(t, json.Unmarshal(testkit.Definition(t, stacks[0]), &def))
	// Every state, nested ones too, by name; "StartAt" names the first
	// and holds the machine's TimeoutSeconds.
	states = map[string]map[string]any{"StartAt": {"name": def["StartAt"], "TimeoutSeconds": def["TimeoutSeconds"]}}
	var walk func(sm map[string]any)
	walk = func(sm map[string]any) {
		for name, s := range sm["States"].(map[string]any) {
			st := s.(map[string]any)
			states[name] = st
			for _, b := range asList(st["Branches"]) {
				walk(b.(map[string]any))
			}
		}
	}
	walk(def)
	return tmpl, states
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// functionsByDescription maps each Lambda function's logical ID to its
// properties.
func functionsByDescription(t *testing.T, tmpl map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == "AWS::Lambda::Function" {
			out[id] = res["Properties"].(map[string]any)
		}
	}
	return out
}

func findFunction(t *testing.T, fns map[string]map[string]any, prefix string) map[string]any {
	t.Helper()
	for id, p := range fns {
		if len(id) >= len(prefix) && id[:len(prefix)] == prefix {
			return p
		}
	}
	t.Fatalf("no function whose logical ID starts with %s; have %v", prefix, keysOf(fns))
	return nil
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestCompatLambdaKeepsTheOldMeaning checks, on the template, facts read
// from the data.all blueprint's source.
func TestCompatLambdaKeepsTheOldMeaning(t *testing.T) {
	tmpl, states := compatRepo(t, "lambda")
	fns := functionsByDescription(t, tmpl)

	prepare := findFunction(t, fns, "FunctionPrepare")
	// index and handler default to lambda_function.py and handler
	// (engine/lambdafx/lambda_mapper.py:34-35), timeout to 900 s (:31);
	// a step's memory is its job-level memory_size (lambda_task.py:53).
	assert.Equal(t, "lambda_function.handler", prepare["Handler"])
	assert.EqualValues(t, 900, prepare["Timeout"])
	assert.EqualValues(t, 2048, prepare["MemorySize"])
	// An undefined variable renders empty, as Jinja did.
	assert.Equal(t, map[string]any{"OWNER": ""}, prepare["Environment"].(map[string]any)["Variables"])
	assert.EqualValues(t, 1028, findFunction(t, fns, "FunctionCount")["MemorySize"], "lambda_task.py:53 defaults memory_size to 1028")
	assert.EqualValues(t, 300, findFunction(t, fns, "FunctionSum")["Timeout"])

	// Every trigger gets PIPELINE_STATE_MACHINE_ARN, PIPELINE_BUCKET,
	// PIPELINE_STAGE (engine/resource_task.py:67-83).
	trigger := findFunction(t, fns, "FunctionStart")
	env := trigger["Environment"].(map[string]any)["Variables"].(map[string]any)
	assert.Contains(t, env, "PIPELINE_STATE_MACHINE_ARN")
	assert.NotContains(t, env, "STATE_MACHINE_ARN")
	assert.Equal(t, "pipeline-bucket", env["PIPELINE_BUCKET"])
	assert.Equal(t, "test", env["PIPELINE_STAGE"])
	assert.Equal(t, "handler.handler", trigger["Handler"])
	assert.EqualValues(t, 1028, trigger["MemorySize"], "resource_task.py:302")

	// The singular config.scheduler is one rule (resource_task.py:354-356);
	// the variables file was rendered as a template (task_group_reader.py:97).
	var inputs []string
	for _, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == "AWS::Events::Rule" {
			for _, tg := range res["Properties"].(map[string]any)["Targets"].([]any) {
				inputs = append(inputs, tg.(map[string]any)["Input"].(string))
			}
		}
	}
	assert.ElementsMatch(t, []string{`{"source":"test-feed"}`, `{"source":"watch"}`}, inputs)

	// A standalone function may have a schedule, a topic, its own role
	// and a dead-letter queue (resource_task.py:336-365,
	// lambda_mapper.py:40-43, 91-113); its Python3.8 was lowercased and
	// replaced by a runtime Lambda still takes.
	watcher := findFunction(t, fns, "FunctionWatcher")
	assert.Equal(t, "arn:aws:iam::111111111111:role/watcher-role", watcher["Role"])
	assert.Contains(t, watcher, "DeadLetterConfig")
	assert.Equal(t, "python3.12", watcher["Runtime"])
	assert.Len(t, watcher["Layers"], 1)
	var subscribed int
	for _, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == "AWS::SNS::Subscription" && res["Properties"].(map[string]any)["TopicArn"] == "arn:aws:sns:eu-west-1:111111111111:upstream" {
			subscribed++
		}
	}
	assert.Equal(t, 1, subscribed)

	// A group of one job is that job's state, no Parallel
	// (utils/stack_task_util.py:126-127), so it may share the job's name.
	assert.Equal(t, "Task Execution Id", states["StartAt"]["name"], "utils/stack_task_util.py:307: a first state writes $.job_names")
	assert.Equal(t, "Prepare", states["Task Execution Id"]["Next"])
	step := states["Prepare"]
	assert.Equal(t, "Task", step["Type"])
	// config.result_path holds the bare return value: payload_response_only
	// invokes the function itself (lambda_mapper.py:54-55, 62).
	assert.Equal(t, "$.prepared", step["ResultPath"])
	assert.NotContains(t, step, "ResultSelector")
	assert.NotEqual(t, "arn:aws:states:::lambda:invoke", step["Resource"])
	assert.Equal(t, "Parallel", states["Report"]["Type"])
	// config.timeout is the function's and the task's (lambda_mapper.py:31,56).
	assert.EqualValues(t, 900, step["TimeoutSeconds"])
	assert.EqualValues(t, 300, states["Sum"]["TimeoutSeconds"])
	assert.EqualValues(t, 60, states["Sum"]["HeartbeatSeconds"])
	// input_path, output_path, payload_response_only false (the whole
	// response at result_path) and retry_on_service_exceptions false
	// (lambda_mapper.py:51-65).
	count := states["Count"]
	assert.Equal(t, "$.prepared", count["InputPath"])
	assert.Equal(t, "$.counted", count["OutputPath"])
	assert.Equal(t, "$.counted", count["ResultPath"])
	assert.Equal(t, "arn:aws:states:::lambda:invoke", count["Resource"])
	assert.NotContains(t, count, "ResultSelector")
	assert.NotContains(t, count, "Retry")
	assert.Len(t, states["Sum"]["Retry"], 1, "retry_on_service_exceptions defaults to true")
}

// TestCompatSageMakerKeepsTheOldResultsAndNames checks the old result
// location of training and the endpoint object of the old iris example.
func TestCompatSageMakerKeepsTheOldResultsAndNames(t *testing.T) {
	tmpl, states := compatRepo(t, "sagemaker")
	assert.Equal(t, "$.training", states["Train"]["ResultPath"], "training_task.py:129")
	train := states["Train"]["Parameters"].(map[string]any)
	// output_data_path, input_data and timeout as
	// mappers/sm_training_mapper.py:50-66 and common_training_mapper.py:131-186 read them.
	assert.Equal(t, map[string]any{"S3OutputPath": "s3://training-data/output"}, train["OutputDataConfig"])
	assert.Equal(t, map[string]any{"MaxRuntimeInSeconds": float64(3600)}, train["StoppingCondition"])
	var uris []any
	for _, c := range train["InputDataConfig"].([]any) {
		ch := c.(map[string]any)
		assert.Equal(t, "text/csv", ch["ContentType"])
		uris = append(uris, ch["DataSource"].(map[string]any)["S3DataSource"].(map[string]any)["S3Uri"])
	}
	assert.Equal(t, []any{"s3://training-data/prepared/train.csv", "s3://training-data/prepared/validation.csv", "s3://training-data/prepared/test.csv"}, uris)

	// algorithm.pre_built is the ECR_REPOSITORY image tagged after the
	// module (prebuilt_extension_image_builder.py:75-80,176-184); the input
	// mode and metric definitions sit beside it (common_training_mapper.py:18-40).
	pre := states["TrainPrebuilt"]["Parameters"].(map[string]any)
	assert.Equal(t, map[string]any{
		"TrainingImage":     "111111111111.dkr.ecr.eu-west-1.amazonaws.com/compat-pipeline:sagemaker_train_model",
		"TrainingInputMode": "Pipe",
		"MetricDefinitions": []any{map[string]any{"Name": "validation:rmse", "Regex": "rmse=([0-9.]+)"}},
	}, pre["AlgorithmSpecification"])
	// input_paths_from_input is the whole InputDataConfig (sm_training_mapper.py:71-72);
	// experiment.trial the trial component's name (:34-39); an instance
	// type defaults to ml.m5.2xlarge and max_runtime to 108000 (:62-63).
	assert.Equal(t, "$.channels", pre["InputDataConfig.$"])
	assert.Equal(t, map[string]any{"ExperimentName.$": "$.experiment", "TrialComponentDisplayName.$": "$.trial"}, pre["ExperimentConfig"])
	assert.Equal(t, "ml.m5.2xlarge", pre["ResourceConfig"].(map[string]any)["InstanceType"])
	assert.Equal(t, map[string]any{"MaxRuntimeInSeconds": float64(108000)}, pre["StoppingCondition"])
	img := states["TrainImage"]["Parameters"].(map[string]any)
	assert.Equal(t, "111111111111.dkr.ecr.eu-west-1.amazonaws.com/custom:1", img["AlgorithmSpecification"].(map[string]any)["TrainingImage"])
	var channels []any
	for _, c := range img["InputDataConfig"].([]any) {
		channels = append(channels, c.(map[string]any)["ChannelName"])
	}
	assert.Equal(t, []any{"train", "test"}, channels, "training_input_from_path.test_s3_uri is the test channel (training_task.py:97-105)")

	// Tuning: always Bayesian, no default number of jobs, a category range,
	// output_data_path {bucket, prefix_key}, max_runtime 108000 whatever
	// timeout says (mappers/sm_hyperparameter_tuning_mapper.py:28,61-62,111,117-129);
	// xgboost "latest" is the first xgboost image (the SDK's version_aliases).
	tune := states["Tune"]["Parameters"].(map[string]any)
	tcfg := tune["HyperParameterTuningJobConfig"].(map[string]any)
	assert.Equal(t, "Bayesian", tcfg["Strategy"])
	assert.Equal(t, map[string]any{"MaxParallelTrainingJobs": float64(2)}, tcfg["ResourceLimits"])
	assert.Equal(t, []any{map[string]any{"Name": "booster", "Values": []any{"gbtree", "dart"}}}, tcfg["ParameterRanges"].(map[string]any)["CategoricalParameterRanges"])
	tdef := tune["TrainingJobDefinition"].(map[string]any)
	assert.Equal(t, map[string]any{"S3OutputPath": "s3://training-data/tuning"}, tdef["OutputDataConfig"])
	assert.Equal(t, map[string]any{"MaxRuntimeInSeconds": float64(108000)}, tdef["StoppingCondition"])
	assert.Equal(t, map[string]any{"num_round": "10"}, tdef["StaticHyperParameters"], "tuning reads static_hyperparameters only")
	assert.Equal(t, "${bp:sagemaker_image:xgboost%3A1:uri}", tdef["AlgorithmSpecification"].(map[string]any)["TrainingImage"])
	raw, err := json.Marshal(tmpl)
	require.NoError(t, err)
	assert.Contains(t, string(raw), "685385470294.dkr.ecr.eu-west-1.amazonaws.com/xgboost:1")
	// The best model's location is kept at $.hpo.best_model.path (hpo_task.py:61-94).
	assert.Equal(t, "Tune: best model: path", states["Tune"]["Next"])
	best := states["Tune: best model"]
	assert.Equal(t, "$.hpo.best_model", best["ResultPath"])
	assert.Equal(t, map[string]any{"statusCode": float64(200),
		"path.$": "States.Format('{}/{}/output/model.tar.gz', $.hpo.TrainingJobDefinition.OutputDataConfig.S3OutputPath, $.hpo.BestTrainingJob.TrainingJobName)"},
		best["Parameters"])
	// A model without model_name_path is named after its job (model_task.py:13,63);
	// one of the same name is deleted first, the verdict kept at $.model
	// (:14-72), and the state times out after 8200 s (mappers/sm_model_mapper.py:28).
	assert.Equal(t, "mymodel", states["My_Model"]["Parameters"].(map[string]any)["ModelName"])
	assert.EqualValues(t, 8200, states["My_Model"]["TimeoutSeconds"])
	del := states["My_Model: delete existing"]
	assert.Equal(t, "arn:aws:states:::aws-sdk:sagemaker:deleteModel", del["Resource"])
	assert.Equal(t, map[string]any{"ModelName": "mymodel"}, del["Parameters"])
	assert.Equal(t, "$.model", states["My_Model: deleted"]["ResultPath"])
	assert.Equal(t, false, states["My_Model: deleted"]["Result"])
	assert.Equal(t, true, states["My_Model: none to delete"]["Result"])
	// role, heartbeat, timeout, result_path, a pre_built image and
	// model_path_from_bucket (mappers/sm_model_mapper.py:22-91).
	mb := states["Model From Bucket"]
	assert.Equal(t, map[string]any{"ExecutionRoleArn": "arn:aws:iam::111111111111:role/models", "ModelName.$": "$.bucket_model",
		"PrimaryContainer": map[string]any{"Image": "111111111111.dkr.ecr.eu-west-1.amazonaws.com/compat-pipeline:sagemaker_serve", "ModelDataUrl": "s3://models/iris/model.tar.gz"},
		// The stack's tags, which a tag Lambda added (model_task.py:93-134).
		"Tags": []any{map[string]any{"Key": "Application", "Value": "data.all"}, map[string]any{"Key": "PipelineInfo", "Value": "test/compat sagemaker"}}},
		mb["Parameters"])
	assert.EqualValues(t, 60, mb["HeartbeatSeconds"])
	assert.EqualValues(t, 600, mb["TimeoutSeconds"])
	assert.Equal(t, "$.created_model", mb["ResultPath"])
	assert.Equal(t, "111111111111.dkr.ecr.eu-west-1.amazonaws.com/serve:2",
		states["Model From Image"]["Parameters"].(map[string]any)["PrimaryContainer"].(map[string]any)["Image"], "algorithm.image")
	// A training job's model: "model-from-<job>", from the training's
	// artifacts (training_task.py:140-162); a tuning job's from the best
	// model's path (hpo_task.py:106-119).
	assert.Equal(t, "Train: model: delete existing", states["Train"]["Next"])
	tm := states["Train: model"]["Parameters"].(map[string]any)
	assert.Equal(t, "model-from-train", tm["ModelName"])
	assert.Equal(t, "$.training.ModelArtifacts.S3ModelArtifacts", tm["PrimaryContainer"].(map[string]any)["ModelDataUrl.$"])
	hm := states["Tune: model"]["Parameters"].(map[string]any)
	assert.Equal(t, "$.tuned_model", hm["ModelName.$"])
	assert.Equal(t, "$.hpo.best_model.path", hm["PrimaryContainer"].(map[string]any)["ModelDataUrl.$"])

	// The endpoint configuration: deleted first if it exists, its verdict
	// and then its ARN at $.endpointconfig (endpointconfig_task.py:14-128);
	// initial_instance_count, accelerator_type, kms_key, heartbeat, the
	// variant named after the model (mappers/sm_endpointconfig_mapper.py:11-61).
	ec := states["EndpointConfig"]["Parameters"].(map[string]any)
	assert.Equal(t, "$.EndPoint.config_name", ec["EndpointConfigName.$"], "endpointconfig_task.py:58,69")
	assert.Equal(t, "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", ec["KmsKeyId"])
	assert.Equal(t, []any{map[string]any{"AcceleratorType": "ml.eia2.medium", "InitialInstanceCount": float64(2), "InitialVariantWeight": float64(1),
		"InstanceType": "ml.m5.large", "ModelName.$": "$.model_name", "VariantName.$": "$.model_name"}}, ec["ProductionVariants"])
	assert.EqualValues(t, 30, states["EndpointConfig"]["HeartbeatSeconds"])
	assert.EqualValues(t, 8200, states["EndpointConfig"]["TimeoutSeconds"])
	assert.Equal(t, "arn:aws:states:::aws-sdk:sagemaker:deleteEndpointConfig", states["EndpointConfig: delete existing"]["Resource"])
	assert.Equal(t, "$.endpointconfig", states["EndpointConfig: deleted"]["ResultPath"])
	assert.Equal(t, "$.endpointconfig.EndpointConfigArn", states["EndpointConfig: arn"]["InputPath"])
	// The endpoint: checked, then updated or created (endpoint_task.py:278-312),
	// its description the states' comment, waited for by checking at
	// once, then every 15 s (:204-276).
	ep := states["Endpoint"]["Parameters"].(map[string]any)
	assert.Equal(t, "$.EndPoint.name", ep["EndpointName.$"], "endpoint_task.py:73-97")
	assert.Equal(t, "$.EndPoint.config_name", ep["EndpointConfigName.$"])
	assert.Equal(t, "the iris endpoint", states["Endpoint"]["Comment"])
	assert.EqualValues(t, 45, states["Endpoint"]["HeartbeatSeconds"])
	assert.EqualValues(t, 8200, states["Endpoint: update"]["TimeoutSeconds"])
	assert.Equal(t, "$.endpoint_exists", states["Endpoint: exists?"]["ResultPath"])
	assert.Equal(t, "Endpoint: status", states["Endpoint: start waiting"]["Next"])
	assert.EqualValues(t, 15, states["Endpoint: wait"]["Seconds"])
	assert.Equal(t, "$.endpoint_creation_status", states["Endpoint: count"]["ResultPath"])
	// Without endpoint:, the endpoint is named after the job (:78,92); "false" does not wait.
	assert.Equal(t, map[string]any{"EndpointName": "iris-endpoint", "EndpointConfigName": "iris-endpoint-config", "Tags.$": "$.job_names.tags"}, states["iris-endpoint"]["Parameters"])
	assert.NotContains(t, states, "iris-endpoint: start waiting")

	// Processing: the ECR_REPOSITORY image running python3 <main>
	// (mappers/sm_processing_mapper.py:198-219), one ml.m4.xlarge with 35 GB
	// (:93-116), role, and the old shapes of the inputs, outputs, network,
	// experiment and stopping condition (:19-51,120-196).
	pr := states["Prepare"]["Parameters"].(map[string]any)
	assert.Equal(t, map[string]any{"ImageUri": "111111111111.dkr.ecr.eu-west-1.amazonaws.com/compat-pipeline",
		"ContainerEntrypoint": []any{"python3", "customcode/sagemaker_jobs/prepare.py"}, "ContainerArguments": []any{"--mode", "full"}}, pr["AppSpecification"])
	assert.Equal(t, "arn:aws:iam::111111111111:role/processing", pr["RoleArn"])
	assert.Equal(t, []any{map[string]any{"InputName": "raw", "S3Input": map[string]any{"LocalPath": "/opt/ml/processing/input", "S3CompressionType": "None",
		"S3DataDistributionType": "ShardedByS3Key", "S3DataType": "S3Prefix", "S3InputMode": "File", "S3Uri": "s3://training-data/raw"}}}, pr["ProcessingInputs"])
	assert.Equal(t, map[string]any{"KmsKeyId": "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"Outputs": []any{map[string]any{"OutputName": "prepared", "S3Output": map[string]any{"LocalPath": "/opt/ml/processing/output", "S3UploadMode": "EndOfJob", "S3Uri": "s3://training-data/prepared"}}}},
		pr["ProcessingOutputConfig"])
	assert.Equal(t, map[string]any{"EnableInterContainerTrafficEncryption": true, "EnableNetworkIsolation": false,
		"VpcConfig": map[string]any{"SecurityGroupIds": []any{"sg-0123456789abcdef0"}, "Subnets": []any{"subnet-0123456789abcdef0"}}}, pr["NetworkConfig"])
	assert.Equal(t, map[string]any{"ExperimentName": "iris", "TrialName": "iris-trial", "TrialComponentDisplayName": "prepare"}, pr["ExperimentConfig"])
	assert.Equal(t, map[string]any{"MaxRuntimeInSeconds": float64(1800)}, pr["StoppingCondition"])
	assert.Nil(t, states["Prepare"]["ResultPath"], "sagemaker_processing_task.py:13")
	assert.Equal(t, map[string]any{"ClusterConfig": map[string]any{"InstanceCount": float64(1), "InstanceType": "ml.m4.xlarge", "VolumeSizeInGB": float64(35)}},
		states["Prepare Defaults"]["Parameters"].(map[string]any)["ProcessingResources"])

	// Batch transform: model_name before model_name_path, literal names
	// and URIs, batch_strategy, max_concurrent_transforms, compression,
	// s3_data_type, kms_key_id, and CSV's implied Line split, accept and
	// assemble (mappers/sm_batch_transform_mapper.py:37-185).
	sc := states["Score"]["Parameters"].(map[string]any)
	assert.Equal(t, "iris-model", sc["ModelName"])
	assert.Equal(t, "iris-scoring", sc["TransformJobName"])
	assert.Equal(t, "MultiRecord", sc["BatchStrategy"])
	assert.EqualValues(t, 4, sc["MaxConcurrentTransforms"])
	assert.Equal(t, map[string]any{"CompressionType": "Gzip", "ContentType": "text/csv", "SplitType": "Line",
		"DataSource": map[string]any{"S3DataSource": map[string]any{"S3DataType": "ManifestFile", "S3Uri": "s3://training-data/manifest.json"}}}, sc["TransformInput"])
	assert.Equal(t, map[string]any{"Accept": "text/csv", "AssembleWith": "Line", "S3OutputPath": "s3://training-data/scored",
		"KmsKeyId": "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"}, sc["TransformOutput"])
	assert.Equal(t, "$.batch_transformation_output", states["Score"]["ResultPath"])
}

// TestCompatResourcesOnly: an empty groups list made a stack of resources.
func TestCompatResourcesOnly(t *testing.T) {
	tmpl, states := compatRepo(t, "resources",
		check.Allowed{Rule: "W1032", Why: "the 11-digit subscriber account is a placeholder, as in the data.all example; blueprint warns"})
	assert.Nil(t, states)
	var types []string
	for _, r := range tmpl["Resources"].(map[string]any) {
		types = append(types, r.(map[string]any)["Type"].(string))
	}
	assert.Contains(t, types, "AWS::SNS::Topic")
	assert.NotContains(t, types, "AWS::StepFunctions::StateMachine")
}

// compatDirs are the version 1 repos of testdata/compat: every folder
// holding a config.yaml, however deep.
func compatDirs(t *testing.T) []string {
	var dirs []string
	root := filepath.Join("testdata", "compat")
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "customcode" || d.Name() == "configs") {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == "config.yaml" {
			dirs = append(dirs, filepath.Dir(p))
		}
		return nil
	}))
	require.NotEmpty(t, dirs)
	return dirs
}

// TestMigrationSynthesizesTheSame: blueprint migrate is the version 1
// translation written out, so every repo of the compat corpus, migrated
// with the CLI, plans the same state machines and synthesizes the same
// resources (logical IDs, types, properties) and outputs as the original.
func TestMigrationSynthesizesTheSame(t *testing.T) {
	opts := testkit.Options{Env: compatEnv, Vars: map[string]string{"owner": ""}}
	for _, dir := range compatDirs(t) {
		name, _ := filepath.Rel(filepath.Join("testdata", "compat"), dir)
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			migrated := filepath.Join(t.TempDir(), "repo")
			require.NoError(t, os.CopyFS(migrated, os.DirFS(dir)))
			var stdout, stderr bytes.Buffer
			app := &cmd.App{Stdout: &stdout, Stderr: &stderr, LookupEnv: compatEnv, Environ: func() []string { return nil }, Registry: engines.Registry()}
			require.Equal(t, 0, app.Run([]string{"migrate", "--write", migrated}), stderr.String())
			require.Contains(t, stderr.String(), "wrote config.yaml")

			before, after := testkit.Plan(t, dir, opts), testkit.Plan(t, migrated, opts)
			require.Len(t, after, len(before))
			for i := range before {
				require.Equal(t, before[i].Config.Name, after[i].Config.Name)
				if before[i].Machine != nil {
					require.NotNil(t, after[i].Machine, "stack %s lost its state machine", before[i].Config.Name)
					assert.JSONEq(t, string(testkit.Definition(t, before[i])), string(testkit.Definition(t, after[i])), "state machine of %s", before[i].Config.Name)
				}
			}
			a, b := testkit.Synth(t, before, false), testkit.Synth(t, after, false)
			require.Equal(t, a.StackNames(), b.StackNames())
			for _, stack := range a.StackNames() {
				ta, tb := a.Template(t, stack), b.Template(t, stack)
				for _, section := range []string{"Resources", "Outputs", "Parameters", "Conditions"} {
					ra, _ := ta[section].(map[string]any)
					rb, _ := tb[section].(map[string]any)
					assert.ElementsMatch(t, keysOf(ra), keysOf(rb), "%s: logical IDs of %s", stack, section)
					for id, x := range ra {
						if y, ok := rb[id]; ok {
							xj, _ := json.Marshal(x)
							yj, _ := json.Marshal(y)
							assert.JSONEq(t, string(xj), string(yj), "%s: %s.%s", stack, section, id)
						}
					}
				}
			}
			// The migrated configs are version 2: no note about version 1.
			_, diags := testkit.TryPlan(migrated, opts)
			for _, d := range diags {
				assert.NotContains(t, d.Message, "data.all blueprint config")
			}
		})
	}
}

// TestCompatTriggersKeepTheOldEnvironmentAndOutputs checks what the old
// tool gave every trigger, on the template.
func TestCompatTriggersKeepTheOldEnvironmentAndOutputs(t *testing.T) {
	dir := filepath.Join("testdata", "compat", "triggers")
	kv := []string{"AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "BUCKET_NAME", "pipeline-bucket",
		"PIPELINE_NAME", "dh-compat-triggers", "PIPELINE_URI", "abc123", "SAML_GROUP", "DataScience",
		"CODEBUILD_RESOLVED_SOURCE_VERSION", "0123abc", "CODEBUILD_BUILD_ID", "build:42"}
	var environ []string
	for i := 0; i < len(kv); i += 2 {
		environ = append(environ, kv[i]+"="+kv[i+1])
	}
	stacks := testkit.Plan(t, dir, testkit.Options{Env: testkit.Env(kv...)})
	require.Len(t, stacks, 1)
	a := testkit.SynthEnv(t, stacks, false, environ)
	check.Assembly(t, a.Dir)
	// The template's stage defaults to "TEST" (task_group_reader.py:66).
	require.Equal(t, []string{"dh-compat-triggers"}, a.StackNames())
	tmpl := a.Template(t, "dh-compat-triggers")
	assert.Contains(t, tmpl["Description"], "triggers of stage TEST")

	// resource_task.py:67-83: the old environment replaces the config's
	// own PIPELINE_BUCKET; the stage of the stack is lowercase "test"
	// (utils/stack_util.py:87); CommitID and BuildID are CodeBuild's
	// (stack_util.py:128-129).
	fns := functionsByDescription(t, tmpl)
	env := findFunction(t, fns, "FunctionDailyStart")["Environment"].(map[string]any)["Variables"].(map[string]any)
	assert.Equal(t, "pipeline-bucket", env["PIPELINE_BUCKET"])
	assert.Equal(t, "test", env["PIPELINE_STAGE"])
	assert.Equal(t, "DataScience", env["SAML_GROUP"])
	assert.Equal(t, "0123abc", env["CommitID"])
	assert.Equal(t, "build:42", env["BuildID"])
	assert.Contains(t, env, "PIPELINE_STATE_MACHINE_ARN")

	// stack_util.py:187-211: each trigger's name and ARN, and the list,
	// exported under PIPELINE_URI; the names keep letters, digits, - and :.
	outputs := tmpl["Outputs"].(map[string]any)
	name := outputs["TriggerFunctionNamedailystart1"].(map[string]any)
	assert.Equal(t, "Trigger function name of abc123/dh-compat-triggers", name["Description"])
	assert.Regexp(t, `^abc123-TriggerFunctionName-dailystart-1-[0-9a-f]{8}$`, name["Export"].(map[string]any)["Name"])
	assert.Contains(t, name["Value"].(map[string]any)["Ref"], "FunctionDailyStart")
	arn := outputs["TriggerFunctionArnonupload"].(map[string]any)
	assert.Regexp(t, `^abc123-TriggerFunctionArn-onupload-[0-9a-f]{8}$`, arn["Export"].(map[string]any)["Name"])
	assert.Equal(t, "Arn", arn["Value"].(map[string]any)["Fn::GetAtt"].([]any)[1])
	names := outputs["TriggerFunctionNames"].(map[string]any)
	assert.Equal(t, "dailystart-1:onupload", names["Value"])
	assert.Regexp(t, `^abc123-TriggerFunctionNames-[0-9a-f]{8}$`, names["Export"].(map[string]any)["Name"])

	// The singular config.scheduler is one rule (resource_task.py:354-356).
	var rules int
	for _, r := range tmpl["Resources"].(map[string]any) {
		if r.(map[string]any)["Type"] == "AWS::Events::Rule" {
			rules++
		}
	}
	assert.Equal(t, 1, rules)
}

// TestCompatTopLevelOdds: the template context of a version 1 config is
// the old tool's (utils/task_group_reader.py:62-91).
func TestCompatTopLevelOdds(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(`name: odds
description: "{{ stage }}/{{ pipeline_name }}/{{ saml_group }}/{{ stages }}"
aws_resources:
  - name: topic
    type: sns_topic
`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), []byte("stages: every one\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "configs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "configs", "extra.yaml"), []byte("name: more things\naws_resources:\n  - {name: other, type: sns_topic}\n"), 0o644))
	for _, tt := range []struct {
		name string
		env  []string
		want string
	}{
		// STAGE unset is "TEST"; pipeline_name is ORIGIN_PIPELINE_NAME only;
		// saml_group is the lowercase variable when SAML_GROUP is set, and
		// None, as Jinja renders it, when only SAML_GROUP is.
		{"nothing set", nil, "TEST//"},
		{"SAML_GROUP alone", []string{"SAML_GROUP", "G"}, "TEST//None"},
		{"every variable", []string{"STAGE", "prod", "PIPELINE_NAME", "p", "ORIGIN_PIPELINE_NAME", "origin", "SAML_GROUP", "G", "saml_group", "g"}, "prod/origin/g"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stacks, diags := testkit.TryPlan(dir, testkit.Options{Env: testkit.Env(tt.env...)})
			require.False(t, diags.HasErrors(), "%v", diags)
			require.Len(t, stacks, 2)
			// variables.yaml's stages is an ordinary variable.
			assert.Equal(t, tt.want+"/every one", stacks[0].Config.Pipeline.Description)
			var warned bool
			for _, d := range diags {
				warned = warned || d.File == "configs/extra.yaml" && d.Line == 1 && strings.Contains(d.Message, "never deployed configs/")
			}
			assert.True(t, warned, "the configs/ stack is announced: %v", diags)
		})
	}
	stacks, _ := testkit.TryPlan(dir, testkit.Options{Env: testkit.Env("PIPELINE_NAME", "dh-p", "ORIGIN_PIPELINE_NAME", "dh-o")})
	require.Len(t, stacks, 2)
	// The stack is PIPELINE_NAME (app.py:22-28), a configs/ file's
	// PIPELINE_NAME-<its name> (app.py:40-45); AWS names use PIPELINE_NAME
	// too (stack_util.py:79-81), ORIGIN_PIPELINE_NAME only the template.
	assert.Equal(t, "dh-p", stacks[0].Config.Name)
	assert.Equal(t, "dh-p-more-things", stacks[1].Config.Name)
	assert.Equal(t, "dh-p", stacks[0].Config.PipelineName())
}
