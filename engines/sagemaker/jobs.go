package sagemaker

import (
	"fmt"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Processing is the sagemaker_processing step.
type Processing struct{}

// ProcessingIO is a processing input or output: an S3 URI (or $. path) and
// the local path in the container.
type ProcessingIO struct {
	Name        string `yaml:"name" validate:"required"`
	Source      string `yaml:"source" validate:"required"`
	Destination string `yaml:"destination" validate:"required"`
	// Inputs: how the data is read (defaults S3Prefix, File; SageMaker's
	// own defaults for the others).
	DataType         string `yaml:"data_type" validate:"omitempty,oneof=S3Prefix ManifestFile"`
	InputMode        string `yaml:"input_mode" validate:"omitempty,oneof=File Pipe"`
	DistributionType string `yaml:"distribution_type" validate:"omitempty,oneof=FullyReplicated ShardedByS3Key"`
	CompressionType  string `yaml:"compression_type" validate:"omitempty,oneof=None Gzip"`
	// Outputs: when the data is uploaded (default EndOfJob).
	UploadMode string `yaml:"upload_mode" validate:"omitempty,oneof=Continuous EndOfJob"`
}

// ProcessingSpec is CreateProcessingJob.
type ProcessingSpec struct {
	engine.Job      `yaml:",inline"`
	ExtJobName      string `yaml:"ext_job_name"`
	ResultPathValue string `yaml:"result_path"`
	Config          struct {
		Algorithm   *Algorithm        `yaml:"algorithm"`
		Image       *Image            `yaml:"image"`
		Entrypoint  []string          `yaml:"entrypoint"`
		Arguments   []string          `yaml:"arguments"`
		Environment map[string]string `yaml:"environment"`
		Inputs      []*ProcessingIO   `yaml:"inputs" validate:"dive"`
		Outputs     []*ProcessingIO   `yaml:"outputs" validate:"dive"`
		Resources   Resources         `yaml:"resources"`
		// VolumeKmsKeyID encrypts the instances' storage; OutputKmsKeyID
		// the outputs.
		VolumeKmsKeyID string `yaml:"volume_kms_key_id"`
		OutputKmsKeyID string `yaml:"output_kms_key_id"`
		MaxRuntime     int    `yaml:"max_runtime" validate:"min=1,max=604800"`
		Network        *struct {
			EnableNetworkIsolation                bool     `yaml:"enable_network_isolation"`
			EnableInterContainerTrafficEncryption bool     `yaml:"enable_inter_container_traffic_encryption"`
			Subnets                               []string `yaml:"subnets"`
			SecurityGroupIDs                      []string `yaml:"security_group_ids"`
		} `yaml:"network"`
		// Role is the job's execution role ARN; the stack's SageMaker role
		// by default.
		Role       string            `yaml:"role"`
		Experiment *ExperimentConfig `yaml:"experiment"`
		Tagging    `yaml:",inline"`
	} `yaml:"config" validate:"required"`
}

func (Processing) Type() string       { return ProcessingType }
func (Processing) Kinds() engine.Kind { return engine.Step }
func (Processing) Describe() string   { return "runs a processing container (createProcessingJob.sync)" }
func (Processing) NewSpec() any {
	s := &ProcessingSpec{}
	s.Config.Resources = defaultResources()
	s.Config.MaxRuntime = 86400
	return s
}

// Check requires an image and checks paths and sizes.
func (Processing) Check(spec any, c *engine.CheckContext) {
	s := spec.(*ProcessingSpec)
	cfg := &s.Config
	switch {
	case cfg.Algorithm == nil && cfg.Image == nil:
		c.Errorf("config", "needs image (a URI or a Dockerfile {directory, file}) or algorithm {name, version}")
	case cfg.Algorithm != nil && cfg.Image != nil:
		c.Errorf("config.image", "give image or algorithm, not both")
	case cfg.Algorithm != nil:
		checkAlgorithm(c, "config.algorithm", cfg.Algorithm)
	default:
		checkImage(c, "config.image", cfg.Image)
	}
	if cfg.Resources.InstanceType == "" {
		c.Errorf("config.resources.instance_type", "is required")
	}
	cfg.Resources.InstanceType = instanceType(c, "config.resources.instance_type", cfg.Resources.InstanceType)
	for i, in := range cfg.Inputs {
		if in != nil {
			checkS3(c, fmt.Sprintf("config.inputs[%d].source", i), in.Source)
		}
	}
	for i, out := range cfg.Outputs {
		if out != nil {
			checkS3(c, fmt.Sprintf("config.outputs[%d].destination", i), out.Destination)
		}
	}
	path(c, "ext_job_name", runtimeOnly(s.ExtJobName))
	path(c, "result_path", s.ResultPathValue)
	cfg.Tagging.checkTags(c, "config.")
	if cfg.OutputKmsKeyID != "" && len(cfg.Outputs) == 0 {
		c.Errorf("config.output_kms_key_id", "encrypts outputs, and the job has none")
	}
}

func checkS3(c *engine.CheckContext, at, v string) {
	switch {
	case engine.IsRuntimePath(v):
		path(c, at, v)
	case !strings.HasPrefix(v, "s3://"):
		c.Errorf(at, "%q must be an s3:// URI or a $. path", v)
	}
}

// Plan runs the processing job.
func (Processing) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*ProcessingSpec)
	cfg := &s.Config
	app := map[string]any{"ImageUri": imageOf(p.Stack, p.Item.Name, cfg.Algorithm, cfg.Image)}
	if len(cfg.Entrypoint) > 0 {
		app["ContainerEntrypoint"] = cfg.Entrypoint
	}
	if len(cfg.Arguments) > 0 {
		app["ContainerArguments"] = cfg.Arguments
	}
	cluster := map[string]any{"InstanceCount": cfg.Resources.InstanceCount, "InstanceType": cfg.Resources.InstanceType, "VolumeSizeInGB": cfg.Resources.VolumeSize}
	if cfg.VolumeKmsKeyID != "" {
		cluster["VolumeKmsKeyId"] = cfg.VolumeKmsKeyID
	}
	params := map[string]any{
		"AppSpecification":    app,
		"RoleArn":             roleRef,
		"ProcessingResources": map[string]any{"ClusterConfig": cluster},
		"StoppingCondition":   map[string]any{"MaxRuntimeInSeconds": cfg.MaxRuntime},
	}
	if cfg.Role != "" {
		params["RoleArn"] = cfg.Role
		p.Allow([]string{"iam:PassRole"}, cfg.Role)
	}
	if cfg.Experiment != nil {
		params["ExperimentConfig"] = cfg.Experiment.asl()
	}
	jobName(params, "ProcessingJobName", s.ExtJobName, p.Item.Name, 63)
	cfg.Tagging.applyTags(p, params)
	if len(cfg.Environment) > 0 {
		env := map[string]any{}
		for _, k := range engine.SortedKeys(cfg.Environment) {
			env[k] = cfg.Environment[k]
		}
		params["Environment"] = env
	}
	var inputs []map[string]any
	for _, in := range cfg.Inputs {
		s3 := map[string]any{"LocalPath": in.Destination, "S3DataType": engine.FirstNonEmpty(in.DataType, "S3Prefix"), "S3InputMode": engine.FirstNonEmpty(in.InputMode, "File")}
		value(s3, "S3Uri", in.Source)
		if in.DistributionType != "" {
			s3["S3DataDistributionType"] = in.DistributionType
		}
		if in.CompressionType != "" {
			s3["S3CompressionType"] = in.CompressionType
		}
		inputs = append(inputs, map[string]any{"InputName": in.Name, "S3Input": s3})
	}
	if inputs != nil {
		params["ProcessingInputs"] = inputs
	}
	var outputs []map[string]any
	for _, out := range cfg.Outputs {
		s3 := map[string]any{"LocalPath": out.Source, "S3UploadMode": engine.FirstNonEmpty(out.UploadMode, "EndOfJob")}
		value(s3, "S3Uri", out.Destination)
		outputs = append(outputs, map[string]any{"OutputName": out.Name, "S3Output": s3})
	}
	if outputs != nil {
		oc := map[string]any{"Outputs": outputs}
		if cfg.OutputKmsKeyID != "" {
			oc["KmsKeyId"] = cfg.OutputKmsKeyID
		}
		params["ProcessingOutputConfig"] = oc
	}
	if n := cfg.Network; n != nil {
		nc := map[string]any{"EnableNetworkIsolation": n.EnableNetworkIsolation}
		if n.EnableInterContainerTrafficEncryption {
			nc["EnableInterContainerTrafficEncryption"] = true
		}
		if len(n.Subnets) > 0 {
			nc["VpcConfig"] = map[string]any{"Subnets": n.Subnets, "SecurityGroupIds": n.SecurityGroupIDs}
		}
		params["NetworkConfig"] = nc
	}
	st := task("createProcessingJob.sync", params, engine.FirstNonEmpty(s.Description, s.Comment))
	resultPath(st, s.ResultPathValue)
	p.Allow([]string{"sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob", "sagemaker:StopProcessingJob", "sagemaker:AddTags"},
		engine.ARN("sagemaker", "processing-job/*"))
	syncRule(p, "StepFunctionsGetEventsForSageMakerProcessingJobsRule")
	if cfg.Role == "" {
		passRole(p)
	}
	return asl.Single(p.StateName(), st), nil
}

