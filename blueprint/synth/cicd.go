package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodebuild"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodecommit"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/pipelines"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
)

// StageStacks are the planned stacks of one stage.
type StageStacks struct {
	Stage  string
	Stacks []*plan.Stack
}

// SynthCICD writes an assembly with every stage's stacks in a CDK Stage and
// a stack holding the CodePipeline that tests, synthesizes and deploys
// them in order. Each stage but the last is then tested where it was
// deployed (RunTests<Stage>) and promoted by a person
// (ManualApproval<Stage>) unless cicd.auto_promote; approve_before adds
// approvals right before the stages it lists.
func SynthCICD(name string, stages []StageStacks, c *config.CICD, opts Options) error {
	return write(opts, func(dir string) error { return subRoleArns(filepath.Join(dir, name+"-cicd.template.json")) }, func(app awscdk.App) error {
		pipeProps := &awscdk.StackProps{
			StackName:   jsii.String(name + "-cicd"),
			Description: jsii.String("CI/CD of pipeline " + name + ": tests, synthesizes and deploys " + strings.Join(c.Stages, ", ") + " (by blueprint)"),
		}
		// The pipeline lives where the first stage does: CodePipeline needs
		// an explicit region once stages name their environments.
		if len(stages) > 0 && len(stages[0].Stacks) > 0 {
			pipeProps.Env = envOf(stages[0].Stacks[0].Config)
		}
		pipeStack := awscdk.NewStack(app, jsii.String(name+"-cicd"), pipeProps)
		var source pipelines.CodePipelineSource
		if c.ConnectionArn != "" {
			source = pipelines.CodePipelineSource_Connection(jsii.String(c.Repository), jsii.String(c.Branch),
				&pipelines.ConnectionSourceOptions{ConnectionArn: jsii.String(c.ConnectionArn)})
		} else {
			repo := awscodecommit.Repository_FromRepositoryName(pipeStack, jsii.String("Repository"), jsii.String(c.Repository))
			source = pipelines.CodePipelineSource_CodeCommit(repo, jsii.String(c.Branch), nil)
		}
		// The Build step runs the repo's unit tests, with JUnit and
		// Cobertura reports, then writes the assembly.
		reports := map[string]any{
			"reports": map[string]any{
				"RunTests": map[string]any{"base-directory": "tests/reports", "files": []string{"junit.xml"}, "file-format": "JUNITXML"},
				"Coverage": map[string]any{"base-directory": "tests/reports", "files": []string{"coverage.xml"}, "file-format": "COBERTURAXML"},
			},
		}
		build := pipelines.NewCodeBuildStep(jsii.String("Build"), &pipelines.CodeBuildStepProps{
			Input:                  source,
			InstallCommands:        jsii.Strings(testTools...),
			Commands:               jsii.Strings(append(append([]string(nil), config.RunTests...), c.SynthCommand)...),
			PrimaryOutputDirectory: jsii.String("cdk.out"),
			PartialBuildSpec:       awscodebuild.BuildSpec_FromObject(&reports),
			BuildEnvironment:       &awscodebuild.BuildEnvironment{BuildImage: awscodebuild.LinuxBuildImage_STANDARD_7_0()},
		})
		cross := false
		for _, st := range stages {
			for _, p := range st.Stacks {
				cross = cross || p.Config.Var("aws_account_id") != ""
			}
		}
		pipe := pipelines.NewCodePipeline(pipeStack, jsii.String("Pipeline"), &pipelines.CodePipelineProps{
			PipelineName:     jsii.String(name),
			Synth:            build,
			CrossAccountKeys: jsii.Bool(cross),
			// Docker image assets (Batch, container Lambdas) are built by
			// the pipeline's asset stage.
			DockerEnabledForSynth:        jsii.Bool(true),
			DockerEnabledForSelfMutation: jsii.Bool(true),
		})
		for i, st := range stages {
			props := &awscdk.StageProps{}
			if len(st.Stacks) > 0 {
				props.Env = envOf(st.Stacks[0].Config)
			}
			stage := awscdk.NewStage(app, jsii.String(stageID(st.Stage)), props)
			for _, p := range st.Stacks {
				if err := buildStack(stage, p, opts, "-"+st.Stage); err != nil {
					return fmt.Errorf("stage %s: %s: %w", st.Stage, p.Config.Source.Path, err)
				}
			}
			var opt pipelines.AddStageOpts
			for _, a := range c.ApproveBefore {
				if a == st.Stage {
					opt.Pre = &[]pipelines.Step{pipelines.NewManualApprovalStep(jsii.String("Approve-"+st.Stage), &pipelines.ManualApprovalStepProps{
						Comment: jsii.String("Deploy " + name + " to " + st.Stage + "?"),
					})}
				}
			}
			pipe.AddStage(stage, &opt)
			if i == len(stages)-1 {
				break
			}
			// data.all's pipeline: each stage but the last is tested once
			// deployed, then a person promotes it.
			if step := runTests(pipeStack, source, st, c); step != nil {
				pipe.AddWave(jsii.String("RunTests"+stageID(st.Stage)), &pipelines.WaveOptions{Post: &[]pipelines.Step{step}})
			}
			if !c.AutoPromote {
				id := "ManualApproval" + stageID(st.Stage)
				pipe.AddWave(jsii.String(id), &pipelines.WaveOptions{Post: &[]pipelines.Step{pipelines.NewManualApprovalStep(jsii.String(id), &pipelines.ManualApprovalStepProps{
					Comment: jsii.String(fmt.Sprintf("%s passed its tests in %s: promote it to %s?", name, st.Stage, stages[i+1].Stage)),
				})}})
			}
		}
		return nil
	})
}

