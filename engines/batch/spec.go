package batch

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Types of this package.
const (
	ComputeEnvironmentType = "batch_compute_environment"
	JobQueueType           = "batch_job_queue"
	JobDefinitionType      = "batch_job_definition"
	StepType               = "batch"
)

// ComputeEnvironment is a managed Batch compute environment.
type ComputeEnvironment struct{}

// ComputeEnvironmentSpec: data.all writes the settings under properties.
type ComputeEnvironmentSpec struct {
	engine.Common `yaml:",inline"`
	Properties    CEProperties `yaml:"properties" alias:"config" validate:"required"`
}

// CEProperties are the settings of a compute environment.
type CEProperties struct {
	ComputeResourceType string   `yaml:"compute_resource_type" validate:"required,oneof=SPOT ON_DEMAND EC2 FARGATE FARGATE_SPOT"`
	BidPercentage       int      `yaml:"bid_percentage" validate:"omitempty,min=1,max=100"`
	MaxVCPUs            int      `yaml:"max_vcpus" validate:"min=1,max=100000"`
	MinVCPUs            int      `yaml:"min_vcpus" validate:"min=0,max=100000"`
	InstanceTypes       []string `yaml:"instance_types"`
	// Subnets and VPC come from CloudFormation exports (as data.all does)
	// or from ids.
	SubnetFromCloudformation string   `yaml:"subnet_from_cloudformation"`
	VpcFromCloudformation    string   `yaml:"vpc_from_cloudformation"`
	SubnetIDs                []string `yaml:"subnet_ids" alias:"subnets"`
	VpcID                    string   `yaml:"vpc_id"`
	SecurityGroupIDs         []string `yaml:"security_group_ids"`
}

func (ComputeEnvironment) Type() string       { return ComputeEnvironmentType }
func (ComputeEnvironment) Kinds() engine.Kind { return engine.Resource }
func (ComputeEnvironment) Describe() string {
	return "a managed AWS Batch compute environment: SPOT, ON_DEMAND, FARGATE or FARGATE_SPOT, in subnets from CloudFormation exports or ids"
}
func (ComputeEnvironment) NewSpec() any {
	return &ComputeEnvironmentSpec{Properties: CEProperties{MaxVCPUs: 256}}
}

func (p *CEProperties) fargate() bool { return strings.HasPrefix(p.ComputeResourceType, "FARGATE") }

// Check requires a network and settings that fit the resource type.
func (ComputeEnvironment) Check(spec any, c *engine.CheckContext) {
	p := &spec.(*ComputeEnvironmentSpec).Properties
	const at = "properties."
	if p.BidPercentage != 0 && p.ComputeResourceType != "SPOT" {
		c.Errorf(at+"bid_percentage", "bid_percentage applies to SPOT compute environments; this one is %s", p.ComputeResourceType)
	}
	if p.fargate() {
		if len(p.InstanceTypes) > 0 {
			c.Errorf(at+"instance_types", "Fargate chooses the instances; instance_types is for SPOT and ON_DEMAND")
		}
		if p.MinVCPUs != 0 {
			c.Errorf(at+"min_vcpus", "Fargate compute environments have no min_vcpus")
		}
	}
	if p.MinVCPUs > p.MaxVCPUs {
		c.Errorf(at+"min_vcpus", "min_vcpus %d is more than max_vcpus %d", p.MinVCPUs, p.MaxVCPUs)
	}
	switch {
	case p.SubnetFromCloudformation == "" && len(p.SubnetIDs) == 0:
		c.Errorf("properties", "a compute environment needs subnets: subnet_from_cloudformation (an export holding a comma-separated subnet list) or subnet_ids")
	case p.SubnetFromCloudformation != "" && len(p.SubnetIDs) > 0:
		c.Errorf(at+"subnet_ids", "give subnet_from_cloudformation or subnet_ids, not both")
	}
	for i, s := range p.SubnetIDs {
		if err := engine.CheckAWSID("subnet", s); err != nil {
			c.Warnf(fmt.Sprintf("%ssubnet_ids[%d]", at, i), "%v", err)
		}
	}
	for i, s := range p.SecurityGroupIDs {
		if err := engine.CheckAWSID("sg", s); err != nil {
			c.Warnf(fmt.Sprintf("%ssecurity_group_ids[%d]", at, i), "%v", err)
		}
	}
	if err := engine.CheckAWSID("vpc", p.VpcID); p.VpcID != "" && err != nil {
		c.Warnf(at+"vpc_id", "%v", err)
	}
	if len(p.SecurityGroupIDs) == 0 && p.VpcFromCloudformation == "" && p.VpcID == "" {
		c.Errorf("properties", "a compute environment needs security groups: security_group_ids, or a VPC (vpc_from_cloudformation or vpc_id) to create one in")
	}
}

