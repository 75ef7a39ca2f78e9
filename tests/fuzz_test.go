package tests

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/sfntest"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// FuzzLoad feeds arbitrary config text through load, render, validate and
// plan: whatever the input, the result is diagnostics, never a panic.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"version: 2\nname: p\ngroups:\n  - name: G\n    jobs: [{name: J, type: sns_publish, config: {topic_name: t, message: m}}]\n",
		"version: 2\nname: {{ stage }}\naws_resources: [{name: T, type: sns_topic}]\n",
		"version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: C\n        type: choice\n        choices: [{input: $.x, condition: {BooleanEquals: true}, groups: [{name: I, jobs: [{name: J, type: sns_publish, config: {topic_name: t, message: $.m}}]}]}]\n",
		"version: 2\nname: p\nretry: {}\ncatch: {groups: []}\nproperties: {schedulers: [{cron: 'cron(0 1 * * ? *)', payload: \"{'a': 1}\"}]}\n",
		"{% if x %}\nname: a\n{% endif %}",
		"version: 2\nname: &a p\nother: *a\n",
		"- a\n- b\n",
		"version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: L\n        type: lambda_function\n        config: {entry: ../../etc, index: passwd, handler: h, layer_ref: [x]}\n",
		"",
		// A macro calling itself forever: a bounded-recursion diagnostic,
		// never a Go stack overflow.
		"{% macro r(n) %}{{ r(n) }}{% endmacro %}{{ r(1) }}\nname: p\n",
		"{% for a in \"xxxxxxxxxx\" %}{% for b in \"xxxxxxxxxx\" %}{% include \"config.yaml\" %}{% endfor %}{% endfor %}",
		"name: p\nb: {% include \"/etc/passwd\" %}\n",
		aliasBomb(7),
		"version: 2\nname: p\n---\nname: q\n",
	} {
		f.Add(seed)
	}
	reg := engines.Registry()
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, cfg string) {
		if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = plan.Load(config.LoadOptions{RepoDir: dir, Stage: "dev", LookupEnv: testkit.Env()}, reg)
	})
}

// aliasBomb is a config whose jobs are aliases of nested choices, each
// level naming the one below nine times: a few KB meaning 9^levels jobs.
func aliasBomb(levels int) string {
	var b strings.Builder
	b.WriteString("version: 2\nname: bomb\ngroups:\n  - name: G\n    jobs:\n")
	b.WriteString("      - &l0 {name: J, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: m}}\n")
	for lv := 1; lv <= levels; lv++ {
		alts := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", lv-1), 9), ", ")
		fmt.Fprintf(&b, "      - &l%d {name: C%d, type: choice, choices: [{input: $.x, condition: {BooleanEquals: true}, groups: [{name: G%d, jobs: [%s]}]}]}\n", lv, lv, lv, alts)
	}
	return b.String()
}

// copyExample copies an example repo into a new temporary directory.
func copyExample(f *testing.F, name string) string {
	src := filepath.Join("..", "examples", name)
	dst := f.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), raw, 0o644)
	})
	if err != nil {
		f.Fatal(err)
	}
	return dst
}

// fuzzJobFile replaces one job YAML of the glue-athena example with the
// fuzzer's text and loads the repo: diagnostics, never a panic.
func fuzzJobFile(f *testing.F, file string) {
	dir := copyExample(f, "glue-athena")
	path := filepath.Join(dir, filepath.FromSlash(file))
	seed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(seed), "", "steps: []\n", "steps:\n  - &a {name: x, jobs: [*a]}\n", "a: 1\n---\nb: 2\n", "steps: [{name: s, type: sql, config: {file: /etc/passwd}}]\n", aliasBomb(7)} {
		f.Add(s)
	}
	reg := engines.Registry()
	f.Fuzz(func(t *testing.T, body string) {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = plan.Load(config.LoadOptions{RepoDir: dir, Stage: "dev", LookupEnv: testkit.Env()}, reg)
	})
}

// FuzzGlueJobFile feeds arbitrary Glue job YAMLs through the Glue decoder.
func FuzzGlueJobFile(f *testing.F) { fuzzJobFile(f, "customcode/glue/glue_jobs/orders.yaml") }

// FuzzAthenaJobFile feeds arbitrary Athena job YAMLs through the Athena decoder.
func FuzzAthenaJobFile(f *testing.F) { fuzzJobFile(f, "customcode/athena/athena_jobs/reports.yaml") }

// FuzzTestCaseFile feeds arbitrary tests/sfn case files through their
// parser: an error naming the file, never a panic.
func FuzzTestCaseFile(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("..", "examples", "glue-athena", "tests", "sfn", "late-data.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(seed), "", "{}", `{"StateMachines": {"x": {"TestCases": {"c": {"S": "R"}}}}, "MockedResponses": {"R": {"0-": {}}}}`, `{"MockedResponses": {"R": {"1-0": {"Throw": {}}}}}`, "[", `{"a": 1, "a": 2}`} {
		f.Add(s)
	}
	path := filepath.Join(f.TempDir(), "case.json")
	f.Fuzz(func(t *testing.T, body string) {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = sfntest.Load(path)
	})
}
