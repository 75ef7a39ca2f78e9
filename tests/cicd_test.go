package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// TestCICDPipelineDeploysEveryStage synthesizes the starter with a cicd
// section: a CodePipeline stack (source, build with the unit tests, then
// per stage a deploy and, for every stage but the last, RunTests<Stage>
// and ManualApproval<Stage>, as data.all's pipeline) and the stages' own
// stacks. The stages, the RunTests buildspecs and their roles' policies
// are kept as a golden file.
func TestCICDPipelineDeploysEveryStage(t *testing.T) {
	outDir, raw, out := synthCICD(t, "cicd:\n  repository: repo-code\n  stages: [dev, test, prod]\n", nil)
	assert.Contains(t, out, "the repo-cicd pipeline deploying dev, test, prod")
	check.Assembly(t, outDir)
	// The build runs the blueprint the repo pins, installing none.
	assert.Contains(t, string(raw), `go tool blueprint synth --cicd`)
	assert.NotContains(t, string(raw), `go install github.com/blueprint-dev`)
	p := pipelineOf(t, raw)
	assert.Equal(t, []string{"Source", "Build", "UpdatePipeline", "Assets",
		"Dev", "RunTestsDev", "ManualApprovalDev", "Test", "RunTestsTest", "ManualApprovalTest", "Prod"}, p.Stages)
	assert.Equal(t, []string{"ManualApprovalDev", "ManualApprovalTest"}, p.Approvals, "a person promotes each tested stage, and nothing waits after prod")
	var summary bytes.Buffer
	enc := json.NewEncoder(&summary)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(p))
	testkit.Golden(t, filepath.Join("testdata", "golden", "cicd-pipeline.json"), summary.Bytes())
	for _, stage := range []string{"Dev", "Test", "Prod"} {
		files, _ := filepath.Glob(filepath.Join(outDir, "assembly-"+stage, "*.template.json"))
		assert.Len(t, files, 1, stage)
	}
}

// TestCICDAutoPromoteSkipsTheApprovals: with auto_promote a stage whose
// tests pass goes on to the next, and only prod waits for a person.
func TestCICDAutoPromoteSkipsTheApprovals(t *testing.T) {
	_, raw, _ := synthCICD(t, "cicd:\n  repository: repo-code\n  stages: [dev, test, prod]\n  auto_promote: true\n", map[string]string{
		"configs/extra.yaml":                "version: 2\nname: extra\naws_resources:\n  - {name: Done, type: sns_topic}\ngroups:\n  - name: Tell\n    jobs:\n      - {name: Say, type: sns_publish, config: {topic_name: Done, message: done}}\n",
		"tests/integration/test.extra.json": `{"x": 1}`,
	}, "--skip-bundling")
	p := pipelineOf(t, raw)
	assert.Equal(t, []string{"Source", "Build", "UpdatePipeline", "Assets", "Dev", "RunTestsDev", "Test", "RunTestsTest", "Prod"}, p.Stages)
	assert.Equal(t, []string{"Prod"}, p.Approvals)
	// Each stack with a state machine is run, with its own input file.
	spec, _ := json.Marshal(p.RunTests["RunTestsTest"].BuildSpec)
	assert.Contains(t, string(spec), `"go tool blueprint run --stage test --wait --input @tests/integration/test.json",`+
		`"go tool blueprint run --stage test --wait --config configs/extra.yaml --input @tests/integration/test.extra.json"`)
	policy, _ := json.Marshal(p.RunTests["RunTestsTest"].Policy)
	assert.Contains(t, string(policy), `:stateMachine:repo-extra-test"`)
	assert.Contains(t, string(policy), `:parameter/dataall/repo-extra/test/step_function_arn"`)
}

