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
	Published     `yaml:",inline"`
	Properties    CEProperties `yaml:"properties" alias:"config" validate:"required"`
}

// CEProperties are the settings of a compute environment.
type CEProperties struct {
	ComputeResourceType string `yaml:"compute_resource_type" validate:"required,oneof=SPOT ON_DEMAND EC2 FARGATE FARGATE_SPOT"`
	BidPercentage       int    `yaml:"bid_percentage" validate:"omitempty,min=1,max=100"`
	// MaxVCPUs defaults to 256 (a compute environment inline in a job
	// queue too).
	MaxVCPUs int `yaml:"max_vcpus" validate:"omitempty,min=1,max=100000"`
	MinVCPUs int `yaml:"min_vcpus" validate:"min=0,max=100000"`
	// DesiredVCPUs is written only when given.
	DesiredVCPUs  *int     `yaml:"desired_vcpus" validate:"omitempty,min=0,max=100000"`
	InstanceTypes []string `yaml:"instance_types"`
	// AllocationStrategy defaults to BEST_FIT_PROGRESSIVE, on SPOT to
	// SPOT_CAPACITY_OPTIMIZED.
	AllocationStrategy string `yaml:"allocation_strategy" validate:"omitempty,oneof=BEST_FIT BEST_FIT_PROGRESSIVE SPOT_CAPACITY_OPTIMIZED SPOT_PRICE_CAPACITY_OPTIMIZED"`
	// LaunchTemplate is an EC2 launch template the instances start from.
	LaunchTemplate *struct {
		Name    string `yaml:"name" validate:"required"`
		Version string `yaml:"version"`
	} `yaml:"launch_template"`
	// InstanceRole is the instance profile (name or ARN) the instances run
	// as; default BATCH_INSTANCE_ROLE from the environment when it is set,
	// else one made for the compute environment.
	InstanceRole string `yaml:"instance_role"`
	// SpotFleetRole is the role (ARN) of a SPOT compute environment's spot
	// fleet; with allocation_strategy BEST_FIT it defaults to the
	// service-linked AWSServiceRoleForEC2SpotFleet.
	SpotFleetRole  string `yaml:"spot_fleet_role"`
	PlacementGroup string `yaml:"placement_group"`
	// Subnets and VPC come from CloudFormation exports (as data.all does)
	// or from ids.
	SubnetFromCloudformation string   `yaml:"subnet_from_cloudformation"`
	VpcFromCloudformation    string   `yaml:"vpc_from_cloudformation"`
	SubnetIDs                []string `yaml:"subnet_ids" alias:"subnets"`
	VpcID                    string   `yaml:"vpc_id"`
	SecurityGroupIDs         []string `yaml:"security_group_ids"`
}

// Published is the item-level arn_parameter key of the Batch resources:
// an SSM String parameter holding the resource's ARN, for other stacks and
// jobs to read (a batch step's job_queue_param, a queue's arn_params).
type Published struct {
	ARNParameter *struct {
		Name string `yaml:"name" validate:"required"`
		// LogicalID is the parameter's CloudFormation logical ID, instead
		// of the one CDK derives.
		LogicalID string `yaml:"logical_id"`
	} `yaml:"arn_parameter"`
}

// ExtraLogicalIDs gives the parameter's logical ID to the stack-wide check.
func (p *Published) ExtraLogicalIDs() map[string]string {
	if p.ARNParameter == nil || p.ARNParameter.LogicalID == "" {
		return nil
	}
	return map[string]string{"arn_parameter.logical_id": p.ARNParameter.LogicalID}
}

// check requires a name SSM takes.
func (p *Published) check(c *engine.CheckContext) {
	if p.ARNParameter == nil {
		return
	}
	if n := p.ARNParameter.Name; n != "" && (!engine.SSMParameterName.MatchString(n) || len(n) > 1011) {
		c.Errorf("arn_parameter.name", "%q is not an SSM parameter name: letters, digits, _ . - and /, at most 1011 characters", n)
	}
}

