package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/render"
	"github.com/blueprint-dev/blueprint/blueprint/yamlslip"
	"github.com/blueprint-dev/blueprint/blueprint/yamlvalue"
)

// MainFile is the mandatory config of a pipeline repo.
const MainFile = "config.yaml"

// ExtraDir holds one more stack per file.
const ExtraDir = "configs"

// LoadOptions say where the repo is and how to fill its templates.
type LoadOptions struct {
	RepoDir string
	Stage   string
	Vars    map[string]string
	// Only, when set, selects the one config file to load (a repo path such
	// as "configs/extra.yaml"), as --config does.
	Only      string
	LookupEnv func(string) (string, bool)
	// Environ is the environment as KEY=VALUE, read for the ENVTAG_
	// variables (tags); with LookupEnv nil it is os.Environ().
	Environ []string
}

// Stack is one config file, rendered and decoded: one CloudFormation stack.
type Stack struct {
	// Name is the CloudFormation stack name.
	Name     string
	Source   *Source
	Decoder  *Decoder
	Pipeline *Pipeline
	Context  render.Context
	RepoDir  string
	// Main is true for config.yaml.
	Main bool
	// nameStage, when set, is the stage the stack's AWS names use instead
	// of the template's: a version 1 config's template and names read
	// different variables.
	nameStage string
	// v1Vals are the values the version 1 translation wrote (v1Values).
	v1Vals map[string]any
	// lookupEnv and environ are the environment the stack was loaded in,
	// which its tags read (DataAllTags).
	lookupEnv func(string) (string, bool)
	environ   []string
}

// Stage returns the stage the stack was rendered for: the stage of its
// AWS names.
func (s *Stack) Stage() string {
	if s.nameStage != "" {
		return s.nameStage
	}
	return s.str("stage")
}

// StageSuffix is what the deployed names of a version 2 stack add to its
// name (stack, state machine, its log group): "-<stage>", so the stages of
// a pipeline can share an account and region. Version 1 configs keep the
// data.all names, the same in every stage.
func (s *Stack) StageSuffix() string {
	if s.Pipeline == nil || s.Pipeline.Version < 2 || (s.Pipeline.Properties.StageInNames != nil && !*s.Pipeline.Properties.StageInNames) {
		return ""
	}
	return "-" + SafeName(s.Stage())
}

// PipelineName returns the pipeline name of the stack's AWS names: the
// properties.pipeline_name, else the template context's pipeline_name (a
// version 1 config's translation writes the first: PIPELINE_NAME or its
// name, utils/stack_util.py:79-81).
func (s *Stack) PipelineName() string {
	if s.Pipeline != nil && s.Pipeline.Properties.PipelineName != "" {
		return s.Pipeline.Properties.PipelineName
	}
	return s.str("pipeline_name")
}

// Var returns a context value as a string, "" when absent.
func (s *Stack) Var(key string) string { return s.str(key) }

