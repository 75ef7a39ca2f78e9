package glue

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/render"
	"github.com/blueprint-dev/blueprint/engines/glue/runner"
)

// builtin are the handlers the runner ships.
var builtin = sync.OnceValue(runner.Handlers)

// customHandler is a step type of the repo: customcode/glue/handlers/<type>.py
// with its schema in <type>.yaml.
type customHandler struct {
	module string // repo path of the .py
	schema *runner.Handler
}

var typeName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// customHandlers reads the repo's handlers, reporting problems in their
// schema files.
func (l *loader) customHandlers() map[string]*customHandler {
	dir := filepath.Join(l.repo, filepath.FromSlash(customHandlersDir))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	out := map[string]*customHandler{}
	seen := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		ext := filepath.Ext(name)
		kind := strings.TrimSuffix(name, ext)
		rel := customHandlersDir + "/" + name
		switch ext {
		case ".py":
			if kind == "__init__" || seen[kind] {
				continue
			}
			seen[kind] = true
			if _, err := os.Stat(filepath.Join(dir, kind+".yaml")); err != nil {
				l.diags.Add(diag.Diagnostic{File: rel, Line: 1, Col: 1, Message: fmt.Sprintf("the handler %q has no schema", kind),
					Hint: "add " + customHandlersDir + "/" + kind + ".yaml with its doc and keys; blueprint checks each step's config with it"})
			}
		case ".yaml":
			h := l.readSchema(rel)
			if h == nil {
				continue
			}
			pos := diag.Diagnostic{File: rel, Line: 1, Col: 1}
			switch {
			case !typeName.MatchString(kind):
				pos.Message = fmt.Sprintf("handler type %q must be a Python module name: lower case letters, digits and _", kind)
			case builtin()[kind] != nil:
				pos.Message = fmt.Sprintf("%q is a built-in step type; give the handler another name", kind)
			}
			if _, err := os.Stat(filepath.Join(dir, kind+".py")); err != nil && pos.Message == "" {
				pos.Message = fmt.Sprintf("the schema of handler %q has no %s.py next to it", kind, kind)
				pos.Hint = "the .py defines run(step, ctx); see the README of customcode/glue"
			}
			if pos.Message != "" {
				l.diags.Add(pos)
				continue
			}
			out[kind] = &customHandler{module: customHandlersDir + "/" + kind + ".py", schema: h}
		}
	}
	return out
}

// readSchema decodes a handler schema file strictly.
func (l *loader) readSchema(rel string) *runner.Handler {
	raw, err := os.ReadFile(filepath.Join(l.repo, filepath.FromSlash(rel)))
	if err != nil {
		l.diags.Add(diag.Diagnostic{File: rel, Message: fmt.Sprintf("cannot read the handler schema: %v", err)})
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		l.diags.Add(config.SyntaxError(rel, raw, err))
		return nil
	}
	h := &runner.Handler{}
	if len(doc.Content) == 0 {
		return h
	}
	d := config.NewDecoder(config.NewSource(rel, raw, raw, nil))
	d.Decode(doc.Content[0], h, "")
	var walk func(p string, keys map[string]*runner.Key)
	walk = func(p string, keys map[string]*runner.Key) {
		for _, k := range engine.SortedKeys(keys) {
			key := keys[k]
			kp := p + "." + k
			if key == nil {
				d.Errorf(d.Node(kp), kp, "is empty; give it a type")
				continue
			}
			if key.Type == "" {
				key.Type = "any"
			}
			if !contains(runner.Types, key.Type) {
				d.Errorf(d.Node(kp+".type"), kp+".type", "must be one of %s; got %q", diag.OneOf(runner.Types), key.Type).Hint = diag.DidYouMean(key.Type, runner.Types)
			}
			walk(kp+".keys", key.Keys)
			if key.Items != nil {
				walk(kp+".items.keys", key.Items.Keys)
			}
		}
	}
	walk("keys", h.Keys)
	for i, g := range h.OneOf {
		for _, k := range g {
			if h.Keys[k] == nil {
				d.Errorf(d.Node(fmt.Sprintf("one_of[%d]", i)), fmt.Sprintf("one_of[%d]", i), "%q is not one of the keys", k)
			}
		}
	}
	l.diags.Add(d.Diags...)
	if d.Diags.HasErrors() {
		return nil
	}
	return h
}

