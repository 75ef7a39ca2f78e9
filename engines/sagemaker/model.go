package sagemaker

import (
	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// TaskOptions are the Task state fields a step's main state may set.
type TaskOptions struct {
	// Timeout and Heartbeat are the state's TimeoutSeconds and
	// HeartbeatSeconds.
	Timeout   int `yaml:"timeout" validate:"min=0,max=99999999"`
	Heartbeat int `yaml:"heartbeat" validate:"min=0,max=99999999"`
	// InputPath, OutputPath and ResultPath are the state's; ResultPath
	// discards the result by default.
	InputPath  string `yaml:"input_path"`
	OutputPath string `yaml:"output_path"`
	ResultPath string `yaml:"result_path"`
}

func (o *TaskOptions) check(c *engine.CheckContext, at string) {
	path(c, at+"input_path", o.InputPath)
	path(c, at+"output_path", o.OutputPath)
	path(c, at+"result_path", o.ResultPath)
	if o.Heartbeat > 0 && o.Timeout > 0 && o.Heartbeat >= o.Timeout {
		c.Errorf(at+"heartbeat", "is %d s, not less than timeout (%d s)", o.Heartbeat, o.Timeout)
	}
}

func (o *TaskOptions) apply(st *asl.State) {
	st.TimeoutSeconds, st.HeartbeatSeconds = o.Timeout, o.Heartbeat
	if o.InputPath != "" {
		st.InputPath = asl.Path(o.InputPath)
	}
	if o.OutputPath != "" {
		st.OutputPath = asl.Path(o.OutputPath)
	}
	resultPath(st, o.ResultPath)
}

// Model is the sagemaker_model step.
type Model struct{}

// ModelConfig is what CreateModel needs.
type ModelConfig struct {
	TaskOptions      `yaml:",inline"`
	ModelNamePath    string `yaml:"model_name_path"`
	PrimaryContainer struct {
		Algorithm *Algorithm `yaml:"algorithm"`
		Image     *Image     `yaml:"image"`
		ModelPath string     `yaml:"model_path" validate:"required"`
	} `yaml:"primary_container" validate:"required"`
	NetworkIsolation bool `yaml:"enable_network_isolation"`
	// Role is the model's execution role ARN; the stack's SageMaker role
	// by default.
	Role string `yaml:"role"`
	// DeleteExisting deletes a model of the same name first, when there
	// is one, so that a second run can create it again.
	DeleteExisting bool `yaml:"delete_existing"`
	// DeleteExistingResultPath keeps what the deletion found: false when
	// a model was deleted, true when none could be (the data.all
	// blueprint's answer).
	DeleteExistingResultPath string `yaml:"delete_existing_result_path"`
	Tagging                  `yaml:",inline"`
}

// ModelSpec is CreateModel.
type ModelSpec struct {
	engine.Job    `yaml:",inline"`
	ModelNamePath string      `yaml:"model_name_path"`
	Config        ModelConfig `yaml:"config" validate:"required"`
}

// AfterJob is a model a training or tuning job creates when it is done.
type AfterJob struct {
	ModelNamePath string `yaml:"model_name_path" validate:"required"`
	// Config is the model's, as a sagemaker_model step's config; without
	// it a tuning job's model is made from its best training job.
	Config *ModelConfig `yaml:"config"`
}

func (Model) Type() string       { return ModelType }
func (Model) Kinds() engine.Kind { return engine.Step }
func (Model) NewSpec() any       { return &ModelSpec{} }
func (Model) Describe() string {
	return "creates a model from artifacts and an image (createModel), optionally deleting one of the same name first"
}

func (s *ModelSpec) name() string {
	return engine.FirstNonEmpty(s.Config.ModelNamePath, s.ModelNamePath)
}

// Check requires a name and an image.
func (Model) Check(spec any, c *engine.CheckContext) {
	s := spec.(*ModelSpec)
	if s.name() == "" {
		c.Errorf("config.model_name_path", "is required: the model's name, a $. path or a literal")
	}
	s.Config.check(c, "config.", s.name())
}

func (m *ModelConfig) check(c *engine.CheckContext, at, name string) {
	pc := &m.PrimaryContainer
	path(c, at+"model_name_path", runtimeOnly(name))
	switch {
	case pc.Algorithm == nil && pc.Image == nil:
		c.Errorf(at+"primary_container", "needs algorithm {name, version} or image")
	case pc.Algorithm != nil && pc.Image != nil:
		c.Errorf(at+"primary_container.image", "give algorithm or image, not both")
	case pc.Algorithm != nil:
		checkAlgorithm(c, at+"primary_container.algorithm", pc.Algorithm)
	default:
		checkImage(c, at+"primary_container.image", pc.Image)
	}
	path(c, at+"primary_container.model_path", runtimeOnly(pc.ModelPath))
	path(c, at+"delete_existing_result_path", m.DeleteExistingResultPath)
	if m.DeleteExistingResultPath != "" && !m.DeleteExisting {
		c.Errorf(at+"delete_existing_result_path", "needs delete_existing: true")
	}
	m.TaskOptions.check(c, at)
	m.Tagging.checkTags(c, at)
}

// Plan creates the model.
func (Model) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*ModelSpec)
	return planModel(p, &s.Config, s.name(), engine.FirstNonEmpty(s.Description, s.Comment))
}

