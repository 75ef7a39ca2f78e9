package synth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	sfn "github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
)

// Options control where and how the assembly is written.
type Options struct {
	// OutDir receives the cloud assembly. It is replaced only when synth
	// succeeds; a failed synth leaves the previous assembly as it was.
	OutDir string
	// InPlace writes straight into OutDir, as the CDK CLI expects when it
	// sets CDK_OUTDIR.
	InPlace bool
	// Context is extra CDK context (CDK_CONTEXT_JSON is read by CDK too).
	Context map[string]any
	// SkipBundling leaves assets unbundled (no layer builds).
	SkipBundling bool
	Registry     *engine.Registry
	// Environ is read for ENVTAG_* and CodeBuild ids, which become tags.
	Environ []string
	// Cache, when set, gives the assembly of unchanged inputs back
	// without CDK, and keeps each new one.
	Cache Cache
	// Progress, when set, hears each stack built, each asset bundled and
	// the assembly written.
	Progress plan.Progress

	nag    *nagRun
	inject *injection
}

func (o Options) progress(phase string, took time.Duration, detail string) {
	if o.Progress != nil {
		o.Progress(phase, took, detail)
	}
}

// Cache keeps assemblies by their inputs (synthcache.Cache).
type Cache interface {
	// Restore fills the empty dir with the kept assembly, if there is one.
	Restore(dir string) bool
	Store(dir string) error
}

// DefaultSSMPrefix is where the state machine ARN is published.
const DefaultSSMPrefix = plan.DefaultSSMPrefix

// Synth builds every stack into one CDK app and writes the assembly.
func Synth(stacks []*plan.Stack, opts Options) error {
	opts.inject = &injection{}
	return write(opts, opts.inject.apply, func(app awscdk.App) error {
		for _, p := range stacks {
			start := time.Now()
			if err := buildStack(app, p, opts, p.Config.StageSuffix()); err != nil {
				return fmt.Errorf("%s: %w", p.Config.Source.Path, err)
			}
			opts.progress("synth "+p.Config.Name, time.Since(start), layoutNote(p))
		}
		return nil
	})
}

// write runs build on a new CDK app and writes its assembly, into a
// temporary dir moved into place only when everything succeeded; post,
// when set, may amend the written files first.
func write(opts Options, post func(dir string) error, build func(awscdk.App) error) (err error) {
	defer func() {
		// jsii reports CDK validation failures as panics; they are bugs
		// of ours (input was validated), reported as errors, never a crash.
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in the CDK layer: %v", r)
		}
	}()
	return intoOut(opts, func(out string) error {
		if opts.Cache != nil && opts.Cache.Restore(out) {
			return nil
		}
		if err := assemble(opts, out, post, build); err != nil {
			return err
		}
		if opts.Cache != nil {
			// A cache that cannot store costs the next run its reuse only.
			_ = opts.Cache.Store(out)
		}
		return nil
	})
}

// errNoEntry stops intoOut when the cache has no assembly to reuse.
var errNoEntry = errors.New("no cached assembly")

// intoOut has fill write an assembly into a temporary dir that replaces
// opts.OutDir only when fill succeeded (or into opts.OutDir itself, in
// place, under the CDK CLI).
func intoOut(opts Options, fill func(out string) error) error {
	if opts.InPlace {
		return fill(opts.OutDir)
	}
	dest, err := openOut(opts.OutDir)
	if err != nil {
		return err
	}
	defer dest.close()
	tmp, err := dest.build()
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := fill(tmp); err != nil {
		return err
	}
	return dest.replace(tmp)
}

// Reuse puts the assembly opts.Cache keeps in place, with the same care
// for the out directory as Synth, and builds nothing: false when the
// cache has no entry (the out directory is then left as it was).
func Reuse(opts Options) (bool, error) {
	if opts.Cache == nil {
		return false, nil
	}
	err := intoOut(opts, func(out string) error {
		if !opts.Cache.Restore(out) {
			return errNoEntry
		}
		return nil
	})
	if errors.Is(err, errNoEntry) {
		return false, nil
	}
	return err == nil, err
}

// layoutNote says what a stack was built as, for progress.
func layoutNote(p *plan.Stack) string {
	var parts []string
	if l := p.Layout; l != nil && l.Nested {
		parts = append(parts, fmt.Sprintf("about %d resources in %d nested stacks", l.Resources-l.Main, countBuckets(l)))
	}
	if p.Machine != nil && len(p.Machine.Parts) > 0 {
		parts = append(parts, fmt.Sprintf("%d child state machines", len(p.Machine.Parts)))
	}
	if parts == nil {
		return "one template"
	}
	return strings.Join(parts, ", ")
}