// checkSteps checks each step's type and config, and renders and records
// the files they name.
func (l *loader) checkSteps(custom map[string]*customHandler, ctx render.Context) {
	d, jf := l.d, l.job.file
	types := engine.SortedKeys(builtin())
	for k := range custom {
		types = append(types, k)
	}
	sort.Strings(types)
	names := map[string]string{}
	var earlier, multi []string
	for i, st := range jf.Steps {
		meta := map[string]any{}
		l.stepMeta = append(l.stepMeta, meta)
		if st == nil {
			continue
		}
		p := fmt.Sprintf("steps[%d]", i)
		if prev, dup := names[st.Name]; dup && st.Name != "" {
			d.Errorf(d.Node(p+".name"), p+".name", "step name %q is already used by %s", st.Name, prev).Hint = "the runner names each step's result after it: names must be unique"
		} else {
			names[st.Name] = p
		}
		h := builtin()[st.Type]
		if c := custom[st.Type]; c != nil {
			h = c.schema
			l.job.custom = appendOnce(l.job.custom, c.module)
		}
		if st.Type != "" && h == nil {
			hint := diag.DidYouMean(st.Type, types)
			if hint == "" {
				hint = "one of " + diag.OneOf(types) + ", or a handler of your own in " + customHandlersDir + "/"
			}
			d.Errorf(d.Node(p+".type"), p+".type", "unknown Glue job step type %q", st.Type).Hint = hint
			continue
		}
		if st.Config == nil || h == nil {
			continue // reported by the validate tags
		}
		if st.Type == "deequ" {
			l.dq = true
		}
		files := map[string]any{}
		var refs []string
		cc := &configChecker{d: d,
			file: func(kp string, n *yaml.Node, key *runner.Key, value string) {
				rel := l.stepFile(kp, n, st.Type, key, value)
				if rel == "" {
					return
				}
				var rendered []byte
				if strings.EqualFold(filepath.Ext(rel), ".sql") {
					text, r := l.renderSQL(rel, ctx)
					if text == nil {
						return
					}
					rendered, refs = text, append(refs, r...)
				}
				files[strings.TrimPrefix(kp, p+".config.")] = l.job.add(value, rel, rendered)
			},
			view: func(kp string, n *yaml.Node, value string) {
				if contains(earlier, value) || strings.Contains(value, ".") {
					return
				}
				for _, m := range multi {
					if strings.HasPrefix(value, m+"_") {
						return
					}
				}
				w := fmt.Sprintf("%q is not the view of an earlier step; the runner will read it as a table of the catalog", value)
				if s := diag.Suggest(value, earlier); s != "" {
					w += fmt.Sprintf(" (did you mean %q?)", s)
				}
				d.Warnf(n, kp, "%s", w)
			},
		}
		cc.check(d.Node(p+".config"), p+".config", h)
		if st.Type == "udf" {
			l.udfModule(p, st)
		}
		if len(refs) > 0 {
			meta["refs"] = refs
		}
		if len(files) > 0 {
			meta["files"] = files
		}
		earlier = append(earlier, st.Name)
		// A multiprefix s3 step's views are <step>_<prefix>: unknown here.
		if st.Type == "s3" && st.Config["multiprefix"] == true {
			multi = append(multi, st.Name)
		}
	}
	if l.dq && (jf.GlueVersion == "2.0") {
		d.Errorf(d.Node("glue_version"), "glue_version", "a deequ step runs on Glue Data Quality, which needs glue_version 3.0 or later")
	}
}

// stepFile resolves a file key: a repo path, a path next to the YAML, or
// a name under the directory the key's schema says (queries, tests).
func (l *loader) stepFile(kp string, n *yaml.Node, kind string, key *runner.Key, value string) string {
	var dirs []string
	jf := l.job.file
	queries := l.dirOf(firstNonEmpty(jf.Queries, defaultQueries))
	switch key.Dir {
	case "queries":
		dirs = []string{queries}
	case "tests":
		dirs = []string{l.dirOf(firstNonEmpty(jf.Tests, defaultTests)), queries}
	case "udfs":
		dirs = []string{l.dirOf(firstNonEmpty(jf.UDFs, defaultUDFs))}
	}
	rel, err := l.find(value, dirs)
	if err != nil {
		l.d.Errorf(n, kp, "%v", err)
		return ""
	}
	if key.Ext != "" && !strings.EqualFold(filepath.Ext(rel), key.Ext) {
		l.d.Errorf(n, kp, "a %s step runs a %s file; %s is not one", kind, key.Ext, value)
		return ""
	}
	return rel
}

