// Command oldcorpus runs the data.all blueprint's own 18 configs through
// blueprint, laid out as the old tool's README, examples and unit tests
// lay them out, and prints one line per config: what synth made of it,
// and whether blueprint migrate --write followed by synth gives the same
// templates.
//
//	go run ./internal/oldcorpus -old ~/dataall/backend/blueprints/ml_data_pipeline
//
// (The table: synth ok, expected failure at the fault the old tool had
// too, or synth FAILS; then round trip: same templates, round trip
// differs, or refused with migrate's diagnostics. main_test.go runs it on a
// small fake of the old layout.)
//
// DIR is a checkout of the old tool's folder (data-dot-all/dataall,
// backend/blueprints/ml_data_pipeline/). It is only read: each config is
// laid out in a temporary copy, removed afterwards unless -keep is given.
// The old configs are never part of this repo.
package main

import (
	_ "github.com/blueprint-dev/blueprint/internal/jsiienv" // first: sets jsii's env before its init

	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/dircopy"
)

// env is what data.all's CodeBuild project set when it synthesized
// (utils/task_group_reader.py:64-90 reads it).
var env = map[string]string{
	"BUCKET_NAME":  "pipeline-bucket",
	"AWSREGION":    "eu-west-1",
	"AWSACCOUNTID": "111111111111",
}

// layout places one old config in a copy of the old folder.
type layout struct {
	name    string
	config  string            // the config, relative to the old folder
	overlay map[string]string // example folder → where the README puts it
	// fault is where synth must fail ("config.yaml:34:16"), for a config
	// the old tool could not take either; "" when it must synthesize.
	fault string
}

// corpus is the old tool's 18 configs. The examples are copied over the
// default repo as their folders name them: lambda_functions under
// customcode/, Glue job YAMLs and their SQL under customcode/glue/, the
// Athena folder as customcode/athena, Batch's resources under
// customcode/batch/ (its config's directory:). The unit tests read their
// configs from tests/unittests/config_files/ with the old folder as the
// working directory (tests/unittests/test_stack.py), so their paths are
// relative to the folder's root: there each config is the root's
// config.yaml.
func corpus() []layout {
	ex := "examples/"
	l := []layout{
		{name: "config.yaml", config: "config.yaml"},
		{name: ex + "default-lambda_example/default-config.yaml", config: ex + "default-lambda_example/default-config.yaml",
			overlay: map[string]string{ex + "default-lambda_example/lambda_functions": "customcode/lambda_functions"}},
		{name: ex + "iris-sagemaker_example/config.yaml", config: ex + "iris-sagemaker_example/config.yaml",
			overlay: map[string]string{ex + "iris-sagemaker_example/lambda_functions": "customcode/lambda_functions"}},
		{name: ex + "opentravel-glue_example/config.yaml", config: ex + "opentravel-glue_example/config.yaml",
			overlay: map[string]string{
				ex + "opentravel-glue_example/lambda_functions": "customcode/lambda_functions",
				ex + "opentravel-glue_example/glue_jobs":        "customcode/glue/glue_jobs",
				ex + "opentravel-glue_example/sql_queries":      "customcode/glue/sql_queries",
			}},
	}
	athena := map[string]string{
		ex + "trigger_athena_choice_sns_example/lambda_functions": "customcode/lambda_functions",
		ex + "trigger_athena_choice_sns_example/athena":           "customcode/athena",
		ex + "trigger_athena_choice_sns_example/variables.yaml":   "variables.yaml",
	}
	l = append(l,
		// Line 49, ''{{pipeline_bucket}}'', is not YAML once BUCKET_NAME is set.
		layout{name: ex + "trigger_athena_choice_sns_example/config.yaml", config: ex + "trigger_athena_choice_sns_example/config.yaml", overlay: athena, fault: "config.yaml:49:30"},
		layout{name: ex + "trigger_athena_choice_sns_example/ingestion_sns_config.yaml", config: ex + "trigger_athena_choice_sns_example/ingestion_sns_config.yaml", overlay: athena},
		layout{name: ex + "cats-batch_example/config.yaml", config: ex + "cats-batch_example/config.yaml",
			overlay: map[string]string{ex + "cats-batch_example/resources/img_manipulation": "customcode/batch/img_manipulation"}},
	)
	for _, f := range []string{"config_all_tasks", "config_no_resource", "config_nominal", "config_resource_err", "config_resource_only",
		"config_training", "config_training_complete", "config_training_with_triggers", "config_with_api_gateway", "config_with_schedules", "config_with_template"} {
		p := "tests/unittests/config_files/" + f + ".yaml"
		lo := layout{name: p, config: p}
		if f == "config_resource_err" {
			// Its layer_ref names a layer it does not define.
			lo.fault = "config.yaml:34:16"
		}
		l = append(l, lo)
	}
	return l
}

