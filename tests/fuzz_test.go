package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
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
