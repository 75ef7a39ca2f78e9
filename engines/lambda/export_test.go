package lambda_test

import (
	"path/filepath"

	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/engines"
)

// testkitSynth synthesizes with bundling on and returns synth's error.
func testkitSynth(stacks []*plan.Stack, dir string) (string, error) {
	out := filepath.Join(dir, "cdk.out")
	return out, synth.Synth(stacks, synth.Options{OutDir: out, Registry: engines.Registry()})
}