// Transform is the sagemaker_batch_transform step.
type Transform struct{}

// TransformSpec is CreateTransformJob, as data.all writes it.
type TransformSpec struct {
	engine.Job `yaml:",inline"`
	Config     struct {
		// ModelNamePath and TransformJobNamePath are $. paths or literals.
		ModelNamePath        string `yaml:"model_name_path" validate:"required"`
		TransformJobNamePath string `yaml:"transform_job_name_path"`
		BatchStrategy        string `yaml:"batch_strategy" validate:"omitempty,oneof=MultiRecord SingleRecord"`
		MaxConcurrent        int    `yaml:"max_concurrent_transforms" validate:"min=0"`
		TransformInput       struct {
			ContentType     string `yaml:"content_type"`
			SplitType       string `yaml:"split_type" validate:"omitempty,oneof=None Line RecordIO TFRecord"`
			CompressionType string `yaml:"compression_type" validate:"omitempty,oneof=None Gzip"`
			S3DataSource    struct {
				// S3URIFromPath is a $. path or an s3:// URI.
				S3URIFromPath string `yaml:"s3_uri_from_path" validate:"required"`
				S3DataType    string `yaml:"s3_data_type" validate:"oneof=S3Prefix ManifestFile AugmentedManifestFile"`
			} `yaml:"s3_data_source" validate:"required"`
		} `yaml:"transform_input" validate:"required"`
		// DataProcessing filters are SageMaker's own JSONPaths, applied
		// to the records: literal text for Step Functions.
		DataProcessing *struct {
			InputFilter  string `yaml:"input_filter"`
			JoinSource   string `yaml:"join_source" validate:"omitempty,oneof=Input None"`
			OutputFilter string `yaml:"output_filter"`
		} `yaml:"data_processing"`
		TransformOutput struct {
			// S3OutputPathFromPath is a $. path or an s3:// URI.
			S3OutputPathFromPath string `yaml:"s3_output_path_from_path" validate:"required"`
			Accept               string `yaml:"accept"`
			AssembleWith         string `yaml:"assemble_with" validate:"omitempty,oneof=None Line"`
			KmsKeyID             string `yaml:"kms_key_id"`
		} `yaml:"transform_output" validate:"required"`
		TransformResources Resources `yaml:"transform_resources"`
		Tagging            `yaml:",inline"`
	} `yaml:"config" validate:"required"`
	ResultPathValue string `yaml:"result_path"`
}

