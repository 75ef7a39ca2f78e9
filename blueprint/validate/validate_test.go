package validate_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/validate"
	"github.com/blueprint-dev/blueprint/engines/choice"
	"github.com/blueprint-dev/blueprint/internal/fake"
)

func diagnostics(t *testing.T, cfg string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644))
	reg := engine.NewRegistry(fake.Step{}, fake.Thing{}, choice.Engine{})
	stacks, diags := config.Load(config.LoadOptions{RepoDir: dir, LookupEnv: func(string) (string, bool) { return "", false }})
	for _, s := range stacks {
		_, vd := validate.Stack(s, reg)
		diags.Add(vd...)
	}
	var out []string
	for _, d := range diags.Sorted() {
		out = append(out, d.String())
	}
	return strings.Join(out, "\n")
}

func TestValidationReportsEachMistake(t *testing.T) {
	const res = "aws_resources:\n  - {name: A, type: thing}\n"
	tests := []struct {
		name, cfg, want string
	}{
		{"a valid config", "version: 2\nname: p\n" + res + "groups:\n  - name: G\n    jobs: [{name: J, type: task, config: {thing: A}}]\n", ""},
		{"an unknown step type gets a suggestion",
			"version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n        type: tsak\n",
			`config.yaml:7:15: groups[0].jobs[0].type: unknown step type "tsak" (did you mean "task"?)`},
		{"a resource type used as a step",
			"version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n        type: thing\n",
			`config.yaml:7:15: groups[0].jobs[0].type: "thing" cannot be used as a step; it is a resource type (groups[].jobs takes step types: blueprint list shows them)`},
		{"a job without a type",
			"version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n",
			`config.yaml:6:9: groups[0].jobs[0].type: is required (one of "choice" or "task")`},
		{"a job without a name",
			"version: 2\nname: p\n" + res + "groups:\n  - name: G\n    jobs:\n      - type: task\n        config: {thing: A}\n",
			`config.yaml:8:9: groups[0].jobs[0].name: is required`},
		{"a reference to no resource",
			"version: 2\nname: p\n" + res + "groups:\n  - name: G\n    jobs: [{name: J, type: task, config: {thing: AA}}]\n",
			`config.yaml:7:50: groups[0].jobs[0].config.thing: thing "AA" is not defined in aws_resources (did you mean "A"?)`},
		{"duplicate resource names",
			"version: 2\nname: p\naws_resources:\n  - {name: A, type: thing}\n  - {name: A, type: thing}\n",
			`config.yaml:5:12: aws_resources[1].name: resource name "A" is already used by aws_resources[0] (first used on line 4; names must be unique)`},
		{"a job named like a group",
			"version: 2\nname: p\n" + res + "groups:\n  - name: G\n    jobs: [{name: G, type: task, config: {thing: A}}]\n",
			`config.yaml:7:19: groups[0].jobs[0].name: name "G" is already used by groups[0] (first used on line 6; group and job names become state names and must be unique)`},
		{"an empty groups list",
			"version: 2\nname: p\ngroups: []\n",
			`config.yaml:3:1: groups: is empty (add a group with jobs, or remove groups for a stack of resources only)`},
		{"a group without jobs",
			"version: 2\nname: p\ngroups:\n  - name: G\n    jobs: []\n",
			`config.yaml:5:11: groups[0].jobs: group "G" has no jobs (a group runs its jobs in parallel: add at least one)`},
		{"a broken cron",
			"version: 2\nname: p\nproperties:\n  schedulers:\n    - cron: \"cron(0 22 * * *)\"\n",
			`config.yaml:5:13: properties.schedulers[0].cron: cron(0 22 * * *) has 5 fields; EventBridge needs 6: minutes hours day-of-month month day-of-week year, e.g. cron(0 22 * * ? *)`},
		{"a malformed scheduler payload",
			"version: 2\nname: p\nproperties:\n  schedulers:\n    - cron: \"rate(1 day)\"\n      payload: \"{'a': }\"\n",
			`config.yaml:6:16: properties.schedulers[0].payload: payload "{'a': }" is neither JSON nor a Python dict literal: at character 7: unexpected "}"`},
		{"a misspelt top-level key",
			"version: 2\nname: p\ngrups: []\n",
			`config.yaml:3:1: grups: unknown key "grups" (did you mean "groups"?)`},
		{"a state name over 80 characters",
			"version: 2\nname: p\n" + res + "groups:\n  - name: " + strings.Repeat("g", 81) + "\n    jobs: [{name: J, type: task, config: {thing: A}}]\n",
			`config.yaml:6:11: groups[0].name: name is 81 characters long; Step Functions state names are at most 80`},
		{"an unknown choice operator",
			"version: 2\nname: p\n" + res + "groups:\n  - name: G\n    jobs:\n      - name: C\n        type: choice\n        choices:\n          - input: $.x\n            condition: {BooleanEqual: true}\n            groups: [{name: Y, jobs: [{name: J, type: task, config: {thing: A}}]}]\n",
			`config.yaml:12:39: groups[0].jobs[0].choices[0].condition.BooleanEqual: unknown comparison operator "BooleanEqual" (did you mean "BooleanEquals"?)`},
		{"a choice operand of the wrong type",
			"version: 2\nname: p\n" + res + "groups:\n  - name: G\n    jobs:\n      - name: C\n        type: choice\n        choices:\n          - input: $.x\n            condition: {NumericEquals: many}\n            groups: [{name: Y, jobs: [{name: J, type: task, config: {thing: A}}]}]\n",
			`config.yaml:12:40: groups[0].jobs[0].choices[0].condition.NumericEquals: NumericEquals compares with a number; got many`},
		{"a bad path in a choice",
			"version: 2\nname: p\n" + res + "groups:\n  - name: G\n    jobs:\n      - name: C\n        type: choice\n        choices:\n          - input: x\n            condition: {IsPresent: true}\n            groups: [{name: Y, jobs: [{name: J, type: task, config: {thing: A}}]}]\n",
			`config.yaml:11:20: groups[0].jobs[0].choices[0].input: path "x" must start with "$" (the state input) or "$$" (the context object)`},
		{"nested jobs are validated too",
			"version: 2\nname: p\n" + res + "groups:\n  - name: G\n    jobs:\n      - name: C\n        type: choice\n        choices:\n          - input: $.x\n            condition: {IsPresent: true}\n            groups: [{name: Y, jobs: [{name: J, type: task, config: {thing: Z}}]}]\n",
			`config.yaml:13:77: groups[0].jobs[0].choices[0].groups[0].jobs[0].config.thing: thing "Z" is not defined in aws_resources (did you mean "A"?)`},
		{"a catch without groups",
			"version: 2\nname: p\n" + res + "groups:\n  - name: G\n    jobs: [{name: J, type: task, config: {thing: A}}]\ncatch:\n  result_path: $.err\n",
			`config.yaml:9:3: catch: has no groups to run on error (add catch.groups, e.g. a group publishing to an SNS topic)`},
		{"a value out of range in a resource",
			"version: 2\nname: p\naws_resources:\n  - {name: A, type: thing, config: {size: 11}}\n",
			`config.yaml:4:43: aws_resources[0].config.size: must be at most 10; got 11`},
		{"several mistakes are all reported",
			"version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - {name: J, type: nope}\n      - {name: K, type: task, config: {thing: X}}\n",
			`config.yaml:6:25: groups[0].jobs[0].type: unknown step type "nope" (one of "choice" or "task")` + "\n" +
				`config.yaml:7:47: groups[0].jobs[1].config.thing: thing "X" is not defined in aws_resources (add a resource of type "thing")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, diagnostics(t, tt.cfg)) })
	}
}
