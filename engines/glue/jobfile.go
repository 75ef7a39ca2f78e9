package glue

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/render"
)

// Directories of data.all's job YAMLs, under customcode/glue/, and their
// defaults there.
const (
	glueDir            = "customcode/glue/"
	defaultQueries     = "sql_queries"
	defaultUDFs        = "udfs"
	defaultTests       = "tests"
	defaultVarsFiles   = "variables_files"
	customHandlersDir  = "customcode/glue/handlers"
	customModulePrefix = "blueprint_glue_custom"
)

// JobFile is a Glue job YAML.
type JobFile struct {
	Description     string            `yaml:"description" alias:"comment"`
	Script          string            `yaml:"script" alias:"handler"`
	GlueVersion     string            `yaml:"glue_version" validate:"omitempty,oneof=2.0 3.0 4.0 5.0"`
	WorkerType      string            `yaml:"worker_type" validate:"omitempty,oneof=Standard G.025X G.1X G.2X G.4X G.8X Z.2X"`
	NumberOfWorkers int               `yaml:"number_of_workers" alias:"workers" validate:"omitempty,min=2,max=299"`
	JobBookmark     string            `yaml:"job_bookmark" validate:"omitempty,oneof=enable disable pause"`
	Connection      string            `yaml:"connection"`
	MaxRetries      int               `yaml:"max_retries" validate:"min=0,max=10"`
	Arguments       map[string]string `yaml:"arguments"`
	// Variables are values for the SQL files; variables.file names a file
	// of customcode/glue/<variables_files>/ whose keys are variables of the
	// YAML and its SQL, as data.all read it.
	Variables     map[string]any `yaml:"variables"`
	VariablesFile string         `yaml:"variables_file"`
	// data.all's directory keys, under customcode/glue/ (or repo paths).
	Queries        string `yaml:"queries" alias:"sql_queries"`
	UDFs           string `yaml:"udfs"`
	Tests          string `yaml:"tests"`
	GlueJobs       string `yaml:"glue_jobs"`
	VariablesFiles string `yaml:"variables_files"`
	// NBLines is how many rows of each step's result the runner logs.
	NBLines          int        `yaml:"nblines" validate:"min=0"`
	MetricsNamespace string     `yaml:"metrics_namespace"`
	PublishMetrics   *bool      `yaml:"publish_metrics"`
	Steps            []*JobStep `yaml:"steps" validate:"required,min=1,dive"`
}

// JobStep is one step the runner performs; its config is checked against
// its handler's schema.
type JobStep struct {
	Name   string         `yaml:"name" validate:"required"`
	Type   string         `yaml:"type" validate:"required"`
	Config map[string]any `yaml:"config" validate:"required"`
}

// job is a parsed and checked job YAML with the files it brings.
type job struct {
	file *JobFile
	path string // repo path of the YAML
	// script is the repo path of the YAML's own script; "" runs the runner
	// blueprint ships.
	script string
	files  []namedFile // the files the YAML names, in order
	// doc is the job document the runner reads: the rendered YAML as JSON,
	// with what blueprint found out under __blueprint__.
	doc []byte
	// udfs is the repo dir shipped as the udfs package; custom the custom
	// handler modules shipped.
	udfs   string
	custom []string
	// remote is the object key of the pipeline bucket holding the job
	// document, read at run time, when the repo has none
	// (properties.glue_jobs_prefix).
	remote string
}

// namedFile is a file a job YAML names: the key the runner looks it up by
// (as the YAML writes it), its repo path, and its rendered text for
// templates (nil: shipped as it is).
type namedFile struct {
	Written, Path string
	Rendered      []byte
}

// add records a file and returns the key the runner finds it by: as
// written, unless that spelling already names another file.
func (j *job) add(written, path string, rendered []byte) string {
	key := written
	for _, f := range j.files {
		if f.Written == written {
			if f.Path == path {
				return key
			}
			key = path
		}
	}
	for _, f := range j.files {
		if f.Written == key {
			return key
		}
	}
	j.files = append(j.files, namedFile{Written: key, Path: path, Rendered: rendered})
	return key
}

