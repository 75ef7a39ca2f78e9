package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/flosch/pongo2/v6"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// Budgets of one render: past them a template is stopped with a
// diagnostic instead of running out of stack, memory or time.
const (
	// MaxMacroDepth bounds nested macro calls (a macro calling itself).
	MaxMacroDepth = 100
	// MaxLoads bounds the files one render includes, imports or extends
	// (an include cycle would otherwise parse forever).
	MaxLoads = 1_000
)

// MaxSteps bounds loop iterations and macro calls together (a variable
// for tests).
var MaxSteps = 1_000_000

// refused is the path the loader resolves a forbidden name to: no file
// can have it, so pongo2 fails to read it and the loader's reason is
// reported instead.
const refused = "\x00refused"

// sandbox is the template file system of one render: every include,
// import, extends and ssi resolves inside the repo, relative to the
// including file, with the rules of the config's path keys (no absolute
// path, no .. out of the repo, no symlink leading out). It also counts
// the work the template does against the budgets above.
type sandbox struct {
	repo string // absolute, symlinks resolved
	top  string // absolute path of the template being rendered
	src  string // its prepared text
	// markLen is the length of the line markers of the top template.
	markLen []int
	file    string // its display path
	set     *pongo2.TemplateSet

	// includer is the template whose include was resolved last: pongo2
	// names the file it failed to read, not the one that asked for it.
	includer     string
	loads        int
	depth, steps int
	// files are the display paths the guards refer to by index.
	files []string
	// shifts lists, per line of the top template, where guards were
	// injected, to correct pongo2's error columns.
	shifts map[int][]shift
	// loadFailure and guardFailure say why pongo2 failed, in our words.
	loadFailure  string
	guardFailure *diag.Diagnostic
}

func newSandbox(repo, file string) *sandbox {
	root, err := filepath.Abs(repo)
	if err != nil {
		root = repo
	}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	top := filepath.FromSlash(file)
	if !filepath.IsAbs(top) {
		top = filepath.Join(root, top)
	}
	s := &sandbox{repo: root, top: top, file: file, shifts: map[int][]shift{}}
	s.set = pongo2.NewSet("blueprint", s)
	return s
}

// Abs resolves name, as written in the template based at base, to an
// absolute path inside the repo, or to refused.
func (s *sandbox) Abs(base, name string) string {
	if base != "" {
		s.includer = base
	}
	if name == refused || (base == "" && name == s.top) {
		return name
	}
	if base == "" && filepath.IsAbs(name) && s.inside(name) {
		// pongo2 resolving again a path this loader produced.
		return name
	}
	if filepath.IsAbs(name) || strings.HasPrefix(name, "~") {
		return s.refuse(fmt.Sprintf("%q is an absolute path: a template may only read files of the repo, by a path relative to itself", name))
	}
	dir := s.repo
	if base != "" {
		dir = filepath.Dir(base)
	}
	p := filepath.Join(dir, filepath.FromSlash(name))
	if !s.inside(p) {
		return s.refuse(fmt.Sprintf("%q leads outside the repo", name))
	}
	if real, err := filepath.EvalSymlinks(p); err == nil && !s.inside(real) {
		return s.refuse(fmt.Sprintf("%q is a symlink leading outside the repo", name))
	}
	return p
}

// Get reads a template file: the one being rendered comes from memory,
// others from the repo, prepared like it.
func (s *sandbox) Get(path string) (io.Reader, error) {
	if path == refused {
		return nil, errors.New(s.loadFailure)
	}
	// The template itself counts: it may include itself too.
	if s.loads++; s.loads > MaxLoads {
		s.loadFailure = fmt.Sprintf("more than %d includes, imports and extends in one template (does a file include itself?)", MaxLoads)
		return nil, errors.New(s.loadFailure)
	}
	if path == s.top {
		return strings.NewReader(s.src), nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		s.loadFailure = fmt.Sprintf("%q: no such file in the repo", s.display(path))
		return nil, errors.New(s.loadFailure)
	}
	return strings.NewReader(s.guard(jinja(string(raw)), s.display(path))), nil
}

func (s *sandbox) refuse(why string) string {
	s.loadFailure = why
	return refused
}

