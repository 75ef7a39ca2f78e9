package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

func (a *App) migrateCmd() *cobra.Command {
	var write bool
	cmd := &cobra.Command{
		Use:   "migrate [DIR]",
		Short: "Upgrade a data.all (version 1) repo's configs to version 2, with the same deployed result",
		Long: `migrate rewrites config.yaml and configs/*.yaml of a data.all blueprint repo (configs without
version:) into version 2: the old defaults become explicit keys, old spellings today's, and
version: 2 comes first; comments and key order are kept. Without --write it prints a unified
diff. It lists, with file:line, what it cannot carry over.`,
		Example: `  blueprint migrate            # show the diff for this repo
  blueprint migrate --write my-repo`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			files, err := config.Files(dir)
			if err != nil {
				return usageError{err}
			}
			var all diag.List
			changed := 0
			for _, f := range files {
				full := filepath.Join(dir, filepath.FromSlash(f))
				src, err := os.ReadFile(full)
				if err != nil {
					all.Add(diag.Diagnostic{File: f, Message: "cannot read: " + err.Error()})
					continue
				}
				out, notes := config.Migrate(f, src)
				all.Add(notes...)
				if out == nil || string(out) == string(src) {
					continue
				}
				all.Add(emptyVariables(dir, f)...)
				changed++
				if write {
					if err := os.WriteFile(full, out, 0o644); err != nil {
						return err
					}
					fmt.Fprintf(a.Stderr, "wrote %s\n", f)
					continue
				}
				diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
					A: lines(string(src)), B: lines(string(out)),
					FromFile: "a/" + f, ToFile: "b/" + f, Context: 3,
				})
				fmt.Fprint(a.Stdout, diff)
			}
			if len(all) > 0 {
				all.Print(a.Stderr)
			}
			if all.HasErrors() {
				return exitError{ExitInvalid}
			}
			if changed == 0 {
				fmt.Fprintln(a.Stderr, "nothing to migrate: every config is version 2")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&write, "write", false, "write the migrated files instead of printing a diff")
	return cmd
}

// emptyVariables lists the variables of a version 1 file that render as
// empty text: version 2 reports them as errors.
func emptyVariables(dir, file string) diag.List {
	_, diags := config.Load(config.LoadOptions{RepoDir: dir, Only: file})
	var out diag.List
	for _, d := range diags {
		if d.Severity == diag.Warning && strings.Contains(d.Message, "renders as empty text") {
			d.Message = strings.Replace(d.Message, "renders as empty text, as it did in the data.all blueprint", "renders as empty text in version 1 and is an error in version 2", 1)
			out.Add(d)
		}
	}
	return out
}

// lines splits text after each newline, without difflib's extra empty line.
func lines(s string) []string {
	l := strings.SplitAfter(s, "\n")
	if len(l) > 0 && l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
}
