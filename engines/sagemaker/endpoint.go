package sagemaker

import (
	"strconv"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// EndpointConfig is the sagemaker_endpoint_config step.
type EndpointConfig struct{}

// EndpointConfigSpec is CreateEndpointConfig; its name is the endpoint's.
type EndpointConfigSpec struct {
	engine.Job `yaml:",inline"`
	Endpoint   string `yaml:"endpoint" validate:"required"`
	Config     struct {
		TaskOptions   `yaml:",inline"`
		InstanceType  string `yaml:"instance_type" validate:"required"`
		InstanceCount int    `yaml:"instance_count" validate:"min=1"`
		// ModelNamePath names the variant's model: a $. path or a literal.
		ModelNamePath string `yaml:"model_name_path" validate:"required"`
		// VariantName defaults to AllTraffic; a literal or a $. path.
		VariantName     string `yaml:"variant_name"`
		AcceleratorType string `yaml:"accelerator_type"`
		// KmsKey is the key (ARN or id) of the instances' storage.
		KmsKey string `yaml:"kms_key"`
		// DeleteExisting deletes a configuration of the same name
		// first, when there is one; DeleteExistingResultPath keeps false
		// when one was deleted, true when none could be.
		DeleteExisting           bool   `yaml:"delete_existing"`
		DeleteExistingResultPath string `yaml:"delete_existing_result_path"`
		// ArnResultPath keeps the new configuration's ARN.
		ArnResultPath string `yaml:"arn_result_path"`
		Tagging       `yaml:",inline"`
	} `yaml:"config" validate:"required"`
}

func (EndpointConfig) Type() string       { return EndpointConfigType }
func (EndpointConfig) Kinds() engine.Kind { return engine.Step }
func (EndpointConfig) Describe() string {
	return "creates an endpoint configuration named after the endpoint (createEndpointConfig), optionally deleting one of the same name first"
}
func (EndpointConfig) NewSpec() any {
	s := &EndpointConfigSpec{}
	s.Config.InstanceCount = 1
	return s
}

// Check checks the paths and the instance type.
func (EndpointConfig) Check(spec any, c *engine.CheckContext) {
	s := spec.(*EndpointConfigSpec)
	path(c, "endpoint", runtimeOnly(s.Endpoint))
	path(c, "config.model_name_path", runtimeOnly(s.Config.ModelNamePath))
	path(c, "config.variant_name", runtimeOnly(s.Config.VariantName))
	path(c, "config.delete_existing_result_path", s.Config.DeleteExistingResultPath)
	path(c, "config.arn_result_path", s.Config.ArnResultPath)
	if s.Config.DeleteExistingResultPath != "" && !s.Config.DeleteExisting {
		c.Errorf("config.delete_existing_result_path", "needs delete_existing: true")
	}
	s.Config.TaskOptions.check(c, "config.")
	s.Config.Tagging.checkTags(c, "config.")
	s.Config.InstanceType = instanceType(c, "config.instance_type", s.Config.InstanceType)
	if s.Config.AcceleratorType != "" && !strings.HasPrefix(s.Config.AcceleratorType, "ml.eia") {
		c.Errorf("config.accelerator_type", "%q is not an Elastic Inference accelerator, e.g. ml.eia2.medium", s.Config.AcceleratorType)
	}
}

// Plan creates the endpoint configuration.
func (EndpointConfig) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*EndpointConfigSpec)
	cfg := &s.Config
	variant := map[string]any{"InitialInstanceCount": cfg.InstanceCount, "InstanceType": cfg.InstanceType, "InitialVariantWeight": 1}
	value(variant, "VariantName", engine.FirstNonEmpty(cfg.VariantName, "AllTraffic"))
	value(variant, "ModelName", cfg.ModelNamePath)
	if cfg.AcceleratorType != "" {
		variant["AcceleratorType"] = cfg.AcceleratorType
	}
	params := map[string]any{"ProductionVariants": []map[string]any{variant}}
	value(params, "EndpointConfigName", s.Endpoint)
	if cfg.KmsKey != "" {
		params["KmsKeyId"] = cfg.KmsKey
	}
	cfg.Tagging.applyTags(p, params)
	create := task("createEndpointConfig", params, engine.FirstNonEmpty(s.Description, s.Comment))
	cfg.TaskOptions.apply(create)
	p.Allow([]string{"sagemaker:CreateEndpointConfig", "sagemaker:AddTags"}, engine.ARN("sagemaker", "endpoint-config/*"))
	out := asl.Single(p.StateName(), create)
	if cfg.ArnResultPath != "" {
		// The create call answers {EndpointConfigArn}; the ARN alone is kept.
		answer := cfg.ResultPath
		if answer == "" {
			answer = cfg.ArnResultPath
			create.ResultPath = asl.Path(answer)
		}
		keep := &asl.State{Type: asl.Pass, InputPath: asl.Path(answer + ".EndpointConfigArn"), ResultPath: asl.Path(cfg.ArnResultPath)}
		if err := out.Then(asl.Single(p.StateName("arn"), keep)); err != nil {
			return nil, err
		}
	}
	if !cfg.DeleteExisting {
		return out, nil
	}
	del := map[string]any{}
	value(del, "EndpointConfigName", s.Endpoint)
	p.Allow([]string{"sagemaker:DeleteEndpointConfig"}, engine.ARN("sagemaker", "endpoint-config/*"))
	return deleteFirst(func(more string) string { return p.StateName(more) }, "deleteEndpointConfig", del, cfg.DeleteExistingResultPath, out)
}

