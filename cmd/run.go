package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/run"
)

func (a *App) runCmd() *cobra.Command {
	var c common
	var input, execution, profile string
	var wait, history bool
	var timeout, poll time.Duration
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Start the deployed pipeline of a stage and follow it",
		Long: `run starts an execution of a deployed stack's state machine, found by the SSM parameter
the stack publishes (<ssm_prefix>/<name>/<stage>/step_function_arn), and prints its ARN.
With --wait it follows the execution: a line per state entered and exited with the time
since the start (a table redrawn in place on a terminal), then the failing state's error
and cause, or the execution's output on stdout. Exit 0 when it succeeded, 1 when it
failed, timed out or --timeout passed first.

--config chooses the stack when the repo has several (default: config.yaml's).
Credentials and region come from the environment and ~/.aws as for the AWS CLI
(AWS_PROFILE or --profile, AWS_REGION, AWS_ENDPOINT_URL); the config's aws_region
wins over the environment's region.`,
		Example: `  blueprint run --stage dev --wait
  blueprint run --stage test --input @tests/integration/test.json --wait --timeout 30m
  blueprint run --execution arn:aws:states:eu-west-1:123456789012:execution:my-pipeline:run-1 --history`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if execution != "" && cmd.Flags().Changed("input") {
				return usageError{errors.New("--execution follows an execution that has its input: drop --input")}
			}
			if timeout < 0 {
				return usageError{fmt.Errorf("--timeout %s: must be positive", timeout)}
			}
			if timeout > 0 && !wait && execution == "" {
				return usageError{errors.New("--timeout limits --wait: add --wait")}
			}
			ctx := context.Background()
			var region string
			if execution == "" {
				body, err := readInput(input)
				if err != nil {
					fmt.Fprintf(a.Stderr, "blueprint: --input: %v\n", err)
					return exitError{ExitInvalid}
				}
				input = body
				opts, err := c.loadOptions(a)
				if err != nil {
					return err
				}
				stacks, diags := plan.Load(opts, a.Registry)
				if err := a.report(&c, diags); err != nil {
					return err
				}
				st, err := run.Pick(stacks)
				if err != nil {
					fmt.Fprintf(a.Stderr, "blueprint: %v\n", err)
					return exitError{ExitInvalid}
				}
				client, arn, err := run.Find(ctx, st, run.Options{Profile: profile})
				var nd *run.NotDeployedError
				if errors.As(err, &nd) {
					fmt.Fprintf(a.Stderr, "blueprint: %v (deploy it: blueprint synth --stage %s && cdk deploy --app cdk.out %s)\n", err, st.Config.Stage(), st.Config.Name+st.Config.StageSuffix())
					return exitError{ExitInvalid}
				}
				if err != nil {
					fmt.Fprintf(a.Stderr, "blueprint: %v\n", err)
					return exitError{ExitInvalid}
				}
				if execution, err = client.Start(ctx, arn, input); err != nil {
					fmt.Fprintf(a.Stderr, "blueprint: %v\n", err)
					return exitError{ExitInvalid}
				}
				if !wait && !history {
					fmt.Fprintln(a.Stdout, execution)
					return nil
				}
				fmt.Fprintf(a.Stderr, "started %s\n", execution)
				return a.follow(ctx, client, execution, wait, history, timeout, poll)
			}
			if region = run.RegionOf(execution); region == "" || !strings.Contains(execution, ":execution:") {
				return usageError{fmt.Errorf("--execution %q: not an execution ARN (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME)", execution)}
			}
			client, err := run.Connect(ctx, run.Options{Profile: profile, Region: region})
			if err != nil {
				fmt.Fprintf(a.Stderr, "blueprint: %v\n", err)
				return exitError{ExitInvalid}
			}
			return a.follow(ctx, client, execution, wait || !history, history, timeout, poll)
		},
	}
	c.registerInputs(cmd)
	f := cmd.Flags()
	f.StringVar(&input, "input", "", "the execution's input: JSON, or @FILE to read it from a file (default {})")
	f.BoolVar(&wait, "wait", false, "follow the execution until it ends; exit 1 unless it succeeded")
	f.DurationVar(&timeout, "timeout", 0, "stop waiting after this long (e.g. 30m) and exit 1; the execution goes on")
	f.StringVar(&execution, "execution", "", "follow this execution (its `ARN`) instead of starting one")
	f.BoolVar(&history, "history", false, "print the execution's full event history as JSON on stdout")
	f.StringVar(&profile, "profile", "", "AWS profile of the shared config files (default $AWS_PROFILE)")
	f.DurationVar(&poll, "poll-interval", time.Second, "time between two reads of the execution's history")
	_ = f.MarkHidden("poll-interval")
	return cmd
}

// follow waits for an execution (when wait), prints how it went and,
// with history, its event history as JSON on stdout instead of its output.
func (a *App) follow(ctx context.Context, client *run.Client, execution string, wait, history bool, timeout, poll time.Duration) error {
	if !wait {
		events, err := client.History(ctx, execution)
		if err != nil {
			fmt.Fprintf(a.Stderr, "blueprint: %v\n", err)
			return exitError{ExitInvalid}
		}
		return a.printHistory(events)
	}
	out, err := client.Follow(ctx, execution, a.Stderr, run.FollowOptions{Poll: poll, Timeout: timeout, Live: a.isTerminal(a.Stderr)})
	if err != nil {
		fmt.Fprintf(a.Stderr, "blueprint: %v\n", err)
		return exitError{ExitInvalid}
	}
	if out.Status == "RUNNING" {
		fmt.Fprintf(a.Stderr, "timed out after %s waiting: %s\n", timeout, run.Summary(out, execution))
	} else {
		fmt.Fprintln(a.Stderr, run.Summary(out, execution))
	}
	if history {
		if err := a.printHistory(out.Events); err != nil {
			return err
		}
	} else if out.Succeeded() && out.Output != "" {
		fmt.Fprintln(a.Stdout, out.Output)
	}
	if !out.Succeeded() {
		return exitError{ExitInvalid}
	}
	return nil
}

func (a *App) printHistory(events []run.Event) error {
	b, err := run.HistoryJSON(events)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.Stdout, "%s\n", b)
	return err
}

// readInput is the --input value as JSON text: the flag's text, or the
// file it names after @, or {}.
func readInput(v string) (string, error) {
	if v == "" {
		return "{}", nil
	}
	src := "the value"
	if strings.HasPrefix(v, "@") {
		path := filepath.Clean(v[1:])
		raw, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("cannot read %s: %s", path, cleanErr(err))
		}
		v, src = string(raw), path
	}
	var doc any
	dec := json.NewDecoder(strings.NewReader(v))
	if err := dec.Decode(&doc); err != nil {
		return "", fmt.Errorf("%s is not JSON: %v", src, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", fmt.Errorf("%s is not JSON: text after the value", src)
	}
	return strings.TrimSpace(v), nil
}

func cleanErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// isTerminal is true when w is a terminal, where a live view can redraw.
func (a *App) isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	if t, _ := a.LookupEnv("TERM"); t == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
