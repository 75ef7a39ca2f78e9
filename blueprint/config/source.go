package config

import (
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// Source is one config file, as written and as rendered.
type Source struct {
	// Path is the display path, relative to the repo: "config.yaml".
	Path     string
	Template []byte
	Rendered []byte
	// LineMap[i] is the template line that produced rendered line i+1; nil
	// means the two match line for line.
	LineMap []int
	// Unrendered are template lines where a reported template mistake
	// rendered as empty.
	Unrendered []int

	rendered, template []string
}

// Quiet drops the diagnostics on the lines of the file where a template
// mistake was already reported: they would only repeat it (an undefined
// variable makes its value empty, and the value "missing").
func (s *Source) Quiet(l diag.List) diag.List {
	if len(s.Unrendered) == 0 {
		return l
	}
	skip := map[int]bool{}
	for _, n := range s.Unrendered {
		skip[n] = true
	}
	var out diag.List
	for _, d := range l {
		if d.File == s.Path && skip[d.Line] {
			continue
		}
		out = append(out, d)
	}
	return out
}

// NewSource prepares a source for position lookups.
func NewSource(path string, template, rendered []byte, lineMap []int) *Source {
	return &Source{
		Path: path, Template: template, Rendered: rendered, LineMap: lineMap,
		rendered: strings.Split(string(rendered), "\n"),
		template: strings.Split(string(template), "\n"),
	}
}

// Pos maps a rendered position to the template line the user edits. The
// column stays the rendered one; SourceLine shows the rendered line when
// they differ.
func (s *Source) Pos(line, col int) diag.Pos {
	return diag.Pos{File: s.Path, Line: s.templateLine(line), Col: col}
}

func (s *Source) templateLine(line int) int {
	if s.LineMap != nil && line >= 1 && line <= len(s.LineMap) && s.LineMap[line-1] > 0 {
		return s.LineMap[line-1]
	}
	return line
}

// SourceLine returns the rendered line when rendering changed it, so a
// caret under it still points at the right place; "" when the template line
// reads the same.
func (s *Source) SourceLine(line int) string {
	if line < 1 || line > len(s.rendered) {
		return ""
	}
	r := s.rendered[line-1]
	t := s.templateLine(line)
	if t >= 1 && t <= len(s.template) && s.template[t-1] == r {
		return ""
	}
	return r
}