// defaultMaxVCPUs is max_vcpus when it is not given.
const defaultMaxVCPUs = 256

func (p *CEProperties) maxVCPUs() int {
	if p.MaxVCPUs == 0 {
		return defaultMaxVCPUs
	}
	return p.MaxVCPUs
}

func (ComputeEnvironment) Type() string       { return ComputeEnvironmentType }
func (ComputeEnvironment) Kinds() engine.Kind { return engine.Resource }
func (ComputeEnvironment) Describe() string {
	return "a managed AWS Batch compute environment: SPOT, ON_DEMAND, FARGATE or FARGATE_SPOT, in subnets from CloudFormation exports or ids"
}
func (ComputeEnvironment) NewSpec() any {
	return &ComputeEnvironmentSpec{Properties: CEProperties{MaxVCPUs: defaultMaxVCPUs}}
}

func (p *CEProperties) fargate() bool { return strings.HasPrefix(p.ComputeResourceType, "FARGATE") }

// Check requires a network and settings that fit the resource type.
func (ComputeEnvironment) Check(spec any, c *engine.CheckContext) {
	spec.(*ComputeEnvironmentSpec).check(c)
	checkCE(&spec.(*ComputeEnvironmentSpec).Properties, "properties", c)
}

// checkCE checks the settings of a compute environment written at the
// item's key at (its properties, or a job queue's inline one).
func checkCE(p *CEProperties, at string, c *engine.CheckContext) {
	key := func(k string) string { return at + "." + k }
	if p.BidPercentage != 0 && p.ComputeResourceType != "SPOT" {
		c.Errorf(key("bid_percentage"), "bid_percentage applies to SPOT compute environments; this one is %s", p.ComputeResourceType)
	}
	if p.SpotFleetRole != "" && p.ComputeResourceType != "SPOT" {
		c.Errorf(key("spot_fleet_role"), "spot_fleet_role applies to SPOT compute environments; this one is %s", p.ComputeResourceType)
	}
	if strings.HasPrefix(p.AllocationStrategy, "SPOT_") && p.ComputeResourceType != "SPOT" {
		c.Errorf(key("allocation_strategy"), "%s applies to SPOT compute environments; this one is %s", p.AllocationStrategy, p.ComputeResourceType)
	}
	if p.fargate() {
		if len(p.InstanceTypes) > 0 {
			c.Errorf(key("instance_types"), "Fargate chooses the instances; instance_types is for SPOT and ON_DEMAND")
		}
		if p.MinVCPUs != 0 {
			c.Errorf(key("min_vcpus"), "Fargate compute environments have no min_vcpus")
		}
		for _, k := range []struct {
			key string
			set bool
		}{{"desired_vcpus", p.DesiredVCPUs != nil}, {"allocation_strategy", p.AllocationStrategy != ""},
			{"launch_template", p.LaunchTemplate != nil}, {"instance_role", p.InstanceRole != ""}, {"placement_group", p.PlacementGroup != ""}} {
			if k.set {
				c.Errorf(key(k.key), "Fargate compute environments have no %s; it is for SPOT and ON_DEMAND", k.key)
			}
		}
	}
	if p.MinVCPUs > p.maxVCPUs() {
		c.Errorf(key("min_vcpus"), "min_vcpus %d is more than max_vcpus %d", p.MinVCPUs, p.maxVCPUs())
	}
	if d := p.DesiredVCPUs; d != nil && (*d < p.MinVCPUs || *d > p.maxVCPUs()) {
		c.Errorf(key("desired_vcpus"), "desired_vcpus %d is outside min_vcpus %d to max_vcpus %d", *d, p.MinVCPUs, p.maxVCPUs())
	}
	switch {
	case p.SubnetFromCloudformation == "" && len(p.SubnetIDs) == 0:
		c.Errorf(at, "a compute environment needs subnets: subnet_from_cloudformation (an export holding a comma-separated subnet list) or subnet_ids")
	case p.SubnetFromCloudformation != "" && len(p.SubnetIDs) > 0:
		c.Errorf(key("subnet_ids"), "give subnet_from_cloudformation or subnet_ids, not both")
	}
	for i, s := range p.SubnetIDs {
		if err := engine.CheckAWSID("subnet", s); err != nil {
			c.Warnf(fmt.Sprintf("%s[%d]", key("subnet_ids"), i), "%v", err)
		}
	}
	for i, s := range p.SecurityGroupIDs {
		if err := engine.CheckAWSID("sg", s); err != nil {
			c.Warnf(fmt.Sprintf("%s[%d]", key("security_group_ids"), i), "%v", err)
		}
	}
	if err := engine.CheckAWSID("vpc", p.VpcID); p.VpcID != "" && err != nil {
		c.Warnf(key("vpc_id"), "%v", err)
	}
	if p.VpcID != "" && p.VpcFromCloudformation != "" {
		c.Errorf(key("vpc_id"), "give vpc_from_cloudformation or vpc_id, not both")
	}
	if len(p.SecurityGroupIDs) == 0 && p.VpcFromCloudformation == "" && p.VpcID == "" {
		c.Errorf(at, "a compute environment needs security groups: security_group_ids, or a VPC (vpc_from_cloudformation or vpc_id) to create one in")
	}
}

