package cmd

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/schema"
)

func (a *App) listCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [TYPE]",
		Short: "List the resource, step and trigger types with their keys; one TYPE in full",
		Long: `list prints every type with its keys. With a TYPE it prints that type in full: every key,
nested ones indented under theirs, with its type, whether it is required, its default and
allowed values, and a minimal example. TYPE may also be config (the top level of a config
file) or a job YAML format: glue-job, athena-job.`,
		Example: `  blueprint list
  blueprint list choice
  blueprint list glue-job`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				return a.listOne(args[0])
			}
			for _, e := range a.Registry.All() {
				fmt.Fprintf(a.Stdout, "%s (%s)", e.Type(), e.Kinds())
				if al, ok := e.(engine.Aliaser); ok && len(al.Aliases()) > 0 {
					fmt.Fprintf(a.Stdout, ", also written %s", strings.Join(al.Aliases(), ", "))
				}
				fmt.Fprintln(a.Stdout)
				if d, ok := e.(engine.Describer); ok {
					fmt.Fprintf(a.Stdout, "    %s\n", d.Describe())
				}
				fmt.Fprintf(a.Stdout, "    keys: %s\n", strings.Join(config.KeyPaths(e.NewSpec()), ", "))
			}
			fmt.Fprintf(a.Stdout, "\njob YAMLs: %s; `blueprint list TYPE` prints one type, or config, in full\n", strings.Join(jobFileKinds(a.Registry), ", "))
			return nil
		},
	}
	return cmd
}

// jobFiles are the job YAML formats of the registry's engines, by kind.
func jobFiles(reg *engine.Registry) map[string]engine.Engine {
	out := map[string]engine.Engine{}
	for _, e := range reg.All() {
		if j, ok := e.(engine.JobFiler); ok {
			kind, _, _ := j.JobFile()
			out[kind] = e
		}
	}
	return out
}

func jobFileKinds(reg *engine.Registry) []string {
	kinds := engine.SortedKeys(jobFiles(reg))
	sort.Strings(kinds)
	return kinds
}

func (a *App) listOne(name string) error {
	w := a.Stdout
	if name == "config" {
		fmt.Fprintln(w, "config.yaml (and configs/*.yaml): the top level of a config file")
		fmt.Fprintln(w, "\nkeys:")
		schema.Write(w, schema.Of(&config.Pipeline{}), "  ")
		writeExample(w, schema.Example(schema.Of(&config.Pipeline{}), map[string]any{"version": 2}))
		return nil
	}
	if e, ok := jobFiles(a.Registry)[name]; ok {
		kind, key, spec := e.(engine.JobFiler).JobFile()
		fmt.Fprintf(w, "%s: the job YAML that a step of type %s names in its %s\n", kind, e.Type(), key)
		fmt.Fprintln(w, "\nkeys:")
		s := schema.Of(spec)
		schema.Write(w, s, "  ")
		writeExample(w, schema.Example(s, nil))
		return nil
	}
	e, ok := a.Registry.Lookup(name)
	if !ok {
		known := append(a.Registry.Names(engine.Resource|engine.Step|engine.Trigger), append([]string{"config"}, jobFileKinds(a.Registry)...)...)
		msg := fmt.Sprintf("no type %q; `blueprint list` shows them all", name)
		if s := diag.Suggest(name, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return usageError{errors.New(msg)}
	}
	fmt.Fprintf(w, "%s (%s)", e.Type(), e.Kinds())
	if al, ok := e.(engine.Aliaser); ok && len(al.Aliases()) > 0 {
		fmt.Fprintf(w, ", also written %s", strings.Join(al.Aliases(), ", "))
	}
	fmt.Fprintln(w)
	if d, ok := e.(engine.Describer); ok {
		fmt.Fprintf(w, "  %s\n", d.Describe())
	}
	if j, ok := e.(engine.JobFiler); ok {
		kind, key, _ := j.JobFile()
		fmt.Fprintf(w, "  %s names a job YAML: blueprint list %s\n", key, kind)
	}
	s := schema.Of(e.NewSpec())
	fmt.Fprintln(w, "\nkeys:")
	schema.Write(w, s, "  ")
	writeExample(w, schema.Example(s, map[string]any{"name": "<name>", "type": e.Type()}))
	return nil
}

func writeExample(w io.Writer, v any) {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if enc.Encode(v) != nil || enc.Close() != nil {
		return
	}
	fmt.Fprintln(w, "\nminimal example (<…> are yours to fill in):")
	for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", l)
	}
}
