package lambda

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

// BuildResource creates a standalone function, with its SNS subscription
// and schedules.
func (Function) BuildResource(s *synth.Stack, it *config.Item) error {
	fn, err := buildFunction(s, it)
	if err != nil {
		return err
	}
	return subscribe(s, it, fn)
}

// BuildStep creates the function a step invokes: written as
// CloudFormation where the stack takes it and the config uses nothing
// else (inject.go).
func (Function) BuildStep(s *synth.Stack, it *config.Item) error {
	if s.Injecting() && injectable(&it.Spec.(*FunctionSpec).Config) {
		return injectStep(s, it)
	}
	_, err := buildFunction(s, it)
	return err
}

// BuildTrigger creates a function that starts the state machine, with
// its SNS subscription and schedules.
func (Function) BuildTrigger(s *synth.Stack, it *config.Item) error {
	fn, err := buildFunction(s, it)
	if err != nil {
		return err
	}
	spec := it.Spec.(*FunctionSpec)
	s.OnMachine(func(m synth.StateMachine) {
		names := spec.Config.StateMachineArnVariables
		if len(names) == 0 {
			names = []string{"STATE_MACHINE_ARN"}
		}
		for _, n := range names {
			fn.AddEnvironment(jsii.String(n), m.StateMachineArn(), nil)
		}
		m.GrantStartExecution(fn)
	})
	if spec.Config.CodeBuildEnvironment {
		for _, kv := range [][2]string{{"CommitID", "CODEBUILD_RESOLVED_SOURCE_VERSION"}, {"BuildID", "CODEBUILD_BUILD_ID"}} {
			if v := s.Getenv(kv[1]); v != "" {
				fn.AddEnvironment(jsii.String(kv[0]), jsii.String(v), nil)
			}
		}
	}
	if o := s.Config.Pipeline.Properties.TriggerOutputs; o != nil {
		triggerOutputs(s, it, fn, o.ExportPrefix)
	}
	return subscribe(s, it, fn)
}

// triggerOutputs are the outputs data.all gave each trigger and the list
// of all (utils/stack_util.py:187-211). Its export names ended in 8
// random hex digits; these are a hash of the stack and the output, so
// synth stays deterministic and the exports unique.
func triggerOutputs(s *synth.Stack, it *config.Item, fn awslambda.Function, prefix string) {
	of := prefix + "/" + s.Config.PipelineName()
	output := func(id, export, desc string, value *string) {
		sum := sha256.Sum256([]byte(s.Config.Name + "/" + id))
		awscdk.NewCfnOutput(s.Stack, jsii.String(id), &awscdk.CfnOutputProps{
			Value: value, Description: jsii.String(desc),
			ExportName: jsii.String(export + "-" + hex.EncodeToString(sum[:4])),
		})
	}
	name := TriggerOutputName(it.Name)
	output("TriggerFunctionName"+name, prefix+"-TriggerFunctionName-"+name, "Trigger function name of "+of, fn.FunctionName())
	output("TriggerFunctionArn"+name, prefix+"-TriggerFunctionArn-"+name, "Trigger function ARN of "+of, fn.FunctionArn())
	if s.Get("lambda/trigger_names") != nil {
		return
	}
	s.Set("lambda/trigger_names", true)
	var names []string
	for _, t := range s.Config.Pipeline.Triggers {
		names = append(names, TriggerOutputName(t.Name))
	}
	output("TriggerFunctionNames", prefix+"-TriggerFunctionNames", "List of trigger names separated by colon of "+of, jsii.String(strings.Join(names, ":")))
}

// subscribe starts the function from its SNS topic and schedules.
func subscribe(s *synth.Stack, it *config.Item, fn awslambda.Function) error {
	spec := it.Spec.(*FunctionSpec)
	if spec.Config.SNS != nil {
		topic := awssns.Topic_FromTopicArn(s.Scope(), s.ID("TriggerTopic", it.Name), jsii.String(spec.Config.SNS.TopicArn))
		topic.AddSubscription(awssnssubscriptions.NewLambdaSubscription(fn, nil))
	}
	for i, sc := range spec.Config.Schedulers {
		props := &awseventstargets.LambdaFunctionProps{}
		if sc.Payload != nil {
			payload, err := engine.ParsePayload(sc.Payload)
			if err != nil {
				return fmt.Errorf("internal error: %w", err)
			}
			props.Event = awsevents.RuleTargetInput_FromObject(payload)
		}
		rule := awsevents.NewRule(s.Scope(), s.ID("TriggerSchedule", it.Name, fmt.Sprint(i)), &awsevents.RuleProps{
			Schedule:    awsevents.Schedule_Expression(jsii.String(sc.Cron)),
			Description: jsii.String(fmt.Sprintf("runs trigger %s on %s", it.Name, sc.Cron)),
		})
		rule.AddTarget(awseventstargets.NewLambdaFunction(fn, props))
	}
	return nil
}

