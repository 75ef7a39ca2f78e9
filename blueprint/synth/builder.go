package synth

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/render"
)

// ResourceBuilder is implemented by engines that create AWS resources for
// an item under aws_resources.
type ResourceBuilder interface {
	BuildResource(s *Stack, it *config.Item) error
}

// StepBuilder is implemented by step engines that create resources their
// states use (the Lambda function a lambda step invokes).
type StepBuilder interface {
	BuildStep(s *Stack, it *config.Item) error
}

// TriggerBuilder is implemented by engines usable under triggers.
type TriggerBuilder interface {
	BuildTrigger(s *Stack, it *config.Item) error
}

// Stack is what engines build into: the CDK stack of one config plus the
// values they publish for the state machine's placeholders.
type Stack struct {
	awscdk.Stack
	Config *config.Stack
	Index  *engine.Index
	// Bundling is false when asset bundling is skipped.
	Bundling bool
	// Progress hears what took time (a bundled asset).
	Progress func(phase string, took time.Duration, detail string)
	// Environ is the synth's environment (Options.Environ).
	Environ []string

	refs    map[string]*string
	lazy    map[string]func() *string
	objects map[string]any
	// pending builds a resource by name on demand, so a resource may use
	// one declared after it; built records those already built.
	pending func(name string) error
	built   map[string]bool
	ids     map[string]string
	// owners maps the path (under the stack) of each construct an item
	// made directly in the stack or in its nested stack to
	// the config item whose build made it; nil unless cdk-nag checks the stack.
	owners  map[string]*config.Item
	ctxVals map[string]*string
	envRole awsiam.IRole
	// machineRoleRef is properties.role_arn, once imported.
	machineRoleRef awsiam.IRole
	// Machine is the state machine, once built; triggers start it.
	Machine StateMachine
	// afterMachine runs once the state machine exists.
	afterMachine []func(StateMachine)
	// scope, when set, is the nested stack the current job builds into.
	scope constructs.Construct
	// split is true when the stack has nested stacks.
	split bool
	// injectTo is the template file taking the injected resources
	// (inject.go); "" when the stack takes none.
	injectTo string
	injected []injected
}

// StateMachine is the part of the CDK state machine triggers need.
type StateMachine interface {
	StateMachineArn() *string
	GrantStartExecution(identity awsiam.IGrantable) awsiam.Grant
}

// Scope is the construct scope engines create into: the stack, or the
// nested stack of the job being built when the stack is split.
func (s *Stack) Scope() constructs.Construct {
	if s.scope != nil {
		return s.scope
	}
	return s.Stack
}

// Publish records the deploy-time value of a ref the plan used.
func (s *Stack) Publish(r engine.Ref, token *string) {
	s.refs[r.String()] = token
}

// PublishLazy records a value that is asked of CDK only when a
// placeholder uses it: one jsii round trip fewer for each value no state
// or policy names.
func (s *Stack) PublishLazy(r engine.Ref, token func() *string) {
	s.lazy[r.String()] = token
}

// PublishItem records a value of an item, under its canonical type.
func (s *Stack) PublishItem(kind string, it *config.Item, attr string, token *string) {
	s.Publish(engine.Ref{Kind: kind, Name: it.Name, Attr: attr}, token)
}

// Need builds the resource named name now, if it is not built yet, so
// that its constructs and values are there for the caller.
func (s *Stack) Need(name string) error {
	if s.built[name] || s.pending == nil {
		return nil
	}
	return s.pending(name)
}

// Set keeps a built construct under a key ("lambda_layer/pandas") for
// other engines of the stack to use.
func (s *Stack) Set(key string, v any) { s.objects[key] = v }

// Get returns what Set kept, or nil.
func (s *Stack) Get(key string) any { return s.objects[key] }