func main() {
	old := flag.String("old", "", "a checkout of the data.all blueprint folder (backend/blueprints/ml_data_pipeline)")
	keep := flag.Bool("keep", false, "keep the laid-out repos and print where they are")
	only := flag.String("only", "", "run only the configs whose name contains this")
	flag.Func("env", "one more environment variable K=V of the synths (repeatable), e.g. STAGE=test as data.all's CodeBuild set it", func(kv string) error {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return fmt.Errorf("write K=V")
		}
		env[k] = v
		return nil
	})
	flag.Parse()
	if *old == "" {
		fmt.Fprintln(os.Stderr, "oldcorpus: -old DIR is required")
		os.Exit(2)
	}
	code := run(os.Stdout, *old, corpus(), *keep, *only)
	jsii.Close()
	os.Exit(code)
}

// run lays out and checks each config of layouts, printing the table to
// w.
func run(w io.Writer, old string, layouts []layout, keep bool, only string) int {
	if _, err := os.Stat(filepath.Join(old, "config.yaml")); err != nil {
		fmt.Fprintf(os.Stderr, "oldcorpus: %s is not the old blueprint folder: %v\n", old, err)
		return 2
	}
	tmp, err := os.MkdirTemp("", "oldcorpus-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "oldcorpus:", err)
		return 1
	}
	if !keep {
		defer os.RemoveAll(tmp)
	}
	synthOK, expected, same := 0, 0, 0
	n := 0
	for i, l := range layouts {
		if only != "" && !strings.Contains(l.name, only) {
			continue
		}
		n++
		dir := filepath.Join(tmp, fmt.Sprintf("%02d", i+1))
		if err := lay(old, dir, l); err != nil {
			fmt.Fprintf(w, "%-62s | layout failed: %v\n", l.name, err)
			continue
		}
		r := check(dir, l.fault)
		if r.synthOK {
			synthOK++
		}
		if r.atFault {
			expected++
		}
		if r.same {
			same++
		}
		fmt.Fprintf(w, "%-62s | %s | %s\n", l.name, r.synth, r.migrate)
		if keep {
			fmt.Fprintf(w, "%-62s   (in %s)\n", "", dir)
		}
	}
	fmt.Fprintf(w, "%d of %d synthesize, %d fail at their expected fault; %d of %d migrate to the same templates\n", synthOK, n, expected, same, n)
	return 0
}

type result struct {
	synthOK, atFault, same bool
	synth, migrate         string
}

// check synthesizes the repo at dir, migrates it and synthesizes it again;
// fault is where the first synth must fail, "" when it must not.
func check(dir, fault string) result {
	var r result
	code, stderr := blueprint("synth", "--skip-bundling", "--no-cache", "-C", dir, "--out", filepath.Join(dir, "cdk.out"))
	r.synth = summary(code, stderr)
	r.synthOK = code == 0
	switch {
	case fault != "" && r.synthOK:
		r.synth += " (UNEXPECTED: the old tool failed at " + fault + ")"
	case fault != "" && strings.HasPrefix(firstDiagnostics(stderr, 1), fault+": "):
		r.atFault = true
		r.synth = "expected failure: " + firstDiagnostics(stderr, 1)
	case fault != "":
		r.synth += " (UNEXPECTED: the old tool failed at " + fault + ")"
	}
	code, stderr = blueprint("migrate", "--write", dir)
	if code != 0 {
		r.migrate = "refused: " + firstDiagnostics(stderr, 2)
		return r
	}
	if !strings.Contains(stderr, "wrote ") {
		r.migrate = "nothing migrated: " + firstDiagnostics(stderr, 1)
		return r
	}
	code2, stderr2 := blueprint("synth", "--skip-bundling", "--no-cache", "-C", dir, "--out", filepath.Join(dir, "cdk.out.migrated"))
	switch {
	case code2 != 0 && !r.synthOK:
		r.migrate = "migrated; synth fails again: " + firstDiagnostics(stderr2, 1)
	case code2 != 0:
		r.migrate = "migrated; synth now fails: " + firstDiagnostics(stderr2, 2)
	case !r.synthOK:
		r.migrate = "migrated; synth now succeeds (it failed before)"
	default:
		diff := compare(filepath.Join(dir, "cdk.out"), filepath.Join(dir, "cdk.out.migrated"))
		if diff == "" {
			r.same = true
			r.migrate = "round trip: same templates"
		} else {
			r.migrate = "round trip differs: " + diff
		}
	}
	return r
}