func countBuckets(l *plan.Layout) int {
	n := 0
	for _, load := range l.Load {
		if load > 0 {
			n++
		}
	}
	return n
}

// assemble builds the app into out with CDK and checks the result.
func assemble(opts Options, out string, post func(dir string) error, build func(awscdk.App) error) error {
	ctx := map[string]any{}
	for k, v := range opts.Context {
		ctx[k] = v
	}
	if opts.SkipBundling {
		ctx["aws:cdk:bundling-stacks"] = []string{}
	}
	app := awscdk.NewApp(&awscdk.AppProps{
		Outdir:             jsii.String(out),
		Context:            &ctx,
		AnalyticsReporting: jsii.Bool(false),
		StackTraces:        jsii.Bool(false),
		// Validation is ours, with positions in the config; CDK's would
		// print a report path inside the temporary assembly dir.
		BuiltinCloudFormationValidation: jsii.Bool(false),
		// tree.json is read by no deploy (the CLI deploys from the
		// manifest and templates); writing it resolved every resource's
		// properties a second time, a fifth of a large synth.
		TreeMetadata: jsii.Bool(false),
	})
	if err := build(app); err != nil {
		return err
	}
	start := time.Now()
	app.Synth(nil)
	if post != nil {
		if err := post(out); err != nil {
			return err
		}
	}
	// out may be the temporary dir that becomes opts.OutDir: name the one the user asked for.
	opts.progress("write assembly", time.Since(start), opts.OutDir)
	return CheckLimits(out)
}

// buildStack builds one config's stack in scope (the app, or a stage of
// a CI/CD pipeline, whose stacks carry the stage in their names).
func buildStack(scope constructs.Construct, p *plan.Stack, opts Options, suffix string) error {
	cs := p.Config
	props := &awscdk.StackProps{
		StackName:   jsii.String(cs.Name + suffix),
		Description: jsii.String(stackDescription(cs)),
	}
	props.Env = envOf(cs)
	st := &Stack{
		Stack: awscdk.NewStack(scope, jsii.String(cs.Name), props), Config: cs, Index: p.Index,
		Bundling: !opts.SkipBundling, Progress: opts.progress, Environ: opts.Environ,
		refs: map[string]*string{}, lazy: map[string]func() *string{}, objects: map[string]any{}, ids: map[string]string{}, ctxVals: map[string]*string{},
	}
	st.split = p.Layout != nil && p.Layout.Nested || p.Machine != nil && len(p.Machine.Parts) > 0
	if opts.inject != nil && !st.split {
		st.injectTo = *st.Stack.TemplateFile()
		opts.inject.stacks = append(opts.inject.stacks, st)
	}
	if opts.nag != nil {
		st.owners = map[string]*config.Item{}
		opts.nag.suppress(st)
	}
	st.Publish(engine.Region, awscdk.Aws_REGION())
	st.Publish(engine.Account, awscdk.Aws_ACCOUNT_ID())
	st.Publish(engine.Partition, awscdk.Aws_PARTITION())
	tag(st, opts.Environ)

	reg := opts.Registry
	st.built = map[string]bool{}
	building := map[string]bool{}
	var buildResource func(it *config.Item) error
	buildResource = func(it *config.Item) error {
		if st.built[it.Name] {
			return nil
		}
		if building[it.Name] {
			return fmt.Errorf("%s: resource %q needs itself", it.Path, it.Name)
		}
		building[it.Name] = true
		err := build(st, reg, it, func(e engine.Engine) (bool, error) {
			b, ok := e.(ResourceBuilder)
			if !ok {
				return false, nil
			}
			return true, b.BuildResource(st, it)
		})
		st.built[it.Name] = err == nil
		return err
	}
	st.pending = func(name string) error {
		it := p.Index.Resources[name]
		if it == nil {
			return fmt.Errorf("internal error: no resource %q", name)
		}
		// Shared resources live in the stack itself, whoever needs them.
		scope := st.scope
		st.scope = nil
		defer func() { st.scope = scope }()
		return buildResource(it)
	}
	for _, it := range cs.Pipeline.Resources {
		if err := buildResource(it); err != nil {
			return err
		}
	}
	nested := map[int]awscdk.NestedStack{}
	for _, it := range plan.Jobs(cs.Pipeline) {
		st.scope = nil
		if bk, ok := p.Layout.Bucket(it.Name); ok {
			if nested[bk] == nil {
				nested[bk] = awscdk.NewNestedStack(st.Stack, jsii.String(plan.BucketID(bk)), &awscdk.NestedStackProps{
					Description: jsii.String(fmt.Sprintf("jobs of %s whose names hash to %d of %d (by blueprint)", cs.Name, bk, plan.Buckets)),
				})
			}
			st.scope = nested[bk]
		}
		if err := build(st, reg, it, func(e engine.Engine) (bool, error) {
			b, ok := e.(StepBuilder)
			if !ok {
				return true, nil // steps that only run states need nothing built
			}
			return true, b.BuildStep(st, it)
		}); err != nil {
			return err
		}
	}
	st.scope = nil
	if p.Machine != nil {
		if err := buildMachine(st, p, suffix); err != nil {
			return err
		}
	}
	for _, it := range cs.Pipeline.Triggers {
		if err := build(st, reg, it, func(e engine.Engine) (bool, error) {
			b, ok := e.(TriggerBuilder)
			if !ok {
				return false, nil
			}
			if p.Machine == nil {
				return true, fmt.Errorf("trigger %q needs a state machine, and the config has no groups", it.Name)
			}
			return true, b.BuildTrigger(st, it)
		}); err != nil {
			return err
		}
	}
	return nil
}

