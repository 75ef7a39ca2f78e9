package batch_test

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

const resources = `aws_resources:
  - name: CE
    type: batch_compute_environment
    properties: {compute_resource_type: SPOT, subnet_ids: [subnet-0a1b2c3d], security_group_ids: [sg-0a1b2c3d]}
  - name: Queue
    type: batch_job_queue
    properties: {compute_environment: {compute_environment_ref: [CE]}}
  - name: Def
    type: batch_job_definition
    job_definition: {container_properties: {image: {uri: public.ecr.aws/docker/library/busybox:latest}}}
`

func TestBadBatchConfigs(t *testing.T) {
	tests := []struct{ name, cfg, want string }{
		{"an unknown compute resource type", "version: 2\nname: p\naws_resources:\n  - name: CE\n    type: batch_compute_environment\n    properties: {compute_resource_type: spot, subnet_ids: [subnet-0a1b2c3d], security_group_ids: [sg-0a1b2c3d]}\n",
			`config.yaml:6:41: aws_resources[0].properties.compute_resource_type: must be one of "SPOT", "ON_DEMAND", "EC2", "FARGATE" or "FARGATE_SPOT"; got "spot"`},
		{"a compute environment without subnets", "version: 2\nname: p\naws_resources:\n  - name: CE\n    type: batch_compute_environment\n    properties: {compute_resource_type: ON_DEMAND, vpc_id: vpc-0a1b2c3d}\n",
			`config.yaml:6:17: aws_resources[0].properties: a compute environment needs subnets: subnet_from_cloudformation (an export holding a comma-separated subnet list) or subnet_ids`},
		{"a bid percentage on demand", "version: 2\nname: p\naws_resources:\n  - name: CE\n    type: batch_compute_environment\n    properties: {compute_resource_type: ON_DEMAND, bid_percentage: 50, subnet_ids: [subnet-0a1b2c3d], vpc_id: vpc-0a1b2c3d}\n",
			`config.yaml:6:68: aws_resources[0].properties.bid_percentage: bid_percentage applies to SPOT compute environments; this one is ON_DEMAND`},
		{"a queue referring to no compute environment", "version: 2\nname: p\n" + resources + "  - name: Q2\n    type: batch_job_queue\n    properties: {compute_environment: {compute_environment_ref: [CEE]}}\n",
			`config.yaml:15:66: aws_resources[3].properties.compute_environment.compute_environment_ref[0]: compute environment "CEE" is not defined in aws_resources (did you mean "CE"?)`},
		{"a job referring to no queue", "version: 2\nname: p\n" + resources + "groups:\n  - name: G\n    jobs:\n      - {name: J, type: batch, job_queue_ref: Queu, job_definition_ref: Def}\n",
			`config.yaml:16:47: groups[0].jobs[0].job_queue_ref: job queue "Queu" is not defined in aws_resources (did you mean "Queue"?)`},
		{"a job referring to no definition", "version: 2\nname: p\n" + resources + "groups:\n  - name: G\n    jobs:\n      - {name: J, type: batch, job_queue_ref: Queue, job_definition_ref: Other}\n",
			`config.yaml:16:74: groups[0].jobs[0].job_definition_ref: job definition "Other" is not defined in aws_resources (defined: Def)`},
		{"a job missing its refs", "version: 2\nname: p\n" + resources + "groups:\n  - name: G\n    jobs:\n      - {name: J, type: batch}\n",
			`config.yaml:16:9: groups[0].jobs[0].job_definition_ref: is required: the job definition, as job_definition_ref (an item of this config), job_definition_arn (an ARN or a $. path to one) or job_definition_param (an SSM parameter holding the ARN)`},
		{"a job with a queue given twice", "version: 2\nname: p\n" + resources + "groups:\n  - name: G\n    jobs:\n      - {name: J, type: batch, job_queue_ref: Queue, job_queue_param: /q/arn, job_definition_ref: Def}\n",
			`config.yaml:16:71: groups[0].jobs[0].job_queue_param: give one of job_queue_ref, job_queue_arn or job_queue_param; this step has job_queue_ref and job_queue_param`},
		{"a queue ARN that is no ARN", "version: 2\nname: p\n" + resources + "groups:\n  - name: G\n    jobs:\n      - {name: J, type: batch, job_queue_arn: my-queue, job_definition_ref: Def}\n",
			`config.yaml:16:47: groups[0].jobs[0].job_queue_arn: "my-queue" is neither an ARN nor a $. path`},
		{"both command and command_from_path", "version: 2\nname: p\n" + resources + "groups:\n  - name: G\n    jobs:\n      - {name: J, type: batch, job_queue_ref: Queue, job_definition_ref: Def, config: {command: [a], command_from_path: $.cmd}}\n",
			`config.yaml:16:121: groups[0].jobs[0].config.command_from_path: give config.command or config.command_from_path, not both`},
		{"a queue's own compute environment without subnets", "version: 2\nname: p\naws_resources:\n  - name: Q\n    type: batch_job_queue\n    properties: {compute_environment: {properties: {compute_resource_type: SPOT, vpc_id: vpc-0a1b2c3d}}}\n",
			`config.yaml:6:52: aws_resources[0].properties.compute_environment.properties: a compute environment needs subnets: subnet_from_cloudformation (an export holding a comma-separated subnet list) or subnet_ids`},
		{"a queue with two sources of compute environments", "version: 2\nname: p\n" + resources + "  - name: Q2\n    type: batch_job_queue\n    properties: {compute_environment: {compute_environment_ref: [CE], arns: [arn:aws:batch:eu-west-1:123456789012:compute-environment/x]}}\n",
			`config.yaml:15:77: aws_resources[3].properties.compute_environment.arns: give one of compute_environment_ref, arns, arn_params or properties; this queue has compute_environment_ref and arns`},
		{"a spot fleet role on demand", "version: 2\nname: p\naws_resources:\n  - name: CE\n    type: batch_compute_environment\n    properties: {compute_resource_type: ON_DEMAND, spot_fleet_role: arn:aws:iam::123456789012:role/f, subnet_ids: [subnet-0a1b2c3d], vpc_id: vpc-0a1b2c3d}\n",
			`config.yaml:6:69: aws_resources[0].properties.spot_fleet_role: spot_fleet_role applies to SPOT compute environments; this one is ON_DEMAND`},
		{"an ECR repository that is no ARN", "version: 2\nname: p\naws_resources:\n  - name: Def\n    type: batch_job_definition\n    job_definition: {container_properties: {image: {ecr_repository: {arn: my-repo}}}}\n",
			`config.yaml:6:75: aws_resources[0].job_definition.container_properties.image.ecr_repository.arn: "my-repo" is not an ECR repository ARN (arn:aws:ecr:REGION:ACCOUNT:repository/NAME)`},
		{"a Dockerfile that does not exist", "version: 2\nname: p\naws_resources:\n  - name: Def\n    type: batch_job_definition\n    job_definition: {container_properties: {image: {assets: {directory: customcode/batch, file: Dockerfile.gpu}}}}\n",
			`config.yaml:6:97: aws_resources[0].job_definition.container_properties.image.assets.file: file "customcode/batch/Dockerfile.gpu" does not exist`},
		{"memory outside Batch's limits", "version: 2\nname: p\naws_resources:\n  - name: Def\n    type: batch_job_definition\n    job_definition: {container_properties: {image: {uri: busybox}, memory: 2}}\n",
			`config.yaml:6:76: aws_resources[0].job_definition.container_properties.memory: must be at least 4 MiB; got 2`},
		{"a Fargate size Fargate does not offer", "version: 2\nname: p\naws_resources:\n  - name: Def\n    type: batch_job_definition\n    job_definition: {platform: FARGATE, container_properties: {image: {uri: busybox}, vcpus: 3}}\n",
			`config.yaml:6:94: aws_resources[0].job_definition.container_properties.vcpus: Fargate jobs take 0.25, 0.5, 1, 2, 4, 8 or 16 vCPUs; got 3`},
		{"an array size of one", "version: 2\nname: p\n" + resources + "groups:\n  - name: G\n    jobs:\n      - {name: J, type: batch, job_queue_ref: Queue, job_definition_ref: Def, config: {array_size: 1}}\n",
			`config.yaml:16:100: groups[0].jobs[0].config.array_size: must be at least 2; got 1`},
		{"a queue mixing Fargate and Spot", "version: 2\nname: p\n" + resources + "  - name: F\n    type: batch_compute_environment\n    properties: {compute_resource_type: FARGATE, subnet_ids: [subnet-0a1b2c3d], security_group_ids: [sg-0a1b2c3d]}\n  - name: Q2\n    type: batch_job_queue\n    properties: {compute_environment: {compute_environment_ref: [CE, F]}}\n",
			`config.yaml:18:65: aws_resources[4].properties.compute_environment.compute_environment_ref: a job queue cannot mix Fargate and EC2/SPOT compute environments`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "customcode", "batch"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "customcode", "batch", "Dockerfile"), []byte("FROM busybox\n"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(tt.cfg), 0o644))
			got := testkit.Diagnostics(t, dir, testkit.Options{})
			assert.Equal(t, tt.want, strings.Split(got, "\n")[0], got)
		})
	}
}