// loadJob renders, decodes and checks a job YAML; its diagnostics carry
// the YAML's own file, line and column. runtime are the run arguments the
// step passes. It returns nil when the YAML has errors.
func loadJob(c *engine.CheckContext, at, ref string, runtime []string) *job {
	repo := c.Stack.RepoDir
	path, err := resolveJobPath(repo, c.Stack.Pipeline.JobDir, ref)
	if err != nil {
		c.Errorf(at, "%v", err)
		return nil
	}
	raw, err := os.ReadFile(filepath.Join(repo, path))
	if err != nil {
		c.Errorf(at, "cannot read the Glue job YAML %s: %v", path, err)
		return nil
	}
	l := &loader{c: c, repo: repo, path: path, base: filepath.ToSlash(filepath.Dir(path))}
	defer func() { c.Item.Decoder.Diags.Add(l.diags...) }()
	ctx, ok := l.context(raw, runtime)
	if !ok {
		return nil
	}
	res, rd := l.render(path, raw, ctx)
	l.diags.Add(rd...)
	if res == nil {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(res.Text, &doc); err != nil {
		l.diags.Add(config.SyntaxError(path, raw, err))
		return nil
	}
	if len(doc.Content) == 0 {
		l.diags.Add(diag.Diagnostic{File: path, Line: 1, Col: 1, Message: "the Glue job YAML is empty",
			Hint: "it needs steps: [{name, type, config}]"})
		return nil
	}
	d := config.NewDecoder(config.NewSource(path, raw, res.Text, res.LineMap))
	config.UpgradeGlueJob(c.Stack, d, doc.Content[0])
	jf := &JobFile{}
	d.Decode(&doc, jf, "")
	d.Check(jf, "")
	l.d = d
	j := &job{file: jf, path: path}
	l.job = j
	custom := l.customHandlers()
	l.checkSteps(custom, ctx)
	if jf.VariablesFile != "" {
		if rel := l.near("variables_file", jf.VariablesFile); rel != "" {
			j.add(jf.VariablesFile, rel, nil)
		}
	}
	for _, k := range engine.SortedKeys(jf.Arguments) {
		if reserved(k) {
			d.Errorf(d.Node("arguments."+k), "arguments."+k, "%s is set by blueprint on every run", argName(k))
		}
	}
	if jf.Connection != "" {
		checkConnection(c, jf.Connection, func(format string, args ...any) *diag.Diagnostic {
			return d.Errorf(d.Node("connection"), "connection", format, args...)
		})
	}
	if jf.Script != "" {
		if j.script = l.near("script", jf.Script); j.script != "" && filepath.Ext(j.script) != ".py" {
			d.Errorf(d.Node("script"), "script", "%s is not a Python script; blueprint creates PySpark (glueetl) jobs, whose script is a .py file", jf.Script)
		}
	}
	if !d.Diags.HasErrors() {
		j.doc = l.document(doc.Content[0], runtime, custom)
	}
	l.diags.Add(d.Diags...)
	if l.diags.HasErrors() {
		return nil
	}
	return j
}

// loader holds what loading one job YAML needs.
type loader struct {
	c          *engine.CheckContext
	repo, path string
	base       string // the YAML's directory
	d          *config.Decoder
	job        *job
	diags      diag.List
	// stepMeta is what the runner learns of each step: refs and files.
	stepMeta []map[string]any
	dq       bool
}

var (
	// The keys the YAML must be read for before it can be rendered.
	varsFileFlow  = regexp.MustCompile(`(?m)^variables\s*:\s*\{\s*file\s*:\s*["']?([^"'},\s]+)["']?\s*\}`)
	varsBlock     = regexp.MustCompile(`(?m)^variables\s*:[ \t]*(?:#.*)?\n((?:[ \t]+.*\n?|[ \t]*\n)*)`)
	varsBlockFile = regexp.MustCompile(`(?m)^[ \t]+file\s*:\s*["']?([^"'\s#]+)["']?`)
	varsFilesDir  = regexp.MustCompile(`(?m)^variables_files\s*:\s*["']?([^"'\s#]+)["']?`)
	newVarsFile   = regexp.MustCompile(`(?m)^variables_file\s*:\s*["']?([^"'\s#]+)["']?`)
	argsBlock     = regexp.MustCompile(`(?m)^arguments\s*:[ \t]*(?:#.*)?\n((?:[ \t]+.*\n?|[ \t]*\n)*)`)
	argKey        = regexp.MustCompile(`(?m)^[ \t]+["']?(?:--)?([A-Za-z_][A-Za-z0-9_]*)["']?\s*:`)
)

// runtimeArgs are the run arguments every run has.
var runtimeArgs = []string{"execution_id", "JOB_NAME", "JOB_RUN_ID"}

// context is the template context of the YAML and its SQL files: the
// config's, stage_ (the stage, "" in prod, as data.all had it), the keys of
// the variables file, and the run arguments, which render as {{ name }}
// for the runner to fill in.
func (l *loader) context(raw []byte, runtime []string) (render.Context, bool) {
	ctx := render.Context{}
	for k, v := range l.c.Stack.Context {
		ctx[k] = v
	}
	stage := l.c.Stack.Stage()
	ctx["stage_"] = stage
	if stage == "prod" {
		ctx["stage_"] = ""
	}
	ctx["ref"] = func(name string) string { return name }
	names := append([]string{}, runtimeArgs...)
	names = append(names, runtime...)
	if m := argsBlock.FindSubmatch(raw); m != nil {
		for _, k := range argKey.FindAllSubmatch(m[1], -1) {
			names = append(names, string(k[1]))
		}
	}
	for _, n := range names {
		ctx[n] = "{{ " + n + " }}"
	}
	ok := true
	for _, rel := range l.variablesFiles(raw) {
		vars, good := l.readVariables(rel, ctx)
		ok = ok && good
		for _, k := range engine.SortedKeys(vars) {
			ctx[k] = vars[k]
		}
	}
	return ctx, ok
}

// variablesFiles finds the variables files the raw YAML names: data.all's
// variables: {file: X}, under customcode/glue/<variables_files>/ (or next
// to the YAML), then variables_file:, next to the YAML.
func (l *loader) variablesFiles(raw []byte) []string {
	var out []string
	at := -1
	if m := varsFileFlow.FindSubmatchIndex(raw); m != nil {
		at = m[2]
	} else if m := varsBlock.FindSubmatchIndex(raw); m != nil {
		if f := varsBlockFile.FindSubmatchIndex(raw[m[2]:m[3]]); f != nil {
			at = m[2] + f[2]
		}
	}
	if at >= 0 {
		end := at
		for end < len(raw) && !strings.ContainsRune("\"' \t\r\n},#", rune(raw[end])) {
			end++
		}
		if old := string(raw[at:end]); !strings.Contains(old, "{{") {
			dir := defaultVarsFiles
			if m := varsFilesDir.FindSubmatch(raw); m != nil {
				dir = string(m[1])
			}
			if rel, err := l.find(old, []string{l.dirOf(dir)}); err != nil {
				line, col := position(raw, at)
				l.diags.Add(diag.Diagnostic{File: l.path, Line: line, Col: col, Path: "variables.file", Message: err.Error()})
			} else {
				out = append(out, rel)
			}
		}
	}
	if m := newVarsFile.FindSubmatch(raw); m != nil && !strings.Contains(string(m[1]), "{{") {
		if rel, err := engine.RepoPathNear(l.repo, l.base, string(m[1])); err == nil {
			out = append(out, rel)
		}
	}
	return out
}

// position is the line and column of byte i of text.
func position(text []byte, i int) (int, int) {
	before := text[:i]
	return 1 + bytes.Count(before, []byte("\n")), i - bytes.LastIndexByte(before, '\n')
}

// readVariables renders a variables file with ctx and returns its keys,
// reporting problems in the file itself.
func (l *loader) readVariables(rel string, ctx render.Context) (map[string]any, bool) {
	raw, err := os.ReadFile(filepath.Join(l.repo, rel))
	if err != nil {
		l.diags.Add(diag.Diagnostic{File: rel, Message: fmt.Sprintf("cannot read the variables file: %v", err)})
		return nil, false
	}
	res, rd := l.render(rel, raw, ctx)
	l.diags.Add(rd...)
	if res == nil {
		return nil, false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(res.Text, &doc); err != nil {
		l.diags.Add(config.SyntaxError(rel, raw, err))
		return nil, false
	}
	if len(doc.Content) == 0 {
		return nil, true // an empty file defines no variables
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		l.diags.Add(diag.Diagnostic{File: rel, Line: root.Line, Col: root.Column, Message: "the variables file must be a mapping of names to values"})
		return nil, false
	}
	var vars map[string]any
	if err := root.Decode(&vars); err != nil {
		l.diags.Add(diag.Diagnostic{File: rel, Line: root.Line, Col: root.Column, Message: "the variables file must be a mapping of names to values: " + err.Error()})
		return nil, false
	}
	return vars, true
}

// dirOf is a directory key's repo path: a repo directory as written, else
// under customcode/glue/.
func (l *loader) dirOf(value string) string {
	v := strings.TrimSuffix(filepath.ToSlash(value), "/")
	if _, err := engine.RepoPath(l.repo, v, true); err == nil {
		return v
	}
	return glueDir + v
}

// find resolves a file a job YAML names: a name under one of dirs (as
// data.all looked for it), else a repo path or a path relative to the YAML.
func (l *loader) find(value string, dirs []string) (string, error) {
	if !filepath.IsAbs(value) && !strings.HasPrefix(value, "/") {
		for _, dir := range dirs {
			p := filepath.ToSlash(filepath.Clean(dir + "/" + value))
			if _, e := engine.RepoPath(l.repo, p, false); e == nil {
				return p, nil
			}
		}
	}
	rel, err := engine.RepoPathNear(l.repo, l.base, value)
	if err == nil || len(dirs) == 0 || !strings.Contains(err.Error(), "does not exist") {
		return rel, err
	}
	return "", fmt.Errorf("file %q does not exist (looked for it under %s/, as a repo path and next to %s)", value, strings.Join(dirs, "/, "), l.path)
}

// near resolves a file named at key p of the YAML: a repo path, or a path
// relative to the YAML.
func (l *loader) near(p, value string) string {
	rel, err := engine.RepoPathNear(l.repo, l.base, value)
	if err != nil {
		l.d.Errorf(l.d.Node(p), p, "%v", err)
		return ""
	}
	return rel
}

// checkConnection accepts a glueconnection resource of this config or the
// name of an existing connection; a name close to a resource's is taken
// for a typo.
func checkConnection(c *engine.CheckContext, name string, errorf func(format string, args ...any) *diag.Diagnostic) {
	if c.Resource(name, ConnectionType) != nil {
		return
	}
	if other := c.Index.Resources[name]; other != nil {
		errorf("connection %q is a %s resource; expected %q", name, other.Type, ConnectionType)
		return
	}
	var conns []string
	for n := range c.Index.Resources {
		if c.Resource(n, ConnectionType) != nil {
			conns = append(conns, n)
		}
	}
	if s := diag.Suggest(name, conns); s != "" {
		errorf("connection %q is not defined in aws_resources", name).Hint = fmt.Sprintf("did you mean %q?", s)
	}
}

// resolveJobPath finds the job YAML: a repo path, or a name under
// customcode/glue/<jobdir>/.
func resolveJobPath(repo, jobDir, ref string) (string, error) {
	_, err := engine.RepoPath(repo, ref, false)
	if err == nil {
		return filepath.ToSlash(filepath.Clean(ref)), nil
	}
	if jobDir == "" {
		jobDir = "glue_jobs"
	}
	alt := glueDir + jobDir + "/" + ref
	if strings.Contains(err.Error(), "does not exist") {
		if _, altErr := engine.RepoPath(repo, alt, false); altErr == nil {
			return alt, nil
		}
		return "", fmt.Errorf("Glue job YAML %q does not exist (looked for it as a repo path and as %s)", ref, alt)
	}
	return "", err
}

// render renders one of the job's templates. A version 1 config (no
// version:) keeps data.all's Jinja: an undefined variable renders empty,
// with a warning; version 2 makes it an error, as in config.yaml.
func (l *loader) render(file string, raw []byte, ctx render.Context) (*render.Result, diag.List) {
	res, diags := render.Render(file, raw, ctx, l.repo, nil)
	if !diags.HasErrors() {
		return res, diags
	}
	if l.c.Stack.Pipeline.Version >= 2 {
		return nil, diags
	}
	lenient := render.Context{}
	for k, v := range ctx {
		lenient[k] = v
	}
	var warnings diag.List
	for _, d := range diags {
		name, ok := undefinedName(d.Message)
		if !ok {
			return nil, diags
		}
		lenient[name] = ""
		w := d
		w.Message = fmt.Sprintf("undefined variable %q renders empty, as data.all's Jinja did (a config without version: 2)", name)
		warnings.Add(w.AsWarning())
	}
	res, again := render.Render(file, raw, lenient, l.repo, nil)
	if again.HasErrors() {
		return nil, again
	}
	return res, append(warnings, again...)
}

// undefinedName reads the variable of an "undefined variable" diagnostic.
func undefinedName(message string) (string, bool) {
	const prefix = `undefined variable "`
	if !strings.HasPrefix(message, prefix) || !strings.HasSuffix(message, `"`) {
		return "", false
	}
	return strings.TrimSuffix(strings.TrimPrefix(message, prefix), `"`), true
}
