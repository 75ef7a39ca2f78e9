package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/flosch/pongo2/v6"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// Result is a rendered template.
type Result struct {
	Text []byte
	// LineMap[i] is the template line that produced rendered line i+1.
	LineMap []int
	// Unrendered are the template lines where an undefined variable,
	// already reported, rendered as empty: later checks keep quiet there
	// rather than repeat the mistake.
	Unrendered []int
}

var setup sync.Once

// configure sets pongo2's process-wide options once: autoescape off (it
// would write ' as &#39; into YAML) and the yaml quoting filter.
func configure() {
	setup.Do(func() {
		pongo2.SetAutoescape(false)
		filters := map[string]pongo2.FilterFunction{"yaml": yamlFilter, "tojson": yamlFilter,
			// Jinja's names for what pongo2 has, or lacks.
			"int": intFilter, "trim": trimFilter, "string": stringFilter, "aws_name": awsNameFilter, "logical_id": logicalIDFilter}
		for name, f := range filters {
			if pongo2.FilterExists(name) {
				_ = pongo2.ReplaceFilter(name, f)
			} else {
				_ = pongo2.RegisterFilter(name, f)
			}
		}
	})
}

// yamlFilter writes a value so YAML reads it back as the same value: a
// string becomes a double-quoted scalar even when it holds ": " or "#".
func yamlFilter(in *pongo2.Value, _ *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(in.Interface()); err != nil {
		return nil, &pongo2.Error{Sender: "filter:yaml", OrigError: err}
	}
	return pongo2.AsSafeValue(strings.TrimSuffix(b.String(), "\n")), nil
}

// helpers are the functions every template may call.
var helpers = []string{"env_var", "ls", "s3_ls"}

// Render renders one template; file is its display path for diagnostics,
// repoDir is where ls() looks, lookupEnv serves env_var().
func Render(file string, src []byte, ctx Context, repoDir string, lookupEnv func(string) (string, bool)) (res *Result, diags diag.List) {
	return render(file, src, ctx, repoDir, lookupEnv, false)
}

// RenderV1 renders a data.all (version 1) template as Jinja did: an
// undefined variable renders as empty text, with a warning at its place,
// and env_var of an unset variable renders None.
func RenderV1(file string, src []byte, ctx Context, repoDir string, lookupEnv func(string) (string, bool)) (res *Result, diags diag.List) {
	return render(file, src, ctx, repoDir, lookupEnv, true)
}

func render(file string, src []byte, ctx Context, repoDir string, lookupEnv func(string) (string, bool), v1 bool) (res *Result, diags diag.List) {
	configure()
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	text := jinja(string(src))
	// Undefined variables are reported and render as empty, so the rest of
	// the file is still rendered and checked: every mistake at once.
	blank := map[string]bool{}
	var unrendered []int
	for _, u := range undefined(text, func(name string) bool { _, ok := ctx[name]; return ok || isHelper(name) }) {
		blank[u.name] = true
		if v1 && u.name != "defined" {
			diags.Add(diag.Diagnostic{File: file, Line: u.line, Col: u.col, Severity: diag.Warning,
				Message: fmt.Sprintf("undefined variable %q renders as empty text, as it did in the data.all blueprint", u.name),
				Hint:    "set it in variables.yaml or with --var " + u.name + "=…, or write {{ " + u.name + "|default:'' }}"})
			continue
		}
		unrendered = append(unrendered, u.line)
		d := diag.Diagnostic{File: file, Line: u.line, Col: u.col, Message: fmt.Sprintf("undefined variable %q", u.name)}
		if s := diag.Suggest(u.name, keys(ctx)); s != "" {
			d.Hint = fmt.Sprintf("did you mean %q?", s)
		} else if env := envOf(u.name); env != "" {
			d.Hint = "set " + env + ", or " + u.name + " in variables.yaml, or --var " + u.name + "=…"
		} else {
			d.Hint = "set it in variables.yaml or with --var " + u.name + "=…"
		}
		if u.name == "defined" && strings.Contains(line(text, u.line), " is ") {
			d.Message = "Jinja's \"is defined\" test does not exist in pongo2"
			d.Hint = "every variable must be defined; for an optional one write {{ x|default:'' }} or give it a value in variables.yaml"
		}
		diags.Add(d)
	}
	if d := unbalanced(file, text); d != nil {
		return nil, append(diags, *d)
	}
	if d := deepExpression(file, text); d != nil {
		return nil, append(diags, *d)
	}

	marked, markLen := mark(text)
	defer func() {
		// pongo2 may panic on odd input; the user gets a diagnostic.
		if r := recover(); r != nil {
			res = nil
			diags.Add(diag.Diagnostic{File: file, Message: fmt.Sprintf("template: internal error in the template engine: %v", r)})
		}
	}()
	box := newSandbox(repoDir, file)
	tpl, err := box.template(marked, markLen)
	if err != nil {
		return nil, again(diags, jinjaHint(box.diagnose(err, markLen), text), unrendered)
	}
	full := pongo2.Context{}
	for k := range blank {
		full[k] = ""
	}
	for k, v := range ctx {
		full[k] = v
	}
	full["env_var"] = func(name string, def ...string) (string, error) {
		if v, ok := lookupEnv(name); ok {
			return v, nil
		}
		if len(def) > 0 {
			return def[0], nil
		}
		if v1 {
			// Python's os.environ.get gave None, and Jinja printed it.
			return "None", nil
		}
		return "", fmt.Errorf("environment variable %s is not set; give a default with env_var(%q, \"value\")", name, name)
	}
	full["ls"] = func(dir string) ([]string, error) { return list(repoDir, dir) }
	full["s3_ls"] = func(args ...any) (string, error) {
		return "", errors.New("s3_ls would list S3 at synth time, and synth is hermetic (no network): list the objects in variables.yaml instead")
	}
	box.functions(full)
	out, err := tpl.Execute(full)
	if err != nil {
		return nil, again(diags, jinjaHint(box.diagnose(err, markLen), text), unrendered)
	}
	rendered, lineMap := unmark(out)
	res = &Result{Text: []byte(rendered), LineMap: lineMap, Unrendered: unrendered}
	return res, append(diags, secretWarnings(file, text, res)...)
}