func TestBatchStepSubmitsAndWaits(t *testing.T) {
	stacks := testkit.Plan(t, "../../examples/batch", testkit.Options{Stage: "dev"})
	def := stacks[0].Machine.Definition
	large := def.States["LargeViews"].Branches[0].States["MakeLargeViews"]
	assert.Equal(t, "arn:aws:states:::batch:submitJob.sync", large.Resource)
	assert.Equal(t, map[string]any{
		"JobName": "MakeLargeViews", "JobQueue": "${bp:batch_job_queue:ImageQueue:arn}", "JobDefinition": "${bp:batch_job_definition:Resize:arn}",
		"ContainerOverrides": map[string]any{"Command": []string{"--width", "1600", "--height", "1200"}},
		"ArrayProperties":    map[string]any{"Size": 4},
	}, large.Parameters)
	require.Len(t, large.Retry, 1)
	thumbs := def.States["Thumbnails"].Branches[0].States["MakeThumbnails"].Parameters.(map[string]any)
	assert.Equal(t, []map[string]any{{"Name": "INPUT_PREFIX", "Value.$": "$.input_prefix"}}, thumbs["ContainerOverrides"].(map[string]any)["Environment"])
	set := map[string]bool{}
	for _, s := range stacks[0].Machine.Policy.Normalized() {
		for _, a := range s.Actions {
			set[a] = true
		}
	}
	var actions []string
	for a := range set {
		actions = append(actions, a)
	}
	assert.ElementsMatch(t, []string{"batch:SubmitJob", "batch:DescribeJobs", "batch:TerminateJob", "events:DescribeRule", "events:PutRule", "events:PutTargets"}, actions)
}