// synthCICD scaffolds the starter as "repo", writes files, adds section
// to its variables.yaml and synthesizes it with --cicd: the assembly, the
// pipeline stack's template and what synth printed.
func synthCICD(t *testing.T, section string, files map[string]string, flags ...string) (outDir string, template []byte, out string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	code, out := blueprint(t, "init", dir)
	require.Equal(t, 0, code, out)
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(body), 0o644))
	}
	vars, err := os.ReadFile(filepath.Join(dir, "variables.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), append(vars, []byte(section)...), 0o644))
	outDir = filepath.Join(t.TempDir(), "cdk.out")
	code, out = blueprint(t, append([]string{"synth", "--dir", dir, "--cicd", "--out", outDir}, flags...)...)
	require.Equal(t, 0, code, out)
	template, err = os.ReadFile(filepath.Join(outDir, "repo-cicd.template.json"))
	require.NoError(t, err)
	return outDir, template, out
}

// pipeline is what a reviewer checks of a CI/CD stack: its stages, where a
// person approves, and what each RunTests project runs with which rights.
type pipeline struct {
	Stages    []string
	Approvals []string
	RunTests  map[string]runTestsProject
}

type runTestsProject struct {
	BuildSpec   any
	Environment any
	Policy      []any
}

func pipelineOf(t *testing.T, raw []byte) pipeline {
	t.Helper()
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	require.NoError(t, json.Unmarshal(raw, &tmpl))
	p := pipeline{RunTests: map[string]runTestsProject{}}
	for _, r := range tmpl.Resources {
		if r.Type != "AWS::CodePipeline::Pipeline" {
			continue
		}
		for _, st := range r.Properties["Stages"].([]any) {
			s := st.(map[string]any)
			p.Stages = append(p.Stages, s["Name"].(string))
			for _, a := range s["Actions"].([]any) {
				if a.(map[string]any)["ActionTypeId"].(map[string]any)["Category"] == "Approval" {
					p.Approvals = append(p.Approvals, s["Name"].(string))
				}
			}
		}
	}
	for id, r := range tmpl.Resources {
		if r.Type != "AWS::CodeBuild::Project" || !strings.HasPrefix(id, "PipelineRunTests") {
			continue
		}
		var spec any
		require.NoError(t, json.Unmarshal([]byte(r.Properties["Source"].(map[string]any)["BuildSpec"].(string)), &spec))
		env := r.Properties["Environment"].(map[string]any)
		role := r.Properties["ServiceRole"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
		var policy []any
		for _, pr := range tmpl.Resources {
			if pr.Type != "AWS::IAM::Policy" {
				continue
			}
			for _, rr := range pr.Properties["Roles"].([]any) {
				if ref, ok := rr.(map[string]any)["Ref"]; ok && ref == role {
					policy = append(policy, pr.Properties["PolicyDocument"].(map[string]any)["Statement"].([]any)...)
				}
			}
		}
		name := strings.TrimPrefix(id, "Pipeline")
		p.RunTests[name[:len(name)-8]] = runTestsProject{BuildSpec: spec, Environment: env["EnvironmentVariables"], Policy: policy}
	}
	return p
}

func TestCICDNeedsItsSection(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	code, out := blueprint(t, "init", dir)
	require.Equal(t, 0, code, out)
	code, out = blueprint(t, "synth", "--dir", dir, "--cicd")
	assert.Equal(t, 1, code)
	assert.Equal(t, "variables.yaml:1: --cicd needs a cicd: section (cicd: {repository: my-repo, stages: [dev, test, prod]})\n1 error, 0 warnings\n", out)
	vars, _ := os.ReadFile(filepath.Join(dir, "variables.yaml"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), append(vars, []byte("cicd:\n  stages: [dev, qa]\n  approve_before: [prod]\n")...), 0o644))
	code, out = blueprint(t, "synth", "--dir", dir, "--cicd")
	assert.Equal(t, 1, code)
	assert.Equal(t, "variables.yaml:12:3: cicd.repository: is required\nvariables.yaml:13:19: cicd.approve_before: stage \"prod\" is not in cicd.stages\n2 errors, 0 warnings\n", out)
}

// TestTheREADMEDrawsTheCICDPipeline keeps the README's drawing of the
// --cicd pipeline the stages that synth writes for dev, test and prod.
func TestTheREADMEDrawsTheCICDPipeline(t *testing.T) {
	_, raw, _ := synthCICD(t, "cicd:\n  repository: repo-code\n  stages: [dev, test, prod]\n", nil, "--skip-bundling")
	p := pipelineOf(t, raw)

	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	const open = "```mermaid\n---\ntitle: my-pipeline-cicd\n"
	i := strings.Index(string(readme), open)
	require.GreaterOrEqual(t, i, 0, "the README does not draw the CI/CD pipeline")
	body := string(readme)[i+len("```mermaid\n"):]
	body = body[:strings.Index(body, "```")]
	assert.Equal(t, cicdMermaid("my-pipeline-cicd", p.Stages), body)
}

// cicdMermaid draws a pipeline's stages left to right, as blueprint
// graph draws states: approvals as hexagons, each stage with what it does.
func cicdMermaid(title string, stages []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\n---\nflowchart LR\n", title)
	for i, s := range stages {
		var node string
		switch {
		case s == "Source":
			node = `(["Source<br/>the repo's branch"])`
		case s == "Build":
			node = `["Build<br/>unit tests, JUnit + Cobertura<br/>blueprint synth --cicd"]`
		case s == "UpdatePipeline":
			node = `["UpdatePipeline<br/>the pipeline updates itself"]`
		case s == "Assets":
			node = `["Assets<br/>Lambda code, images"]`
		case strings.HasPrefix(s, "RunTests"):
			stage := strings.ToLower(strings.TrimPrefix(s, "RunTests"))
			node = fmt.Sprintf(`["%s<br/>blueprint run --stage %s --wait<br/>go test ./tests/integration/..."]`, s, stage)
		case strings.HasPrefix(s, "ManualApproval"):
			node = fmt.Sprintf(`{{"%s<br/>a person promotes %s"}}`, s, strings.ToLower(strings.TrimPrefix(s, "ManualApproval")))
		default:
			node = fmt.Sprintf(`[["%s<br/>deploy the %s stacks"]]`, s, strings.ToLower(s))
		}
		fmt.Fprintf(&b, "  s%d%s\n", i, node)
	}
	for i := 1; i < len(stages); i++ {
		fmt.Fprintf(&b, "  s%d --> s%d\n", i-1, i)
	}
	return b.String()
}
