package lambda

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Types of this package.
const (
	FunctionType = "lambda_function"
	LayerType    = "lambda_layer"
)

// Defaults of a function.
const (
	DefaultTimeout = 60  // seconds; Lambda's own 3 s is too short for data work
	DefaultMemory  = 128 // MB, Lambda's default
)

// Function is lambda_function: a standalone function under aws_resources,
// a step that creates and invokes one, or a trigger that starts the state
// machine.
type Function struct{}

// FunctionSpec is the whole item.
type FunctionSpec struct {
	engine.Job `yaml:",inline"`
	// Named is physical_name, the function's name (by default
	// CloudFormation makes one up).
	engine.Named `yaml:",inline"`
	Config       FunctionConfig `yaml:"config" validate:"required"`
	// ResultPath keeps the invocation result ({"Payload": …}) in the state.
	ResultPath string `yaml:"result_path"`
}

// FunctionConfig holds what data.all writes under config.
type FunctionConfig struct {
	Entry       string            `yaml:"entry" validate:"required_without=Image"`
	Index       string            `yaml:"index" validate:"required_without=Image"`
	Handler     string            `yaml:"handler" validate:"required_without=Image"`
	Runtime     string            `yaml:"runtime"`
	Timeout     int               `yaml:"timeout" unit:"seconds" validate:"min=1,max=900"`
	Memory      int               `yaml:"memory" alias:"memory_size" unit:"MB" validate:"min=128,max=10240"`
	Environment map[string]string `yaml:"environment"`
	LayerRef    []string          `yaml:"layer_ref" alias:"layers"`
	// ReservedConcurrentExecutions caps parallel runs; 0 disables the function.
	ReservedConcurrentExecutions *int `yaml:"reserved_concurrent_executions" validate:"omitempty,min=0"`
	// Payload is the static invoke payload of a step, instead of the state input.
	Payload any `yaml:"payload"`
	// DataBucket is an S3 bucket the function reads and writes (its role
	// gets the objects' Get, Put, Delete and the bucket's List).
	DataBucket string `yaml:"data_bucket"`
	// Image builds the function from a Dockerfile (a container-image function).
	Image *Image   `yaml:"image"`
	Cmd   []string `yaml:"cmd"`
	// PayloadResponseOnly invokes the function directly, so a step's
	// result_path keeps the bare return value instead of {"Payload": …}.
	PayloadResponseOnly bool `yaml:"payload_response_only"`
	// FullResponse keeps the whole invocation response (Payload,
	// StatusCode, ExecutedVersion, …) at a step's result_path.
	FullResponse bool `yaml:"full_response"`
	// TaskTimeout and Heartbeat are the step's TimeoutSeconds and
	// HeartbeatSeconds; InputPath and OutputPath its InputPath and OutputPath.
	TaskTimeout int    `yaml:"task_timeout" unit:"seconds" validate:"omitempty,min=1,max=31536000"`
	Heartbeat   int    `yaml:"heartbeat" unit:"seconds" validate:"omitempty,min=1,max=31536000"`
	InputPath   string `yaml:"input_path"`
	OutputPath  string `yaml:"output_path"`
	// RetryOnServiceExceptions false drops the retry of transient Lambda
	// service errors a step gets.
	RetryOnServiceExceptions *bool `yaml:"retry_on_service_exceptions"`
	// Role is the ARN of an existing role the function runs with, instead
	// of the environment role or one of its own.
	Role string `yaml:"role" validate:"omitempty,startswith=arn:"`
	// DeadLetterQueueEnabled gives the function an SQS dead-letter queue
	// for failed asynchronous invocations.
	DeadLetterQueueEnabled bool `yaml:"dead_letter_queue_enabled"`
	// CodeBuildEnvironment adds CommitID and BuildID to a trigger's
	// environment: the CodeBuild source version and build id at synth
	// (CODEBUILD_RESOLVED_SOURCE_VERSION, CODEBUILD_BUILD_ID), each when set.
	CodeBuildEnvironment bool `yaml:"codebuild_environment"`
	// SNS and Schedulers start a trigger or a standalone function.
	SNS        *TriggerSNS         `yaml:"sns"`
	Schedulers []*config.Scheduler `yaml:"schedulers" validate:"dive"`
	// StateMachineArnVariables name the environment variables of a trigger
	// that hold the state machine's ARN; STATE_MACHINE_ARN when unset.
	StateMachineArnVariables []string `yaml:"state_machine_arn_variables" validate:"dive,required"`
}