func buildFunction(s *synth.Stack, it *config.Item) (awslambda.Function, error) {
	spec := it.Spec.(*FunctionSpec)
	cfg := &spec.Config
	logs := awslogs.NewLogGroup(s.Scope(), s.ID("FunctionLogs", it.Name), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	env := environment(cfg)
	desc := description(s, it)
	var fn awslambda.Function
	if cfg.Image != nil {
		props := &awslambda.DockerImageFunctionProps{
			Code:        dockerCode(s, cfg),
			Timeout:     awscdk.Duration_Seconds(jsii.Number(float64(cfg.Timeout))),
			MemorySize:  jsii.Number(float64(cfg.Memory)),
			Environment: &env,
			Tracing:     awslambda.Tracing_ACTIVE,
			LogGroup:    logs,
			Description: jsii.String(desc),
		}
		if cfg.ReservedConcurrentExecutions != nil {
			props.ReservedConcurrentExecutions = jsii.Number(float64(*cfg.ReservedConcurrentExecutions))
		}
		if spec.PhysicalName != "" {
			props.FunctionName = jsii.String(spec.PhysicalName)
		}
		props.Role = functionRole(s, it)
		if cfg.DeadLetterQueueEnabled {
			props.DeadLetterQueueEnabled = jsii.Bool(true)
		}
		fn = awslambda.NewDockerImageFunction(s.Scope(), s.ID("Function", it.Name), props)
	} else {
		var layers []awslambda.ILayerVersion
		for _, name := range cfg.LayerRef {
			if err := s.Need(name); err != nil {
				return nil, err
			}
			l, ok := s.Get(LayerType + "/" + name).(awslambda.ILayerVersion)
			if !ok {
				return nil, fmt.Errorf("internal error: layer %q was not built", name)
			}
			layers = append(layers, l)
		}
		runtime := effectiveRuntime(cfg.Runtime)
		props := &awslambda.FunctionProps{
			Code:        assetCode(s, filepath.Join(s.Config.RepoDir, cfg.Entry)),
			Handler:     jsii.String(handler(cfg.Index, cfg.Handler)),
			Runtime:     sharedRuntime(s, runtime),
			Timeout:     seconds(s, cfg.Timeout),
			MemorySize:  jsii.Number(float64(cfg.Memory)),
			Environment: &env,
			Tracing:     awslambda.Tracing_ACTIVE,
			LogGroup:    logs,
			Description: jsii.String(desc),
		}
		if len(layers) > 0 {
			props.Layers = &layers
		}
		if spec.PhysicalName != "" {
			props.FunctionName = jsii.String(spec.PhysicalName)
		}
		if cfg.ReservedConcurrentExecutions != nil {
			props.ReservedConcurrentExecutions = jsii.Number(float64(*cfg.ReservedConcurrentExecutions))
		}
		props.Role = functionRole(s, it)
		if cfg.DeadLetterQueueEnabled {
			props.DeadLetterQueueEnabled = jsii.Bool(true)
		}
		fn = awslambda.NewFunction(s.Scope(), s.ID("Function", it.Name), props)
	}
	if b := cfg.DataBucket; b != "" && cfg.Role == "" && s.EnvironmentRole() == nil {
		// The environment role is the user's to grant; a role of ours gets
		// the bucket, as a Batch job definition's does.
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"),
			Resources: jsii.Strings(
				*awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":s3:::" + b)}),
				*awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":s3:::" + b + "/*")}),
			),
		}))
	}
	s.PublishItem(FunctionType, it, "arn", fn.FunctionArn())
	s.PublishLazy(engine.Ref{Kind: FunctionType, Name: it.Name, Attr: "name"}, fn.FunctionName)
	s.Set(FunctionType+"/"+it.Name, fn)
	return fn, nil
}

// functionRole is the function's config.role, else the environment
// role, else nil: CDK then makes the function a role of its own.
func functionRole(s *synth.Stack, it *config.Item) awsiam.IRole {
	if arn := it.Spec.(*FunctionSpec).Config.Role; arn != "" {
		return awsiam.Role_FromRoleArn(s.Scope(), s.ID("FunctionRole", it.Name), jsii.String(arn),
			&awsiam.FromRoleArnOptions{Mutable: jsii.Bool(false)})
	}
	if r := s.EnvironmentRole(); r != nil {
		return r
	}
	return nil
}

// The helpers below create a CDK value once per stack and reuse it: each
// creation is a jsii round trip, and a pipeline repeats the same few
// values for every function.

// assetCode is one code asset per directory and (nested) stack; CDK
// refuses to share one across stacks.
func assetCode(s *synth.Stack, dir string) awslambda.Code {
	key := fmt.Sprintf("lambda/code/%p/%s", s.Scope(), dir)
	if c, ok := s.Get(key).(awslambda.Code); ok {
		return c
	}
	c := awslambda.Code_FromAsset(jsii.String(dir), nil)
	s.Set(key, c)
	return c
}

