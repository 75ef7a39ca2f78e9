package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blueprint-dev/blueprint/blueprint/graph"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
)

func (a *App) graphCmd() *cobra.Command {
	var c common
	var format, out string
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Draw the planned state machine of each stack (no node needed)",
		Long: `graph draws the state machine blueprint plans for each config: groups as parallel
blocks, choices with their conditions on the edges, retries in the boxes and catches
as dashed edges. Formats: mermaid (renders in repository markdown), dot (Graphviz),
asl (the definition with deploy-time ARNs replaced by readable placeholders).
--out FILE.svg draws an SVG with Graphviz's dot (Debian package graphviz).`,
		Example: `  blueprint graph --stage prod > pipeline.mmd
  blueprint graph --format dot | dot -Tpng > pipeline.png
  blueprint graph --format asl --config configs/extra.yaml
  blueprint graph --out pipeline.svg`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svg := strings.HasSuffix(strings.ToLower(out), ".svg")
			if !cmd.Flags().Changed("format") && svg {
				format = "dot"
			}
			if format != "mermaid" && format != "dot" && format != "asl" {
				return usageError{fmt.Errorf("--format %q: must be mermaid, dot or asl", format)}
			}
			if svg && format != "dot" {
				return usageError{fmt.Errorf("--out %s: an SVG is drawn from the dot format, not %s", out, format)}
			}
			opts, err := c.loadOptions(a)
			if err != nil {
				return err
			}
			stacks, diags := plan.Load(opts, a.Registry)
			if err := a.report(&c, diags); err != nil {
				return err
			}
			var drawn []*plan.Stack
			for _, s := range stacks {
				if s.Machine != nil {
					drawn = append(drawn, s)
				} else {
					fmt.Fprintf(a.Stderr, "%s: no groups, no state machine to draw\n", s.Config.Source.Path)
				}
			}
			for i, s := range drawn {
				text, err := draw(format, s)
				if err != nil {
					return err
				}
				if out == "" {
					if len(drawn) > 1 {
						fmt.Fprintf(a.Stdout, "%s stack %s (%s)\n", commentPrefix(format), s.Config.Name, s.Config.Source.Path)
					}
					a.Stdout.Write(text)
					if i < len(drawn)-1 {
						fmt.Fprintln(a.Stdout)
					}
					continue
				}
				file := out
				if len(drawn) > 1 {
					ext := filepath.Ext(out)
					file = strings.TrimSuffix(out, ext) + "-" + s.Config.Name + ext
				}
				if svg {
					text, err = dotToSVG(text)
					if err != nil {
						fmt.Fprintf(a.Stderr, "%v\n", err)
						return exitError{ExitInvalid}
					}
				}
				if err := os.WriteFile(file, text, 0o644); err != nil {
					return err
				}
				fmt.Fprintf(a.Stderr, "wrote %s\n", file)
			}
			return nil
		},
	}
	c.registerInputs(cmd)
	cmd.Flags().StringVar(&format, "format", "mermaid", "mermaid, dot or asl")
	cmd.Flags().StringVarP(&out, "out", "o", "", "write to `FILE` instead of stdout; FILE.svg draws an SVG with Graphviz")
	return cmd
}

func draw(format string, s *plan.Stack) ([]byte, error) {
	switch format {
	case "dot":
		return []byte(graph.DOT(s.Machine.Name, s.Machine.Definition)), nil
	case "asl":
		return graph.ReadableASL(s.Machine.Definition)
	}
	return []byte(graph.Mermaid(s.Machine.Name, s.Machine.Definition)), nil
}

func commentPrefix(format string) string {
	switch format {
	case "mermaid":
		return "%%"
	case "dot":
		return "//"
	}
	return "//"
}

func dotToSVG(dot []byte) ([]byte, error) {
	bin, err := exec.LookPath("dot")
	if err != nil {
		return nil, errors.New("drawing an SVG needs Graphviz's dot, which is not installed (Debian/Ubuntu: apt-get install graphviz); --format dot prints the graph without it")
	}
	cmd := exec.Command(bin, "-Tsvg")
	cmd.Stdin = bytes.NewReader(dot)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	svg, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("dot -Tsvg failed: %v: %s", err, stderr.String())
	}
	return svg, nil
}
