package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

func (a *App) migrateCmd() *cobra.Command {
	var write bool
	cmd := &cobra.Command{
		Use:   "migrate [DIR]",
		Short: "Upgrade a data.all (version 1) repo's configs to version 2, with the same deployed result",
		Long: `migrate rewrites config.yaml and configs/*.yaml of a data.all blueprint repo (configs without
version:), and the Glue and Athena job YAMLs their jobs read, into version 2: the old defaults become explicit keys, old spellings today's, and
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
			type file struct {
				path    string
				migrate func(src []byte) ([]byte, diag.List)
			}
			var todo []file
			for _, f := range files {
				todo = append(todo, file{f, func(src []byte) ([]byte, diag.List) { return config.Migrate(f, src) }})
			}
			// The job files the version 1 configs name, found before any
			// config is rewritten.
			for _, jf := range a.jobFiles(dir) {
				todo = append(todo, file{jf.path, func(src []byte) ([]byte, diag.List) { return config.MigrateJobFile(jf.path, src, jf.upgrade) }})
			}
			changed := 0
			for _, f := range todo {
				full := filepath.Join(dir, filepath.FromSlash(f.path))
				src, err := os.ReadFile(full)
				if err != nil {
					all.Add(diag.Diagnostic{File: f.path, Message: "cannot read: " + err.Error()})
					continue
				}
				out, notes := f.migrate(src)
				all.Add(notes...)
				if out == nil || string(out) == string(src) {
					continue
				}
				if slices.Contains(files, f.path) {
					all.Add(emptyVariables(dir, f.path, a.LookupEnv)...)
				}
				changed++
				if write {
					if err := os.WriteFile(full, out, 0o644); err != nil {
						return err
					}
					fmt.Fprintf(a.Stderr, "wrote %s\n", f.path)
					continue
				}
				diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
					A: lines(string(src)), B: lines(string(out)),
					FromFile: "a/" + f.path, ToFile: "b/" + f.path, Context: 3,
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

// jobFile is a file a version 1 job reads and the rule that upgrades it.
type jobFile struct {
	path    string
	upgrade func(d *config.Decoder, root *yaml.Node)
}

// jobFiles lists, once each and in the order the configs name them, the
// files that the jobs of the repo's version 1 configs read, for the
// engines that upgrade such files.
func (a *App) jobFiles(dir string) []jobFile {
	stacks, _ := config.Load(config.LoadOptions{RepoDir: dir, LookupEnv: a.LookupEnv})
	var out []jobFile
	seen := map[string]bool{}
	for _, st := range stacks {
		if st.Pipeline == nil || st.Pipeline.Version.Number() != config.V1 {
			continue
		}
		for _, job := range jobNodes(st.Pipeline) {
			typ := ""
			for i := 0; i+1 < len(job.Content); i += 2 {
				if job.Content[i].Value == "type" {
					typ = job.Content[i+1].Value
				}
			}
			e, ok := a.Registry.Lookup(typ)
			if !ok {
				continue
			}
			u, ok := e.(engine.JobFileUpgrader)
			if !ok {
				continue
			}
			for _, p := range u.JobFiles(st, job) {
				if !seen[p] {
					seen[p] = true
					out = append(out, jobFile{p, u.UpgradeJobFile})
				}
			}
		}
	}
	return out
}

// jobNodes are the job mappings of a pipeline: its groups', its catch's,
// and those in the branches of its choices, at any depth.
func jobNodes(p *config.Pipeline) []*yaml.Node {
	var out []*yaml.Node
	var groups func(n *yaml.Node)
	var job func(n *yaml.Node)
	field := func(n *yaml.Node, key string) *yaml.Node {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
		return nil
	}
	items := func(n *yaml.Node) []*yaml.Node {
		if n == nil || n.Kind != yaml.SequenceNode {
			return nil
		}
		return n.Content
	}
	job = func(n *yaml.Node) {
		if n == nil || n.Kind != yaml.MappingNode {
			return
		}
		out = append(out, n)
		for _, ch := range items(field(n, "choices")) {
			groups(field(ch, "groups"))
		}
		groups(field(field(n, "default"), "groups"))
	}
	groups = func(n *yaml.Node) {
		for _, g := range items(n) {
			for _, j := range items(field(g, "jobs")) {
				job(j)
			}
		}
	}
	var top []*config.Group
	top = append(top, p.Groups...)
	if p.Catch != nil {
		top = append(top, p.Catch.Groups...)
	}
	for _, g := range top {
		for _, j := range g.Jobs {
			job(j.Node)
		}
	}
	return out
}

// emptyVariables lists the variables of a version 1 file that render as
// empty text: version 2 reports them as errors.
func emptyVariables(dir, file string, env func(string) (string, bool)) diag.List {
	_, diags := config.Load(config.LoadOptions{RepoDir: dir, Only: file, LookupEnv: env})
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
