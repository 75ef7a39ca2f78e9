package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/blueprint/synthcache"
)

// cacheEnv are the environment variables that reach an assembly besides
// the template context: tags, CodeBuild ids, CDK's and AWS's own.
var cacheEnv = []string{"ENVTAG_", "CODEBUILD_", "CDK_", "AWS_", "JSII_"}

// cachedEnviron is the part of the environment that reaches an assembly
// besides the template context, sorted.
func cachedEnviron(environ []string) []string {
	var env []string
	for _, kv := range environ {
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
	return env
}

// synthCache is the cache entry of a synth's inputs, or nil when they
// cannot be read (synth then runs uncached and reports what is wrong).
func (a *App) synthCache(dir string, stages [][]*plan.Stack, opts synth.Options, extra map[string]any) *synthcache.Cache {
	in := synthcache.Inputs{Repo: dir, Settings: map[string]any{
		"context": opts.Context, "skip_bundling": opts.SkipBundling, "environ": cachedEnviron(opts.Environ), "extra": extra, "types": a.registryNames(),
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
	if !a.isTerminal(a.Stderr) {
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

// quickRun is the quick path of one synth: the stamp of the repo taken
// before the load, and the environment the load looks up.
type quickRun struct {
	repo string
	key  string
	env  *synthcache.EnvRecorder
}

// newQuick stamps the repo and the settings of a synth; its key is empty
// when the repo cannot be stamped (the synth then runs the full path).
func (a *App) newQuick(dir string, opts config.LoadOptions, sopts synth.Options) *quickRun {
	q := &quickRun{repo: dir, env: &synthcache.EnvRecorder{Lookup: opts.LookupEnv}}
	settings := map[string]any{
		"stage": opts.Stage, "vars": opts.Vars, "only": opts.Only,
		"context": sopts.Context, "skip_bundling": sopts.SkipBundling, "environ": cachedEnviron(sopts.Environ), "types": a.registryNames(),
	}
	if key, err := synthcache.QuickKey(dir, settings, sopts.OutDir); err == nil {
		q.key = key
	}
	return q
}

// reuseQuick puts the assembly of an unchanged repo in place without
// loading it, replaying what its load reported; false when the quick
// entry is missing, stale or its assembly gone.
func (a *App) reuseQuick(c *common, q *quickRun, sopts synth.Options) (bool, error) {
	if q.key == "" {
		return false, nil
	}
	e, ok := synthcache.LookupQuick(q.repo, q.key, q.env.Lookup)
	if !ok {
		return false, nil
	}
	var diags diag.List
	if len(e.Report) > 0 && json.Unmarshal(e.Report, &diags) != nil {
		return false, nil
	}
	cache := &synthcache.Cache{Root: synthcache.Dir(q.repo), Key: e.Key}
	sopts.Cache = cache
	done, err := synth.Reuse(sopts)
	if err != nil {
		fmt.Fprintf(a.Stderr, "synth failed: %v\n", err)
		return true, exitError{ExitInvalid}
	}
	if !done {
		return false, nil
	}
	if err := a.report(c, diags); err != nil {
		return true, err
	}
	fmt.Fprintf(a.Stderr, "wrote %s: %d stack(s): %s (repo unchanged since that synth: reused from the cache)\n", sopts.OutDir, len(e.Stacks), strings.Join(e.Stacks, ", "))
	return true, nil
}

// store records which assembly the stamp gave; nothing when there is no
// stamp or no cache entry.
func (q *quickRun) store(cache *synthcache.Cache, stacks []string, diags diag.List) {
	if q == nil || q.key == "" || cache == nil {
		return
	}
	report, err := json.Marshal(diags)
	if err != nil {
		return
	}
	// A failure only costs the next synth its quick path.
	_ = synthcache.StoreQuick(q.repo, q.key, synthcache.QuickEntry{Key: cache.Key, Env: q.env.Seen(), Stacks: stacks, Report: report})
}
