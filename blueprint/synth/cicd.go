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
// them in order, with a manual approval before the stages that want one.
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
		// The Build step is the RunTests stage and the synth at once: the
		// repo's tests, with JUnit and Cobertura reports, then the assembly.
		reports := map[string]any{
			"reports": map[string]any{
				"RunTests": map[string]any{"base-directory": "tests/reports", "files": []string{"junit.xml"}, "file-format": "JUNITXML"},
				"Coverage": map[string]any{"base-directory": "tests/reports", "files": []string{"coverage.xml"}, "file-format": "COBERTURAXML"},
			},
		}
		build := pipelines.NewCodeBuildStep(jsii.String("Build"), &pipelines.CodeBuildStepProps{
			Input: source,
			InstallCommands: jsii.Strings(
				"go install gotest.tools/gotestsum@v1.13.0",
				"go install github.com/boumenot/gocover-cobertura@v1.5.0",
			),
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
		for _, st := range stages {
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
		}
		return nil
	})
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