// Endpoint is the sagemaker_endpoint step.
type Endpoint struct{}

// EndpointSpec creates (or updates) an endpoint and may wait for it.
type EndpointSpec struct {
	engine.Job `yaml:",inline"`
	Endpoint   string `yaml:"endpoint" validate:"required"`
	Config     struct {
		TaskOptions        `yaml:",inline"`
		EndpointConfigName string `yaml:"endpoint_config_name"`
		Update             bool   `yaml:"update"`
		// CreateOrUpdate checks the endpoint first: one in service is
		// updated, one that failed or is out of service is deleted and
		// created again, a missing one is created, and one that is busy
		// (creating, updating…) is left as it is. ExistsResultPath keeps
		// the verdict: true, false, or "None" when busy.
		CreateOrUpdate   bool   `yaml:"create_or_update"`
		ExistsResultPath string `yaml:"exists_result_path"`
		// WaitForCompletion polls the endpoint until it is in service,
		// at most retry_count times, wait_seconds apart.
		WaitForCompletion bool `yaml:"wait_for_completion"`
		RetryCount        int  `yaml:"retry_count" validate:"min=1,max=1000"`
		WaitSeconds       int  `yaml:"wait_seconds" validate:"min=1,max=3600"`
		// WaitBeforeCheck waits before the first check (default true);
		// false checks at once.
		WaitBeforeCheck bool `yaml:"wait_before_check"`
		// StatusPath is where the polling keeps {attempts, status}.
		StatusPath string `yaml:"status_path"`
		// Tagging tags a created endpoint; with create_or_update, one in
		// service is tagged before it is updated (UpdateEndpoint takes no
		// tags; an endpoint keeps its own).
		Tagging `yaml:",inline"`
	} `yaml:"config"`
}

func (Endpoint) Type() string       { return EndpointType }
func (Endpoint) Kinds() engine.Kind { return engine.Step }
func (Endpoint) Describe() string {
	return "creates or updates an endpoint (or checks which it needs); with wait_for_completion, polls it until InService or Failed"
}
func (Endpoint) NewSpec() any {
	s := &EndpointSpec{}
	s.Config.RetryCount = 30
	s.Config.WaitSeconds = 60
	s.Config.WaitBeforeCheck = true
	return s
}

// Check checks the paths.
func (Endpoint) Check(spec any, c *engine.CheckContext) {
	s := spec.(*EndpointSpec)
	path(c, "endpoint", runtimeOnly(s.Endpoint))
	path(c, "config.endpoint_config_name", runtimeOnly(s.Config.EndpointConfigName))
	path(c, "config.exists_result_path", s.Config.ExistsResultPath)
	path(c, "config.status_path", s.Config.StatusPath)
	s.Config.TaskOptions.check(c, "config.")
	if s.Config.CreateOrUpdate && s.Config.Update {
		c.Errorf("config.update", "give update or create_or_update, not both")
	}
	s.Config.Tagging.checkTags(c, "config.")
	if s.Config.Update && s.Config.Tagging.tagged() {
		c.Errorf("config.update", "an updated endpoint cannot be tagged: UpdateEndpoint takes no tags").Hint = "use create_or_update: an endpoint in service is tagged, then updated"
	}
}

