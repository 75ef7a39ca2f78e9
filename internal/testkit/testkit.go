// Package testkit loads, plans and synthesizes fixture pipelines for tests, and compares golden files.
package testkit

import (
	_ "github.com/blueprint-dev/blueprint/internal/jsiienv" // sets jsii's env before its init

	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/engines"
)

// Main runs a test binary's tests and closes the one jsii process they
// share. Use it from TestMain in every package that synthesizes.
func Main(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// Env is a fixed environment for reproducible renders: nothing from the
// developer's shell leaks into a test. The synth cache is off (tests
// would leave it in the repo's examples) unless kv turns it on.
func Env(kv ...string) func(string) (string, bool) {
	m := map[string]string{"BLUEPRINT_CACHE": "off"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// Options for Plan.
type Options struct {
	Stage    string
	Vars     map[string]string
	Env      func(string) (string, bool)
	Registry *engine.Registry
	// Environ is the load's environment as KEY=value, read for the
	// ENVTAG_ variables (tags).
	Environ []string
}

// Plan loads, validates and plans the pipeline repo at dir and fails the
// test on any error diagnostic.
func Plan(t testing.TB, dir string, o Options) []*plan.Stack {
	t.Helper()
	stacks, diags := TryPlan(dir, o)
	if diags.HasErrors() {
		var b bytes.Buffer
		diags.Print(&b)
		t.Fatalf("%s does not validate:\n%s", dir, b.String())
	}
	return stacks
}

// TryPlan is Plan without failing: it returns the diagnostics.
func TryPlan(dir string, o Options) ([]*plan.Stack, diag.List) {
	if o.Env == nil {
		o.Env = Env()
	}
	if o.Registry == nil {
		o.Registry = engines.Registry()
	}
	return plan.Load(config.LoadOptions{RepoDir: dir, Stage: o.Stage, Vars: o.Vars, LookupEnv: o.Env, Environ: o.Environ}, o.Registry)
}

// Diagnostics returns the printed diagnostics of a repo, one per line,
// summary included: the format is the product, tests compare it verbatim.
func Diagnostics(t testing.TB, dir string, o Options) string {
	t.Helper()
	_, diags := TryPlan(dir, o)
	var b bytes.Buffer
	for _, d := range diags.Sorted() {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	b.WriteString(diags.Summary())
	return b.String()
}

// Assembly is a synthesized cloud assembly.
type Assembly struct {
	Dir string
	// Templates maps stack name to template JSON.
	Templates map[string][]byte
}

// Template returns a stack's template decoded.
func (a *Assembly) Template(t testing.TB, stack string) map[string]any {
	t.Helper()
	raw, ok := a.Templates[stack]
	require.Truef(t, ok, "no stack %q in the assembly; stacks: %v", stack, a.StackNames())
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	return m
}

// StackNames lists the stacks, sorted.
func (a *Assembly) StackNames() []string {
	out := make([]string, 0, len(a.Templates))
	for k := range a.Templates {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Resources returns the resources of a template of the given type,
// by logical id.
func (a *Assembly) Resources(t testing.TB, stack, typ string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	res, _ := a.Template(t, stack)["Resources"].(map[string]any)
	for id, r := range res {
		rm, _ := r.(map[string]any)
		if rm["Type"] == typ {
			out[id] = rm
		}
	}
	return out
}

// Synth synthesizes planned stacks into a temp dir. Bundling is skipped
// unless bundle is true (layer builds are slow and tested on their own).
func Synth(t testing.TB, stacks []*plan.Stack, bundle bool) *Assembly {
	t.Helper()
	return SynthEnv(t, stacks, bundle, nil)
}

// SynthEnv is Synth with environ ("KEY=value" entries) as the synth's
// environment, which tags and CodeBuild ids are read from.
func SynthEnv(t testing.TB, stacks []*plan.Stack, bundle bool, environ []string) *Assembly {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cdk.out")
	err := synth.Synth(stacks, synth.Options{OutDir: out, SkipBundling: !bundle, Registry: engines.Registry(), Environ: environ})
	require.NoError(t, err)
	a := &Assembly{Dir: out, Templates: map[string][]byte{}}
	files, err := filepath.Glob(filepath.Join(out, "*.template.json"))
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		a.Templates[strings.TrimSuffix(filepath.Base(f), ".template.json")] = b
	}
	return a
}

// UpdateGolden reports whether golden files are being regenerated.
func UpdateGolden() bool { return os.Getenv("BLUEPRINT_UPDATE_GOLDEN") == "1" }

// Golden compares got with the file at path, or rewrites the file when
// BLUEPRINT_UPDATE_GOLDEN=1.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if UpdateGolden() {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoErrorf(t, err, "golden file missing: run with BLUEPRINT_UPDATE_GOLDEN=1 to create %s", path)
	if !bytes.Equal(want, got) {
		require.Equalf(t, string(want), string(got), "%s differs; if the change is intended, regenerate with BLUEPRINT_UPDATE_GOLDEN=1", path)
	}
}

// Definition returns the planned definition of a stack as JSON.
func Definition(t testing.TB, s *plan.Stack) []byte {
	t.Helper()
	require.NotNil(t, s.Machine, "stack %s has no state machine", s.Config.Name)
	b, err := s.Machine.Definition.Marshal()
	require.NoError(t, err)
	return b
}