// JobQueue is a Batch job queue.
type JobQueue struct{}

// JobQueueSpec: data.all writes compute_environment.compute_environment_ref.
type JobQueueSpec struct {
	engine.Common `yaml:",inline"`
	Published     `yaml:",inline"`
	Properties    struct {
		// ComputeEnvironment gives the queue's compute environments in
		// one of four ways: items of this config, ARNs, SSM parameters
		// holding ARNs (read at deploy), or one of the queue's own.
		ComputeEnvironment struct {
			Refs      []string `yaml:"compute_environment_ref" validate:"omitempty,max=3"`
			ARNs      []string `yaml:"arns" validate:"omitempty,max=3"`
			ARNParams []string `yaml:"arn_params" validate:"omitempty,max=3"`
			// Properties are those of a batch_compute_environment, made
			// for this queue alone.
			Properties *CEProperties `yaml:"properties"`
		} `yaml:"compute_environment"`
		Priority int `yaml:"priority" validate:"min=0,max=1000"`
	} `yaml:"properties" alias:"config" validate:"required"`
}

func (JobQueue) Type() string       { return JobQueueType }
func (JobQueue) Kinds() engine.Kind { return engine.Resource }
func (JobQueue) Describe() string {
	return "a Batch job queue over up to three compute environments (of this config, by ARN, from SSM parameters, or its own inline one), in order"
}
func (JobQueue) NewSpec() any {
	s := &JobQueueSpec{}
	s.Properties.Priority = 1
	return s
}

// Check requires one source of compute environments; those of this config
// must exist and be of one kind.
func (JobQueue) Check(spec any, c *engine.CheckContext) {
	s := spec.(*JobQueueSpec)
	s.check(c)
	ce := &s.Properties.ComputeEnvironment
	const at = "properties.compute_environment"
	var given []string
	for _, k := range []struct {
		key string
		set bool
	}{{"compute_environment_ref", len(ce.Refs) > 0}, {"arns", len(ce.ARNs) > 0}, {"arn_params", len(ce.ARNParams) > 0}, {"properties", ce.Properties != nil}} {
		if k.set {
			given = append(given, k.key)
		}
	}
	switch {
	case len(given) == 0:
		c.Errorf(at, "a job queue needs compute environments: compute_environment_ref (of this config), arns, arn_params (SSM parameters holding ARNs) or properties (one of its own)")
	case len(given) > 1:
		c.Errorf(at+"."+given[1], "give one of compute_environment_ref, arns, arn_params or properties; this queue has %s", strings.Join(given, " and "))
	}
	if ce.Properties != nil {
		checkCE(ce.Properties, at+".properties", c)
	}
	for i, arn := range ce.ARNs {
		if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":batch:") {
			c.Errorf(fmt.Sprintf("%s.arns[%d]", at, i), "%q is not a compute environment ARN (arn:aws:batch:REGION:ACCOUNT:compute-environment/NAME)", arn)
		}
	}
	kinds := map[bool]bool{}
	for i, name := range ce.Refs {
		it := c.RequireResource(fmt.Sprintf("%s.compute_environment_ref[%d]", at, i), "compute environment", name, ComputeEnvironmentType)
		if it != nil {
			if ce, ok := it.Spec.(*ComputeEnvironmentSpec); ok {
				kinds[ce.Properties.fargate()] = true
			}
		}
	}
	if len(kinds) > 1 {
		c.Errorf(at+".compute_environment_ref", "a job queue cannot mix Fargate and EC2/SPOT compute environments")
	}
}