// planModel creates a model, named by its step's states (with suffix
// when it follows another job's), deleting one of the same name first
// when asked.
func planModel(p *engine.PlanContext, m *ModelConfig, name, comment string, suffix ...string) (*asl.Fragment, error) {
	pc := &m.PrimaryContainer
	container := map[string]any{"Image": imageOf(p.Stack, p.Item.Name, pc.Algorithm, pc.Image)}
	value(container, "ModelDataUrl", pc.ModelPath)
	params := map[string]any{"ExecutionRoleArn": roleRef, "PrimaryContainer": container}
	if m.Role != "" {
		params["ExecutionRoleArn"] = m.Role
		p.Allow([]string{"iam:PassRole"}, m.Role)
	} else {
		passRole(p)
	}
	value(params, "ModelName", name)
	if m.NetworkIsolation {
		params["EnableNetworkIsolation"] = true
	}
	m.Tagging.applyTags(p, params)
	create := task("createModel", params, comment)
	m.TaskOptions.apply(create)
	p.Allow([]string{"sagemaker:CreateModel", "sagemaker:AddTags"}, engine.ARN("sagemaker", "model/*"))
	createName := p.StateName(suffix...)
	if !m.DeleteExisting {
		return asl.Single(createName, create), nil
	}
	named := func(more string) string { return p.StateName(append(append([]string{}, suffix...), more)...) }
	del := map[string]any{}
	value(del, "ModelName", name)
	p.Allow([]string{"sagemaker:DeleteModel"}, engine.ARN("sagemaker", "model/*"))
	return deleteFirst(named, "deleteModel", del, m.DeleteExistingResultPath, asl.Single(createName, create))
}

// deleteFirst runs the SDK call action (a delete), going on whether or
// not there was something to delete, then then; with resultPath, false
// is kept there when something was deleted and true when nothing could be.
func deleteFirst(named func(string) string, action string, params map[string]any, resultPath string, then *asl.Fragment) (*asl.Fragment, error) {
	del := &asl.State{Type: asl.Task, Resource: "arn:aws:states:::aws-sdk:sagemaker:" + action, Parameters: params,
		ResultPath: asl.Discard(), Comment: "delete an existing one of the same name, if there is one"}
	out := asl.Single(named("delete existing"), del)
	next := then.StartAt
	if resultPath != "" {
		deleted, none := named("deleted"), named("none to delete")
		next = none
		for n, v := range map[string]bool{deleted: false, none: true} {
			if err := out.Merge(asl.Single(n, &asl.State{Type: asl.Pass, Result: v, ResultPath: asl.Path(resultPath), Next: then.StartAt})); err != nil {
				return nil, err
			}
		}
		del.Next = deleted
	} else {
		del.Next = then.StartAt
	}
	del.Catch = []asl.Catcher{{ErrorEquals: []string{"States.TaskFailed"}, Next: next, ResultPath: asl.Discard()}}
	if err := out.Merge(then); err != nil {
		return nil, err
	}
	return out, nil
}