// JobQueue is a Batch job queue.
type JobQueue struct{}

// JobQueueSpec: data.all writes compute_environment.compute_environment_ref.
type JobQueueSpec struct {
	engine.Common `yaml:",inline"`
	Properties    struct {
		ComputeEnvironment struct {
			Refs []string `yaml:"compute_environment_ref" validate:"required,min=1,max=3"`
		} `yaml:"compute_environment"`
		Priority int `yaml:"priority" validate:"min=0,max=1000"`
	} `yaml:"properties" alias:"config" validate:"required"`
}

func (JobQueue) Type() string       { return JobQueueType }
func (JobQueue) Kinds() engine.Kind { return engine.Resource }
func (JobQueue) Describe() string {
	return "a Batch job queue over up to three compute environments of this config, in order"
}
func (JobQueue) NewSpec() any {
	s := &JobQueueSpec{}
	s.Properties.Priority = 1
	return s
}

// Check requires the compute environments to exist and be of one kind.
func (JobQueue) Check(spec any, c *engine.CheckContext) {
	s := spec.(*JobQueueSpec)
	kinds := map[bool]bool{}
	for i, name := range s.Properties.ComputeEnvironment.Refs {
		it := c.RequireResource(fmt.Sprintf("properties.compute_environment.compute_environment_ref[%d]", i), "compute environment", name, ComputeEnvironmentType)
		if it != nil {
			if ce, ok := it.Spec.(*ComputeEnvironmentSpec); ok {
				kinds[ce.Properties.fargate()] = true
			}
		}
	}
	if len(kinds) > 1 {
		c.Errorf("properties.compute_environment.compute_environment_ref", "a job queue cannot mix Fargate and EC2/SPOT compute environments")
	}
}

// JobDefinition is a Batch container job definition.
type JobDefinition struct{}

// JobDefinitionSpec: data.all writes the container under job_definition.
type JobDefinitionSpec struct {
	engine.Common `yaml:",inline"`
	JobDefinition struct {
		ContainerProperties ContainerProperties `yaml:"container_properties" validate:"required"`
		// PlatformCapabilities is EC2 (default) or FARGATE.
		Platform      string `yaml:"platform" validate:"omitempty,oneof=EC2 FARGATE"`
		RetryAttempts int    `yaml:"retry_attempts" validate:"min=1,max=10"`
		Timeout       int    `yaml:"timeout" unit:"seconds" validate:"omitempty,min=60"`
	} `yaml:"job_definition" alias:"config" validate:"required"`
}

