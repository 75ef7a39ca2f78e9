package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// bigConfig is a templated config of groups×jobs sns_publish jobs, with a
// choice in every tenth group.
func bigConfig(groups, jobs int) string {
	var b strings.Builder
	b.WriteString("version: 2\nname: big-{{ stage }}\naws_resources:\n  - name: Topic\n    type: sns_topic\ngroups:\n")
	for g := 0; g < groups; g++ {
		fmt.Fprintf(&b, "  - name: Group%d\n    jobs:\n", g)
		for j := 0; j < jobs; j++ {
			if g%10 == 0 && j == 0 {
				fmt.Fprintf(&b, "      - name: Choice%d\n        type: choice\n        choices:\n          - input: $.flag\n            condition: {BooleanEquals: true}\n            groups:\n              - name: Inner%d\n                jobs: [{name: InnerJob%d, type: sns_publish, config: {topic_name: Topic, message: $.m}}]\n", g, g, g)
				continue
			}
			fmt.Fprintf(&b, "      - name: Job%d_%d\n        type: sns_publish\n        config:\n          topic_name: Topic\n          message: \"{{ stage }} job %d of group %d\"\n        retry: {retry_attempts: 2}\n", g, j, j, g)
		}
	}
	return b.String()
}

// BenchmarkRenderValidatePlan500Jobs measures load + render + validate +
// plan of a 500-job config: the part of every run that needs no node.
func BenchmarkRenderValidatePlan500Jobs(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(bigConfig(100, 5)), 0o644); err != nil {
		b.Fatal(err)
	}
	reg := engines.Registry()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stacks, diags := plan.Load(config.LoadOptions{RepoDir: dir, Stage: "dev", LookupEnv: testkit.Env()}, reg)
		if diags.HasErrors() || len(stacks) != 1 {
			b.Fatalf("big config does not plan: %v", diags)
		}
	}
}
