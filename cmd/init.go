package cmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blueprint-dev/blueprint/blueprint/engine"

	"github.com/blueprint-dev/blueprint/cmd/scaffold"
	"github.com/blueprint-dev/blueprint/examples"
)

func (a *App) initCmd() *cobra.Command {
	var o scaffold.Options
	var list bool
	cmd := &cobra.Command{
		Use:   "init DIR",
		Short: "Scaffold a new pipeline repo (offline)",
		Long: `init writes a new pipeline repo: config.yaml and variables.yaml (dev, test and prod),
customcode/ with a function and a trigger, configs/, tests/ (Go tests that validate and
synthesize the pipeline for every stage; tests/integration/ tests a deployed stage),
buildspec.yml (install, RunTests, synth), cdk.json and a README. It refuses a non-empty DIR unless --force.`,
		Example: `  blueprint init my-pipeline
  blueprint init --example sagemaker iris-pipeline
  blueprint init --with-engine my-pipeline   # with a step type of its own
  blueprint init --list`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				for _, n := range examples.Names() {
					mark := ""
					if n == examples.Default {
						mark = " (default)"
					}
					fmt.Fprintf(a.Stdout, "%-18s %s%s\n", n, examples.Describe(n), mark)
				}
				return nil
			}
			if len(args) != 1 {
				return usageError{errors.New("init takes one DIR, the new repo's directory")}
			}
			pinned := ""
			if !cmd.Flags().Changed("blueprint-src") {
				pinned = pinBlueprint(&o)
			}
			o.Schemas = map[string][]byte{}
			for _, kind := range SchemaKinds(a.Registry) {
				s, err := Schema(a.Registry, kind, 2)
				if err != nil {
					return err
				}
				o.Schemas[kind] = s
			}
			written, err := scaffold.Write(args[0], o)
			var ue scaffold.UsageError
			if errors.As(err, &ue) {
				return usageError{err}
			}
			if err != nil {
				fmt.Fprintf(a.Stderr, "blueprint: init %s: %v\n", args[0], err)
				return exitError{ExitInvalid}
			}
			fmt.Fprintf(a.Stderr, "wrote %d files to %s (from the %s example)\n", len(written), args[0], engine.FirstNonEmpty(o.Example, examples.Default))
			if pinned != "" {
				fmt.Fprintln(a.Stderr, pinned)
			}
			fmt.Fprintf(a.Stderr, "next:\n  cd %s\n", args[0])
			for _, s := range scaffold.NextSteps(o.WithEngine) {
				fmt.Fprintf(a.Stderr, "  %-36s # %s\n", s[0], s[1])
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Example, "example", "", "start from this example (see --list)")
	f.BoolVar(&o.Force, "force", false, "write into a non-empty directory, over existing files")
	f.BoolVar(&list, "list", false, "list the examples")
	f.BoolVar(&o.WithEngine, "with-engine", false, "add a step type of the repo's own (engines/pause) and a cmd/blueprint with it")
	f.StringVar(&o.Module, "module", "", "Go module path of the new repo (default example.com/DIR)")
	f.StringVar(&o.Replace, "blueprint-src", "", "point go.mod at a local blueprint checkout `path`")
	return cmd
}

// release matches a released version, not a pseudo-version of a commit.
var release = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+$`)

// pinBlueprint chooses the blueprint a new repo's go.mod requires: the
// release this binary was installed from (go install …@v1.2.0), or the
// checkout it was built from, by a replace directive. It returns a line
// for the user saying which, or "" when it cannot tell.
func pinBlueprint(o *scaffold.Options) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	root := filepath.Dir(filepath.Dir(filepath.FromSlash(file))) // …/cmd/init.go
	if _, version, released := strings.Cut(filepath.Base(root), "@"); released {
		o.Version = version
		return "go.mod requires blueprint " + version
	}
	if mod, err := os.ReadFile(filepath.Join(root, "go.mod")); err == nil && filepath.IsAbs(root) &&
		strings.HasPrefix(string(mod), "module github.com/blueprint-dev/blueprint\n") {
		o.Replace = root
		return "go.mod uses the blueprint checkout at " + root + " (--blueprint-src to choose another)"
	}
	if bi, ok := debug.ReadBuildInfo(); ok && release.MatchString(bi.Main.Version) {
		o.Version = bi.Main.Version
		return "go.mod requires blueprint " + o.Version
	}
	return ""
}