// Image is a Dockerfile in customcode.
type Image struct {
	Directory string `yaml:"directory" validate:"required"`
	File      string `yaml:"file"`
}

// TriggerSNS subscribes a trigger to a topic.
type TriggerSNS struct {
	TopicArn string `yaml:"topic_arn" validate:"required"`
}

func (Function) Type() string       { return FunctionType }
func (Function) Kinds() engine.Kind { return engine.Resource | engine.Step | engine.Trigger }
func (Function) Describe() string {
	return "a Lambda function from customcode (or a Dockerfile): a resource, a step that invokes it, or a trigger that starts the state machine"
}

// NewSpec sets the defaults.
func (Function) NewSpec() any {
	return &FunctionSpec{Config: FunctionConfig{Timeout: DefaultTimeout, Memory: DefaultMemory}}
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

var functionName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

var (
	envName  = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)
	reserved = map[string]bool{"_HANDLER": true, "AWS_REGION": true, "AWS_DEFAULT_REGION": true, "AWS_EXECUTION_ENV": true,
		"AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true, "AWS_LAMBDA_FUNCTION_VERSION": true,
		"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true}
)

var (
	pyDef    = regexp.MustCompile(`(?m)^(?:async[ \t]+)?def[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(`)
	pyAssign = regexp.MustCompile(`(?m)^([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[^=\n]*)?=[^=]`)
	pyImport = regexp.MustCompile(`(?m)^(?:from[ \t]+\S+[ \t]+)?import[ \t]+\(?([^)\n#]+)`)
)

// checkHandler reports a Python handler its index file does not define at
// top level (a def, an assignment or an import): Lambda would fail every
// invocation with Runtime.HandlerNotFound.
func checkHandler(c *engine.CheckContext, abs, index, handler string) {
	src, err := os.ReadFile(abs)
	if err != nil {
		return
	}
	if strings.ContainsAny(handler, ".{") {
		return // not a plain function name: nothing to look up
	}
	names := map[string]bool{}
	var defs []string
	for _, m := range pyDef.FindAllStringSubmatch(string(src), -1) {
		names[m[1]] = true
		defs = append(defs, m[1])
	}
	for _, m := range pyAssign.FindAllStringSubmatch(string(src), -1) {
		names[m[1]] = true
	}
	for _, m := range pyImport.FindAllStringSubmatch(string(src), -1) {
		for _, part := range strings.Split(m[1], ",") {
			f := strings.Fields(part)
			if len(f) == 0 {
				continue
			}
			if f[0] == "*" {
				return // a star import may bring it
			}
			names[f[len(f)-1]] = true
		}
	}
	if names[handler] {
		return
	}
	d := c.Errorf("config.handler", "%s defines no function %q; Lambda would fail every call with Runtime.HandlerNotFound", index, handler)
	switch s := diag.Suggest(handler, defs); {
	case s != "":
		d.Hint = fmt.Sprintf("did you mean %q?", s)
	case len(defs) > 0:
		d.Hint = "its functions: " + strings.Join(defs, ", ")
	default:
		d.Hint = fmt.Sprintf("define def %s(event, context): in %s", handler, index)
	}
}

var notOutputName = regexp.MustCompile(`[^a-zA-Z0-9-:]`)

// TriggerOutputName is a trigger's name in its outputs: what data.all kept
// of it (utils/stack_util.py:187).
func TriggerOutputName(name string) string { return notOutputName.ReplaceAllString(name, "") }

// Check checks files, references and what only some kinds accept.
func (Function) Check(spec any, c *engine.CheckContext) {
	s := spec.(*FunctionSpec)
	cfg := &s.Config
	if cfg.Image != nil {
		for key, set := range map[string]bool{"entry": cfg.Entry != "", "index": cfg.Index != "", "handler": cfg.Handler != "", "runtime": cfg.Runtime != "", "layer_ref": len(cfg.LayerRef) > 0} {
			if set {
				c.Errorf("config."+key, "a container-image function (config.image) takes no %s: the image holds the code and its runtime", key)
			}
		}
		if dir, ok := c.AssetDir("config.image.directory", cfg.Image.Directory); ok {
			file := cfg.Image.File
			if file == "" {
				file = "Dockerfile"
			}
			c.RepoFile("config.image.file", filepath.ToSlash(filepath.Join(cfg.Image.Directory, file)), false)
			_ = dir
		}
	} else {
		if len(cfg.Cmd) > 0 {
			c.Errorf("config.cmd", "cmd is for container-image functions (config.image); a zip function runs config.handler")
		}
		if cfg.Entry != "" {
			if _, ok := c.AssetDir("config.entry", cfg.Entry); ok && cfg.Index != "" {
				index := filepath.ToSlash(filepath.Join(cfg.Entry, cfg.Index))
				if abs, ok := c.RepoFile("config.index", index, false); ok && cfg.Handler != "" && filepath.Ext(cfg.Index) == ".py" {
					checkHandler(c, abs, index, cfg.Handler)
				}
			}
		}
		checkRuntime(c, "config.runtime", cfg.Runtime)
	}
	if n := s.PhysicalName; n != "" && !functionName.MatchString(n) {
		c.Errorf("physical_name", "%q is no Lambda function name: 1 to 64 letters, digits, - and _", n)
	}
	if b := cfg.DataBucket; b != "" && !bucketName.MatchString(b) {
		c.Errorf("config.data_bucket", "%q is no S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens (the name, not an s3:// URI or an ARN)", b)
	}
	for i, l := range cfg.LayerRef {
		c.RequireResource(fmt.Sprintf("config.layer_ref[%d]", i), "layer", l, LayerType)
	}
	for k := range cfg.Environment {
		switch {
		case !envName.MatchString(k):
			c.Errorf("config.environment."+k, "environment variable name %q must start with a letter and hold only letters, digits and _", k)
		case reserved[k]:
			c.Errorf("config.environment."+k, "%s is set by Lambda itself and cannot be overridden", k)
		}
	}
	if c.Kind == engine.Step {
		if cfg.SNS != nil {
			c.Errorf("config.sns", "sns subscribes a trigger or a standalone function to a topic; a step's function runs when the state machine invokes it")
		}
		if len(cfg.Schedulers) > 0 {
			c.Errorf("config.schedulers", "schedulers start a trigger or a standalone function on a schedule; a step's function runs when the state machine invokes it (properties.schedulers start the state machine)")
		}
	} else {
		for key, set := range map[string]bool{"task_timeout": cfg.TaskTimeout != 0, "heartbeat": cfg.Heartbeat != 0, "input_path": cfg.InputPath != "",
			"output_path": cfg.OutputPath != "", "retry_on_service_exceptions": cfg.RetryOnServiceExceptions != nil, "full_response": cfg.FullResponse} {
			if set {
				c.Errorf("config."+key, "%s is for steps: it sets the state that invokes the function", key)
			}
		}
	}
	if c.Kind == engine.Trigger && c.Stack.Pipeline.Properties.TriggerOutputs != nil {
		name := TriggerOutputName(c.Item.Name)
		for _, t := range c.Stack.Pipeline.Triggers {
			if t == c.Item {
				break
			}
			if TriggerOutputName(t.Name) == name {
				c.Errorf("name", "trigger %q and trigger %q have the same output name %q (properties.trigger_outputs keeps letters, digits, - and : of a name)", t.Name, c.Item.Name, name).Hint = "rename one of them"
			}
		}
	}
	if c.Kind != engine.Trigger && cfg.CodeBuildEnvironment {
		c.Errorf("config.codebuild_environment", "codebuild_environment is for triggers")
	}
	if cfg.FullResponse && cfg.PayloadResponseOnly {
		c.Errorf("config.full_response", "full_response keeps the whole invocation response, payload_response_only only the return value: give one of them")
	}
	if cfg.Heartbeat != 0 && cfg.TaskTimeout != 0 && cfg.Heartbeat >= cfg.TaskTimeout {
		c.Errorf("config.heartbeat", "heartbeat (%d s) must be shorter than task_timeout (%d s)", cfg.Heartbeat, cfg.TaskTimeout)
	}
	for key, p := range map[string]string{"input_path": cfg.InputPath, "output_path": cfg.OutputPath} {
		if p != "" {
			if err := engine.CheckPath(p); err != nil {
				c.Errorf("config."+key, "%v", err)
			}
		}
	}
	for i, sc := range cfg.Schedulers {
		at := fmt.Sprintf("config.schedulers[%d]", i)
		if err := engine.CheckSchedule(sc.Cron); sc.Cron != "" && err != nil {
			c.Errorf(at+".cron", "%v", err)
		}
		if sc.Payload != nil {
			if _, err := engine.ParsePayload(sc.Payload); err != nil {
				c.Errorf(at+".payload", "%v", err)
			}
		}
	}
	if cfg.SNS != nil && cfg.SNS.TopicArn != "" && !strings.HasPrefix(cfg.SNS.TopicArn, "arn:") {
		c.Errorf("config.sns.topic_arn", "topic_arn %q must be a topic ARN, e.g. arn:aws:sns:eu-west-1:111111111111:topic", cfg.SNS.TopicArn)
	}
	if c.Kind != engine.Step {
		if cfg.Payload != nil {
			c.Errorf("config.payload", "payload is what a step invokes its function with; this function is not a step")
		}
		if s.ResultPath != "" {
			c.Errorf("result_path", "result_path is for steps")
		}
		if s.Retry != nil {
			c.Errorf("retry", "retry is for steps")
		}
	}
	if s.ResultPath != "" {
		if err := engine.CheckPath(s.ResultPath); err != nil {
			c.Errorf("result_path", "%v", err)
		}
	}
}

func checkRuntime(c *engine.CheckContext, at, runtime string) {
	switch {
	case runtime == "":
	case !isKnown(runtime):
		// Suggest only runtimes that can still be deployed.
		d := c.Errorf(at, "unknown Lambda runtime %q", runtime)
		d.Hint = diag.DidYouMean(runtime, supported)
		if d.Hint == "" {
			d.Hint = "supported runtimes: " + strings.Join(supported, ", ")
		}
	case blocked[runtime]:
		c.Warnf(at, "Lambda no longer creates functions with %s; deploying with %s instead (write runtime: %s to silence this)",
			runtime, successor(runtime), successor(runtime))
	}
}

// invokeRetry is the retry CDK's LambdaInvoke adds for transient Lambda
// service errors.
func invokeRetry() asl.Retrier {
	interval, attempts, backoff := 2, 6, 2.0
	return asl.Retrier{
		ErrorEquals:     []string{"Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"},
		IntervalSeconds: &interval, MaxAttempts: &attempts, BackoffRate: &backoff,
	}
}

// Plan invokes the function with the state input, or with its payload.
func (Function) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*FunctionSpec)
	arn := p.Ref("arn")
	params := map[string]any{"FunctionName": arn}
	if s.Config.Payload != nil {
		params["Payload"] = s.Config.Payload
	} else {
		params["Payload.$"] = "$"
	}
	st := &asl.State{Type: asl.Task, Resource: "arn:aws:states:::lambda:invoke", Parameters: params,
		Comment: engine.FirstNonEmpty(s.Description, s.Comment), ResultPath: asl.Discard(),
		TimeoutSeconds: s.Config.TaskTimeout, HeartbeatSeconds: s.Config.Heartbeat}
	if r := s.Config.RetryOnServiceExceptions; r == nil || *r {
		st.Retry = []asl.Retrier{invokeRetry()}
	}
	if s.Config.InputPath != "" {
		st.InputPath = asl.Path(s.Config.InputPath)
	}
	if s.Config.OutputPath != "" {
		st.OutputPath = asl.Path(s.Config.OutputPath)
	}
	if s.Config.PayloadResponseOnly {
		// The function's own ARN as the resource: the result is the bare
		// return value, and the payload is the parameters themselves.
		st.Resource = arn
		st.Parameters = nil
		if p, ok := s.Config.Payload.(map[string]any); ok {
			st.Parameters = p
		}
	}
	if s.ResultPath != "" {
		st.ResultPath = asl.Path(s.ResultPath)
		if !s.Config.PayloadResponseOnly && !s.Config.FullResponse {
			st.ResultSelector = map[string]any{"Payload.$": "$.Payload"}
		}
	}
	p.Allow([]string{"lambda:InvokeFunction"}, arn, arn+":*")
	return asl.Single(p.StateName(), st), nil
}

