package lambda

import (
	"fmt"
	"path/filepath"
	"reflect"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

// A step's function is the hot path of a large pipeline: hundreds of
// them, each a log group, a role, its policy and the function. Built as
// the L2 Function each costs several jsii calls, and their CDK work is
// most of a synth. Where the stack takes injected resources (synth's
// inject.go: a plain synth of a stack without nested stacks), they are
// written here as the CloudFormation the L2 Function writes: the same
// logical IDs (synth.LogicalID of the L2's construct paths), properties,
// policies, removal policies and dependencies. A checked synth (cdk-nag)
// builds the L2, so the checks see the same resources.

// injectFields are the config fields injectStep renders (or, for the
// state's settings, leaves to the plan). A config setting any other field
// is built by the L2 Function, so a field added to FunctionConfig is never
// dropped here unnoticed.
var injectFields = map[string]bool{
	"Entry": true, "Index": true, "Handler": true, "Runtime": true, "Timeout": true, "Memory": true,
	"Environment": true, "LayerRef": true, "ReservedConcurrentExecutions": true, "DataBucket": true,
	"Payload": true, "PayloadResponseOnly": true,
}

// injectable is true when injectStep can write the step's function.
func injectable(cfg *FunctionConfig) bool {
	v := reflect.ValueOf(cfg).Elem()
	for i := 0; i < v.NumField(); i++ {
		if !injectFields[v.Type().Field(i).Name] && !v.Field(i).IsZero() {
			return false
		}
	}
	return true
}

// injectStep writes what awslambda.NewFunction writes for a zip-asset
// function with tracing and a log group of its own.
func injectStep(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*FunctionSpec)
	cfg := &spec.Config
	// In buildFunction's order, so that ids of names that clash number alike.
	logsID := *s.ID("FunctionLogs", it.Name)
	fnID := *s.ID("Function", it.Name)
	logsLID := synth.LogicalID(logsID, "Resource")
	s.Inject(logsLID, map[string]any{
		"Type":       "AWS::Logs::LogGroup",
		"Properties": map[string]any{"RetentionInDays": 30}, // awslogs.RetentionDays_ONE_MONTH
		// awscdk.RemovalPolicy_DESTROY
		"UpdateReplacePolicy": "Delete", "DeletionPolicy": "Delete",
	})
	bucket, key := assetLocation(s, filepath.Join(s.Config.RepoDir, cfg.Entry))
	props := map[string]any{
		"Code":          map[string]any{"S3Bucket": bucket, "S3Key": key},
		"Description":   description(s, it),
		"Handler":       handler(cfg.Index, cfg.Handler),
		"LoggingConfig": map[string]any{"LogGroup": map[string]any{"Ref": logsLID}},
		"MemorySize":    cfg.Memory,
		"Runtime":       effectiveRuntime(cfg.Runtime),
		"Timeout":       cfg.Timeout,
		"TracingConfig": map[string]any{"Mode": "Active"},
	}
	if len(cfg.Environment) > 0 {
		props["Environment"] = map[string]any{"Variables": cfg.Environment}
	}
	if len(cfg.LayerRef) > 0 {
		arns, err := layerArns(s, cfg)
		if err != nil {
			return err
		}
		props["Layers"] = arns
	}
	if n := cfg.ReservedConcurrentExecutions; n != nil {
		props["ReservedConcurrentExecutions"] = *n
	}
	if spec.PhysicalName != "" {
		props["FunctionName"] = spec.PhysicalName
	}
	fn := map[string]any{"Type": "AWS::Lambda::Function", "Properties": props}
	if arn := s.Config.Var("environment_role_arn"); arn != "" {
		// An imported, immutable role: CDK writes its ARN and grants it
		// nothing (the tracing and bucket grants are the user's to give).
		props["Role"] = arn
	} else {
		roleID, policyID := serviceRole(s, fnID, cfg)
		props["Role"] = map[string]any{"Fn::GetAtt": []string{roleID, "Arn"}}
		fn["DependsOn"] = []string{policyID, roleID}
	}
	fnLID := synth.LogicalID(fnID, "Resource")
	s.Inject(fnLID, fn)
	s.PublishItem(FunctionType, it, "arn", s.InjectedRef(fnLID, "Arn"))
	s.PublishItem(FunctionType, it, "name", s.InjectedRef(fnLID, ""))
	return nil
}

