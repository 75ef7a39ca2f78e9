package cmd

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/sfntest"
)

func (a *App) testCmd() *cobra.Command {
	var c common
	var junit string
	var skeleton, history bool
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the state machine test cases of tests/sfn/*.json offline",
		Long: `test runs the planned state machine of each stack on the test cases of tests/sfn/*.json,
written in Step Functions Local's mock-config format (StateMachines.<name>.TestCases and
MockedResponses) plus blueprint's Expectations (Input, Status, Error, Output, Visited,
NotVisited, TaskInputs). A case file is a template like the config ({{ stage }}, variables).
Tasks return their mocked responses; Retry and Catch run as the service runs them, without
waiting. Each case prints PASS or FAIL and the path it took. No AWS call, no node.`,
		Example: `  blueprint test --stage dev
  blueprint test --skeleton > tests/sfn/cases.json
  blueprint test --junit tests/reports/sfn-junit.xml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := c.loadOptions(a)
			if err != nil {
				return err
			}
			if skeleton {
				stacks, diags := plan.Load(opts, a.Registry)
				if err := a.report(&c, diags); err != nil {
					return err
				}
				b, err := sfntest.Skeleton(sfntest.Machines(stacks))
				if err != nil {
					return err
				}
				_, err = a.Stdout.Write(b)
				return err
			}
			files := sfntest.Files(c.dir)
			if len(files) == 0 {
				fmt.Fprintf(a.Stderr, "blueprint: no test cases in %s (blueprint test --skeleton > tests/sfn/cases.json starts one)\n", filepath.Join(c.dir, "tests", "sfn", "*.json"))
				return exitError{ExitInvalid}
			}
			stacks, diags := plan.Load(opts, a.Registry)
			if err := a.report(&c, diags); err != nil {
				return err
			}
			machines := sfntest.Machines(stacks)
			all := map[string][]sfntest.CaseResult{}
			passed, failed, skipped := 0, 0, 0
			for _, f := range files {
				rel, _ := filepath.Rel(c.dir, f)
				suite, err := sfntest.Render(f, sfntest.Context(stacks), a.LookupEnv)
				if err != nil {
					fmt.Fprintf(a.Stderr, "%v\n", err)
					failed++
					continue
				}
				if c.config != "" {
					// Only the selected stack's cases.
					for m, cases := range suite.StateMachines {
						if machines[m] == nil {
							skipped += len(cases.TestCases)
							delete(suite.StateMachines, m)
						}
					}
				}
				results := suite.RunDeployed(sfntest.Deployed(stacks))
				if len(results) == 0 {
					continue
				}
				all[rel] = results
				p, fl := sfntest.Report(a.Stdout, rel, results)
				if history {
					for _, r := range results {
						fmt.Fprintf(a.Stdout, "  history of %s / %s:\n", r.Machine, r.Case)
						sfntest.History(a.Stdout, r)
					}
				}
				passed, failed = passed+p, failed+fl
			}
			fmt.Fprintf(a.Stdout, "%d passed, %d failed", passed, failed)
			if skipped > 0 {
				fmt.Fprintf(a.Stdout, ", %d of other stacks skipped (--config %s)", skipped, c.config)
			}
			fmt.Fprintln(a.Stdout)
			if junit != "" {
				if err := os.MkdirAll(filepath.Dir(junit), 0o755); err != nil {
					return err
				}
				out, err := os.Create(junit)
				if err != nil {
					return err
				}
				defer out.Close()
				if err := sfntest.WriteJUnit(out, all); err != nil {
					return err
				}
			}
			if failed > 0 {
				return exitError{ExitInvalid}
			}
			return nil
		},
	}
	c.register(cmd)
	cmd.Flags().StringVar(&junit, "junit", "", "also write the results as JUnit XML to `FILE`")
	cmd.Flags().BoolVar(&history, "history", false, "also print each case's execution history, an event a line")
	cmd.Flags().BoolVar(&skeleton, "skeleton", false, "print a test file to start from: every task mocked with a typical success")
	return cmd
}