// Layer is lambda_layer, built one of four ways: from a directory bundled
// locally (bundle_type simple or custom), from an existing layer ARN, or
// from a zip in S3.
type Layer struct{}

// LayerSpec is the whole item.
type LayerSpec struct {
	engine.Common `yaml:",inline"`
	Config        LayerConfig `yaml:"config" validate:"required"`
}

// LayerConfig holds the ways to make a layer.
type LayerConfig struct {
	LayerEntry string `yaml:"layer_entry"`
	BundleType string `yaml:"bundle_type" validate:"omitempty,oneof=simple custom"`
	Cmd        string `yaml:"cmd"`
	LayerArn   *struct {
		Arn string `yaml:"arn" validate:"required,startswith=arn:"`
		ID  string `yaml:"id"`
	} `yaml:"layer_arn"`
	BucketArn string `yaml:"bucket_arn" validate:"omitempty,startswith=arn:"`
	Key       string `yaml:"key"`
	Runtime   string `yaml:"runtime"`
	// Runtimes lists more compatible runtimes.
	Runtimes    []string `yaml:"compatible_runtimes"`
	Description string   `yaml:"description"`
}

func (Layer) Type() string       { return LayerType }
func (Layer) Kinds() engine.Kind { return engine.Resource }
func (Layer) NewSpec() any       { return &LayerSpec{} }
func (Layer) Describe() string {
	return "a Lambda layer: layer_entry bundled locally (bundle_type simple: pip install requirements.txt; custom: your cmd writing to /asset-output), layer_arn, or bucket_arn + key"
}