// udfModule checks that a udf step's module is a module of the udfs
// directory, which is then shipped as the package udfs.
func (l *loader) udfModule(p string, st *JobStep) {
	module, ok := st.Config["module"].(string)
	if !ok || module == "" {
		return
	}
	dir := l.dirOf(firstNonEmpty(l.job.file.UDFs, defaultUDFs))
	base := dir + "/" + strings.ReplaceAll(module, ".", "/")
	for _, candidate := range []string{base + ".py", base + "/__init__.py"} {
		if _, err := engine.RepoPath(l.repo, candidate, false); err == nil {
			l.job.udfs = dir
			return
		}
	}
	l.d.Errorf(l.d.Node(p+".config.module"), p+".config.module", "module %q is not in %s/ (looked for %s.py)", module, dir, base).Hint =
		"set udfs: to the directory of your UDF modules, or use file: with a .py file"
}

// renderSQL renders a SQL file with the job's context; ref("view") names
// a view and records it as an input of the step. It returns the text and
// the refs, or nil after reporting errors in the SQL file.
func (l *loader) renderSQL(rel string, base render.Context) ([]byte, []string) {
	raw, err := os.ReadFile(filepath.Join(l.repo, filepath.FromSlash(rel)))
	if err != nil {
		l.diags.Add(diag.Diagnostic{File: rel, Message: fmt.Sprintf("cannot read: %v", err)})
		return nil, nil
	}
	ctx := render.Context{}
	for k, v := range base {
		ctx[k] = v
	}
	for k, v := range l.job.file.Variables {
		if k != "file" {
			ctx[k] = v
		}
	}
	var refs []string
	ctx["ref"] = func(name string) string {
		refs = appendOnce(refs, name)
		return name
	}
	res, rd := l.render(rel, raw, ctx)
	l.diags.Add(rd...)
	if res == nil {
		return nil, nil
	}
	return res.Text, refs
}

// document is the job document the runner reads: the rendered YAML (its
// tree as decoded, a version 1 YAML's rewritten) as JSON, which a script's
// yaml.safe_load reads too, with __blueprint__: the run arguments its SQL
// leaves to the runner, each step's refs and files, and the custom
// handlers.
func (l *loader) document(root *yaml.Node, runtime []string, custom map[string]*customHandler) []byte {
	var doc map[string]any
	if err := root.Decode(&doc); err != nil {
		return nil
	}
	jf := l.job.file
	args := append([]string{}, runtimeArgs...)
	args = append(args, runtime...)
	for _, k := range engine.SortedKeys(jf.Arguments) {
		args = append(args, strings.TrimPrefix(k, "--"))
	}
	sort.Strings(args)
	meta := map[string]any{
		"job_file":          l.path,
		"runtime_args":      uniq(args),
		"steps":             l.stepMeta,
		"metrics_namespace": firstNonEmpty(jf.MetricsNamespace, "dataall"),
		"publish_metrics":   jf.PublishMetrics == nil || *jf.PublishMetrics,
	}
	handlers := map[string]any{}
	for _, st := range jf.Steps {
		if c := custom[st.Type]; c != nil {
			handlers[st.Type] = map[string]any{"module": customModulePrefix + "." + st.Type, "schema": c.schema}
		}
	}
	if len(handlers) > 0 {
		meta["handlers"] = handlers
	}
	doc["__blueprint__"] = meta
	out, err := json.MarshalIndent(jsonable(doc), "", " ")
	if err != nil {
		l.diags.Add(diag.Diagnostic{File: l.path, Message: fmt.Sprintf("the job YAML cannot be written as JSON: %v", err)})
		return nil
	}
	return out
}

// jsonable turns YAML-decoded values into ones JSON can write (mappings
// with non-string keys).
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = jsonable(e)
		}
		return out
	case map[any]any:
		out := map[string]any{}
		for k, e := range x {
			out[fmt.Sprint(k)] = jsonable(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonable(e)
		}
		return out
	}
	return v
}

func appendOnce(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

func uniq(sorted []string) []string {
	var out []string
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func firstNonEmpty(s ...string) string { return engine.FirstNonEmpty(s...) }