func (Transform) Type() string       { return TransformType }
func (Transform) Kinds() engine.Kind { return engine.Step }
func (Transform) Describe() string {
	return "runs a batch transform with a model (createTransformJob.sync)"
}
func (Transform) NewSpec() any {
	s := &TransformSpec{}
	s.Config.TransformResources = Resources{InstanceCount: 1, VolumeSize: 1}
	s.Config.TransformInput.S3DataSource.S3DataType = "S3Prefix"
	return s
}

// Check checks the paths, the filters and the instance type.
func (Transform) Check(spec any, c *engine.CheckContext) {
	s := spec.(*TransformSpec)
	cfg := &s.Config
	path(c, "config.model_name_path", runtimeOnly(cfg.ModelNamePath))
	path(c, "config.transform_job_name_path", runtimeOnly(cfg.TransformJobNamePath))
	cfg.Tagging.checkTags(c, "config.")
	path(c, "config.transform_input.s3_data_source.s3_uri_from_path", runtimeOnly(cfg.TransformInput.S3DataSource.S3URIFromPath))
	path(c, "config.transform_output.s3_output_path_from_path", runtimeOnly(cfg.TransformOutput.S3OutputPathFromPath))
	if dp := cfg.DataProcessing; dp != nil {
		path(c, "config.data_processing.input_filter", dp.InputFilter)
		path(c, "config.data_processing.output_filter", dp.OutputFilter)
	}
	if cfg.TransformResources.InstanceType == "" {
		c.Errorf("config.transform_resources.instance_type", "is required")
	}
	cfg.TransformResources.InstanceType = instanceType(c, "config.transform_resources.instance_type", cfg.TransformResources.InstanceType)
	path(c, "result_path", s.ResultPathValue)
}