// JobDefinition is a Batch container job definition.
type JobDefinition struct{}

// JobDefinitionSpec: data.all writes the container under job_definition.
type JobDefinitionSpec struct {
	engine.Common `yaml:",inline"`
	Published     `yaml:",inline"`
	// Role is the ARN of the role the job runs as; default the
	// environment's role (ENVROLEARN), else one made for the job.
	Role          string `yaml:"role"`
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
	// Image is one of: assets (a Dockerfile in the repo), uri (an image in
	// a registry), ecr_repository (a tag of an ECR repository; without arn,
	// the pipeline's ECR_REPOSITORY).
	Image struct {
		Assets *struct {
			Directory string            `yaml:"directory" validate:"required"`
			File      string            `yaml:"file"`
			BuildArgs map[string]string `yaml:"build_args"`
			Target    string            `yaml:"target"`
		} `yaml:"assets"`
		URI           string `yaml:"uri"`
		ECRRepository *struct {
			ARN string `yaml:"arn"`
			// Tag defaults to latest.
			Tag string `yaml:"tag"`
		} `yaml:"ecr_repository"`
	} `yaml:"image" validate:"required"`
	VCPUs       float64           `yaml:"vcpus" validate:"gt=0,max=256"`
	Memory      int               `yaml:"memory" unit:"MiB" validate:"min=4,max=2000000"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	GPUCount    int               `yaml:"gpu_count" validate:"omitempty,min=1,max=64"`
	// LinuxParameters are the container's shared memory (/dev/shm) and
	// whether an init process reaps its zombies.
	LinuxParameters *struct {
		SharedMemorySize   int  `yaml:"shared_memory_size" unit:"MiB" validate:"omitempty,min=1"`
		InitProcessEnabled bool `yaml:"init_process_enabled"`
	} `yaml:"linux_parameters"`
}

// ecrARN is arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME.
var ecrARN = regexp.MustCompile(`^arn:(aws[a-z-]*):ecr:([a-z0-9-]+):([0-9]{12}):repository/(.+)$`)

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
	s.check(c)
	jd := &s.JobDefinition
	cp := &jd.ContainerProperties
	const at = "job_definition.container_properties."
	img := cp.Image
	var sources []string
	for _, k := range []struct {
		key string
		set bool
	}{{"assets", img.Assets != nil}, {"uri", img.URI != ""}, {"ecr_repository", img.ECRRepository != nil}} {
		if k.set {
			sources = append(sources, k.key)
		}
	}
	switch {
	case len(sources) == 0:
		c.Errorf(at+"image", "needs assets {directory, file} (a Dockerfile in customcode), uri (an image in a registry) or ecr_repository {arn, tag}")
	case len(sources) > 1:
		c.Errorf(at+"image."+sources[1], "give one of assets, uri or ecr_repository; this image has %s", strings.Join(sources, " and "))
	case img.Assets != nil:
		if _, ok := c.AssetDir(at+"image.assets.directory", img.Assets.Directory); ok {
			file := img.Assets.File
			if file == "" {
				file = "Dockerfile"
			}
			c.RepoFile(at+"image.assets.file", filepath.ToSlash(filepath.Join(img.Assets.Directory, file)), false)
		}
	case img.ECRRepository != nil && img.ECRRepository.ARN != "" && !ecrARN.MatchString(img.ECRRepository.ARN):
		c.Errorf(at+"image.ecr_repository.arn", "%q is not an ECR repository ARN (arn:aws:ecr:REGION:ACCOUNT:repository/NAME)", img.ECRRepository.ARN)
	}
	if s.Role != "" && !strings.HasPrefix(s.Role, "arn:") {
		c.Errorf("role", "%q is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)", s.Role)
	}
	if jd.Platform == "FARGATE" && cp.GPUCount > 0 {
		c.Errorf(at+"gpu_count", "Fargate jobs have no GPUs")
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
// Each of the queue and the definition is given one way: a ref to an item
// of this config, an ARN (or a $. path to one in the state), or the name
// of an SSM parameter holding the ARN (read at deploy).
type StepSpec struct {
	engine.Job         `yaml:",inline"`
	JobQueueRef        string `yaml:"job_queue_ref"`
	JobQueueARN        string `yaml:"job_queue_arn"`
	JobQueueParam      string `yaml:"job_queue_param"`
	JobDefinitionRef   string `yaml:"job_definition_ref"`
	JobDefinitionARN   string `yaml:"job_definition_arn"`
	JobDefinitionParam string `yaml:"job_definition_param"`
	Config             struct {
		// JobName defaults to the step name, with - for the characters
		// Batch does not take.
		JobName string   `yaml:"job_name" validate:"omitempty,max=128"`
		Command []string `yaml:"command"`
		// CommandFromPath is a $. path to the command (a list of strings).
		CommandFromPath string            `yaml:"command_from_path"`
		Environment     map[string]string `yaml:"environment"`
		ArraySize       int               `yaml:"array_size" validate:"omitempty,min=2,max=10000"`
		DependsOn       []struct {
			JobID string `yaml:"job_id" validate:"required"`
			Type  string `yaml:"type" validate:"omitempty,oneof=N_TO_N SEQUENTIAL"`
		} `yaml:"depends_on" validate:"dive"`
		// Parameters replace the job definition's Ref:: placeholders; a
		// value that is a $. path is read from the state.
		Parameters    map[string]string `yaml:"parameters"`
		PropagateTags bool              `yaml:"propagate_tags"`
		Timeout       int               `yaml:"timeout" unit:"seconds" validate:"omitempty,min=60"`
		RetryAttempts int               `yaml:"retry_attempts" validate:"omitempty,min=1,max=10"`
	} `yaml:"config"`
	InputPath  string `yaml:"input_path"`
	OutputPath string `yaml:"output_path"`
	ResultPath string `yaml:"result_path"`
}

func (Step) Type() string       { return StepType }
func (Step) Kinds() engine.Kind { return engine.Step }
func (Step) NewSpec() any       { return &StepSpec{} }
func (Step) Describe() string {
	return "submits a Batch job to a queue and waits for it (batch:submitJob.sync); the queue is one of job_queue_ref, job_queue_arn or job_queue_param, the definition one of job_definition_ref, job_definition_arn or job_definition_param"
}

// Check requires one queue and one definition; those of this config must
// exist.
func (Step) Check(spec any, c *engine.CheckContext) {
	s := spec.(*StepSpec)
	checkTarget(c, "job_queue", "job queue", JobQueueType, s.JobQueueRef, s.JobQueueARN, s.JobQueueParam)
	checkTarget(c, "job_definition", "job definition", JobDefinitionType, s.JobDefinitionRef, s.JobDefinitionARN, s.JobDefinitionParam)
	if len(s.Config.Command) > 0 && s.Config.CommandFromPath != "" {
		c.Errorf("config.command_from_path", "give config.command or config.command_from_path, not both")
	}
	paths := []struct{ key, value string }{{"config.command_from_path", s.Config.CommandFromPath}, {"input_path", s.InputPath}, {"output_path", s.OutputPath}, {"result_path", s.ResultPath}}
	for i, d := range s.Config.DependsOn {
		if engine.IsRuntimePath(d.JobID) {
			paths = append(paths, struct{ key, value string }{fmt.Sprintf("config.depends_on[%d].job_id", i), d.JobID})
		}
	}
	for _, k := range engine.SortedKeys(s.Config.Parameters) {
		if v := s.Config.Parameters[k]; engine.IsRuntimePath(v) {
			paths = append(paths, struct{ key, value string }{"config.parameters." + k, v})
		}
	}
	for _, p := range paths {
		if p.value == "" {
			continue
		}
		if err := engine.CheckPath(p.value); err != nil {
			c.Errorf(p.key, "%v", err)
		}
	}
}

// checkTarget requires one of KEY_ref, KEY_arn and KEY_param.
func checkTarget(c *engine.CheckContext, key, what, typ, ref, arn, param string) {
	var given []string
	for _, k := range []struct{ suffix, value string }{{"_ref", ref}, {"_arn", arn}, {"_param", param}} {
		if k.value != "" {
			given = append(given, key+k.suffix)
		}
	}
	switch {
	case len(given) == 0:
		c.Errorf(key+"_ref", "is required: the %s, as %s_ref (an item of this config), %s_arn (an ARN or a $. path to one) or %s_param (an SSM parameter holding the ARN)", what, key, key, key)
	case len(given) > 1:
		c.Errorf(given[1], "give one of %s_ref, %s_arn or %s_param; this step has %s", key, key, key, strings.Join(given, " and "))
	}
	switch {
	case ref != "":
		c.RequireResource(key+"_ref", what, ref, typ)
	case engine.IsRuntimePath(arn):
		if err := engine.CheckPath(arn); err != nil {
			c.Errorf(key+"_arn", "%v", err)
		}
	case arn != "" && !strings.HasPrefix(arn, "arn:"):
		c.Errorf(key+"_arn", "%q is neither an ARN nor a $. path", arn)
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

// target is the value of a queue or definition in the definition's
// Parameters, and the resource the state machine's role may use it as.
func target(p *engine.PlanContext, params map[string]any, field, ref, arn, param, arnKind string) string {
	switch {
	case ref != "":
		v := p.ResourceRef(ref, "arn")
		params[field] = v
		return v
	case engine.IsRuntimePath(arn):
		params[field+".$"] = arn
	case arn != "":
		params[field] = arn
		return arn
	default:
		// The old tool's ssm.StringParameter.from_string_parameter_name:
		// a CloudFormation parameter of the SSM parameter's value, read
		// at deploy (engine/batch/batch_task.py:186-190, 221-227).
		params[field] = engine.SSMRef(param)
	}
	return engine.ARN("batch", arnKind+"/*")
}

// Plan submits the job with batch:submitJob.sync.
func (Step) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*StepSpec)
	params := map[string]any{"JobName": engine.FirstNonEmpty(s.Config.JobName, jobName(p.Item.Name))}
	queue := target(p, params, "JobQueue", s.JobQueueRef, s.JobQueueARN, s.JobQueueParam, "job-queue")
	def := target(p, params, "JobDefinition", s.JobDefinitionRef, s.JobDefinitionARN, s.JobDefinitionParam, "job-definition")
	overrides := map[string]any{}
	if len(s.Config.Command) > 0 {
		overrides["Command"] = s.Config.Command
	}
	if s.Config.CommandFromPath != "" {
		overrides["Command.$"] = s.Config.CommandFromPath
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
	if len(s.Config.Parameters) > 0 {
		pm := map[string]any{}
		for k, v := range s.Config.Parameters {
			if engine.IsRuntimePath(v) {
				pm[k+".$"] = v
			} else {
				pm[k] = v
			}
		}
		params["Parameters"] = pm
	}
	if s.Config.PropagateTags {
		params["PropagateTags"] = true
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
	if s.InputPath != "" {
		st.InputPath = asl.Path(s.InputPath)
	}
	if s.OutputPath != "" {
		st.OutputPath = asl.Path(s.OutputPath)
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