// again adds d unless it sits on a line where a mistake was already
// reported (Jinja's "x is defined" is an undefined "defined" and then a
// malformed condition).
func again(diags diag.List, d diag.Diagnostic, reported []int) diag.List {
	for _, n := range reported {
		if n == d.Line {
			return diags
		}
	}
	return append(diags, d)
}

func isHelper(name string) bool {
	for _, h := range helpers {
		if h == name {
			return true
		}
	}
	return false
}

func keys(ctx Context) []string {
	out := make([]string, 0, len(ctx))
	for k := range ctx {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Markers tag each template line with its number so the rendered lines
// can be traced back; they are invisible in the result.
const (
	markOpen  = "\x1e"
	markClose = "\x1f"
)

var markerRE = regexp.MustCompile(markOpen + `(\d+)` + markClose)

// mark prefixes each template line with a marker, except where a marker
// would change the output: inside a multi-line tag, or next to whitespace
// control ({%- or -%}). It returns the marked text and each line's marker
// length (to correct error columns).
func mark(src string) (string, []int) {
	lines := strings.Split(src, "\n")
	skip := make([]bool, len(lines)+2)
	for _, t := range tags(src) {
		for l := t.line + 1; l <= t.endLine && l <= len(lines); l++ {
			skip[l] = true
		}
	}
	markLen := make([]int, len(lines)+1)
	var b strings.Builder
	for i, l := range lines {
		n := i + 1
		trimmed := strings.TrimLeft(l, " \t")
		prevTrims := i > 0 && (strings.HasSuffix(strings.TrimRight(lines[i-1], " \t\r"), "-%}") || strings.HasSuffix(strings.TrimRight(lines[i-1], " \t\r"), "-}}"))
		if !skip[n] && !prevTrims && !strings.HasPrefix(trimmed, "{%-") && !strings.HasPrefix(trimmed, "{{-") {
			m := markOpen + strconv.Itoa(n) + markClose
			b.WriteString(m)
			markLen[n] = len(m)
		}
		b.WriteString(l)
		if i < len(lines)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String(), markLen
}

// unmark strips the markers and maps each rendered line to the template
// line of its first marker, or of the last marker before it.
func unmark(out string) (string, []int) {
	lines := strings.Split(out, "\n")
	lineMap := make([]int, len(lines))
	last := 1
	for i, l := range lines {
		if m := markerRE.FindStringSubmatch(l); m != nil {
			last, _ = strconv.Atoi(m[1])
			lines[i] = markerRE.ReplaceAllString(l, "")
		}
		lineMap[i] = last
	}
	text := strings.Join(lines, "\n")
	if strings.Contains(text, markOpen) {
		// A marker split by a filter (e.g. |upper on a multi-line value):
		// drop its remains rather than leak control bytes into YAML.
		text = strings.NewReplacer(markOpen, "", markClose, "").Replace(text)
	}
	if strings.HasSuffix(text, "\n") {
		lineMap = lineMap[:len(lineMap)-1]
	}
	return text, lineMap
}

// templateError turns a pongo2 error into a diagnostic on the template.
func templateError(file string, err error, markLen []int) diag.Diagnostic {
	var pe *pongo2.Error
	if !errors.As(err, &pe) {
		return diag.Diagnostic{File: file, Message: "template: " + err.Error()}
	}
	d := diag.Diagnostic{File: file, Line: pe.Line, Col: pe.Column, Message: "template: " + clean(pe)}
	if d.Line > 0 && d.Line < len(markLen) && d.Col > markLen[d.Line] {
		d.Col -= markLen[d.Line]
	}
	return d
}

var callPrefix = regexp.MustCompile(`^\[Error \(where: [^)]*\)[^\]]*\] `)

func clean(pe *pongo2.Error) string {
	if pe.OrigError == nil {
		return "error"
	}
	msg := pe.OrigError.Error()
	// Errors of a function call come back wrapped in another pongo2 error.
	for callPrefix.MatchString(msg) {
		msg = callPrefix.ReplaceAllString(msg, "")
	}
	msg = strings.NewReplacer(markOpen, "", markClose, "").Replace(msg)
	if pe.Token != nil && !strings.Contains(msg, pe.Token.Val) && pe.Token.Val != "" && !strings.ContainsAny(pe.Token.Val, "\n"+markOpen) {
		msg += fmt.Sprintf(" (near %q)", strings.NewReplacer(markOpen, "", markClose, "").Replace(pe.Token.Val))
	}
	return msg
}

// list returns the sorted entries of a repo directory, refusing paths
// that leave the repo.
func list(repo, dir string) ([]string, error) {
	clean := filepath.Clean(filepath.FromSlash(dir))
	if filepath.IsAbs(dir) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("ls(%q): the directory must be inside the repo", dir)
	}
	abs := filepath.Join(repo, clean)
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		root, _ := filepath.EvalSymlinks(repo)
		if rel, err := filepath.Rel(root, real); err != nil || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("ls(%q): the directory leads outside the repo", dir)
		}
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("ls(%q): no such directory in the repo", dir)
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Name()
	}
	sort.Strings(out)
	return out, nil
}

