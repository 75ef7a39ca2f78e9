package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/kedro"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// largeExport writes the synthetic 200-node kedro-viz export.
func largeExport(b *testing.B) string {
	dir := filepath.Join(b.TempDir(), "export")
	if err := os.MkdirAll(filepath.Join(dir, "api"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "api", "main"), kedro.Synthetic(200), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkKedroImport200Nodes measures blueprint import kedro of a
// 200-node export (read, group, write the repo, validate it for three
// stages): all plain Go.
func BenchmarkKedroImport200Nodes(b *testing.B) {
	export := largeExport(b)
	root := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out := filepath.Join(root, fmt.Sprint(i))
		if code, text := blueprint(b, "import", "kedro", export, "--out", out); code != 0 {
			b.Fatalf("import failed:\n%s", text)
		}
	}
}

// BenchmarkKedroSynth200Nodes measures the synth of the imported 200-node
// pipeline (200 functions, 800-odd resources), node already started.
func BenchmarkKedroSynth200Nodes(b *testing.B) {
	out := filepath.Join(b.TempDir(), "large")
	if code, text := blueprint(b, "import", "kedro", largeExport(b), "--out", out); code != 0 {
		b.Fatalf("import failed:\n%s", text)
	}
	stacks, diags := plan.Load(config.LoadOptions{RepoDir: out, Stage: "dev", LookupEnv: testkit.Env()}, engines.Registry())
	if diags.HasErrors() {
		b.Fatalf("%v", diags)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := synth.Synth(stacks, synth.Options{OutDir: filepath.Join(b.TempDir(), "cdk.out"), SkipBundling: true, Registry: engines.Registry()})
		if err != nil && strings.Contains(err.Error(), "TooManyResourcesInStack") {
			b.Skipf("one stack cannot hold the pipeline yet: %v", err)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