func (s *Stack) str(key string) string {
	if v, ok := s.Context[key]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

// Load renders and decodes config.yaml and every configs/*.yaml. It returns
// the stacks it could read and every problem found on the way.
func Load(opts LoadOptions) ([]*Stack, diag.List) {
	var diags diag.List
	if opts.LookupEnv == nil {
		opts.LookupEnv = os.LookupEnv
		if opts.Environ == nil {
			opts.Environ = os.Environ()
		}
	}
	files, err := configFiles(opts.RepoDir)
	if err != nil {
		diags.Add(diag.Diagnostic{File: MainFile, Message: err.Error()})
		return nil, diags
	}
	if opts.Only != "" {
		only := filepath.ToSlash(filepath.Clean(opts.Only))
		if filepath.IsAbs(opts.Only) {
			if rel, err := filepath.Rel(opts.RepoDir, opts.Only); err == nil {
				only = filepath.ToSlash(rel)
			}
		}
		var keep []string
		for _, f := range files {
			if f == only {
				keep = append(keep, f)
			}
		}
		if keep == nil {
			d := diag.Diagnostic{Message: fmt.Sprintf("--config %s: no such config; the configs of this repo are %s", opts.Only, strings.Join(files, ", "))}
			// Compare base names: the directory part is the same for all.
			bases := map[string]string{}
			var names []string
			for _, f := range files {
				b := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
				bases[b] = f
				names = append(names, b)
			}
			if s := diag.Suggest(strings.TrimSuffix(filepath.Base(only), filepath.Ext(only)), names); s != "" {
				d.Hint = fmt.Sprintf("did you mean %q?", bases[s])
			}
			diags.Add(d)
			return nil, diags
		}
		files = keep
	}

	mainSrc, err := os.ReadFile(filepath.Join(opts.RepoDir, MainFile))
	if err != nil {
		diags.Add(diag.Diagnostic{File: MainFile, Message: "cannot read the mandatory config: " + cleanFSError(err)})
		return nil, diags
	}
	mainName := literalName(mainSrc)
	// Each format has its own context, built when a file needs it.
	contexts := map[int]render.Context{}
	context := func(version int) (render.Context, bool) {
		if ctx, ok := contexts[version]; ok {
			return ctx, ctx != nil
		}
		ctx, cd := render.BuildContext(render.ContextOptions{
			LookupEnv: opts.LookupEnv, RepoDir: opts.RepoDir, Stage: opts.Stage, Vars: opts.Vars, PipelineName: mainName, V1: version == V1,
		})
		diags.Add(cd...)
		if cd.HasErrors() {
			contexts[version] = nil
			return nil, false
		}
		if version != V1 && (strings.Contains(mainName, "{{") || mainName == "") {
			// A templated name is rendered alone so pipeline_name can default to it.
			if res, rd := render.Render(MainFile, []byte(mainName), ctx, opts.RepoDir, opts.LookupEnv); !rd.HasErrors() {
				ctx["pipeline_name"] = strings.TrimSpace(string(res.Text))
			}
		}
		contexts[version] = ctx
		return ctx, true
	}

	var stacks []*Stack
	names := map[string]string{}
	for _, f := range files {
		src := mainSrc
		if f != MainFile {
			if src, err = os.ReadFile(filepath.Join(opts.RepoDir, filepath.FromSlash(f))); err != nil {
				diags.Add(diag.Diagnostic{File: f, Message: "cannot read: " + cleanFSError(err)})
				continue
			}
		}
		ctx, ok := context(sniffVersion(src))
		if !ok {
			if f == MainFile {
				return nil, diags
			}
			continue
		}
		st, sd := loadOne(f, src, ctx, opts)
		diags.Add(sd...)
		if st == nil {
			continue
		}
		if prev, dup := names[st.Name]; dup {
			diags.Add(diag.Diagnostic{File: f, Message: fmt.Sprintf("stack name %q is already used by %s", st.Name, prev),
				Hint: "rename one of the files: stack names come from the file names, with characters outside A-Z, a-z, 0-9 and - replaced by -"})
			continue
		}
		names[st.Name] = f
		stacks = append(stacks, st)
	}
	return stacks, diags
}

func loadOne(file string, src []byte, ctx render.Context, opts LoadOptions) (*Stack, diag.List) {
	var renderer renderFunc = render.Render
	v1 := sniffVersion(src) == V1
	if v1 {
		renderer = render.RenderV1
	}
	ctx, diags := variablesFile(file, src, ctx, opts, renderer)
	if diags.HasErrors() {
		return nil, diags
	}
	res, rd := renderer(file, src, ctx, opts.RepoDir, opts.LookupEnv)
	diags.Add(rd...)
	if res == nil {
		return nil, diags
	}
	source := NewSource(file, src, res.Text, res.LineMap)
	source.Unrendered = res.Unrendered
	var doc yaml.Node
	if err := yaml.Unmarshal(res.Text, &doc); err != nil {
		diags.Add(yamlSyntax(source, err))
		return nil, diags
	}
	root := resolve(&doc)
	d := NewDecoder(source)
	if !d.CheckDocument(&doc) {
		return nil, append(diags, d.Diags...)
	}
	if root == nil {
		d.Diags.Add(diag.Diagnostic{File: file, Line: 1, Message: "the config is empty", Hint: "a config needs at least a name"})
		return nil, append(diags, d.Diags...)
	}
	var vals map[string]any
	if v1 {
		vals = v1Values(opts)
		v1NamePipeline(vals, root, opts)
		upgradeV1(d, root, vals)
	}
	p := &Pipeline{}
	d.Decode(root, p, "")
	d.Check(p, "")
	versionNote(d, root, p)
	st := &Stack{Source: source, Decoder: d, Pipeline: p, Context: ctx, RepoDir: opts.RepoDir, Main: file == MainFile, v1Vals: vals,
		lookupEnv: opts.LookupEnv, environ: opts.Environ}
	st.Name = StackName(st.PipelineName(), file)
	if n := p.Properties.StackName; n != "" {
		st.Name = n
	}
	if v1 {
		v1Names(st, opts)
	}
	return st, diags
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9-]+`)

// StackName is the CloudFormation stack name of a config file: the pipeline
// name, and for configs/*.yaml the file's base name after a dash.
func StackName(pipelineName, file string) string {
	name := pipelineName
	if file != MainFile {
		base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		name += "-" + base
	}
	return SafeName(name)
}

// SafeName replaces characters outside [A-Za-z0-9-] with "-".
func SafeName(s string) string {
	s = strings.Trim(unsafeName.ReplaceAllString(s, "-"), "-")
	if s == "" {
		return "pipeline"
	}
	return s
}

// Files lists the config files of a repo: config.yaml, then configs/*.yaml.
func Files(repo string) ([]string, error) { return configFiles(repo) }

// configFiles lists config.yaml then configs/*.yaml and *.yml, sorted.
func configFiles(repo string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(repo, MainFile)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			abs, _ := filepath.Abs(repo)
			return nil, fmt.Errorf("no %s in %s: a pipeline repo needs one (blueprint init DIR scaffolds a new repo)", MainFile, abs)
		}
		return nil, fmt.Errorf("cannot read: %s", cleanFSError(err))
	}
	files := []string{MainFile}
	entries, err := os.ReadDir(filepath.Join(repo, ExtraDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cannot list %s/: %s", ExtraDir, cleanFSError(err))
	}
	var extra []string
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		extra = append(extra, ExtraDir+"/"+e.Name())
	}
	sort.Strings(extra)
	return append(files, extra...), nil
}

var nameLine = regexp.MustCompile(`(?m)^name\s*:\s*(.*?)\s*$`)

// literalName finds the top-level name of a config before rendering, so
// that pipeline_name can default to it.
func literalName(src []byte) string {
	m := nameLine.FindSubmatch(src)
	if m == nil {
		return ""
	}
	v := string(m[1])
	if i := strings.Index(v, " #"); i >= 0 && !strings.Contains(v[:i], "{{") {
		v = strings.TrimSpace(v[:i])
	}
	if uq, err := strconv.Unquote(v); err == nil {
		return uq
	}
	return strings.Trim(v, "'")
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// SyntaxError turns a yaml.v3 parse error of a file into a diagnostic on
// its line, e.g. for the job YAMLs engines read.
func SyntaxError(path string, raw []byte, err error) diag.Diagnostic {
	return yamlSyntax(NewSource(path, raw, raw, nil), err)
}

// yamlSyntax turns a yaml.v3 parse error into a diagnostic on the template line.
func yamlSyntax(src *Source, err error) diag.Diagnostic {
	msg := err.Error()
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if s, ok := yamlslip.Find(src.Rendered); ok {
		// The parser names where it gave up; the slip is what broke.
		p := src.Pos(s.Line, s.Col)
		return diag.Diagnostic{File: src.Path, Line: p.Line, Col: p.Col, Message: "invalid YAML: " + s.Message, Hint: s.Hint, Source: src.SourceLine(s.Line)}
	}
	d := diag.Diagnostic{File: src.Path, Message: "invalid YAML: " + msg}
	if l, c, ok := yamlslip.Fault(src.Rendered, msg, line); ok {
		line = l
		d.Col = c
		if q := afterQuote(src.Rendered, l, c); q != 0 {
			d.Hint = fmt.Sprintf("a %c-quoted value ends just before this text; quote the whole value once (%c%c is an empty string)", q, q, q)
		}
	}
	if line > 0 {
		d.Line = src.Pos(line, 0).Line
		d.Source = src.SourceLine(line)
	}
	if l, c, b := yamlvalue.InvalidUTF8(src.Rendered); l > 0 && (strings.Contains(msg, "UTF-8") || strings.Contains(msg, "unicode")) {
		d.Line, d.Col, d.Source = src.Pos(l, c).Line, c, ""
		d.Message = fmt.Sprintf("byte 0x%02x is not UTF-8 text", b)
		d.Hint = "save the file as UTF-8"
		return d
	}
	if strings.Contains(msg, "found character that cannot start any token") {
		d.Hint = "YAML does not allow tabs for indentation; use spaces"
	} else if strings.Contains(msg, "mapping values are not allowed") {
		d.Hint = "a value containing \": \" must be quoted; in a template, {{ value|yaml }} quotes it"
	}
	return d
}

func cleanFSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// afterQuote is the quote character right before line:col of text (col in
// characters), or 0.
func afterQuote(text []byte, line, col int) rune {
	lines := strings.Split(string(text), "\n")
	if line < 1 || line > len(lines) || col < 2 {
		return 0
	}
	r := []rune(lines[line-1])
	if col-2 >= len(r) {
		return 0
	}
	if q := r[col-2]; q == '\'' || q == '"' {
		return q
	}
	return 0
}