// blueprint runs the CLI in this process (one jsii process for all runs)
// with the data.all environment only.
func blueprint(args ...string) (int, string) {
	var o, e bytes.Buffer
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	sort.Strings(environ)
	app := &cmd.App{Stdout: &o, Stderr: &e, Registry: engines.Registry(),
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Environ:   func() []string { return environ }}
	code := app.Run(args)
	return code, e.String()
}

// summary is synth's outcome on one line: the stacks, or the first errors.
func summary(code int, stderr string) string {
	if code == 0 {
		for _, line := range strings.Split(stderr, "\n") {
			if i := strings.Index(line, "stack(s): "); i >= 0 && strings.HasPrefix(line, "wrote ") {
				w := warnings(stderr)
				return "synth ok: " + line[i+len("stack(s): "):] + w
			}
		}
		return "synth ok"
	}
	return "synth FAILS: " + firstDiagnostics(stderr, 2)
}

func warnings(stderr string) string {
	n := 0
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, ": warning: ") {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d warnings)", n)
}

var (
	diagLine    = regexp.MustCompile(`^[^\s:]+:\d+(:\d+)?: `)
	summaryLine = regexp.MustCompile(`^\d+ errors?, \d+ warnings?$`)
)

// firstDiagnostics keeps the first n error lines of stderr (all lines
// when none is an error).
func firstDiagnostics(stderr string, n int) string {
	var errs, other []string
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "^") || strings.HasPrefix(line, "|") {
			continue
		}
		switch {
		case summaryLine.MatchString(line):
		case diagLine.MatchString(line) && !strings.Contains(line, ": warning: ") || strings.HasPrefix(line, "synth failed"):
			errs = append(errs, line)
		default:
			other = append(other, line)
		}
	}
	if len(errs) == 0 {
		errs = other
	}
	more := ""
	if len(errs) > n {
		more = fmt.Sprintf(" (+%d more)", len(errs)-n)
		errs = errs[:n]
	}
	return strings.Join(errs, "; ") + more
}

// compare names what differs between two cloud assemblies' templates:
// stacks, resources (type, properties, logical ID) and outputs.
func compare(a, b string) string {
	ta, err := templates(a)
	if err != nil {
		return err.Error()
	}
	tb, err := templates(b)
	if err != nil {
		return err.Error()
	}
	var diffs []string
	for name, x := range ta {
		y, ok := tb[name]
		if !ok {
			diffs = append(diffs, "stack "+name+" missing after migrate")
			continue
		}
		for _, section := range []string{"Resources", "Outputs", "Parameters", "Conditions"} {
			rx, _ := x[section].(map[string]any)
			ry, _ := y[section].(map[string]any)
			for id, v := range rx {
				w, ok := ry[id]
				switch {
				case !ok:
					diffs = append(diffs, name+": "+id+" gone")
				case !reflect.DeepEqual(v, w):
					diffs = append(diffs, name+": "+id+" changed"+propertyDiff(v, w))
				}
			}
			for id := range ry {
				if _, ok := rx[id]; !ok {
					diffs = append(diffs, name+": "+id+" added")
				}
			}
		}
	}
	for name := range tb {
		if _, ok := ta[name]; !ok {
			diffs = append(diffs, "stack "+name+" added by migrate")
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 4 {
		diffs = append(diffs[:4], fmt.Sprintf("(+%d more)", len(diffs)-4))
	}
	return strings.Join(diffs, ", ")
}

func propertyDiff(v, w any) string {
	pv, _ := v.(map[string]any)
	pw, _ := w.(map[string]any)
	props := func(m map[string]any) map[string]any {
		p, _ := m["Properties"].(map[string]any)
		return p
	}
	var keys []string
	a, b := props(pv), props(pw)
	for k := range a {
		if !reflect.DeepEqual(a[k], b[k]) {
			keys = append(keys, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return ""
	}
	return " (" + strings.Join(keys, ", ") + ")"
}

// templates reads every *.template.json of an assembly, by file name.
func templates(dir string) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".template.json") {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var t map[string]any
		if err := json.Unmarshal(raw, &t); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = t
		return nil
	})
	return out, err
}

// lay copies the old folder to dir (without its examples), then the
// example's folders where the README puts them, then the config as
// config.yaml.
func lay(old, dir string, l layout) error {
	if err := dircopy.Copy(old, dir, func(rel string, _ bool) bool { return rel == "examples" }); err != nil {
		return err
	}
	keys := make([]string, 0, len(l.overlay))
	for k := range l.overlay {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, from := range keys {
		if err := dircopy.Copy(filepath.Join(old, from), filepath.Join(dir, l.overlay[from]), nil); err != nil {
			return err
		}
	}
	raw, err := os.ReadFile(filepath.Join(old, l.config))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "config.yaml"), raw, 0o644)
}