// stateKey turns a step name into a key of the state.
func stateKey(name string) string {
	return "$." + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, name)
}

// Plan creates or updates the endpoint; waiting is a loop of Wait,
// DescribeEndpoint and a Choice on its status, bounded by retry_count.
func (Endpoint) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*EndpointSpec)
	cfg := &s.Config
	params := map[string]any{}
	value(params, "EndpointName", s.Endpoint)
	value(params, "EndpointConfigName", engine.FirstNonEmpty(cfg.EndpointConfigName, s.Endpoint))
	comment := engine.FirstNonEmpty(s.Description, s.Comment)
	arns := []string{engine.ARN("sagemaker", "endpoint/*"), engine.ARN("sagemaker", "endpoint-config/*")}
	out := &asl.Fragment{States: map[string]*asl.State{}}
	var calls []*asl.State // the create and update states, which the wait follows
	add := func(name string, st *asl.State) {
		out.States[name] = st
		if out.StartAt == "" {
			out.StartAt = name
		}
	}
	switch {
	case cfg.CreateOrUpdate:
		exists := engine.FirstNonEmpty(cfg.ExistsResultPath, stateKey(p.Item.Name)+"_exists")
		describe := map[string]any{}
		value(describe, "EndpointName", s.Endpoint)
		verdict := func(v any, next string) *asl.State {
			return &asl.State{Type: asl.Pass, Result: v, ResultPath: asl.Path(exists), Next: next}
		}
		create, update := task("createEndpoint", withTags(p, &cfg.Tagging, params), comment), task("updateEndpoint", params, comment)
		cfg.TaskOptions.apply(create)
		cfg.TaskOptions.apply(update)
		secs := 30
		found, inService := map[string]any{"status.$": "$.EndpointStatus"}, p.StateName("exists")
		if cfg.Tagging.tagged() {
			found["arn.$"] = "$.EndpointArn"
			inService = p.StateName("tag")
		}
		add(p.StateName("exists?"), &asl.State{Type: asl.Task, Resource: "arn:aws:states:::aws-sdk:sagemaker:describeEndpoint", Parameters: describe,
			ResultSelector: found, ResultPath: asl.Path(exists), Next: p.StateName("status?"),
			Catch: []asl.Catcher{{ErrorEquals: []string{"States.TaskFailed"}, Next: p.StateName("does not exist"), ResultPath: asl.Discard()}}})
		add(p.StateName("status?"), &asl.State{Type: asl.Choice, Choices: []*asl.ChoiceRule{
			{Variable: exists + ".status", Comparison: map[string]any{"StringEquals": "InService"}, Next: inService},
			{Variable: exists + ".status", Comparison: map[string]any{"StringEquals": "Failed"}, Next: p.StateName("delete")},
			{Variable: exists + ".status", Comparison: map[string]any{"StringEquals": "OutOfService"}, Next: p.StateName("delete")},
		}, Default: p.StateName("busy")})
		if cfg.Tagging.tagged() {
			// An endpoint in service is tagged, then updated.
			tag := withTags(p, &cfg.Tagging, map[string]any{"ResourceArn.$": exists + ".arn"})
			add(inService, &asl.State{Type: asl.Task, Resource: "arn:aws:states:::aws-sdk:sagemaker:addTags", Parameters: tag,
				ResultPath: asl.Discard(), Next: p.StateName("exists"), Comment: "UpdateEndpoint takes no tags"})
		}
		add(p.StateName("exists"), verdict(true, p.StateName("update")))
		add(p.StateName("delete"), &asl.State{Type: asl.Task, Resource: "arn:aws:states:::aws-sdk:sagemaker:deleteEndpoint", Parameters: describe,
			ResultPath: asl.Discard(), Next: p.StateName("deleting"), Comment: "an endpoint that failed or is out of service is made again"})
		add(p.StateName("deleting"), &asl.State{Type: asl.Wait, Seconds: &secs, Next: p.StateName("does not exist")})
		add(p.StateName("does not exist"), verdict(false, p.StateName()))
		add(p.StateName("busy"), verdict("None", ""))
		add(p.StateName(), create)
		add(p.StateName("update"), update)
		calls = []*asl.State{create, update}
		p.Allow([]string{"sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DeleteEndpoint", "sagemaker:DescribeEndpoint", "sagemaker:AddTags"}, arns...)
	default:
		action, api := "createEndpoint", "sagemaker:CreateEndpoint"
		if cfg.Update {
			action, api = "updateEndpoint", "sagemaker:UpdateEndpoint"
		}
		if !cfg.Update {
			params = withTags(p, &cfg.Tagging, params)
		}
		st := task(action, params, comment)
		cfg.TaskOptions.apply(st)
		add(p.StateName(), st)
		calls = []*asl.State{st}
		p.Allow([]string{api, "sagemaker:AddTags"}, arns...)
	}
	if !cfg.WaitForCompletion {
		return out, nil
	}
	wait, err := waitForEndpoint(p, s)
	if err != nil {
		return nil, err
	}
	for _, c := range calls {
		c.Next = wait.StartAt
	}
	if err := out.Merge(wait); err != nil {
		return nil, err
	}
	p.Allow([]string{"sagemaker:DescribeEndpoint"}, engine.ARN("sagemaker", "endpoint/*"))
	return out, nil
}