// Resolve replaces every placeholder in text by its published token.
func (s *Stack) Resolve(text string) (string, error) {
	var missing []string
	out := engine.ReplaceRefs(text, func(r engine.Ref) string {
		if t, ok := s.refs[r.String()]; ok && t != nil {
			return *t
		}
		if f, ok := s.lazy[r.String()]; ok {
			t := f()
			s.refs[r.String()] = t
			return *t
		}
		if r.Kind == engine.ContextKind {
			return *s.ContextValue(r.Name)
		}
		if r.Kind == engine.SSMKind {
			return *awsssm.StringParameter_ValueForStringParameter(s.Stack, jsii.String(r.Name), nil)
		}
		missing = append(missing, r.String())
		return ""
	})
	if missing != nil {
		sort.Strings(missing)
		return "", fmt.Errorf("no value was built for %s", strings.Join(missing, ", "))
	}
	return out, nil
}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9]+`)

// ID returns a construct id from config names: "lambda", "My Fn" →
// "LambdaMyFn". The same names always give the same id; a clash between
// different names that sanitize alike gets a numeric suffix in call order.
func (s *Stack) ID(parts ...string) *string {
	var b strings.Builder
	for _, p := range parts {
		for _, w := range idUnsafe.Split(p, -1) {
			if w == "" {
				continue
			}
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	id := b.String()
	key := strings.Join(parts, "\x00")
	if prev, ok := s.ids[key]; ok {
		return jsii.String(prev)
	}
	taken := map[string]bool{}
	for _, v := range s.ids {
		taken[v] = true
	}
	base := id
	for i := 2; taken[id]; i++ {
		id = fmt.Sprintf("%s%d", base, i)
	}
	s.ids[key] = id
	return jsii.String(id)
}

// PhysicalName is the AWS name of a resource: "<name>-<pipeline>-<stage>".
func (s *Stack) PhysicalName(name string) string {
	return engine.PhysicalName(s.Config, name)
}

// ContextValue returns a template-context value (pipeline_bucket,
// aws_account_id, …) or, when the context lacks it, a deploy-time SSM
// reference to properties.context_parameters' parameter for it, else to
// /<pipeline_name>/<stage>/<key>: synth never calls AWS.
func (s *Stack) ContextValue(key string) *string {
	if v := s.Config.Var(key); v != "" {
		return jsii.String(v)
	}
	if t, ok := s.ctxVals[key]; ok {
		return t
	}
	name := s.Config.Pipeline.Properties.ContextParameters[key]
	if name == "" {
		name = fmt.Sprintf("/%s/%s/%s", config.SafeName(s.Config.PipelineName()), s.Config.Stage(), key)
	}
	t := awsssm.StringParameter_ValueForStringParameter(s.Stack, jsii.String(name), nil)
	s.ctxVals[key] = t
	return t
}

// Getenv returns the value of key in the synth's environment, "" when unset.
func (s *Stack) Getenv(key string) string {
	for _, kv := range s.Environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// EnvironmentRole returns the role given by ENVROLEARN, or nil.
func (s *Stack) EnvironmentRole() awsiam.IRole {
	arn := s.Config.Var("environment_role_arn")
	if arn == "" {
		return nil
	}
	if s.envRole == nil {
		s.envRole = awsiam.Role_FromRoleArn(s.Stack, jsii.String("EnvironmentRole"), jsii.String(arn),
			&awsiam.FromRoleArnOptions{Mutable: jsii.Bool(false)})
	}
	return s.envRole
}

// machineRole is the existing role the state machines run as:
// properties.role_arn, else the environment role; nil when blueprint
// makes one.
func (s *Stack) machineRole() awsiam.IRole {
	arn := s.Config.Pipeline.Properties.RoleARN
	if arn == "" {
		return s.EnvironmentRole()
	}
	if s.machineRoleRef == nil {
		s.machineRoleRef = awsiam.Role_FromRoleArn(s.Stack, jsii.String("StateMachineRole"), jsii.String(arn),
			&awsiam.FromRoleArnOptions{Mutable: jsii.Bool(false)})
	}
	return s.machineRoleRef
}

// OnMachine runs fn once the state machine is built (now, if it is).
func (s *Stack) OnMachine(fn func(StateMachine)) {
	if s.Machine != nil {
		fn(s.Machine)
		return
	}
	s.afterMachine = append(s.afterMachine, fn)
}

// LogicalID is the logical ID CDK gives the construct at path, the ids
// from its stack down ("FunctionX", "ServiceRole", "Resource"), as CDK's
// makeUniqueId writes it: the ids (a component its predecessor ends with
// and "Resource" dropped) and a hash of the path; a lone id bare.
func LogicalID(path ...string) string { return render.LogicalID(path...) }