func (s *sandbox) inside(p string) bool {
	rel, err := filepath.Rel(s.repo, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// display is the path of a template file in diagnostics.
func (s *sandbox) display(path string) string {
	if path == s.top || path == "" {
		return s.file
	}
	if rel, err := filepath.Rel(s.repo, path); err == nil && s.inside(path) {
		return filepath.ToSlash(rel)
	}
	return path
}

// template parses the prepared text of the template being rendered.
func (s *sandbox) template(text string, markLen []int) (*pongo2.Template, error) {
	s.markLen = markLen
	s.src = s.guard(text, s.file)
	return s.set.FromFile(s.top)
}

// Names of the guard functions injected into templates; no user name
// starts with two underscores and "bp".
const (
	guardEnter = "__bp_enter"
	guardLeave = "__bp_leave"
	guardTick  = "__bp_tick"
)

// functions adds the guards to a template context.
func (s *sandbox) functions(ctx pongo2.Context) {
	ctx[guardEnter] = func(file, line, col int, name string) (string, error) {
		s.depth++
		s.steps++
		switch {
		case s.depth > MaxMacroDepth:
			return "", s.stop(file, line, col, fmt.Sprintf("template: macro %s nests deeper than %d calls", name, MaxMacroDepth),
				"a macro that calls itself must stop: call it again only inside an {% if %} that becomes false")
		case s.steps > MaxSteps:
			return "", s.stopSteps(file, line, col)
		}
		return "", nil
	}
	ctx[guardLeave] = func() string { s.depth--; return "" }
	ctx[guardTick] = func(file, line, col int) (string, error) {
		if s.steps++; s.steps > MaxSteps {
			return "", s.stopSteps(file, line, col)
		}
		return "", nil
	}
}

func (s *sandbox) stopSteps(file, line, col int) error {
	return s.stop(file, line, col, fmt.Sprintf("template: more than %d loop iterations and macro calls", MaxSteps),
		"a config template should do far less work; compute large lists in variables.yaml")
}

func (s *sandbox) stop(file, line, col int, msg, hint string) error {
	if s.guardFailure == nil {
		name := s.file
		if file >= 0 && file < len(s.files) {
			name = s.files[file]
		}
		if file == 0 && line > 0 && line < len(s.markLen) {
			col -= s.markLen[line]
		}
		s.guardFailure = &diag.Diagnostic{File: name, Line: line, Col: col, Message: msg, Hint: hint}
	}
	return errors.New(msg)
}

// guard injects the budget counters into a template's text: a call
// counter after each {% macro %} tag and before its {% endmacro %}, an
// iteration counter after each {% for %} tag. They render as nothing
// and keep the tags' whitespace control.
func (s *sandbox) guard(text, file string) string {
	ts := tags(text)
	if len(ts) == 0 {
		return text
	}
	id := len(s.files)
	s.files = append(s.files, file)
	var b bytes.Buffer
	last := 0
	macro := ""
	for _, t := range ts {
		if !t.block {
			continue
		}
		body := strings.TrimSpace(t.body)
		trimRight := strings.HasSuffix(body, "-")
		trimLeft := strings.HasPrefix(body, "-")
		name := firstWord(strings.Trim(body, "- \t"))
		var call string
		after := true
		switch name {
		case "macro":
			macro = macroName(strings.Trim(body, "- \t"))
			call = fmt.Sprintf("%s(%d, %d, %d, %q)", guardEnter, id, t.line, t.col-2, macro)
		case "endmacro":
			if macro == "" {
				continue
			}
			macro = ""
			call = guardLeave + "()"
			after = false
		case "for":
			call = fmt.Sprintf("%s(%d, %d, %d)", guardTick, id, t.line, t.col-2)
		default:
			continue
		}
		at, g := t.start, openGuard(trimLeft)+" "+call+" }}"
		if after {
			at, g = t.end, "{{ "+call+closeGuard(trimRight)
		}
		b.WriteString(text[last:at])
		b.WriteString(g)
		last = at
		if id == 0 {
			line := strings.Count(text[:at], "\n") + 1
			col := utf8.RuneCountInString(text[strings.LastIndex(text[:at], "\n")+1:at]) + 1
			s.shifts[line] = append(s.shifts[line], shift{col, len(g)})
		}
	}
	b.WriteString(text[last:])
	return b.String()
}

// diagnose turns a pongo2 error into a diagnostic in the file it is in,
// saying in our words why a file was refused or a budget ran out.
func (s *sandbox) diagnose(err error, markLen []int) diag.Diagnostic {
	if s.guardFailure != nil {
		return *s.guardFailure
	}
	in := s.top
	var pe *pongo2.Error
	if errors.As(err, &pe) && pe.Filename != "" && pe.Filename != "<string>" {
		in = pe.Filename
	}
	failedLoad := s.loadFailure != "" && (strings.Contains(err.Error(), "unable to resolve template") || strings.Contains(err.Error(), refused))
	if failedLoad && s.includer != "" {
		in = s.includer
	}
	var d diag.Diagnostic
	if in == s.top {
		d = templateError(s.file, err, markLen)
		d.Col = s.column(d.Line, d.Col)
	} else {
		// In an included file: no markers, no guards shifted its columns.
		d = templateError(s.display(in), err, nil)
	}
	if failedLoad {
		d.Message = "template: " + s.loadFailure
		d.Hint = "include, import, extends and ssi read files of the repo, by a path relative to the including file"
	}
	return d
}

type shift struct{ col, n int }

// column corrects an error column on line of the top template for the
// guards injected before it.
func (s *sandbox) column(line, col int) int {
	out := col
	for _, sh := range s.shifts[line] {
		if col > sh.col {
			out -= sh.n
		}
	}
	return out
}

func closeGuard(trim bool) string {
	if trim {
		return " -}}"
	}
	return " }}"
}

func openGuard(trim bool) string {
	if trim {
		return "{{-"
	}
	return "{{"
}

// macroName is the name of the macro a {% macro name(args) %} body defines.
func macroName(body string) string {
	rest := strings.TrimSpace(strings.TrimPrefix(body, "macro"))
	if i := strings.IndexAny(rest, "( \t"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// MaxExpressionDepth bounds the nesting of parentheses in one tag: the
// template parser recurses on each.
const MaxExpressionDepth = 100

// deepExpression finds a tag nesting parentheses deeper than
// MaxExpressionDepth, which would exhaust the parser's stack.
func deepExpression(file, text string) *diag.Diagnostic {
	for _, t := range tags(text) {
		depth := 0
		for i, r := range t.body {
			switch r {
			case '(', '[', '{':
				if depth++; depth > MaxExpressionDepth {
					line, col := advance(t.body[:i], t.line, t.col)
					return &diag.Diagnostic{File: file, Line: line, Col: col,
						Message: fmt.Sprintf("template: an expression nests deeper than %d parentheses", MaxExpressionDepth)}
				}
			case ')', ']', '}':
				depth--
			}
		}
	}
	return nil
}