// IntegrationDir holds a repo's tests of a deployed stage.
const IntegrationDir = "tests/integration"

// IntegrationStageEnv names the stage the RunTests project tests; the
// integration tests read it and skip without it.
const IntegrationStageEnv = "BLUEPRINT_INTEGRATION_STAGE"

// IntegrationInput is the input file of a stack's run in RunTests:
// tests/integration/<stage>.json for config.yaml, <stage>.<name>.json for
// configs/<name>.yaml.
func IntegrationInput(p *plan.Stack, stage string) string {
	if p.Config.Main {
		return IntegrationDir + "/" + stage + ".json"
	}
	base := strings.TrimSuffix(filepath.Base(p.Config.Source.Path), filepath.Ext(p.Config.Source.Path))
	return IntegrationDir + "/" + stage + "." + base + ".json"
}

// runTests is the RunTests<Stage> step: a run of each state machine of the
// stage just deployed, with its input file when the repo has one, then the
// repo's integration tests with their JUnit and Cobertura reports. Its
// role may start and read executions of those machines and read their
// SSM parameters, nothing more. Nil when there is nothing to run.
func runTests(scope awscdk.Stack, source pipelines.CodePipelineSource, st StageStacks, c *config.CICD) pipelines.Step {
	var commands []string
	var policy []awsiam.PolicyStatement
	repo := ""
	account, region := awscdk.Aws_ACCOUNT_ID(), awscdk.Aws_REGION()
	if len(st.Stacks) > 0 {
		repo = st.Stacks[0].Config.RepoDir
		if env := envOf(st.Stacks[0].Config); env != nil {
			account = firstSet(env.Account, account)
			region = firstSet(env.Region, region)
		}
	}
	arn := func(service, resource, name string, format awscdk.ArnFormat) *string {
		return scope.FormatArn(&awscdk.ArnComponents{Service: jsii.String(service), Resource: jsii.String(resource), ResourceName: jsii.String(name),
			ArnFormat: format, Account: account, Region: region})
	}
	for _, p := range st.Stacks {
		if p.Machine == nil {
			continue
		}
		run := c.Blueprint + " run --stage " + st.Stage + " --wait"
		if !p.Config.Main {
			run += " --config " + p.Config.Source.Path
		}
		if in := IntegrationInput(p, st.Stage); isFile(filepath.Join(repo, in)) {
			run += " --input @" + in
		}
		commands = append(commands, run)
		machine := MachineName(p.Machine, "-"+st.Stage)
		policy = append(policy,
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("states:StartExecution"),
				Resources: &[]*string{arn("states", "stateMachine", machine, awscdk.ArnFormat_COLON_RESOURCE_NAME)},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("states:DescribeExecution", "states:GetExecutionHistory"),
				Resources: &[]*string{arn("states", "execution", machine+":*", awscdk.ArnFormat_COLON_RESOURCE_NAME)},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("ssm:GetParameter"),
				Resources: &[]*string{arn("ssm", "parameter", strings.TrimPrefix(p.ArnParameter(), "/"), awscdk.ArnFormat_SLASH_RESOURCE_NAME)},
			}))
	}
	props := &pipelines.CodeBuildStepProps{
		Input:                source,
		Env:                  &map[string]*string{IntegrationStageEnv: jsii.String(st.Stage)},
		RolePolicyStatements: &policy,
		BuildEnvironment:     &awscodebuild.BuildEnvironment{BuildImage: awscodebuild.LinuxBuildImage_STANDARD_7_0()},
	}
	if fi, err := os.Stat(filepath.Join(repo, filepath.FromSlash(IntegrationDir))); err == nil && fi.IsDir() {
		props.InstallCommands = jsii.Strings(testTools...)
		commands = append(commands,
			"mkdir -p tests/reports",
			"gotestsum --junitfile tests/reports/integration-junit.xml -- -coverprofile=tests/reports/integration-coverage.out -coverpkg=./...,github.com/blueprint-dev/blueprint/... ./"+IntegrationDir+"/...",
			"gocover-cobertura < tests/reports/integration-coverage.out > tests/reports/integration-coverage.xml",
		)
		reports := map[string]any{
			"reports": map[string]any{
				"IntegrationTests":    map[string]any{"base-directory": "tests/reports", "files": []string{"integration-junit.xml"}, "file-format": "JUNITXML"},
				"IntegrationCoverage": map[string]any{"base-directory": "tests/reports", "files": []string{"integration-coverage.xml"}, "file-format": "COBERTURAXML"},
			},
		}
		props.PartialBuildSpec = awscodebuild.BuildSpec_FromObject(&reports)
	}
	if len(commands) == 0 {
		return nil
	}
	props.Commands = jsii.Strings(commands...)
	return pipelines.NewCodeBuildStep(jsii.String("RunTests"+stageID(st.Stage)), props)
}

