package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/schema"
)

func (a *App) schemaCmd() *cobra.Command {
	var kind string
	var version int
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of config.yaml, variables.yaml, job YAMLs or test cases",
		Long: `schema prints a JSON Schema (draft 2020-12) for editors (the YAML language server of
VS Code and others) and other tools: the keys of every type, their types, defaults and
allowed values, read from the same specs as validation. Templated values ("{{ x }}") pass
wherever they stand. blueprint init writes them to schemas/ and points the editor at them.`,
		Example: `  blueprint schema > schemas/config.schema.json
  blueprint schema --kind glue-job
  blueprint schema --version 1   # a data.all (version 1) config`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := Schema(a.Registry, kind, version)
			if err != nil {
				return usageError{err}
			}
			_, err = a.Stdout.Write(s)
			return err
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "config", "which file: "+strings.Join(SchemaKinds(a.Registry), ", "))
	cmd.Flags().IntVar(&version, "version", 2, "config format version (1 or 2), for --kind config")
	return cmd
}

// SchemaKinds are the files blueprint has a JSON Schema of.
func SchemaKinds(reg *engine.Registry) []string {
	kinds := append([]string{"config", "variables", "test-case"}, jobFileKinds(reg)...)
	sort.Strings(kinds)
	return kinds
}

// Schema is the indented JSON Schema of a kind of file.
func Schema(reg *engine.Registry, kind string, version int) ([]byte, error) {
	var s map[string]any
	switch kind {
	case "config":
		if version != 1 && version != 2 {
			return nil, fmt.Errorf("--version %d: the config format versions are 1 and 2", version)
		}
		s = schema.Config(reg, version)
	case "variables":
		s = schema.Variables()
	case "test-case":
		s = schema.TestCase()
	default:
		e, ok := jobFiles(reg)[kind]
		if !ok {
			return nil, errors.New("--kind " + kind + ": no such schema; the kinds are " + strings.Join(SchemaKinds(reg), ", "))
		}
		k, key, spec := e.(engine.JobFiler).JobFile()
		s = schema.JobFile(fmt.Sprintf("blueprint %s (the YAML a %s step names in %s)", k, e.Type(), key), spec)
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
