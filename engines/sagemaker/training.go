package sagemaker

import (
	"fmt"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// S3Location is a bucket and prefix, each a literal or a $. path.
type S3Location struct {
	Bucket    string `yaml:"bucket" validate:"required"`
	PrefixKey string `yaml:"prefix_key" alias:"prefix,key_prefix" validate:"required"`
}

// TrainingInput are the channels of a training job, from the input.
type TrainingInput struct {
	ContentType   string      `yaml:"content_type"`
	TrainS3URI    *S3Location `yaml:"train_s3_uri" validate:"required"`
	ValidationURI *S3Location `yaml:"validation_s3_uri"`
	TestURI       *S3Location `yaml:"test_s3_uri"`
}

// MetricDefinition is a metric the job's logs report, found by a regex.
type MetricDefinition struct {
	Name  string `yaml:"name" validate:"required"`
	Regex string `yaml:"regex" validate:"required"`
}

// TrainingConfig is shared by training and tuning.
type TrainingConfig struct {
	Algorithm               *Algorithm     `yaml:"algorithm"`
	TrainingImage           *Image         `yaml:"training_image" alias:"image"`
	Resources               []*Resources   `yaml:"resources" validate:"dive"`
	ResourceRef             string         `yaml:"resource_ref"`
	MaxRuntime              int            `yaml:"max_runtime" validate:"min=1,max=2419200"`
	Hyperparameters         map[string]any `yaml:"hyperparameters"`
	HyperparametersFromPath string         `yaml:"hyperparameters_from_path"`
	TrainingInputFromPath   *TrainingInput `yaml:"training_input_from_path"`
	// InputPathsFromInput is a path to the whole InputDataConfig (the
	// list of channels) in the state input.
	InputPathsFromInput string `yaml:"input_paths_from_input" validate:"excluded_with=TrainingInputFromPath"`
	// TrainingInputMode is how the channels reach the container.
	TrainingInputMode   string              `yaml:"training_input_mode" validate:"oneof=File Pipe FastFile"`
	MetricDefinitions   []*MetricDefinition `yaml:"metric_definitions" validate:"dive"`
	OutputPathFromInput string              `yaml:"output_path_from_input" validate:"required_without=OutputPath"`
	// OutputPath is a fixed S3 URI for the model artifacts, instead of a
	// path into the input (data.all's output_data_path).
	OutputPath string            `yaml:"output_path" validate:"excluded_with=OutputPathFromInput,omitempty,startswith=s3://"`
	Experiment *ExperimentConfig `yaml:"experiment"`
	// Tagging tags the job (a tuning job: the tuning job).
	Tagging `yaml:",inline"`
}

// ExperimentConfig ties a job to SageMaker Experiments; each value is a
// literal or a $. path.
type ExperimentConfig struct {
	ExperimentName            string `yaml:"experiment_name" validate:"required"`
	TrialName                 string `yaml:"trial_name"`
	TrialComponentDisplayName string `yaml:"trial_component_display_name"`
}

func (e *ExperimentConfig) asl() map[string]any {
	ec := map[string]any{}
	value(ec, "ExperimentName", e.ExperimentName)
	if e.TrialName != "" {
		value(ec, "TrialName", e.TrialName)
	}
	if e.TrialComponentDisplayName != "" {
		value(ec, "TrialComponentDisplayName", e.TrialComponentDisplayName)
	}
	return ec
}

func newTrainingConfig() TrainingConfig {
	return TrainingConfig{MaxRuntime: 86400, TrainingInputMode: "File"}
}

// resources picks the resources of the job: the named one, else the first.
func (t *TrainingConfig) resources() *Resources {
	for _, r := range t.Resources {
		if r != nil && t.ResourceRef != "" && r.Name == t.ResourceRef {
			return r
		}
	}
	if len(t.Resources) > 0 && t.Resources[0] != nil {
		return t.Resources[0]
	}
	r := defaultResources()
	r.InstanceType = "ml.m5.xlarge"
	return &r
}

func (t *TrainingConfig) check(c *engine.CheckContext) {
	const at = "config."
	switch {
	case t.Algorithm == nil && t.TrainingImage == nil:
		c.Errorf("config", "needs algorithm {name, version} (a built-in image) or training_image (a URI or a Dockerfile)")
	case t.Algorithm != nil && t.TrainingImage != nil:
		c.Errorf(at+"training_image", "give algorithm or training_image, not both")
	case t.Algorithm != nil:
		checkAlgorithm(c, at+"algorithm", t.Algorithm)
	default:
		checkImage(c, at+"training_image", t.TrainingImage)
	}
	if t.ResourceRef != "" {
		var names []string
		found := false
		for _, r := range t.Resources {
			if r != nil && r.Name != "" {
				names = append(names, r.Name)
				found = found || r.Name == t.ResourceRef
			}
		}
		if !found {
			d := c.Errorf(at+"resource_ref", "resource_ref %q names no entry of config.resources", t.ResourceRef)
			switch s := diagSuggest(t.ResourceRef, names); {
			case s != "":
				d.Hint = fmt.Sprintf("did you mean %q?", s)
			case len(names) > 0:
				d.Hint = "the entries are named " + quoteList(names)
			default:
				d.Hint = "name an entry: resources: [{name: " + t.ResourceRef + ", instance_type: …}]"
			}
		}
	}
	for i, r := range t.Resources {
		if r != nil {
			r.InstanceType = instanceType(c, fmt.Sprintf("%sresources[%d].instance_type", at, i), r.InstanceType)
		}
	}
	if t.HyperparametersFromPath != "" && len(t.Hyperparameters) > 0 {
		c.Errorf(at+"hyperparameters", "give hyperparameters or hyperparameters_from_path, not both")
	}
	path(c, at+"hyperparameters_from_path", t.HyperparametersFromPath)
	path(c, at+"output_path_from_input", t.OutputPathFromInput)
	path(c, at+"input_paths_from_input", t.InputPathsFromInput)
	t.Tagging.checkTags(c, at)
	if e := t.Experiment; e != nil {
		path(c, at+"experiment.experiment_name", runtimeOnly(e.ExperimentName))
		path(c, at+"experiment.trial_name", runtimeOnly(e.TrialName))
		path(c, at+"experiment.trial_component_display_name", runtimeOnly(e.TrialComponentDisplayName))
	}
	if in := t.TrainingInputFromPath; in != nil {
		path(c, at+"training_input_from_path.content_type", runtimeOnly(in.ContentType))
		for name, loc := range map[string]*S3Location{"train_s3_uri": in.TrainS3URI, "validation_s3_uri": in.ValidationURI, "test_s3_uri": in.TestURI} {
			if loc != nil {
				path(c, at+"training_input_from_path."+name+".bucket", runtimeOnly(loc.Bucket))
				path(c, at+"training_input_from_path."+name+".prefix_key", runtimeOnly(loc.PrefixKey))
			}
		}
	}
}

// runtimeOnly returns s when it is meant as a path, so literals pass.
func runtimeOnly(s string) string {
	if engine.IsRuntimePath(s) || (len(s) > 0 && s[0] == '$') {
		return s
	}
	return ""
}

// definition is the training part of CreateTrainingJob and of a tuning
// job's TrainingJobDefinition.
func (t *TrainingConfig) definition(p *engine.PlanContext) map[string]any {
	spec := map[string]any{"TrainingImage": imageOf(p.Stack, p.Item.Name, t.Algorithm, t.TrainingImage), "TrainingInputMode": t.TrainingInputMode}
	if len(t.MetricDefinitions) > 0 {
		var defs []map[string]any
		for _, m := range t.MetricDefinitions {
			defs = append(defs, map[string]any{"Name": m.Name, "Regex": m.Regex})
		}
		spec["MetricDefinitions"] = defs
	}
	def := map[string]any{
		"AlgorithmSpecification": spec,
		"RoleArn":                roleRef,
		"ResourceConfig":         t.resources().asl(),
		"StoppingCondition":      map[string]any{"MaxRuntimeInSeconds": t.MaxRuntime},
		"OutputDataConfig":       map[string]any{},
	}
	value(def["OutputDataConfig"].(map[string]any), "S3OutputPath", engine.FirstNonEmpty(t.OutputPathFromInput, t.OutputPath))
	if in := t.TrainingInputFromPath; in != nil {
		var channels []map[string]any
		add := func(name string, loc *S3Location) {
			if loc == nil {
				return
			}
			src := map[string]any{"S3DataType": "S3Prefix", "S3DataDistributionType": "FullyReplicated"}
			value(src, "S3Uri", s3URI(loc))
			ch := map[string]any{"ChannelName": name, "DataSource": map[string]any{"S3DataSource": src}}
			if in.ContentType != "" {
				value(ch, "ContentType", in.ContentType)
			}
			channels = append(channels, ch)
		}
		add("train", in.TrainS3URI)
		add("validation", in.ValidationURI)
		add("test", in.TestURI)
		def["InputDataConfig"] = channels
	}
	if t.InputPathsFromInput != "" {
		def["InputDataConfig.$"] = t.InputPathsFromInput
	}
	return def
}

// s3URI joins a bucket and prefix, at run time when either is a path.
func s3URI(l *S3Location) string {
	if !engine.IsRuntimePath(l.Bucket) && !engine.IsRuntimePath(l.PrefixKey) {
		return "s3://" + l.Bucket + "/" + l.PrefixKey
	}
	arg := func(s string) string {
		if engine.IsRuntimePath(s) {
			return s
		}
		return "'" + s + "'"
	}
	return fmt.Sprintf("States.Format('s3://{}/{}', %s, %s)", arg(l.Bucket), arg(l.PrefixKey))
}

// stringMap writes hyperparameters as the strings SageMaker wants.
func stringMap(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// Training is the sagemaker_training step.
type Training struct{}

// TrainingSpec is CreateTrainingJob.
type TrainingSpec struct {
	engine.Job         `yaml:",inline"`
	ExtJobName         string         `yaml:"ext_job_name"`
	Config             TrainingConfig `yaml:"config" validate:"required"`
	TrainingResultPath string         `yaml:"training_result_path" alias:"result_path"`
	// Model is a model created when the training is done.
	Model *AfterJob `yaml:"model"`
}

func (Training) Type() string       { return TrainingType }
func (Training) Kinds() engine.Kind { return engine.Step }
func (Training) NewSpec() any       { return &TrainingSpec{Config: newTrainingConfig()} }
func (Training) Describe() string {
	return "trains a model with a built-in algorithm or your image (createTrainingJob.sync)"
}

// Check checks the training definition and the paths.
func (Training) Check(spec any, c *engine.CheckContext) {
	s := spec.(*TrainingSpec)
	s.Config.check(c)
	path(c, "ext_job_name", runtimeOnly(s.ExtJobName))
	path(c, "training_result_path", s.TrainingResultPath)
	if m := s.Model; m != nil {
		if m.Config == nil {
			c.Errorf("model", "needs config, the model's (as a sagemaker_model step's config)").Hint = "e.g. model: {model_name_path: $.name, config: {primary_container: {algorithm: …, model_path: $.training.ModelArtifacts.S3ModelArtifacts}}}"
		} else {
			m.Config.check(c, "model.config.", m.ModelNamePath)
		}
	}
}

// Plan runs the training job.
func (Training) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*TrainingSpec)
	params := s.Config.definition(p)
	jobName(params, "TrainingJobName", s.ExtJobName, p.Item.Name, 63)
	if len(s.Config.Hyperparameters) > 0 {
		params["HyperParameters"] = stringMap(s.Config.Hyperparameters)
	}
	if s.Config.HyperparametersFromPath != "" {
		params["HyperParameters.$"] = s.Config.HyperparametersFromPath
	}
	if e := s.Config.Experiment; e != nil {
		params["ExperimentConfig"] = e.asl()
	}
	s.Config.Tagging.applyTags(p, params)
	st := task("createTrainingJob.sync", params, engine.FirstNonEmpty(s.Description, s.Comment))
	resultPath(st, s.TrainingResultPath)
	p.Allow([]string{"sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob", "sagemaker:AddTags"},
		engine.ARN("sagemaker", "training-job/*"))
	syncRule(p, "StepFunctionsGetEventsForSageMakerTrainingJobsRule")
	passRole(p)
	out := asl.Single(p.StateName(), st)
	if m := s.Model; m != nil && m.Config != nil {
		model, err := planModel(p, m.Config, m.ModelNamePath, "the model of the training", "model")
		if err != nil {
			return nil, err
		}
		if err := out.Then(model); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// HPO is the sagemaker_hpo step.
type HPO struct{}

// ParameterRange is one hyperparameter range to search.
type ParameterRange struct {
	Name        string   `yaml:"name" validate:"required"`
	Type        string   `yaml:"type" validate:"required"`
	MinValue    *float64 `yaml:"min_value"`
	MaxValue    *float64 `yaml:"max_value"`
	Values      []string `yaml:"values"`
	ScalingType string   `yaml:"scaling_type" validate:"omitempty,oneof=Auto Linear Logarithmic ReverseLogarithmic"`
}

// HPOSpec is CreateHyperParameterTuningJob.
type HPOSpec struct {
	engine.Job    `yaml:",inline"`
	ExtJobName    string `yaml:"ext_job_name"`
	HPOResultPath string `yaml:"hpo_result_path"`
	// Model is a model created when the tuning is done: from the best
	// training job's image and artifacts, or as its config says.
	Model  *AfterJob `yaml:"model"`
	Config struct {
		TrainingConfig `yaml:",inline"`
		Strategy       string `yaml:"strategy" validate:"omitempty,oneof=Bayesian Random Hyperband Grid"`
		Objective      struct {
			Type   string `yaml:"type" validate:"required,oneof=Minimize Maximize"`
			Metric string `yaml:"metric" validate:"required"`
		} `yaml:"objective" validate:"required"`
		ResourceLimits struct {
			// NbOfTrainingJobs 0 sets no limit: SageMaker stops on
			// its own criteria.
			NbOfTrainingJobs        int `yaml:"nb_of_training_jobs" validate:"min=0,max=750"`
			MaxParallelTrainingJobs int `yaml:"max_parallel_training_jobs" validate:"min=1,max=100"`
		} `yaml:"resource_limits"`
		ParameterRanges []*ParameterRange `yaml:"parameter_ranges" validate:"dive"`
		// BestModelPath, when set, is where the location of the best
		// training job's model is kept after tuning, as
		// {statusCode: 200, path: "<S3OutputPath>/<best job>/output/model.tar.gz"}.
		BestModelPath         string `yaml:"best_model_path"`
		StaticHyperparameters []*struct {
			Name  string `yaml:"name" validate:"required"`
			Value any    `yaml:"value" validate:"required"`
		} `yaml:"static_hyperparameters" validate:"dive"`
	} `yaml:"config" validate:"required"`
}

func (HPO) Type() string       { return HPOType }
func (HPO) Kinds() engine.Kind { return engine.Step }
func (HPO) Describe() string {
	return "tunes hyperparameters (createHyperParameterTuningJob.sync), optionally creating a model from the best job"
}
func (HPO) NewSpec() any {
	s := &HPOSpec{}
	s.Config.TrainingConfig = newTrainingConfig()
	s.Config.Strategy = "Bayesian"
	s.Config.ResourceLimits.NbOfTrainingJobs = 10
	s.Config.ResourceLimits.MaxParallelTrainingJobs = 1
	return s
}

var rangeTypes = []string{"categorical", "continuous", "integer"}

// Check checks the training definition, the ranges and the paths.
func (HPO) Check(spec any, c *engine.CheckContext) {
	s := spec.(*HPOSpec)
	s.Config.TrainingConfig.check(c)
	for i, r := range s.Config.ParameterRanges {
		if r == nil {
			continue
		}
		at := fmt.Sprintf("config.parameter_ranges[%d]", i)
		switch r.Type {
		case "continuous", "integer":
			if r.MinValue == nil || r.MaxValue == nil {
				c.Errorf(at, "a %s range needs min_value and max_value", r.Type)
				continue
			}
			if *r.MinValue > *r.MaxValue {
				c.Errorf(at+".min_value", "min_value %g is more than max_value %g", *r.MinValue, *r.MaxValue)
			}
			if r.Type == "integer" && (*r.MinValue != float64(int64(*r.MinValue)) || *r.MaxValue != float64(int64(*r.MaxValue))) {
				c.Errorf(at, "an integer range takes whole numbers")
			}
		case "categorical":
			if len(r.Values) == 0 {
				c.Errorf(at, "a categorical range needs values")
			}
		default:
			if r.Type != "" {
				c.Errorf(at+".type", "unknown parameter range type %q", r.Type).Hint = "one of " + quoteList(rangeTypes)
			}
		}
	}
	path(c, "config.best_model_path", s.Config.BestModelPath)
	if s.Config.BestModelPath != "" && s.HPOResultPath == "" {
		c.Errorf("config.best_model_path", "keeping the best model's location needs hpo_result_path, where the tuning result is kept")
	}
	if n := s.Config.ResourceLimits.NbOfTrainingJobs; n > 0 && s.Config.ResourceLimits.MaxParallelTrainingJobs > n {
		c.Errorf("config.resource_limits.max_parallel_training_jobs", "is more than nb_of_training_jobs (%d)", s.Config.ResourceLimits.NbOfTrainingJobs)
	}
	path(c, "ext_job_name", runtimeOnly(s.ExtJobName))
	path(c, "hpo_result_path", s.HPOResultPath)
	if s.Model != nil && s.Model.Config != nil {
		s.Model.Config.check(c, "model.config.", s.Model.ModelNamePath)
	} else if s.Model != nil {
		path(c, "model.model_name_path", s.Model.ModelNamePath)
		if s.HPOResultPath == "" {
			c.Errorf("model", "creating a model from the best training job needs hpo_result_path, where the tuning result is kept")
		}
	}
}

// bestModel keeps where the best training job's model is: the tuning
// job's output path, the job's name and output/model.tar.gz, joined by
// one slash whether or not the output path ends with one.
func bestModel(p *engine.PlanContext, result, at string) *asl.Fragment {
	base, job := result+".TrainingJobDefinition.OutputDataConfig.S3OutputPath", result+".BestTrainingJob.TrainingJobName"
	kept := func(sep string) *asl.State {
		return &asl.State{Type: asl.Pass, ResultPath: asl.Path(at), Parameters: map[string]any{
			"statusCode": 200, "path.$": fmt.Sprintf("States.Format('{}%s{}/output/model.tar.gz', %s, %s)", sep, base, job)}}
	}
	slash, noSlash := p.StateName("best model", "after slash"), p.StateName("best model")
	choice := &asl.State{Type: asl.Choice, Choices: []*asl.ChoiceRule{
		{Variable: base, Comparison: map[string]any{"StringMatches": "*/"}, Next: slash},
	}, Default: noSlash}
	out := asl.Single(p.StateName("best model", "path"), choice)
	_ = out.Merge(asl.Single(slash, kept("")))
	_ = out.Merge(asl.Single(noSlash, kept("/")))
	return out
}

func quoteList(l []string) string {
	out := ""
	for i, s := range l {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%q", s)
	}
	return out
}

// Plan runs the tuning job, then, with model:, describes the best
// training job and creates a model from its artifacts.
func (HPO) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*HPOSpec)
	cfg := &s.Config
	ranges := map[string]any{}
	var cont, ints, cats []map[string]any
	for _, r := range cfg.ParameterRanges {
		m := map[string]any{"Name": r.Name}
		switch r.Type {
		case "continuous", "integer":
			m["MinValue"] = fmt.Sprint(*r.MinValue)
			m["MaxValue"] = fmt.Sprint(*r.MaxValue)
			m["ScalingType"] = engine.FirstNonEmpty(r.ScalingType, "Auto")
			if r.Type == "integer" {
				ints = append(ints, m)
			} else {
				cont = append(cont, m)
			}
		case "categorical":
			m["Values"] = r.Values
			cats = append(cats, m)
		}
	}
	for k, v := range map[string][]map[string]any{"ContinuousParameterRanges": cont, "IntegerParameterRanges": ints, "CategoricalParameterRanges": cats} {
		if len(v) > 0 {
			ranges[k] = v
		}
	}
	limits := map[string]any{"MaxParallelTrainingJobs": cfg.ResourceLimits.MaxParallelTrainingJobs}
	if n := cfg.ResourceLimits.NbOfTrainingJobs; n > 0 {
		limits["MaxNumberOfTrainingJobs"] = n
	}
	def := cfg.TrainingConfig.definition(p)
	if len(cfg.StaticHyperparameters) > 0 {
		static := map[string]any{}
		for _, h := range cfg.StaticHyperparameters {
			static[h.Name] = fmt.Sprint(h.Value)
		}
		def["StaticHyperParameters"] = static
	} else if len(cfg.Hyperparameters) > 0 {
		def["StaticHyperParameters"] = stringMap(cfg.Hyperparameters)
	}
	params := map[string]any{
		"HyperParameterTuningJobConfig": map[string]any{
			"Strategy":                         cfg.Strategy,
			"HyperParameterTuningJobObjective": map[string]any{"Type": cfg.Objective.Type, "MetricName": cfg.Objective.Metric},
			"ResourceLimits":                   limits,
			"ParameterRanges":                  ranges,
		},
		"TrainingJobDefinition": def,
	}
	// Tuning job names are at most 32 characters: the step name cut to
	// 23 and 8 random hex digits of a UUID.
	if s.ExtJobName != "" {
		value(params, "HyperParameterTuningJobName", s.ExtJobName)
	} else {
		prefix := safeName(p.Item.Name)
		if len(prefix) > 23 {
			prefix = prefix[:23]
		}
		params["HyperParameterTuningJobName.$"] = fmt.Sprintf("States.Format('%s-{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0))", prefix)
	}
	cfg.Tagging.applyTags(p, params)
	st := task("createHyperParameterTuningJob.sync", params, engine.FirstNonEmpty(s.Description, s.Comment))
	resultPath(st, s.HPOResultPath)
	out := asl.Single(p.StateName(), st)
	p.Allow([]string{"sagemaker:CreateHyperParameterTuningJob", "sagemaker:DescribeHyperParameterTuningJob", "sagemaker:StopHyperParameterTuningJob",
		"sagemaker:ListTrainingJobsForHyperParameterTuningJob", "sagemaker:AddTags"}, engine.ARN("sagemaker", "hyper-parameter-tuning-job/*"))
	syncRule(p, "StepFunctionsGetEventsForSageMakerTuningJobsRule")
	passRole(p)
	if cfg.BestModelPath != "" {
		if s.HPOResultPath == "" {
			return nil, fmt.Errorf("best_model_path needs hpo_result_path")
		}
		if err := out.Then(bestModel(p, s.HPOResultPath, cfg.BestModelPath)); err != nil {
			return nil, err
		}
	}
	if m := s.Model; m != nil && m.Config != nil {
		model, err := planModel(p, m.Config, m.ModelNamePath, "the model of the tuning", "model")
		if err != nil {
			return nil, err
		}
		if err := out.Then(model); err != nil {
			return nil, err
		}
	} else if s.Model != nil {
		best := s.HPOResultPath + ".BestTrainingJob.TrainingJobName"
		describe := &asl.State{Type: asl.Task, Resource: "arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob",
			Parameters:     map[string]any{"TrainingJobName.$": best},
			ResultSelector: map[string]any{"ModelDataUrl.$": "$.ModelArtifacts.S3ModelArtifacts", "Image.$": "$.AlgorithmSpecification.TrainingImage"},
			ResultPath:     asl.Path(s.HPOResultPath + ".BestModel")}
		model := task("createModel", map[string]any{
			"ModelName.$":      s.Model.ModelNamePath,
			"ExecutionRoleArn": roleRef,
			"PrimaryContainer": map[string]any{"Image.$": s.HPOResultPath + ".BestModel.Image", "ModelDataUrl.$": s.HPOResultPath + ".BestModel.ModelDataUrl"},
		}, "a model from the best training job")
		model.ResultPath = asl.Discard()
		if err := out.Then(asl.Single(p.StateName("best job"), describe)); err != nil {
			return nil, err
		}
		if err := out.Then(asl.Single(p.StateName("model"), model)); err != nil {
			return nil, err
		}
		p.Allow([]string{"sagemaker:DescribeTrainingJob"}, engine.ARN("sagemaker", "training-job/*"))
		p.Allow([]string{"sagemaker:CreateModel", "sagemaker:AddTags"}, engine.ARN("sagemaker", "model/*"))
	}
	return out, nil
}
