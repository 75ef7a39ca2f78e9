package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// resourcesOfType maps the logical IDs of tmpl's resources of type typ
// to their properties.
func resourcesOfType(tmpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res["Properties"].(map[string]any)
		}
	}
	return out
}

// TestCompatBatchKeepsTheOldMeaning checks, on the template and the state
// machine, facts read from the data.all blueprint's Batch code
// (engine/resource_task.py:581-930, engine/batch/batch_task.py).
func TestCompatBatchKeepsTheOldMeaning(t *testing.T) {
	tmpl, states := compatRepo(t, "batch")

	ces := resourcesOfType(tmpl, "AWS::Batch::ComputeEnvironment")
	require.Len(t, ces, 3, "two compute environments and the inline one of inline_queue")
	spot := ces["ComputeEnvironmentSpotCe"]["ComputeResources"].(map[string]any)
	assert.Equal(t, "SPOT", spot["Type"])
	assert.EqualValues(t, 100, spot["BidPercentage"], "SPOT bids 100 by default (resource_task.py:673)")
	assert.Equal(t, "BEST_FIT", spot["AllocationStrategy"], "resource_task.py:669")
	assert.Equal(t, []any{"subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"}, spot["Subnets"], "subnet_id[] (resource_task.py:622-626)")
	assert.Equal(t, []any{"sg-0a1b2c3d4e5f60718"}, spot["SecurityGroupIds"], "security_group_id[] (resource_task.py:645-651)")
	assert.EqualValues(t, 2, spot["DesiredvCpus"])
	assert.Equal(t, map[string]any{"LaunchTemplateName": "batch-nodes", "Version": "3"}, spot["LaunchTemplate"])
	assert.Equal(t, "arn:aws:iam::111111111111:instance-profile/batch-nodes", spot["InstanceRole"])
	assert.Equal(t, "arn:aws:iam::111111111111:role/spot-fleet", spot["SpotIamFleetRole"])
	assert.Equal(t, "batch-cluster", spot["PlacementGroup"])

	plain := ces["ComputeEnvironmentPlainCe"]["ComputeResources"].(map[string]any)
	assert.Equal(t, "EC2", plain["Type"], "compute_resource_type defaults to ON_DEMAND (resource_task.py:664-667)")
	assert.EqualValues(t, 16, plain["MaxvCpus"], "resource_task.py:711")
	assert.EqualValues(t, 0, plain["MinvCpus"], "resource_task.py:714")
	assert.EqualValues(t, 0, plain["DesiredvCpus"], "resource_task.py:713")
	assert.Equal(t, "BEST_FIT", plain["AllocationStrategy"])
	assert.NotContains(t, plain, "BidPercentage")
	inline := ces["ComputeEnvironmentInlineQueue"]["ComputeResources"].(map[string]any)
	assert.Equal(t, []any{"subnet-0a1b2c3d4e5f60720"}, inline["Subnets"], "inline settings make the queue's own (resource_task.py:896-899)")
	assert.EqualValues(t, 16, inline["MaxvCpus"])
	sgs := resourcesOfType(tmpl, "AWS::EC2::SecurityGroup")
	assert.Equal(t, "vpc-0a1b2c3d4e5f60718", sgs["ComputeSecurityGroupInlineQueue"]["VpcId"])

	queues := resourcesOfType(tmpl, "AWS::Batch::JobQueue")
	order := func(q string) []any {
		var out []any
		for _, o := range queues[q]["ComputeEnvironmentOrder"].([]any) {
			out = append(out, o.(map[string]any)["ComputeEnvironment"])
		}
		return out
	}
	assert.EqualValues(t, 5, queues["JobQueueMainQueue"]["Priority"], "item-level priority (resource_task.py:910)")
	assert.EqualValues(t, 1, queues["JobQueueArnQueue"]["Priority"], "priority defaults to 1")
	assert.Equal(t, []any{map[string]any{"Ref": "ComputeEnvironmentSpotCe"}, map[string]any{"Ref": "ComputeEnvironmentPlainCe"}}, order("JobQueueMainQueue"))
	assert.Equal(t, []any{"arn:aws:batch:eu-west-1:111111111111:compute-environment/shared"}, order("JobQueueArnQueue"), "compute_environment.arn (resource_task.py:865-870)")
	assert.Equal(t, []any{"{{resolve:ssm:/shared/batch/compute_environment}}"}, order("JobQueueParamQueue"), "computation_environment.arn_params (resource_task.py:861, 871-880)")
	assert.Len(t, order("JobQueueArnsQueue"), 2)
	assert.Equal(t, []any{map[string]any{"Ref": "ComputeEnvironmentInlineQueue"}}, order("JobQueueInlineQueue"))

	defs := resourcesOfType(tmpl, "AWS::Batch::JobDefinition")
	resize := defs["JobDefinitionResizeDefinition"]
	assert.Equal(t, map[string]any{"Attempts": float64(10)}, resize["RetryStrategy"], "retry_attempts defaults to 10 (resource_task.py:795)")
	rc := resize["ContainerProperties"].(map[string]any)
	assert.Equal(t, "arn:aws:iam::111111111111:role/batch-jobs", rc["JobRoleArn"], "item-level role (resource_task.py:581-596, 832)")
	assert.Equal(t, []any{"--width", "640", "--height", "480"}, rc["Command"], "job_definition.command (resource_task.py:830)")
	assert.Equal(t, []any{map[string]any{"Name": "OUTPUT_PREFIX", "Value": "resized/"}}, rc["Environment"])
	assert.ElementsMatch(t, []any{
		map[string]any{"Type": "VCPU", "Value": "2"}, map[string]any{"Type": "MEMORY", "Value": "4096"}, map[string]any{"Type": "GPU", "Value": "1"},
	}, rc["ResourceRequirements"], "vcpus, memory_limit_mib, container_properties.gpu_count (resource_task.py:797, 827, 833-834)")
	assert.Equal(t, map[string]any{"InitProcessEnabled": true, "SharedMemorySize": float64(256)}, rc["LinuxParameters"], "resource_task.py:804-816")
	assert.NotContains(t, rc, "InstanceType", "CloudFormation takes it on multi-node jobs only")
	ecr := defs["JobDefinitionEcrDefinition"]["ContainerProperties"].(map[string]any)
	assert.Equal(t, "111111111111.dkr.ecr.eu-west-1.amazonaws.com/images:v1", ecr["Image"], "image.ecr_repository {arn, tag} (resource_task.py:779-787)")
	assert.Contains(t, ecr["ResourceRequirements"], map[string]any{"Type": "MEMORY", "Value": "512"}, "memory_limit_mib defaults to 512 (resource_task.py:833)")
	reg := defs["JobDefinitionRegistryDefinition"]["ContainerProperties"].(map[string]any)
	assert.Equal(t, "public.ecr.aws/docker/library/busybox:1.36", reg["Image"], "image.repository_name (resource_task.py:789-790)")

	resizeStep := states["Resize Images"]
	assert.Equal(t, "$.request", resizeStep["InputPath"])
	assert.Equal(t, "$.resize", resizeStep["ResultPath"])
	p := resizeStep["Parameters"].(map[string]any)
	assert.Equal(t, "resizeimages", p["JobName"], "sanitized_name (engine/batch/batch_task.py:307, 338-339)")
	assert.Equal(t, map[string]any{"Attempts": float64(3)}, p["RetryStrategy"], "attempts (batch_task.py:290-294)")
	assert.Equal(t, map[string]any{"AttemptDurationSeconds": float64(600)}, p["Timeout"])
	assert.Equal(t, map[string]any{"Command": []any{"--width", "1280", "--height", "960"}}, p["ContainerOverrides"],
		"only the command of container_overrides reaches the state (batch_task.py:90-113, 261-263)")
	assert.Equal(t, []any{map[string]any{"JobId": "4c6e1b1e-2f59-4f1a-9d6c-000000000001", "Type": "N_TO_N"}}, p["DependsOn"], "batch_task.py:277-281")
	assert.Equal(t, map[string]any{"inputfile": "images/in", "outputfile.$": "$.output"}, p["Parameters"], "batch_task.py:283-285")
	assert.Equal(t, true, p["PropagateTags"], "batch_task.py:287-288")

	fromArn := states["from_arn"]
	assert.Equal(t, "$", fromArn["ResultPath"], "without result_path the job's result is the state (batch_task.py:313-317)")
	p = fromArn["Parameters"].(map[string]any)
	assert.Equal(t, "arn:aws:batch:eu-west-1:111111111111:job-queue/shared", p["JobQueue"], "job_queue_arn (batch_task.py:197-199)")
	assert.Equal(t, engine.SSMRef("/shared/batch/job_definition"), p["JobDefinition"], "job_definition_param: from_string_parameter_name (batch_task.py:221-227)")
	assert.Equal(t, map[string]any{"AttemptDurationSeconds": float64(3600)}, p["Timeout"], "timeout defaults to 3600, always set (batch_task.py:256-257)")
	assert.Equal(t, map[string]any{"Attempts": float64(1)}, p["RetryStrategy"], "attempts defaults to 1, always set (batch_task.py:290-294)")
	assert.NotContains(t, p, "ContainerOverrides")

	fromPath := states["from_path"]
	assert.Equal(t, "$.jobs", fromPath["OutputPath"])
	p = fromPath["Parameters"].(map[string]any)
	assert.Equal(t, "$.queue", p["JobQueue.$"], "job_queue_arn_from_path (batch_task.py:193-199, 272-273)")
	assert.Equal(t, "$.definition", p["JobDefinition.$"])
	assert.Equal(t, map[string]any{"Command.$": "$.command"}, p["ContainerOverrides"], "container_overrides.command_from_path")

	p = states["from_param"]["Parameters"].(map[string]any)
	assert.Equal(t, engine.SSMRef("/shared/batch/job_queue"), p["JobQueue"])
	// from_string_parameter_name(...).string_value is a CloudFormation
	// parameter of the SSM parameter's value, read at deploy.
	var defaults []any
	for _, prm := range tmpl["Parameters"].(map[string]any) {
		if prm := prm.(map[string]any); prm["Type"] == "AWS::SSM::Parameter::Value<String>" {
			defaults = append(defaults, prm["Default"])
		}
	}
	assert.Subset(t, defaults, []any{"/shared/batch/job_queue", "/shared/batch/job_definition"})
	assert.NotContains(t, p, "RetryStrategy", "attempts: 0 sets none (batch_task.py:293)")
}

