package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/engines"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitInvalid = 1
	ExitUsage   = 2
)

// App is one run of the CLI: its streams, environment and engines.
type App struct {
	Stdout, Stderr io.Writer
	LookupEnv      func(string) (string, bool)
	Environ        func() []string
	Registry       *engine.Registry
}

// Main runs the CLI with the process environment and every engine.
func Main(args []string, stdout, stderr io.Writer) int {
	return MainWith(args, stdout, stderr)
}

// MainWith runs the CLI with a repo's own engines next to blueprint's: a
// pipeline repo with a step type of its own builds its CLI with this.
func MainWith(args []string, stdout, stderr io.Writer, extra ...engine.Engine) int {
	reg := engines.Registry()
	for _, e := range extra {
		reg.Register(e)
	}
	return (&App{Stdout: stdout, Stderr: stderr, LookupEnv: os.LookupEnv, Environ: os.Environ, Registry: reg}).Run(args)
}

// usageError marks errors that exit 2.
type usageError struct{ error }

// exitError carries an exit code whose message was already printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Run executes args and returns the exit code.
func (a *App) Run(args []string) int {
	root := a.root()
	root.SetArgs(args)
	root.SetOut(a.Stdout)
	root.SetErr(a.Stderr)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(a.Stderr, "blueprint: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintln(a.Stderr, "Run 'blueprint --help' for usage.")
		return ExitUsage
	}
	return ExitInvalid
}

func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (a *App) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "blueprint",
		Short: "Turn a templated config.yaml into a deployable AWS data/ML pipeline",
		Long: `blueprint renders a pipeline repo's config.yaml (and configs/*.yaml), validates it,
and synthesizes a CDK cloud assembly with one CloudFormation stack per config, each
holding a Step Functions state machine. Deploy it with: cdk deploy --app cdk.out`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(a.synthCmd(), a.validateCmd(), a.renderCmd(), a.listCmd(), a.schemaCmd(), a.graphCmd(), a.initCmd(), a.testCmd(), a.runCmd(), a.importCmd(), a.migrateCmd())
	return root
}

// common are the flags every command that reads a config takes.
type common struct {
	dir    string
	stage  string
	vars   []string
	config string
	format string
}

func (c *common) register(cmd *cobra.Command) {
	c.registerInputs(cmd)
	cmd.Flags().StringVar(&c.format, "format", "text", "diagnostics format: text or json")
}

// registerInputs adds the flags that say what to load, for commands whose
// --format means something else.
func (c *common) registerInputs(cmd *cobra.Command) {
	c.format = "text"
	f := cmd.Flags()
	f.StringVarP(&c.dir, "dir", "C", ".", "the pipeline repo")
	f.StringVar(&c.stage, "stage", "", "stage to render for (default: $STAGE, else test)")
	f.StringArrayVar(&c.vars, "var", nil, "template variable `key=value` (repeatable); wins over variables.yaml")
	f.StringVar(&c.config, "config", "", "only this config `file` (config.yaml or configs/NAME.yaml)")
}

func (c *common) loadOptions(a *App) (config.LoadOptions, error) {
	if c.format != "text" && c.format != "json" {
		return config.LoadOptions{}, usageError{fmt.Errorf("--format %q: must be text or json", c.format)}
	}
	vars := map[string]string{}
	for _, kv := range c.vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return config.LoadOptions{}, usageError{fmt.Errorf("--var %q: write key=value", kv)}
		}
		vars[strings.TrimSpace(k)] = v
	}
	if fi, err := os.Stat(c.dir); err != nil || !fi.IsDir() {
		return config.LoadOptions{}, usageError{fmt.Errorf("--dir %s: not a directory", c.dir)}
	}
	opts := config.LoadOptions{RepoDir: c.dir, Stage: c.stage, Vars: vars, Only: c.config, LookupEnv: a.LookupEnv}
	if a.Environ != nil {
		opts.Environ = a.Environ()
	}
	return opts, nil
}

// report prints diagnostics in the chosen format; it returns an exit error
// when they hold errors.
func (a *App) report(c *common, diags diag.List) error {
	if c.format == "json" {
		if err := diags.PrintJSON(a.Stdout); err != nil {
			return err
		}
	} else if len(diags) > 0 {
		diags.Print(a.Stderr)
	}
	if diags.HasErrors() {
		return exitError{ExitInvalid}
	}
	return nil
}