// serviceRole writes the role the L2 Function makes: Lambda may assume it,
// it has the basic execution policy, and its default policy allows X-Ray
// and, with data_bucket, the bucket.
func serviceRole(s *synth.Stack, fnID string, cfg *FunctionConfig) (roleID, policyID string) {
	arn := func(rest string) any {
		return map[string]any{"Fn::Join": []any{"", []any{"arn:", map[string]any{"Ref": "AWS::Partition"}, rest}}}
	}
	roleID = synth.LogicalID(fnID, "ServiceRole", "Resource")
	s.Inject(roleID, map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{
		"AssumeRolePolicyDocument": policyDocument(map[string]any{
			"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"},
		}),
		"ManagedPolicyArns": []any{arn(":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")},
	}})
	statements := []map[string]any{{
		"Action": []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}, "Effect": "Allow", "Resource": "*",
	}}
	if bk := cfg.DataBucket; bk != "" {
		statements = append(statements, map[string]any{
			"Action":   []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"},
			"Effect":   "Allow",
			"Resource": []any{arn(":s3:::" + bk), arn(":s3:::" + bk + "/*")},
		})
	}
	policyID = synth.LogicalID(fnID, "ServiceRole", "DefaultPolicy", "Resource")
	s.Inject(policyID, map[string]any{"Type": "AWS::IAM::Policy", "Properties": map[string]any{
		"PolicyDocument": policyDocument(statements...),
		"PolicyName":     policyID, // as the L2 names it: its logical ID
		"Roles":          []any{map[string]any{"Ref": roleID}},
	}})
	return roleID, policyID
}

func policyDocument(statements ...map[string]any) map[string]any {
	list := make([]any, len(statements))
	for i, st := range statements {
		list[i] = st
	}
	return map[string]any{"Statement": list, "Version": "2012-10-17"}
}

// assetLocation is the bucket and key, as the template writes them, of
// the code asset of dir: one asset per directory, staged as Code_FromAsset
// stages it.
func assetLocation(s *synth.Stack, dir string) (bucket, key any) {
	k := "lambda/asset/" + dir
	if loc, ok := s.Get(k).([2]any); ok {
		return loc[0], loc[1]
	}
	n, _ := s.Get("lambda/assets").(int)
	s.Set("lambda/assets", n+1)
	a := awss3assets.NewAsset(s.Scope(), jsii.String(fmt.Sprintf("StepCode%d", n)), &awss3assets.AssetProps{
		Path: jsii.String(dir), DeployTime: jsii.Bool(true),
	})
	loc := [2]any{s.Value(a.S3BucketName()), s.Value(a.S3ObjectKey())}
	s.Set(k, loc)
	return loc[0], loc[1]
}

// layerArns are the function's layers' ARNs as the template writes them,
// asked of CDK once per layer.
func layerArns(s *synth.Stack, cfg *FunctionConfig) ([]any, error) {
	var out []any
	for _, name := range cfg.LayerRef {
		k := LayerType + "/" + name + "/arn"
		if arn := s.Get(k); arn != nil {
			out = append(out, arn)
			continue
		}
		if err := s.Need(name); err != nil {
			return nil, err
		}
		l, ok := s.Get(LayerType + "/" + name).(awslambda.ILayerVersion)
		if !ok {
			return nil, fmt.Errorf("internal error: layer %q was not built", name)
		}
		arn := s.Value(l.LayerVersionArn())
		s.Set(k, arn)
		out = append(out, arn)
	}
	return out, nil
}

// environment is the function's environment variables for CDK.
func environment(cfg *FunctionConfig) map[string]*string {
	env := map[string]*string{}
	for _, k := range engine.SortedKeys(cfg.Environment) {
		env[k] = jsii.String(cfg.Environment[k])
	}
	return env
}

// description is the function's, cut to Lambda's 256 characters.
func description(s *synth.Stack, it *config.Item) string {
	spec := it.Spec.(*FunctionSpec)
	desc := engine.FirstNonEmpty(spec.Description, spec.Comment, it.Name+" of pipeline "+s.Config.PipelineName())
	if len(desc) > 256 {
		desc = desc[:256]
	}
	return desc
}
