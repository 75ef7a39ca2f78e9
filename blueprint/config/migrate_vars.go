package config

import (
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// The template variable pipeline_name of a data.all config was the
// environment variable ORIGIN_PIPELINE_NAME, and undefined (empty) when
// it was unset (utils/task_group_reader.py:70-72); in version 2 it is the
// pipeline's name, which defaults to the config's name. migrate writes
// each reference of the template as the value version 1 gave it.
const (
	v1PipelineNameVar  = "pipeline_name"
	v1PipelineNameExpr = `env_var("ORIGIN_PIPELINE_NAME", "")`
)

// rewriteV1Variables rewrites the references to pipeline_name in the
// template constructs of m (not the names the translation writes, which
// mean the pipeline's name in both versions), with a warning at each.
// A template that binds pipeline_name itself (set, for, with, macro)
// means its own value there: it is left as written.
func rewriteV1Variables(path string, m *templateMask) diag.List {
	for _, c := range m.constructs {
		toks, _ := lexTemplate(c.text)
		for _, t := range toks {
			switch t.tag {
			case "set", "setblock", "for", "with", "macro":
				if len(identRefs(c.text[t.start:t.end], v1PipelineNameVar, true)) > 0 {
					return nil
				}
			}
		}
	}
	var out diag.List
	for i := range m.constructs {
		c := &m.constructs[i]
		toks, _ := lexTemplate(c.text)
		var b strings.Builder
		pos, n := 0, 0
		for _, t := range toks {
			if t.kind == '#' {
				continue
			}
			for _, off := range identRefs(c.text[t.start:t.end], v1PipelineNameVar, false) {
				at := t.start + off
				b.WriteString(c.text[pos:at])
				b.WriteString(v1PipelineNameExpr)
				pos = at + len(v1PipelineNameVar)
				n++
				line, col := lineCol(c.text, at)
				if line == 1 {
					col += c.col - 1
				}
				out.Add(diag.Diagnostic{File: path, Line: c.line + line - 1, Col: col, Severity: diag.Warning,
					Message: "pipeline_name of a data.all config was the environment variable ORIGIN_PIPELINE_NAME, empty when unset (utils/task_group_reader.py:70-72), and in version 2 it is the pipeline's name: written as " + v1PipelineNameExpr + " to keep the meaning",
					Hint:    "write pipeline_name if the pipeline's name is meant"})
			}
		}
		if n > 0 {
			b.WriteString(c.text[pos:])
			c.orig, c.text = c.text, b.String()
		}
	}
	return out
}

// identRefs returns the offsets in a template construct where name is
// read as a variable: outside string literals, not an attribute (x.name),
// and, unless assigned is true, not assigned nor a keyword (name=…).
func identRefs(text, name string, assigned bool) []int {
	var out []int
	var quote byte
	ident := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case strings.HasPrefix(text[i:], name) && (i == 0 || !ident(text[i-1]) && text[i-1] != '.') &&
			(i+len(name) == len(text) || !ident(text[i+len(name)])):
			rest := strings.TrimLeft(text[i+len(name):], " \t\r\n")
			if assigned || !strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "==") {
				out = append(out, i)
			}
			i += len(name) - 1
		case ident(c):
			// Skip the rest of another identifier.
			for i+1 < len(text) && ident(text[i+1]) {
				i++
			}
		}
	}
	return out
}