// testTools are what the builds install to report tests: JUnit and
// Cobertura writers for go test.
var testTools = []string{
	"go install gotest.tools/gotestsum@v1.13.0",
	"go install github.com/boumenot/gocover-cobertura@v1.5.0",
}

func firstSet(v, def *string) *string {
	if v != nil && *v != "" {
		return v
	}
	return def
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// stageID is a construct id for a stage name: "prod" → "Prod".
func stageID(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' && up:
			b.WriteRune(r - 'a' + 'A')
			up = false
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	if b.Len() == 0 {
		return "Stage"
	}
	return b.String()
}

// roleJoin matches a CodePipeline action's RoleArn written as an Fn::Join
// of literals and pseudo parameters, as CDK's pipelines construct does.
var roleJoin = regexp.MustCompile(`"RoleArn": \{\s*"Fn::Join": \[\s*"",\s*\[((?:\s*(?:"[^"]*"|\{\s*"Ref": "AWS::[A-Za-z]+"\s*\}),?)+)\s*\]\s*\]\s*\}`)

var joinPart = regexp.MustCompile(`"([^"]*)"|\{\s*"Ref": "(AWS::[A-Za-z]+)"\s*\}`)

// subRoleArns rewrites those joins as the equivalent Fn::Sub, the form
// cfn-lint requires (E3703) for action roles; CloudFormation reads both.
func subRoleArns(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out := roleJoin.ReplaceAllFunc(raw, func(m []byte) []byte {
		var b strings.Builder
		for _, p := range joinPart.FindAllSubmatch(roleJoin.FindSubmatch(m)[1], -1) {
			if p[2] != nil {
				b.WriteString("${" + string(p[2]) + "}")
			} else {
				b.Write(p[1])
			}
		}
		return []byte(`"RoleArn": {"Fn::Sub": "` + b.String() + `"}`)
	})
	return os.WriteFile(path, out, 0o644)
}

// envOf is the account and region a config's context names, or nil.
func envOf(cs *config.Stack) *awscdk.Environment {
	acc, reg := cs.Var("aws_account_id"), cs.Var("aws_region")
	if acc == "" && reg == "" {
		return nil
	}
	env := &awscdk.Environment{}
	if acc != "" {
		env.Account = jsii.String(acc)
	}
	if reg != "" {
		env.Region = jsii.String(reg)
	}
	return env
}