// way says how a layer is made, for checks and the builder.
func (c *LayerConfig) way() string {
	switch {
	case c.LayerEntry != "":
		return "entry"
	case c.LayerArn != nil:
		return "arn"
	case c.BucketArn != "" || c.Key != "":
		return "bucket"
	}
	return ""
}

// Check requires exactly one way and what that way needs.
func (Layer) Check(spec any, c *engine.CheckContext) {
	s := spec.(*LayerSpec)
	cfg := &s.Config
	ways := 0
	for _, set := range []bool{cfg.LayerEntry != "", cfg.LayerArn != nil, cfg.BucketArn != "" || cfg.Key != ""} {
		if set {
			ways++
		}
	}
	switch {
	case ways == 0:
		c.Errorf("config", "a layer needs one of layer_entry (a customcode directory), layer_arn {arn, id} or bucket_arn + key")
		return
	case ways > 1:
		c.Errorf("config", "a layer is made one way: give only one of layer_entry, layer_arn or bucket_arn + key")
		return
	}
	switch cfg.way() {
	case "entry":
		dir, ok := c.AssetDir("config.layer_entry", cfg.LayerEntry)
		switch cfg.BundleType {
		case "":
			c.Errorf("config.bundle_type", "is required with layer_entry").Hint = `"simple" installs requirements.txt; "custom" runs config.cmd`
		case "custom":
			if strings.TrimSpace(cfg.Cmd) == "" {
				c.Errorf("config.cmd", "is required with bundle_type custom: a shell command writing the layer to /asset-output")
			}
		case "simple":
			if cfg.Cmd != "" {
				c.Errorf("config.cmd", "cmd is for bundle_type custom; simple installs requirements.txt")
			}
			if ok {
				if _, err := engine.RepoPath(c.Stack.RepoDir, filepath.ToSlash(filepath.Join(cfg.LayerEntry, "requirements.txt")), false); err != nil {
					c.Errorf("config.layer_entry", "bundle_type simple installs %s/requirements.txt, which does not exist", cfg.LayerEntry)
				}
			}
		}
		_ = dir
	case "bucket":
		if cfg.BucketArn == "" {
			c.Errorf("config.bucket_arn", "is required with key: the ARN of the bucket holding the layer zip")
		}
		if cfg.Key == "" {
			c.Errorf("config.key", "is required with bucket_arn: the object key of the layer zip")
		}
	}
	if cfg.way() != "entry" && (cfg.BundleType != "" || cfg.Cmd != "") {
		c.Errorf("config.bundle_type", "bundle_type and cmd build a layer from layer_entry")
	}
	checkRuntime(c, "config.runtime", cfg.Runtime)
	for i, r := range cfg.Runtimes {
		checkRuntime(c, fmt.Sprintf("config.compatible_runtimes[%d]", i), r)
	}
}

// Footprint: the function, its log group, its dead-letter queue if any
// and, without a given or environment role, its role and that role's policy.
func (Function) Footprint(spec any, st *config.Stack) int {
	n := 4
	s, _ := spec.(*FunctionSpec)
	if st.Var("environment_role_arn") != "" || s != nil && s.Config.Role != "" {
		n = 2
	}
	if s != nil && s.Config.DeadLetterQueueEnabled {
		n++
	}
	return n
}

// Footprint: the layer version.
func (Layer) Footprint(any, *config.Stack) int { return 1 }
