package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/kedro"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/cmd/scaffold"
)

func (a *App) importCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Make a pipeline repo from another tool's pipeline (kedro)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("import takes what to import from: blueprint import kedro PATH")}
		},
	}
	cmd.AddCommand(a.importKedroCmd())
	return cmd
}

func (a *App) importKedroCmd() *cobra.Command {
	var out, target, groupBy, pipeline, name string
	var force bool
	cmd := &cobra.Command{
		Use:   "kedro PATH",
		Short: "Make a pipeline repo from a kedro-viz export of a Kedro pipeline (no Kedro needed)",
		Long: `kedro reads a kedro-viz export (a build folder from kedro viz build, a folder from
kedro viz run --save-file DIR, a Kedro project holding build/, or the api/main file)
and writes a pipeline repo as blueprint init does: one job per Kedro node (or per
namespace or tag with --group-by), in groups that run in dependency order, each a
container-image Lambda function (--target lambda) or a Batch job (--target batch)
from one image of the packaged project.

Run again on a new export with the same --out: the block between the markers in
config.yaml and tests/sfn/kedro.json are replaced, the change printed as a diff;
the rest of the repo is yours and kept. An --out holding any other repo is refused
without --force.`,
		Example: `  kedro viz build && blueprint import kedro build --out spaceflights-pipeline
  blueprint import kedro build --group-by namespace --target batch --out sf-batch
  blueprint import kedro build/api/main --pipeline data_science --out ds`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(kedro.Targets, target) {
				return usageError{fmt.Errorf("--target %q: must be %s", target, diag.OneOf(kedro.Targets))}
			}
			if !slices.Contains(kedro.GroupBys, groupBy) {
				return usageError{fmt.Errorf("--group-by %q: must be %s", groupBy, diag.OneOf(kedro.GroupBys))}
			}
			p, diags := kedro.Read(args[0], pipeline)
			var pl *kedro.Plan
			if !diags.HasErrors() {
				var gd diag.List
				pl, gd = kedro.Group(p, groupBy)
				diags.Add(gd...)
			}
			if len(diags) > 0 {
				diags.Sorted().Print(a.Stderr)
			}
			if diags.HasErrors() {
				return exitError{ExitInvalid}
			}
			abs, err := filepath.Abs(out)
			if err != nil {
				return err
			}
			if name == "" {
				name = config.SafeName(filepath.Base(abs))
			}
			files := kedro.Files(pl, kedro.Options{Name: name, Target: target, Package: p.Package})
			fmt.Fprintf(a.Stderr, "%s: pipeline %s, %d nodes → %d jobs (by %s) in %d groups, on %s\n",
				p.File, p.ID, len(p.Tasks), len(pl.Jobs), groupBy, len(pl.Waves), target)
			if err := a.writeImport(out, files, force); err != nil {
				return err
			}
			return a.checkImport(out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "kedro-pipeline", "the pipeline repo to write (or update)")
	f.StringVar(&target, "target", kedro.Lambda, "where each job runs: lambda or batch")
	f.StringVar(&groupBy, "group-by", kedro.ByNode, "one job per node, namespace or tag")
	f.StringVar(&pipeline, "pipeline", "", "the export's pipeline `id` (default: its selected one)")
	f.StringVar(&name, "name", "", "the pipeline's name (default: --out's base name)")
	f.BoolVar(&force, "force", false, "write over a repo that no import made")
	return cmd
}

// writeImport writes a new repo as blueprint init does, or updates one an
// import made, printing the change as a diff.
func (a *App) writeImport(out string, files map[string][]byte, force bool) error {
	entries, err := os.ReadDir(out)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		if fi, serr := os.Stat(out); serr == nil && !fi.IsDir() {
			return usageError{fmt.Errorf("--out %s is a file; give a directory", out)}
		}
		return err
	}
	_, cfgErr := os.Stat(filepath.Join(out, config.MainFile))
	if len(entries) == 0 || (force && cfgErr != nil) {
		o := scaffold.Options{Example: "kedro import", Files: files, Force: force}
		pinned := pinBlueprint(&o)
		written, err := scaffold.Write(out, o)
		if err != nil {
			fmt.Fprintf(a.Stderr, "blueprint: import kedro: %v\n", err)
			return exitError{ExitInvalid}
		}
		fmt.Fprintf(a.Stderr, "wrote %d files to %s\n", len(written), out)
		if pinned != "" {
			fmt.Fprintln(a.Stderr, pinned)
		}
		fmt.Fprintf(a.Stderr, "next: read %s/README.md (kedro package, datasets on S3), then\n  cd %s\n", out, out)
		for _, s := range scaffold.NextSteps(false) {
			fmt.Fprintf(a.Stderr, "  %-36s # %s\n", s[0], s[1])
		}
		return nil
	}
	if cfgErr != nil {
		fmt.Fprintf(a.Stderr, "blueprint: import kedro: --out %s is not empty (%d entries) and holds no pipeline repo; choose a new directory, or --force to write into it\n", out, len(entries))
		return exitError{ExitInvalid}
	}
	changes, err := kedro.Update(out, files, force)
	if err != nil {
		if errors.Is(err, kedro.ErrNotImported) {
			fmt.Fprintf(a.Stderr, "blueprint: import kedro: --out %s %v\n", out, err)
		} else {
			fmt.Fprintf(a.Stderr, "blueprint: import kedro: %s/%v\n", out, err)
		}
		return exitError{ExitInvalid}
	}
	if len(changes) == 0 {
		fmt.Fprintf(a.Stderr, "%s is up to date with the export\n", out)
		return nil
	}
	for _, c := range changes {
		fmt.Fprint(a.Stdout, kedro.Diff(c.Path, c.Old, c.New))
	}
	if err := kedro.Apply(out, changes); err != nil {
		fmt.Fprintf(a.Stderr, "blueprint: import kedro: %v\n", err)
		return exitError{ExitInvalid}
	}
	var paths []string
	for _, c := range changes {
		paths = append(paths, c.Path)
	}
	fmt.Fprintf(a.Stderr, "updated %s: %s\n", out, strings.Join(paths, ", "))
	return nil
}

// checkImport validates what was written for every stage of its
// variables, so a re-import whose kept files no longer fit says so now.
func (a *App) checkImport(out string) error {
	var all diag.List
	for _, stage := range []string{"dev", "test", "prod"} {
		_, d := plan.Load(config.LoadOptions{RepoDir: out, Stage: stage, LookupEnv: a.LookupEnv}, a.Registry)
		all.Add(d...)
	}
	if len(all) > 0 {
		all.Sorted().Print(a.Stderr)
	}
	if all.HasErrors() {
		fmt.Fprintf(a.Stderr, "the import was written but does not validate; fix the files above (the generated block is rewritten by the next import)\n")
		return exitError{ExitInvalid}
	}
	fmt.Fprintf(a.Stderr, "%s validates for dev, test and prod\n", out)
	return nil
}