// Plan runs the transform job.
func (Transform) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*TransformSpec)
	cfg := &s.Config
	src := map[string]any{"S3DataType": cfg.TransformInput.S3DataSource.S3DataType}
	value(src, "S3Uri", cfg.TransformInput.S3DataSource.S3URIFromPath)
	input := map[string]any{"DataSource": map[string]any{"S3DataSource": src}}
	if cfg.TransformInput.ContentType != "" {
		value(input, "ContentType", cfg.TransformInput.ContentType)
	}
	if cfg.TransformInput.SplitType != "" {
		input["SplitType"] = cfg.TransformInput.SplitType
	}
	if cfg.TransformInput.CompressionType != "" {
		input["CompressionType"] = cfg.TransformInput.CompressionType
	}
	output := map[string]any{}
	value(output, "S3OutputPath", cfg.TransformOutput.S3OutputPathFromPath)
	if cfg.TransformOutput.Accept != "" {
		output["Accept"] = cfg.TransformOutput.Accept
	}
	if cfg.TransformOutput.AssembleWith != "" {
		output["AssembleWith"] = cfg.TransformOutput.AssembleWith
	}
	if cfg.TransformOutput.KmsKeyID != "" {
		output["KmsKeyId"] = cfg.TransformOutput.KmsKeyID
	}
	params := map[string]any{
		"TransformInput":     input,
		"TransformOutput":    output,
		"TransformResources": map[string]any{"InstanceCount": cfg.TransformResources.InstanceCount, "InstanceType": cfg.TransformResources.InstanceType},
	}
	value(params, "ModelName", cfg.ModelNamePath)
	jobName(params, "TransformJobName", cfg.TransformJobNamePath, p.Item.Name, 63)
	cfg.Tagging.applyTags(p, params)
	if cfg.BatchStrategy != "" {
		params["BatchStrategy"] = cfg.BatchStrategy
	}
	if cfg.MaxConcurrent > 0 {
		params["MaxConcurrentTransforms"] = cfg.MaxConcurrent
	}
	if dp := cfg.DataProcessing; dp != nil {
		m := map[string]any{}
		for k, v := range map[string]string{"InputFilter": dp.InputFilter, "JoinSource": dp.JoinSource, "OutputFilter": dp.OutputFilter} {
			if v != "" {
				m[k] = v
			}
		}
		params["DataProcessing"] = m
	}
	st := task("createTransformJob.sync", params, engine.FirstNonEmpty(s.Description, s.Comment))
	resultPath(st, s.ResultPathValue)
	p.Allow([]string{"sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob", "sagemaker:AddTags"},
		engine.ARN("sagemaker", "transform-job/*"))
	syncRule(p, "StepFunctionsGetEventsForSageMakerTransformJobsRule")
	return asl.Single(p.StateName(), st), nil
}

// PackageGroup is the sagemaker_model_package_group resource.
type PackageGroup struct{}

// PackageGroupSpec is a model registry group.
type PackageGroupSpec struct {
	engine.Common `yaml:",inline"`
	// Pinned is physical_name and logical_id.
	engine.Pinned `yaml:",inline"`
	Config        struct {
		Description string            `yaml:"description" validate:"max=1024"`
		Tags        map[string]string `yaml:"tags"`
	} `yaml:"config"`
}

// Check keeps the group's name within SageMaker's limit.
func (PackageGroup) Check(_ any, c *engine.CheckContext) {
	c.CheckNameLength("model package group", engine.NameOf(c.Stack, c.Item), 63)
}

func (PackageGroup) Type() string       { return PackageGroupType }
func (PackageGroup) Kinds() engine.Kind { return engine.Resource }
func (PackageGroup) NewSpec() any       { return &PackageGroupSpec{} }
func (PackageGroup) Describe() string   { return "a SageMaker model registry group" }