func build(st *Stack, reg *engine.Registry, it *config.Item, fn func(engine.Engine) (bool, error)) error {
	e, ok := reg.Lookup(it.Type)
	if !ok {
		return fmt.Errorf("%s: no engine for type %q", it.Path, it.Type)
	}
	var handled bool
	err := st.own(it, func() (err error) { handled, err = fn(e); return err })
	if err != nil {
		return fmt.Errorf("%s (%s): %w", it.Path, it.Name, err)
	}
	if !handled {
		return fmt.Errorf("%s: type %q cannot be built here", it.Path, it.Type)
	}
	return nil
}

// MachineName is the deployed name of a planned state machine; suffix
// is the stage's ("-dev") in a --cicd assembly, else "".
func MachineName(m *plan.Machine, suffix string) string { return m.Name + suffix }

func buildMachine(st *Stack, p *plan.Stack, suffix string) error {
	m := p.Machine
	def, policy := m.Definition, m.Policy
	for _, part := range m.Parts {
		scope := awscdk.NewNestedStack(st.Stack, jsii.String(plan.PartID(part)), &awscdk.NestedStackProps{
			Description: jsii.String(fmt.Sprintf("state machine %s of %s: groups %s to %s (by blueprint)", part.Name, m.Name, part.Groups[0], part.Groups[len(part.Groups)-1])),
		})
		child, err := newMachine(st, scope, MachineName(m, suffix)+"-"+part.Name, part.Definition, part.Policy)
		if err != nil {
			return err
		}
		st.Publish(engine.Ref{Kind: engine.StateMachineKind, Name: part.Name, Attr: "arn"}, child.StateMachineArn())
		st.Publish(engine.Ref{Kind: engine.StateMachineKind, Name: part.Name, Attr: "name"}, child.StateMachineName())
	}
	if m.Root != nil {
		def, policy = m.Root, m.RootPolicy
	}
	machine, err := newMachine(st, st.Stack, MachineName(m, suffix), def, policy)
	if err != nil {
		return err
	}
	props := st.Config.Pipeline.Properties
	pin(machine, props.StateMachineLogicalID)
	envRole := st.EnvironmentRole()
	st.Machine = machine
	for _, fn := range st.afterMachine {
		fn(machine)
	}

	pin(awsssm.NewStringParameter(st.Stack, jsii.String("StateMachineArnParameter"), &awsssm.StringParameterProps{
		ParameterName: jsii.String(p.ArnParameter()),
		StringValue:   machine.StateMachineArn(),
		Description:   jsii.String("ARN of the " + m.Name + " state machine"),
	}), props.ArnParameterLogicalID)
	awscdk.NewCfnOutput(st.Stack, jsii.String("StateMachineArn"), &awscdk.CfnOutputProps{Value: machine.StateMachineArn()})

	for i, sc := range st.Config.Pipeline.Properties.Schedulers {
		target := &awseventstargets.SfnStateMachineProps{}
		if sc.Payload != nil {
			payload, err := engine.ParsePayload(sc.Payload)
			if err != nil {
				return fmt.Errorf("internal error: %w", err)
			}
			target.Input = awsevents.RuleTargetInput_FromObject(payload)
		}
		if envRole != nil {
			target.Role = envRole
		}
		rule := awsevents.NewRule(st.Stack, st.ID("Schedule", fmt.Sprint(i)), &awsevents.RuleProps{
			Schedule:    awsevents.Schedule_Expression(jsii.String(sc.Cron)),
			Description: jsii.String(fmt.Sprintf("starts %s on %s", m.Name, sc.Cron)),
		})
		rule.AddTarget(awseventstargets.NewSfnStateMachine(machine, target))
	}
	return nil
}