func sharedRuntime(s *synth.Stack, name string) awslambda.Runtime {
	key := "lambda/runtime/" + name
	if r, ok := s.Get(key).(awslambda.Runtime); ok {
		return r
	}
	r := cdkRuntime(name)
	s.Set(key, r)
	return r
}

func seconds(s *synth.Stack, n int) awscdk.Duration {
	key := fmt.Sprintf("duration/%d", n)
	if d, ok := s.Get(key).(awscdk.Duration); ok {
		return d
	}
	d := awscdk.Duration_Seconds(jsii.Number(float64(n)))
	s.Set(key, d)
	return d
}

func dockerCode(s *synth.Stack, cfg *FunctionConfig) awslambda.DockerImageCode {
	file := cfg.Image.File
	if file == "" {
		file = "Dockerfile"
	}
	props := &awslambda.AssetImageCodeProps{File: jsii.String(file)}
	if len(cfg.Cmd) > 0 {
		props.Cmd = jsii.Strings(cfg.Cmd...)
	}
	return awslambda.DockerImageCode_FromImageAsset(jsii.String(filepath.Join(s.Config.RepoDir, cfg.Image.Directory)), props)
}

// handler turns data.all's index file and function name into Lambda's
// handler: "example_handler.py" + "handler" → "example_handler.handler".
func handler(index, fn string) string {
	return strings.TrimSuffix(index, filepath.Ext(index)) + "." + fn
}

func cdkRuntime(name string) awslambda.Runtime {
	fam := map[string]awslambda.RuntimeFamily{
		"python": awslambda.RuntimeFamily_PYTHON, "nodejs": awslambda.RuntimeFamily_NODEJS, "java": awslambda.RuntimeFamily_JAVA,
		"ruby": awslambda.RuntimeFamily_RUBY, "dotnet": awslambda.RuntimeFamily_DOTNET_CORE, "provided": awslambda.RuntimeFamily_OTHER,
	}[family(name)]
	if fam == "" {
		fam = awslambda.RuntimeFamily_OTHER
	}
	return awslambda.NewRuntime(jsii.String(name), fam, nil)
}

// BuildResource creates the layer, bundling a layer_entry locally.
func (Layer) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*LayerSpec)
	cfg := &spec.Config
	var layer awslambda.ILayerVersion
	runtimes := []awslambda.Runtime{cdkRuntime(effectiveRuntime(cfg.Runtime))}
	for _, r := range cfg.Runtimes {
		runtimes = append(runtimes, cdkRuntime(effectiveRuntime(r)))
	}
	desc := engine.FirstNonEmpty(cfg.Description, spec.Description, spec.Comment, "layer "+it.Name+" of pipeline "+s.Config.PipelineName())
	switch cfg.way() {
	case "arn":
		layer = awslambda.LayerVersion_FromLayerVersionArn(s.Scope(), s.ID("Layer", it.Name), jsii.String(cfg.LayerArn.Arn))
	case "bucket":
		bucket := awss3.Bucket_FromBucketArn(s.Scope(), s.ID("LayerBucket", it.Name), jsii.String(cfg.BucketArn))
		layer = awslambda.NewLayerVersion(s.Scope(), s.ID("Layer", it.Name), &awslambda.LayerVersionProps{
			Code:               awslambda.Code_FromBucket(bucket, jsii.String(cfg.Key), nil),
			CompatibleRuntimes: &runtimes,
			Description:        jsii.String(desc),
		})
	case "entry":
		// Absolute: the command runs inside the directory and may name it.
		dir, err := filepath.Abs(filepath.Join(s.Config.RepoDir, cfg.LayerEntry))
		if err != nil {
			return err
		}
		b := &bundler{layer: it.Name, dir: dir, bundleType: cfg.BundleType, cmd: cfg.Cmd, progress: s.Progress}
		code := awslambda.Code_FromAsset(jsii.String(dir), &awss3assets.AssetOptions{
			Bundling: &awscdk.BundlingOptions{
				// CDK requires an image; it is never run because the local
				// bundler always handles the build.
				Image:   awscdk.DockerImage_FromRegistry(jsii.String("public.ecr.aws/sam/build-" + effectiveRuntime(cfg.Runtime))),
				Command: jsii.Strings("bash", "-c", b.command()),
				Local:   b,
			},
		})
		layer = awslambda.NewLayerVersion(s.Scope(), s.ID("Layer", it.Name), &awslambda.LayerVersionProps{
			Code:               code,
			CompatibleRuntimes: &runtimes,
			Description:        jsii.String(desc),
		})
		// The asset is staged, and so bundled, when the layer binds it.
		if b.err != nil {
			return b.err
		}
	default:
		return fmt.Errorf("internal error: layer %q has no source", it.Name)
	}
	s.Set(LayerType+"/"+it.Name, layer)
	s.PublishItem(LayerType, it, "arn", layer.LayerVersionArn())
	return nil
}