// withTags returns a copy of params with the step's tags.
func withTags(p *engine.PlanContext, t *Tagging, params map[string]any) map[string]any {
	out := make(map[string]any, len(params)+1)
	for k, v := range params {
		out[k] = v
	}
	t.applyTags(p, out)
	return out
}

// waitForEndpoint polls the endpoint: at most retry_count checks,
// wait_seconds apart, ending in service, failed or timed out.
func waitForEndpoint(p *engine.PlanContext, s *EndpointSpec) (*asl.Fragment, error) {
	cfg := &s.Config
	key := engine.FirstNonEmpty(cfg.StatusPath, stateKey(p.Item.Name)+"_wait")
	secs := cfg.WaitSeconds
	describe := map[string]any{}
	value(describe, "EndpointName", s.Endpoint)
	first := p.StateName("status")
	if cfg.WaitBeforeCheck {
		first = p.StateName("wait")
	}
	out := asl.Single(p.StateName("start waiting"), &asl.State{Type: asl.Pass, Result: map[string]any{"attempts": 0}, ResultPath: asl.Path(key), Next: first})
	ready, failed, timedOut := p.StateName("in service"), p.StateName("failed"), p.StateName("timed out")
	for name, st := range map[string]*asl.State{
		p.StateName("wait"): {Type: asl.Wait, Seconds: &secs, Next: p.StateName("status")},
		p.StateName("status"): {Type: asl.Task, Resource: "arn:aws:states:::aws-sdk:sagemaker:describeEndpoint", Parameters: describe,
			ResultSelector: map[string]any{"status.$": "$.EndpointStatus"}, ResultPath: asl.Path(key + ".status"), Next: p.StateName("count")},
		p.StateName("count"): {Type: asl.Pass, Parameters: map[string]any{"attempts.$": "States.MathAdd(" + key + ".attempts, 1)", "status.$": key + ".status.status"},
			ResultPath: asl.Path(key), Next: p.StateName("check")},
		p.StateName("check"): {Type: asl.Choice, Choices: []*asl.ChoiceRule{
			{Variable: key + ".status", Comparison: map[string]any{"StringEquals": "InService"}, Next: ready},
			{Variable: key + ".status", Comparison: map[string]any{"StringEquals": "Failed"}, Next: failed},
			{Variable: key + ".attempts", Comparison: map[string]any{"NumericGreaterThanEquals": cfg.RetryCount}, Next: timedOut},
		}, Default: p.StateName("wait")},
		ready:    {Type: asl.Pass},
		failed:   {Type: asl.Fail, Error: "SageMaker.EndpointFailed", Cause: "the endpoint's status is Failed"},
		timedOut: {Type: asl.Fail, Error: "SageMaker.EndpointTimeout", Cause: "the endpoint was not InService after " + strconv.Itoa(cfg.RetryCount) + " checks"},
	} {
		if err := out.Merge(asl.Single(name, st)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