// TestCompatBatchWarnsAndDiagnoses: what the old tool silently ignored is
// left out with a warning at its place; a real mistake stays an error.
func TestCompatBatchWarnsAndDiagnoses(t *testing.T) {
	_, diags := testkit.TryPlan("testdata/compat/batch", testkit.Options{Env: compatEnv})
	var warned []string
	for _, d := range diags {
		if strings.Contains(d.Message, "data.all blueprint passed only command") || strings.Contains(d.Message, "multi-node") {
			warned = append(warned, d.String())
		}
	}
	assert.Equal(t, []string{
		"config.yaml:81:9: warning: job_definition.container_properties.instance_type: AWS Batch takes instance_type only for multi-node parallel jobs, and CloudFormation rejects it on a single-node container (the data.all blueprint wrote it there, resource_task.py:799-802, 828); left out",
		"config.yaml:125:13: warning: config.container_overrides.environment: the data.all blueprint passed only command and command_from_path of config.container_overrides to the job (engine/batch/batch_task.py:90-113, 261-263); environment is left out as it was",
	}, warned)

	bad := []struct{ name, cfg, want string }{
		{"a queue naming an undefined compute environment", "name: p\naws_resources:\n  - name: q\n    type: batch_job_queue\n    properties:\n      compute_environment:\n        compute_environment_ref: [nope]\n",
			`config.yaml:7:35: aws_resources[0].properties.compute_environment.compute_environment_ref[0]: compute environment "nope" is not defined in aws_resources`},
		{"an inline compute environment without subnets", "name: p\naws_resources:\n  - name: q\n    type: batch_job_queue\n    properties:\n      compute_environment:\n        vpc_id: vpc-0a1b2c3d\n",
			`config.yaml:7:9: aws_resources[0].properties.compute_environment.properties: a compute environment needs subnets: subnet_from_cloudformation (an export holding a comma-separated subnet list) or subnet_ids`},
		{"a step naming an undefined queue", "name: p\ngroups:\n  - name: g\n    jobs:\n      - name: j\n        type: batch\n        job_queue_ref: nope\n        job_definition_arn: arn:aws:batch:eu-west-1:111111111111:job-definition/d:1\n        config:\n          container_overrides: {command: [a]}\n",
			`config.yaml:7:24: groups[0].jobs[0].job_queue_ref: job queue "nope" is not defined in aws_resources`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(tt.cfg), 0o644))
			got := testkit.Diagnostics(t, dir, testkit.Options{Env: compatEnv})
			assert.Contains(t, got, tt.want)
		})
	}
}