// blockEnds maps each tag that opens a block to the tag that closes it.
var blockEnds = map[string]string{
	"if": "endif", "for": "endfor", "with": "endwith", "macro": "endmacro", "block": "endblock",
	"filter": "endfilter", "autoescape": "endautoescape", "spaceless": "endspaceless",
	"ifchanged": "endifchanged", "ifequal": "endifequal", "ifnotequal": "endifnotequal",
	"verbatim": "endverbatim", "comment": "endcomment",
}

// unbalanced finds a block left open or an end tag closing the wrong
// block: pongo2 reports those at the end of the file, far from the cause.
func unbalanced(file, src string) *diag.Diagnostic {
	type open struct {
		name      string
		line, col int
	}
	var stack []open
	isEnd := map[string]string{}
	for o, e := range blockEnds {
		isEnd[e] = o
	}
	for _, t := range tags(src) {
		if !t.block {
			continue
		}
		name := firstWord(strings.Trim(t.body, "- \t"))
		line, col := t.line, t.col-2
		if _, ok := blockEnds[name]; ok {
			stack = append(stack, open{name, line, col})
			continue
		}
		opener, ok := isEnd[name]
		if !ok {
			continue
		}
		if len(stack) == 0 {
			return &diag.Diagnostic{File: file, Line: line, Col: col, Message: fmt.Sprintf("template: {%% %s %%} closes nothing", name)}
		}
		top := stack[len(stack)-1]
		if top.name != opener {
			return &diag.Diagnostic{File: file, Line: line, Col: col,
				Message: fmt.Sprintf("template: {%% %s %%} closes {%% %s %%} of line %d (write {%% %s %%})", name, top.name, top.line, blockEnds[top.name])}
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return &diag.Diagnostic{File: file, Line: top.line, Col: top.col,
			Message: fmt.Sprintf("template: {%% %s %%} is never closed (add {%% %s %%})", top.name, blockEnds[top.name])}
	}
	return nil
}

// envOf names the environment variables that set a context key.
func envOf(key string) string {
	for _, k := range envKeys {
		if k.key == key {
			return strings.Join(k.env, " or ")
		}
	}
	return ""
}

// rawTag matches Jinja's {% raw %} and {% endraw %}, which data.all
// configs (rendered with Jinja2) may hold; pongo2 calls them verbatim.
var rawTag = regexp.MustCompile(`\{%(-?)\s*(end)?raw\s*(-?)%\}`)

// jinjaRaw spells Jinja's raw blocks as pongo2's verbatim blocks, doing
// the whitespace control of {%- raw -%} itself (pongo2's verbatim has none).
func jinjaRaw(text string) string {
	if !strings.Contains(text, "raw") {
		return text
	}
	var b strings.Builder
	last := 0
	for _, m := range rawTag.FindAllStringSubmatchIndex(text, -1) {
		before := text[last:m[0]]
		if m[3] > m[2] { // {%-
			before = strings.TrimRight(before, " \t\r\n")
		}
		b.WriteString(before)
		if m[5] > m[4] {
			b.WriteString("{% endverbatim %}")
		} else {
			b.WriteString("{% verbatim %}")
		}
		last = m[1]
		if m[7] > m[6] { // -%}
			last += len(text[last:]) - len(strings.TrimLeft(text[last:], " \t\r\n"))
		}
	}
	b.WriteString(text[last:])
	return b.String()
}

func intFilter(in, _ *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
	return pongo2.AsValue(in.Integer()), nil
}

func trimFilter(in, _ *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
	return pongo2.AsValue(strings.TrimSpace(in.String())), nil
}

func stringFilter(in, _ *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
	return pongo2.AsValue(in.String()), nil
}

// jinja reads the Jinja idioms of configs written for the Python tool
// (rendered with Jinja2) in pongo2's spelling: raw blocks, a filter
// called with one argument (default('x') is default:'x'), and loop.index
// and its kin (forloop.Counter). Text in verbatim and comment blocks is
// left as it is.
func jinja(text string) string {
	text = jinjaRaw(text)
	if !strings.Contains(text, "(") && !strings.Contains(text, "loop.") {
		return text
	}
	var b strings.Builder
	quiet := "" // the end tag of the verbatim or comment block we are in
	for len(text) > 0 {
		i := strings.Index(text, "{")
		if i < 0 || i+1 >= len(text) {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		text = text[i:]
		var end string
		switch text[1] {
		case '{':
			end = "}}"
		case '%':
			end = "%}"
		default:
			b.WriteString(text[:1])
			text = text[1:]
			continue
		}
		j := strings.Index(text, end)
		if j < 0 {
			b.WriteString(text)
			break
		}
		tag := text[:j+2]
		text = text[j+2:]
		if quiet != "" {
			if blockName(tag) == quiet {
				quiet = ""
			}
			b.WriteString(tag)
			continue
		}
		if name := blockName(tag); end == "%}" && (name == "verbatim" || name == "comment") {
			quiet = "end" + name
			b.WriteString(tag)
			continue
		}
		tag = filterCall.ReplaceAllString(tag, "|$1:$2")
		tag = loopVar.ReplaceAllStringFunc(tag, func(m string) string { return "forloop." + loopAttrs[strings.TrimPrefix(m, "loop.")] })
		b.WriteString(tag)
	}
	return b.String()
}

// blockName is the tag name of a {% … %} tag.
func blockName(tag string) string {
	f := strings.Fields(strings.Trim(strings.TrimSuffix(strings.TrimPrefix(tag, "{%"), "%}"), "- "))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// filterCall is a filter given one argument in parentheses: a string, a
// number or a name.
var filterCall = regexp.MustCompile(`\|\s*([A-Za-z_]\w*)\(\s*('[^']*'|"[^"]*"|-?[0-9.]+|[A-Za-z_][\w.]*)\s*\)`)

var loopAttrs = map[string]string{"index": "Counter", "index0": "Counter0", "revindex": "Revcounter", "revindex0": "Revcounter0", "first": "First", "last": "Last"}

var loopVar = regexp.MustCompile(`\bloop\.(index0|index|revindex0|revindex|first|last)\b`)

// line returns line n (from 1) of text.
func line(text string, n int) string {
	lines := strings.Split(text, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// jinjaHint explains a template error caused by Jinja syntax pongo2 lacks.
func jinjaHint(d diag.Diagnostic, text string) diag.Diagnostic {
	if d.Hint != "" {
		return d
	}
	l := line(text, d.Line)
	switch {
	case strings.Contains(d.Message, "Filter 'replace' does not exist"), strings.Contains(d.Message, "Filter 'format' does not exist"):
		d.Hint = "a Jinja filter pongo2 lacks; compute the value in variables.yaml"
	case strings.Contains(l, "~"):
		d.Hint = "Jinja's ~ joins strings; in pongo2 write {{ a }}{{ b }}"
	case strings.Contains(d.Message, `(near "[")`):
		d.Hint = "pongo2 has no list literals; compare one by one: {% if stage == 'dev' or stage == 'test' %}"
	case strings.Contains(d.Message, `(near "(")`):
		d.Hint = "a pongo2 filter takes one argument, after a colon: {{ x|default:'y' }}"
	}
	return d
}