// TestBatchDefaultsFromTheEnvironment: instance_role defaults to
// BATCH_INSTANCE_ROLE, an ecr_repository without arn is ECR_REPOSITORY's,
// and assets pass build_args and target to the Docker build.
func TestBatchDefaultsFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "customcode", "batch"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "customcode", "batch", "Dockerfile"), []byte("FROM busybox AS run\nARG X\n"), 0o644))
	cfg := `version: 2
name: p
aws_resources:
  - name: CE
    type: batch_compute_environment
    properties: {compute_resource_type: ON_DEMAND, subnet_ids: [subnet-0a1b2c3d], security_group_ids: [sg-0a1b2c3d]}
  - name: Tagged
    type: batch_job_definition
    job_definition: {container_properties: {image: {ecr_repository: {tag: v2}}}}
  - name: Built
    type: batch_job_definition
    job_definition: {container_properties: {image: {assets: {directory: customcode/batch, build_args: {X: "1"}, target: run}}}}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644))
	env := testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111", "BUCKET_NAME", "b",
		"BATCH_INSTANCE_ROLE", "arn:aws:iam::111111111111:instance-profile/ecsInstanceRole",
		"ECR_REPOSITORY", "111111111111.dkr.ecr.eu-west-1.amazonaws.com/pipeline")
	a := testkit.Synth(t, testkit.Plan(t, dir, testkit.Options{Env: env}), false)
	name := a.StackNames()[0]
	ce := a.Resources(t, name, "AWS::Batch::ComputeEnvironment")["ComputeEnvironmentCE"]
	assert.Equal(t, "arn:aws:iam::111111111111:instance-profile/ecsInstanceRole", ce["Properties"].(map[string]any)["ComputeResources"].(map[string]any)["InstanceRole"])
	defs := a.Resources(t, name, "AWS::Batch::JobDefinition")
	assert.Equal(t, "111111111111.dkr.ecr.eu-west-1.amazonaws.com/pipeline:v2", defs["JobDefinitionTagged"]["Properties"].(map[string]any)["ContainerProperties"].(map[string]any)["Image"])
	assets, err := os.ReadFile(filepath.Join(a.Dir, name+".assets.json"))
	require.NoError(t, err)
	assert.Contains(t, string(assets), `"dockerBuildArgs": {`)
	assert.Contains(t, string(assets), `"dockerBuildTarget": "run"`)
}
