package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// CICD is the `cicd:` section of variables.yaml: where the repo lives and
// which stages the pipeline deploys, in order.
type CICD struct {
	// Repository is a CodeCommit repository name, or owner/repo with
	// ConnectionArn (CodeConnections: GitHub, GitLab, Bitbucket).
	Repository    string   `yaml:"repository" validate:"required"`
	Branch        string   `yaml:"branch"`
	ConnectionArn string   `yaml:"connection_arn" validate:"omitempty,startswith=arn:"`
	Stages        []string `yaml:"stages" validate:"required,min=1"`
	// ApproveBefore lists the stages a person approves right before they
	// deploy; default: none (the ManualApproval<Stage> stage after each
	// tested stage holds the promotion), or prod with AutoPromote.
	ApproveBefore []string `yaml:"approve_before"`
	// AutoPromote drops the ManualApproval<Stage> stages: a stage whose
	// RunTests passed is followed by the next stage's deploy at once.
	AutoPromote bool `yaml:"auto_promote"`
	// SynthCommand runs in the pipeline's build; default: see
	// DefaultSynthCommand.
	SynthCommand string `yaml:"synth_command"`
	// Blueprint is how the pipeline's builds run blueprint: see Blueprint.
	Blueprint string     `yaml:"-" validate:"-"`
	Node      *yaml.Node `yaml:"-" validate:"-"`
}

// RunTests are the RunTests stage's commands: the repo's tests, with a
// JUnit report and a Cobertura report of the Go code they run, blueprint's
// (validating, planning and synthesizing the pipeline) and the repo's own
// packages. A pipeline repo of config alone has no Go code of its own, and
// measuring only ./... gave an empty report (line-rate NaN).
var RunTests = []string{
	"mkdir -p tests/reports",
	"gotestsum --junitfile tests/reports/junit.xml -- -coverprofile=tests/reports/coverage.out -coverpkg=./...,github.com/blueprint-dev/blueprint/... ./tests/...",
	"gocover-cobertura < tests/reports/coverage.out > tests/reports/coverage.xml",
}

// LoadCICD reads the cicd section of a repo's variables.yaml.
func LoadCICD(repo string) (*CICD, diag.List) {
	const file = "variables.yaml"
	raw, err := os.ReadFile(filepath.Join(repo, file))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, diag.List{{File: file, Message: "--cicd needs a cicd: section in variables.yaml, and there is no variables.yaml",
			Hint: "cicd: {repository: my-repo, stages: [dev, test, prod]}"}}
	}
	if err != nil {
		return nil, diag.List{{File: file, Message: "cannot read: " + err.Error()}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, diag.List{SyntaxError(file, raw, err)}
	}
	d := NewDecoder(NewSource(file, raw, raw, nil))
	root := resolve(&doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, diag.List{{File: file, Line: 1, Message: "must be a mapping of variable names to values"}}
	}
	var node *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "cicd" {
			node = root.Content[i+1]
		}
	}
	if node == nil {
		return nil, diag.List{{File: file, Line: 1, Message: "--cicd needs a cicd: section",
			Hint: "cicd: {repository: my-repo, stages: [dev, test, prod]}"}}
	}
	c := &CICD{Branch: "main", Node: node}
	d.Decode(node, c, "cicd")
	d.Check(c, "cicd")
	if c.ApproveBefore == nil {
		// Without the approvals after each tested stage, a person still
		// approves prod, or a pipeline of one stage.
		for i, s := range c.Stages {
			if s == "prod" && (c.AutoPromote || i == 0) {
				c.ApproveBefore = []string{"prod"}
			}
		}
	}
	seen := map[string]bool{}
	for i, s := range c.Stages {
		if seen[s] {
			d.Errorf(d.Node("cicd.stages"), "cicd.stages", "stage %q is listed twice", s)
		}
		seen[s] = true
		_ = i
	}
	for _, s := range c.ApproveBefore {
		if !seen[s] {
			d.Errorf(d.Node("cicd.approve_before"), "cicd.approve_before", "stage %q is not in cicd.stages", s)
		}
	}
	if c.SynthCommand == "" {
		c.SynthCommand = DefaultSynthCommand(repo) + " --cicd"
	}
	c.Blueprint = Blueprint(repo)
	if d.Diags.HasErrors() {
		return nil, d.Diags
	}
	return c, d.Diags
}

// DefaultSynthCommand is how a build runs the synth: see Blueprint.
func DefaultSynthCommand(repo string) string { return Blueprint(repo) + " synth" }

// Blueprint is how a build runs the blueprint a repo pins: its own
// cmd/blueprint when it has one (a repo with engines of its own, or
// blueprint itself), else the tool its go.mod declares (go tool blueprint,
// as blueprint init sets up), so the build needs nothing installed and
// runs the version the tests ran.
func Blueprint(repo string) string {
	if _, err := os.Stat(filepath.Join(repo, "cmd", "blueprint", "main.go")); err == nil {
		return "go run ./cmd/blueprint"
	}
	return "go tool blueprint"
}
