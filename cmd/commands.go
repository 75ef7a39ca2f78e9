package cmd

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/blueprint/synthcache"
)

func (a *App) validateCmd() *cobra.Command {
	var c common
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Render and check every config; print all problems at once",
		Example: `  blueprint validate --stage prod
  blueprint validate --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := c.loadOptions(a)
			if err != nil {
				return err
			}
			stacks, diags := plan.Load(opts, a.Registry)
			if err := a.report(&c, diags); err != nil {
				return err
			}
			if c.format == "text" {
				for _, s := range stacks {
					for i, line := range s.Describe() {
						if i == 0 {
							fmt.Fprintf(a.Stderr, "stack %s: ", s.Config.Name)
						}
						fmt.Fprintln(a.Stderr, line)
					}
				}
				fmt.Fprintf(a.Stderr, "%d stack(s) valid for stage %s\n", len(stacks), stageOf(stacks))
			}
			return nil
		},
	}
	c.register(cmd)
	return cmd
}

func (a *App) synthCmd() *cobra.Command {
	var c common
	var out string
	var skipBundling, cicd, noCache, nag bool
	cmd := &cobra.Command{
		Use:   "synth",
		Short: "Write the CDK cloud assembly (one stack per config) into cdk.out",
		Long: `synth renders, validates and plans every config, then writes a CDK cloud assembly.
The previous assembly is replaced only when synth succeeds. --out must be new,
empty or hold a cloud assembly: any other folder is refused and left as it is. An assembly of
unchanged inputs (rendered configs, the files they name, the environment and
CDK context, the blueprint binary) is reused from .blueprint/cache/synth
without running CDK; --no-cache synthesizes anew. Under the CDK CLI
(cdk.json: {"app": "go tool blueprint synth"}) it writes to $CDK_OUTDIR and reads $CDK_CONTEXT_JSON.`,
		Example: `  blueprint synth --stage prod
  blueprint synth --stage dev --var owner=data-team --out build/cdk.out
  blueprint synth --cicd      # the CI/CD pipeline and every stage it deploys
  blueprint synth --nag       # and check it with cdk-nag's AwsSolutions rules
  cdk deploy --app cdk.out --all`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := c.loadOptions(a)
			if err != nil {
				return err
			}
			if cicd {
				if nag {
					return usageError{errors.New("--nag checks the stacks of the configs; run it without --cicd")}
				}
				return a.synthCICD(cmd, &c, opts, out, skipBundling, noCache)
			}
			progress := a.progress()
			cdkCtx, err := synth.ContextFromEnv(a.LookupEnv)
			if err != nil {
				return usageError{err}
			}
			sopts := synth.Options{OutDir: out, Context: cdkCtx, SkipBundling: skipBundling, Registry: a.Registry, Environ: a.Environ(), Progress: progress}
			if !cmd.Flags().Changed("out") {
				if d, ok := a.LookupEnv("CDK_OUTDIR"); ok && d != "" {
					sopts.OutDir, sopts.InPlace = d, true
				} else {
					sopts.OutDir = filepath.Join(c.dir, "cdk.out")
				}
			}
			var quick *quickRun
			if a.cacheOn() && !nag {
				quick = a.newQuick(c.dir, opts, sopts)
				if !noCache {
					if done, err := a.reuseQuick(&c, quick, sopts); done || err != nil {
						return err
					}
				}
				opts.LookupEnv = quick.env.LookupEnv
			}
			stacks, diags := plan.LoadWithProgress(opts, a.Registry, progress)
			if err := a.report(&c, diags); err != nil {
				return err
			}
			if nag {
				// cdk-nag reads what CDK builds: never a cached assembly.
				return a.synthNag(&c, stacks, sopts)
			}
			var cache *synthcache.Cache
			if a.cacheOn() {
				if cache = a.synthCache(c.dir, [][]*plan.Stack{stacks}, sopts, nil); cache != nil {
					cache.Refresh = noCache
					sopts.Cache = cache
				}
			}
			if err := synth.Synth(stacks, sopts); err != nil {
				fmt.Fprintf(a.Stderr, "synth failed: %v\n", err)
				return exitError{ExitInvalid}
			}
			names := make([]string, len(stacks))
			for i, s := range stacks {
				names[i] = s.Config.Name
			}
			quick.store(cache, names, diags)
			fmt.Fprintf(a.Stderr, "wrote %s: %d stack(s): %s%s\n", sopts.OutDir, len(stacks), strings.Join(names, ", "), reused(cache))
			return nil
		},
	}
	c.register(cmd)
	cmd.Flags().StringVarP(&out, "out", "o", "cdk.out", "where to write the cloud assembly (default: DIR/cdk.out, or $CDK_OUTDIR)")
	cmd.Flags().BoolVar(&skipBundling, "skip-bundling", false, "do not bundle assets (Lambda layers are not built)")
	cmd.Flags().BoolVar(&nag, "nag", false, "check the stacks with cdk-nag's AwsSolutions rules; each finding is an error on the config item that made the resource")
	cmd.Flags().BoolVar(&cicd, "cicd", false, "add a CodePipeline stack that tests and deploys every stage of variables.yaml's cicd section")
	cmd.Flags().BoolVar(&noCache, "no-cache", false, "synthesize even when the inputs are unchanged (the cache in .blueprint/cache/synth is not read, only refreshed)")
	return cmd
}

// reused says when the assembly came from the cache.
func reused(c *synthcache.Cache) string {
	if c != nil && c.Hit {
		return " (inputs unchanged: reused from the cache)"
	}
	return ""
}

func (a *App) renderCmd() *cobra.Command {
	var c common
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Print the rendered YAML of every config",
		Example: `  blueprint render --stage prod
  blueprint render --config configs/extra.yaml --var model_name=iris`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := c.loadOptions(a)
			if err != nil {
				return err
			}
			stacks, diags := config.Load(opts)
			if err := a.report(&c, diags); err != nil {
				return err
			}
			for i, s := range stacks {
				if len(stacks) > 1 {
					if i > 0 {
						fmt.Fprintln(a.Stdout)
					}
					fmt.Fprintf(a.Stdout, "# --- %s (stack %s)\n", s.Source.Path, s.Name)
				}
				a.Stdout.Write(s.Source.Rendered)
				if n := len(s.Source.Rendered); n > 0 && s.Source.Rendered[n-1] != '\n' {
					fmt.Fprintln(a.Stdout)
				}
			}
			return nil
		},
	}
	c.register(cmd)
	return cmd
}

func stageOf(stacks []*plan.Stack) string {
	if len(stacks) == 0 {
		return "?"
	}
	return stacks[0].Config.Stage()
}

// synthCICD plans every stage the cicd section lists and writes them with
// the CodePipeline stack that deploys them.
func (a *App) synthCICD(cmd *cobra.Command, c *common, opts config.LoadOptions, out string, skipBundling, noCache bool) error {
	cicd, diags := config.LoadCICD(c.dir)
	if err := a.report(c, diags); err != nil {
		return err
	}
	var stages []synth.StageStacks
	var all diag.List
	for _, stage := range cicd.Stages {
		o := opts
		o.Stage = stage
		stacks, d := plan.Load(o, a.Registry)
		all.Add(d...)
		stages = append(stages, synth.StageStacks{Stage: stage, Stacks: stacks})
	}
	if err := a.report(c, all); err != nil {
		return err
	}
	name := "pipeline"
	if len(stages) > 0 && len(stages[0].Stacks) > 0 {
		name = config.SafeName(stages[0].Stacks[0].Config.PipelineName())
	}
	cdkCtx, err := synth.ContextFromEnv(a.LookupEnv)
	if err != nil {
		return usageError{err}
	}
	sopts := synth.Options{OutDir: out, Context: cdkCtx, SkipBundling: skipBundling, Registry: a.Registry, Environ: a.Environ()}
	if !cmd.Flags().Changed("out") {
		if d, ok := a.LookupEnv("CDK_OUTDIR"); ok && d != "" {
			sopts.OutDir, sopts.InPlace = d, true
		} else {
			sopts.OutDir = filepath.Join(c.dir, "cdk.out")
		}
	}
	var cache *synthcache.Cache
	if a.cacheOn() {
		all := make([][]*plan.Stack, len(stages))
		for i, st := range stages {
			all[i] = st.Stacks
		}
		if cache = a.synthCache(c.dir, all, sopts, map[string]any{"cicd": cicd, "name": name}); cache != nil {
			cache.Refresh = noCache
			sopts.Cache = cache
		}
	}
	if err := synth.SynthCICD(name, stages, cicd, sopts); err != nil {
		fmt.Fprintf(a.Stderr, "synth failed: %v\n", err)
		return exitError{ExitInvalid}
	}
	fmt.Fprintf(a.Stderr, "wrote %s: the %s-cicd pipeline deploying %s%s\n", sopts.OutDir, name, strings.Join(cicd.Stages, ", "), reused(cache))
	return nil
}

// synthNag writes the assembly with cdk-nag's checks and reports each
// finding on the config item that made the resource.
func (a *App) synthNag(c *common, stacks []*plan.Stack, sopts synth.Options) error {
	findings, err := synth.SynthNag(stacks, sopts)
	if err != nil {
		fmt.Fprintf(a.Stderr, "synth failed: %v\n", err)
		return exitError{ExitInvalid}
	}
	fmt.Fprintf(a.Stderr, "wrote %s: %d stack(s), checked with cdk-nag AwsSolutions\n", sopts.OutDir, len(stacks))
	var diags diag.List
	for _, f := range findings {
		diags.Add(f.Diagnostic())
	}
	return a.report(c, diags)
}