// ContainerProperties describe the container a job runs.
type ContainerProperties struct {
	Image struct {
		Assets *struct {
			Directory string `yaml:"directory" validate:"required"`
			File      string `yaml:"file"`
		} `yaml:"assets"`
		URI string `yaml:"uri"`
	} `yaml:"image" validate:"required"`
	VCPUs       float64           `yaml:"vcpus" validate:"gt=0,max=256"`
	Memory      int               `yaml:"memory" unit:"MiB" validate:"min=4,max=2000000"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
}

func (JobDefinition) Type() string       { return JobDefinitionType }
func (JobDefinition) Kinds() engine.Kind { return engine.Resource }
func (JobDefinition) Describe() string {
	return "a Batch container job definition; its image is a Dockerfile in customcode (built by the CDK CLI at deploy, never at synth) or an image URI"
}
func (JobDefinition) NewSpec() any {
	s := &JobDefinitionSpec{}
	s.JobDefinition.ContainerProperties.VCPUs = 1
	s.JobDefinition.ContainerProperties.Memory = 2048
	s.JobDefinition.RetryAttempts = 1
	return s
}

// fargateSizes lists the memory (MiB) Fargate accepts per vCPU count.
var fargateSizes = map[float64][2]int{0.25: {512, 2048}, 0.5: {1024, 4096}, 1: {2048, 8192}, 2: {4096, 16384}, 4: {8192, 30720}, 8: {16384, 61440}, 16: {32768, 122880}}

// Check requires one image source and sizes the platform accepts.
func (JobDefinition) Check(spec any, c *engine.CheckContext) {
	s := spec.(*JobDefinitionSpec)
	jd := &s.JobDefinition
	cp := &jd.ContainerProperties
	const at = "job_definition.container_properties."
	img := cp.Image
	switch {
	case img.Assets == nil && img.URI == "":
		c.Errorf(at+"image", "needs assets {directory, file} (a Dockerfile in customcode) or uri (an image in a registry)")
	case img.Assets != nil && img.URI != "":
		c.Errorf(at+"image", "give assets or uri, not both")
	case img.Assets != nil:
		if _, ok := c.AssetDir(at+"image.assets.directory", img.Assets.Directory); ok {
			file := img.Assets.File
			if file == "" {
				file = "Dockerfile"
			}
			c.RepoFile(at+"image.assets.file", filepath.ToSlash(filepath.Join(img.Assets.Directory, file)), false)
		}
	}
	if jd.Platform == "FARGATE" {
		mem, ok := fargateSizes[cp.VCPUs]
		switch {
		case !ok:
			c.Errorf(at+"vcpus", "Fargate jobs take 0.25, 0.5, 1, 2, 4, 8 or 16 vCPUs; got %g", cp.VCPUs)
		case cp.Memory < mem[0] || cp.Memory > mem[1]:
			c.Errorf(at+"memory", "with %g vCPUs Fargate takes %d to %d MiB; got %d", cp.VCPUs, mem[0], mem[1], cp.Memory)
		}
	}
	for k := range cp.Environment {
		if strings.HasPrefix(k, "AWS_BATCH") {
			c.Errorf(at+"environment."+k, "variables starting with AWS_BATCH are set by Batch itself")
		}
	}
}

// Step submits a job and waits for it.
type Step struct{}

// StepSpec: queue and definition refs are job-level keys in data.all.
type StepSpec struct {
	engine.Job       `yaml:",inline"`
	JobQueueRef      string `yaml:"job_queue_ref" validate:"required"`
	JobDefinitionRef string `yaml:"job_definition_ref" validate:"required"`
	Config           struct {
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		ArraySize   int               `yaml:"array_size" validate:"omitempty,min=2,max=10000"`
		DependsOn   []struct {
			JobID string `yaml:"job_id" validate:"required"`
			Type  string `yaml:"type" validate:"omitempty,oneof=N_TO_N SEQUENTIAL"`
		} `yaml:"depends_on" validate:"dive"`
		Timeout       int `yaml:"timeout" unit:"seconds" validate:"omitempty,min=60"`
		RetryAttempts int `yaml:"retry_attempts" validate:"omitempty,min=1,max=10"`
	} `yaml:"config"`
	ResultPath string `yaml:"result_path"`
}

func (Step) Type() string       { return StepType }
func (Step) Kinds() engine.Kind { return engine.Step }
func (Step) NewSpec() any       { return &StepSpec{} }
func (Step) Describe() string {
	return "submits a Batch job to a queue of this config and waits for it (batch:submitJob.sync)"
}

// Check requires the queue and definition to be of this config.
func (Step) Check(spec any, c *engine.CheckContext) {
	s := spec.(*StepSpec)
	if s.JobQueueRef != "" {
		c.RequireResource("job_queue_ref", "job queue", s.JobQueueRef, JobQueueType)
	}
	if s.JobDefinitionRef != "" {
		c.RequireResource("job_definition_ref", "job definition", s.JobDefinitionRef, JobDefinitionType)
	}
	for i, d := range s.Config.DependsOn {
		if engine.IsRuntimePath(d.JobID) {
			if err := engine.CheckPath(d.JobID); err != nil {
				c.Errorf(fmt.Sprintf("config.depends_on[%d].job_id", i), "%v", err)
			}
		}
	}
	if s.ResultPath != "" {
		if err := engine.CheckPath(s.ResultPath); err != nil {
			c.Errorf("result_path", "%v", err)
		}
	}
}

var jobNameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// jobName is a Batch job name from the step name: letters, digits, - and
// _, at most 128 characters.
func jobName(step string) string {
	n := strings.Trim(jobNameUnsafe.ReplaceAllString(step, "-"), "-")
	if n == "" {
		n = "job"
	}
	if len(n) > 128 {
		n = n[:128]
	}
	return n
}

// Plan submits the job with batch:submitJob.sync.
func (Step) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*StepSpec)
	queue := p.ResourceRef(s.JobQueueRef, "arn")
	def := p.ResourceRef(s.JobDefinitionRef, "arn")
	params := map[string]any{"JobName": jobName(p.Item.Name), "JobQueue": queue, "JobDefinition": def}
	overrides := map[string]any{}
	if len(s.Config.Command) > 0 {
		overrides["Command"] = s.Config.Command
	}
	if len(s.Config.Environment) > 0 {
		var env []map[string]any
		for _, k := range engine.SortedKeys(s.Config.Environment) {
			v := s.Config.Environment[k]
			if engine.IsRuntimePath(v) {
				env = append(env, map[string]any{"Name": k, "Value.$": v})
			} else {
				env = append(env, map[string]any{"Name": k, "Value": v})
			}
		}
		overrides["Environment"] = env
	}
	if len(overrides) > 0 {
		params["ContainerOverrides"] = overrides
	}
	if s.Config.ArraySize > 0 {
		params["ArrayProperties"] = map[string]any{"Size": s.Config.ArraySize}
	}
	if len(s.Config.DependsOn) > 0 {
		var deps []map[string]any
		for _, d := range s.Config.DependsOn {
			dep := map[string]any{}
			if engine.IsRuntimePath(d.JobID) {
				dep["JobId.$"] = d.JobID
			} else {
				dep["JobId"] = d.JobID
			}
			if d.Type != "" {
				dep["Type"] = d.Type
			}
			deps = append(deps, dep)
		}
		params["DependsOn"] = deps
	}
	if s.Config.Timeout > 0 {
		params["Timeout"] = map[string]any{"AttemptDurationSeconds": s.Config.Timeout}
	}
	if s.Config.RetryAttempts > 0 {
		params["RetryStrategy"] = map[string]any{"Attempts": s.Config.RetryAttempts}
	}
	st := &asl.State{Type: asl.Task, Resource: "arn:aws:states:::batch:submitJob.sync", Parameters: params,
		Comment: engine.FirstNonEmpty(s.Description, s.Comment), ResultPath: asl.Discard()}
	if s.ResultPath != "" {
		st.ResultPath = asl.Path(s.ResultPath)
	}
	p.Allow([]string{"batch:SubmitJob"}, queue, def)
	// DescribeJobs and TerminateJob have no resource-level permissions.
	p.Allow([]string{"batch:DescribeJobs", "batch:TerminateJob"}, "*")
	p.Allow([]string{"events:PutTargets", "events:PutRule", "events:DescribeRule"},
		engine.ARN("events", "rule/StepFunctionsGetEventsForBatchJobsRule"))
	return asl.Single(p.StateName(), st), nil
}

// refOf is the placeholder of a resource's ARN, for builders that wire
// resources of this package together.
func refOf(kind, name string) string {
	return engine.Ref{Kind: kind, Name: name, Attr: "arn"}.String()
}
