package cmd

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/render"
	"github.com/blueprint-dev/blueprint/internal/dircopy"
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
			type result struct {
				path     string
				src, out []byte
			}
			var results []result
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
				results = append(results, result{f.path, src, out})
			}
			if len(results) > 0 && !all.HasErrors() {
				outs := map[string][]byte{}
				for _, r := range results {
					outs[r.path] = r.out
				}
				all.Add(a.sameMeaning(dir, outs)...)
			}
			if all.HasErrors() {
				// Nothing is written unless everything carries over.
				results = nil
			}
			for _, r := range results {
				if write {
					if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(r.path)), r.out, 0o644); err != nil {
						return err
					}
					fmt.Fprintf(a.Stderr, "wrote %s\n", r.path)
					continue
				}
				diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
					A: lines(string(r.src)), B: lines(string(r.out)),
					FromFile: "a/" + r.path, ToFile: "b/" + r.path, Context: 3,
				})
				fmt.Fprint(a.Stdout, diff)
			}
			changed := len(results)
			if len(all) > 0 {
				all.Print(a.Stderr)
			}
			if all.HasErrors() {
				return exitError{ExitInvalid}
			}
			if changed == 0 && !all.HasErrors() {
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

// sameMeaning loads every config of the repo as it is and as migrated
// (outs, written into a copy of the repo) for the default stage and for
// each value the templates compare a variable with (stage == 'prod',
// aws_region == 'eu-west-1'…), and reports each config whose migrated
// tree differs from its translation: a template branch the rewrite did
// not carry.
func (a *App) sameMeaning(dir string, outs map[string][]byte) diag.List {
	tmp, err := os.MkdirTemp("", "blueprint-migrate-")
	if err != nil {
		return diag.List{{File: ".", Message: "cannot check the migration: " + err.Error()}}
	}
	defer os.RemoveAll(tmp)
	if err := copyRepo(dir, tmp); err != nil {
		return diag.List{{File: ".", Message: "cannot check the migration: " + err.Error()}}
	}
	for p, out := range outs {
		if err := os.WriteFile(filepath.Join(tmp, filepath.FromSlash(p)), out, 0o644); err != nil {
			return diag.List{{File: p, Message: "cannot check the migration: " + err.Error()}}
		}
	}
	// Variables that render empty in version 1 are errors in version 2:
	// both are read with them empty.
	// A variable version 2 defines (pipeline_name) is not one of them.
	empty := map[string]string{}
	_, v1diags := config.Load(config.LoadOptions{RepoDir: dir, LookupEnv: a.LookupEnv})
	defined := definedInV2(a.LookupEnv)
	for _, d := range v1diags {
		if m := undefinedVariable.FindStringSubmatch(d.Message); m != nil && d.Severity == diag.Warning && !defined[m[1]] {
			empty[m[1]] = ""
		}
	}
	type variant struct {
		stage string
		vars  map[string]string
		what  string
	}
	variants := []variant{{vars: empty, what: "the default stage"}}
	seen := map[string]bool{}
	for p := range outs {
		src, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		for _, m := range comparedValue.FindAllStringSubmatch(string(src), -1) {
			name, value := m[1], m[2]
			if seen[name+"="+value] {
				continue
			}
			seen[name+"="+value] = true
			v := variant{vars: map[string]string{}, what: name + " " + value}
			for k, e := range empty {
				v.vars[k] = e
			}
			if name == "stage" {
				v.stage = value
			} else {
				v.vars[name] = value
			}
			variants = append(variants, v)
		}
	}
	sort.SliceStable(variants[1:], func(i, j int) bool { return variants[i+1].what < variants[j+1].what })
	var out diag.List
	bad := map[string]bool{}
	for _, v := range variants {
		before, bd := config.Load(config.LoadOptions{RepoDir: dir, Stage: v.stage, Vars: v.vars, LookupEnv: a.LookupEnv})
		after, ad := config.Load(config.LoadOptions{RepoDir: tmp, Stage: v.stage, Vars: v.vars, LookupEnv: a.LookupEnv})
		if bd.HasErrors() || ad.HasErrors() || len(before) != len(after) {
			continue
		}
		for i := range before {
			path := before[i].Source.Path
			if bad[path] {
				continue
			}
			x, errX := before[i].Translated()
			y, errY := after[i].Translated()
			if errX == nil && errY == nil && !reflect.DeepEqual(x, y) {
				bad[path] = true
				out.Add(diag.Diagnostic{File: path, Line: 1, Message: "cannot migrate: rendered for " + v.what + ", the migrated config means something else than the original",
					Hint: "a template block holds keys the rewrite reads; migrate this file by hand"})
			}
		}
	}
	return out
}

var (
	comparedValue     = regexp.MustCompile(`\b([a-z_][a-z0-9_]*)\s*==\s*['"]([^'"{}%]*)['"]`)
	undefinedVariable = regexp.MustCompile(`undefined variable "([^"]+)" renders as empty text`)
)

// builtDirs are the folders builds leave in a repo, not copied to check
// a migration.
var builtDirs = map[string]bool{".git": true, "cdk.out": true, "node_modules": true, ".blueprint": true}

func copyRepo(from, to string) error {
	return dircopy.Copy(from, to, func(rel string, dir bool) bool { return dir && builtDirs[path.Base(rel)] })
}

// emptyVariables lists the variables of a version 1 file that render as
// empty text: version 2 reports them as errors.
func emptyVariables(dir, file string, env func(string) (string, bool)) diag.List {
	_, diags := config.Load(config.LoadOptions{RepoDir: dir, Only: file, LookupEnv: env})
	var out diag.List
	defined := definedInV2(env)
	for _, d := range diags {
		if m := undefinedVariable.FindStringSubmatch(d.Message); m != nil && d.Severity == diag.Warning && !defined[m[1]] {
			d.Message = strings.Replace(d.Message, "renders as empty text, as it did in the data.all blueprint", "renders as empty text in version 1 and is an error in version 2", 1)
			out.Add(d)
		}
	}
	return out
}

// definedInV2 are the template variables that version 2 defines whatever
// a repo's files say: pipeline_name, the stage and the environment's.
// migrate writes a version 1 reference to one whose value differs as
// that value (pipeline_name). (A key of variables.yaml that a version 1
// config did not read stays listed, as the migration notes say.)
func definedInV2(env func(string) (string, bool)) map[string]bool {
	none, err := os.MkdirTemp("", "blueprint-context-")
	if err != nil {
		return nil
	}
	defer os.RemoveAll(none)
	ctx, _ := render.BuildContext(render.ContextOptions{LookupEnv: env, RepoDir: none, PipelineName: "pipeline"})
	out := map[string]bool{}
	for k := range ctx {
		out[k] = true
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
