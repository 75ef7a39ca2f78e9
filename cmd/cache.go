package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/blueprint/synthcache"
)

// cacheEnv are the environment variables that reach an assembly besides
// the template context: tags, CodeBuild ids, CDK's and AWS's own.
var cacheEnv = []string{"ENVTAG_", "CODEBUILD_", "CDK_", "AWS_", "JSII_"}

// synthCache is the cache entry of a synth's inputs, or nil when they
// cannot be read (synth then runs uncached and reports what is wrong).
func (a *App) synthCache(dir string, stages [][]*plan.Stack, opts synth.Options, extra map[string]any) *synthcache.Cache {
	var env []string
	for _, kv := range opts.Environ {
		k, _, _ := strings.Cut(kv, "=")
		if k == "CDK_OUTDIR" {
			continue // where the assembly goes, not what it holds
		}
		for _, p := range cacheEnv {
			if strings.HasPrefix(k, p) {
				env = append(env, kv)
				break
			}
		}
	}
	sort.Strings(env)
	in := synthcache.Inputs{Repo: dir, Settings: map[string]any{
		"context": opts.Context, "skip_bundling": opts.SkipBundling, "environ": env, "extra": extra, "types": a.registryNames(),
	}}
	for _, f := range []string{"variables.yaml", "cdk.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			in.Files = append(in.Files, f)
		}
	}
	for _, stacks := range stages {
		for _, s := range stacks {
			in.Stacks = append(in.Stacks, synthcache.Stack{Path: s.Config.Source.Path, Rendered: s.Config.Source.Rendered, Context: s.Config.Context})
		}
	}
	c, err := synthcache.New(in)
	if err != nil {
		return nil
	}
	return c
}

// progress prints one line per phase of a synth when stderr is a
// terminal, and is nil (silent) otherwise.
func (a *App) progress() plan.Progress {
	f, ok := a.Stderr.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return func(phase string, took time.Duration, detail string) {
		fmt.Fprintf(a.Stderr, "%-24s %7.2fs  %s\n", phase, took.Seconds(), detail)
	}
}

// cacheOn is false when BLUEPRINT_CACHE=off: --no-cache for every run
// (CI, tests).
func (a *App) cacheOn() bool {
	v, _ := a.LookupEnv("BLUEPRINT_CACHE")
	return v != "off"
}

// registryNames are the types the registry knows: a project's own
// engines change what a synth writes.
func (a *App) registryNames() []string {
	var out []string
	for _, e := range a.Registry.All() {
		out = append(out, e.Type())
	}
	return out
}