// pin gives the CloudFormation resource of an L2 construct the logical ID
// id (properties.state_machine_logical_id, …), when id is set.
func pin(c constructs.IConstruct, id string) {
	if id != "" {
		c.Node().DefaultChild().(awscdk.CfnElement).OverrideLogicalId(jsii.String(id))
	}
}

// newMachine builds a state machine with its log group into scope (the
// stack, or the nested stack of a part), with a role allowing policy
// unless an existing role runs it.
func newMachine(st *Stack, scope constructs.Construct, name string, m *asl.StateMachine, policy *engine.Policy) (sfn.StateMachine, error) {
	raw, err := m.MarshalCompact()
	if err != nil {
		return nil, fmt.Errorf("write the definition: %w", err)
	}
	def, err := st.Resolve(string(raw))
	if err != nil {
		return nil, fmt.Errorf("internal error: %w", err)
	}
	logs := awslogs.NewLogGroup(scope, jsii.String("StateMachineLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String("/aws/vendedlogs/states/" + name),
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	props := &sfn.StateMachineProps{
		StateMachineName: jsii.String(name),
		DefinitionBody:   sfn.DefinitionBody_FromString(jsii.String(def)),
		Logs:             &sfn.LogOptions{Destination: logs, Level: sfn.LogLevel_ALL, IncludeExecutionData: jsii.Bool(true)},
		TracingEnabled:   jsii.Bool(true),
		Timeout:          awscdk.Duration_Seconds(jsii.Number(float64(m.TimeoutSeconds))),
	}
	role := st.machineRole()
	if role != nil {
		props.Role = role
	}
	machine := sfn.NewStateMachine(scope, jsii.String("StateMachine"), props)
	if role == nil {
		for _, s := range policy.Normalized() {
			res := make([]*string, len(s.Resources))
			for i, r := range s.Resources {
				v, err := st.Resolve(r)
				if err != nil {
					return nil, fmt.Errorf("internal error: %w", err)
				}
				res[i] = jsii.String(v)
			}
			machine.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions: jsii.Strings(s.Actions...), Resources: &res,
			}))
		}
	}
	return machine, nil
}

func stackDescription(cs *config.Stack) string {
	d := cs.Pipeline.Description
	if d == "" {
		d = cs.Pipeline.Comment
	}
	if d == "" {
		d = "pipeline " + cs.PipelineName()
	}
	return fmt.Sprintf("%s (stage %s, from %s by blueprint)", d, cs.Stage(), cs.Source.Path)
}

// untagged leaves out the types whose CloudFormation schema has no Tags
// (CDK's newer L1 writes them; cfn-lint and CloudFormation refuse them).
var untagged = &awscdk.TagProps{ExcludeResourceTypes: jsii.Strings("AWS::Glue::Connection")}

// tag applies ENVTAG_<Key>=<Value> and the CodeBuild ids to every resource;
// with properties.dataall_tags, data.all's tags (config.Stack.DataAllTags).
func tag(st *Stack, environ []string) {
	if st.Config.Pipeline.Properties.DataAllTags {
		for _, t := range st.Config.DataAllTags() {
			awscdk.Tags_Of(st.Stack).Add(jsii.String(t.Key), jsii.String(t.Value), untagged)
		}
		return
	}
	tags := map[string]string{}
	for _, t := range config.EnvTags(environ) {
		tags[t.Key] = t.Value
	}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		switch {
		case k == "CODEBUILD_RESOLVED_SOURCE_VERSION" && v != "":
			tags["commit_id"] = v
		case k == "CODEBUILD_BUILD_ID" && v != "":
			tags["build_id"] = v
		}
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		awscdk.Tags_Of(st.Stack).Add(jsii.String(k), jsii.String(tags[k]), untagged)
	}
}

// ContextFromEnv parses CDK_CONTEXT_JSON, which the CDK CLI sets.
func ContextFromEnv(lookup func(string) (string, bool)) (map[string]any, error) {
	raw, ok := lookup("CDK_CONTEXT_JSON")
	if !ok || strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var ctx map[string]any
	if err := json.Unmarshal([]byte(raw), &ctx); err != nil {
		return nil, fmt.Errorf("CDK_CONTEXT_JSON is not a JSON object: %w", err)
	}
	return ctx, nil
}
