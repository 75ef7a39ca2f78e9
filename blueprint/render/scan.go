package render

import (
	"strings"
	"unicode/utf8"
)

// tag is one {{ }} or {% %} of a template, with where it starts.
type tag struct {
	block      bool   // {% %} rather than {{ }}
	body       string // text between the delimiters
	line, col  int    // position of the body's first byte
	endLine    int    // line of the closing delimiter
	start, end int    // byte offsets of the whole tag
}

// tags lists the tags of src, skipping {# #} comments and the bodies of
// verbatim and comment blocks, where nothing is evaluated.
func tags(src string) []tag {
	var out []tag
	line, col := 1, 1
	skipUntil := "" // the end tag of a raw block we are in
	for i := 0; i < len(src); {
		if strings.HasPrefix(src[i:], "{#") {
			end := strings.Index(src[i+2:], "#}")
			if end < 0 {
				return out
			}
			line, col = advance(src[i:i+2+end+2], line, col)
			i += 2 + end + 2
			continue
		}
		if strings.HasPrefix(src[i:], "{{") || strings.HasPrefix(src[i:], "{%") {
			closing := "}}"
			if src[i+1] == '%' {
				closing = "%}"
			}
			end := strings.Index(src[i+2:], closing)
			if end < 0 {
				return out // pongo2 reports the unclosed tag itself
			}
			body := src[i+2 : i+2+end]
			t := tag{block: closing == "%}", body: body, start: i, end: i + 2 + end + 2}
			t.line, t.col = advance(src[i:i+2], line, col)
			line, col = advance(src[i:t.end], line, col)
			t.endLine = line
			i = t.end
			name := firstWord(strings.Trim(body, "- "))
			if skipUntil != "" {
				if t.block && name == skipUntil {
					skipUntil = ""
					out = append(out, t)
				}
				continue
			}
			if t.block && (name == "verbatim" || name == "comment") {
				skipUntil = "end" + name
			}
			out = append(out, t)
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return out
}

func advance(s string, line, col int) (int, int) {
	for _, r := range s {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

func firstWord(s string) string {
	s = strings.TrimSpace(s)
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return s[:i]
		}
	}
	return s
}

// token is a lexical item of a tag body.
type token struct {
	kind      byte // 'i' identifier, 's' string, 'n' number, 'p' punctuation
	text      string
	line, col int
}

func lex(t tag) []token {
	var out []token
	s := t.body
	line, col := t.line, t.col
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line, col = line+1, 1
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i, col = i+1, col+1
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j < len(s) {
				j++
			}
			if j > len(s) {
				j = len(s)
			}
			out = append(out, token{kind: 's', text: s[i:j], line: line, col: col})
			line, col = advance(s[i:j], line, col)
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			out = append(out, token{kind: 'i', text: s[i:j], line: line, col: col})
			col += j - i
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, token{kind: 'n', text: s[i:j], line: line, col: col})
			col += j - i
			i = j
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			out = append(out, token{kind: 'p', text: s[i : i+size], line: line, col: col})
			col++
			i += size
		}
	}
	return out
}

var keywords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "is": true, "as": true,
	"true": true, "false": true, "none": true, "True": true, "False": true, "None": true,
	"nil": true, "empty": true, "only": true, "reversed": true, "sorted": true,
}

// tagsWithoutVariables take words that are not variables.
var tagsWithoutVariables = map[string]bool{
	"templatetag": true, "autoescape": true, "block": true, "endblock": true, "extends": true,
	"include": true, "import": true, "lorem": true, "now": true, "ssi": true, "spaceless": true,
	"endspaceless": true, "endautoescape": true, "filter": true, "endfilter": true,
	"verbatim": true, "endverbatim": true, "comment": true, "endcomment": true, "else": true,
	"endif": true, "endfor": true, "endwith": true, "endmacro": true, "endifchanged": true,
	"endifequal": true, "endifnotequal": true,
}

// undefinedRef is a variable used where it is not defined.
type undefinedRef struct {
	name      string
	line, col int
}

// undefined finds the variables src uses that are neither in ctx nor
// defined by the template itself (for, with, set, macro, cycle … as).
func undefined(src string, defined func(string) bool) []undefinedRef {
	var out []undefinedRef
	scopes := []map[string]bool{{}}
	known := func(name string) bool {
		for _, s := range scopes {
			if s[name] {
				return true
			}
		}
		return defined(name)
	}
	define := func(names ...string) {
		for _, n := range names {
			scopes[len(scopes)-1][n] = true
		}
	}
	push := func(names ...string) {
		scopes = append(scopes, map[string]bool{})
		define(names...)
	}
	pop := func() {
		if len(scopes) > 1 {
			scopes = scopes[:len(scopes)-1]
		}
	}
	check := func(toks []token) {
		for i, tk := range toks {
			if tk.kind != 'i' || keywords[tk.text] || known(tk.text) {
				continue
			}
			if i > 0 && (toks[i-1].text == "." || toks[i-1].text == "|") {
				continue // attribute or filter name
			}
			if i+1 < len(toks) && toks[i+1].text == "=" && (i+2 >= len(toks) || toks[i+2].text != "=") {
				continue // keyword argument name
			}
			if usesDefault(toks, i) {
				continue
			}
			out = append(out, undefinedRef{name: tk.text, line: tk.line, col: tk.col})
		}
	}
	for _, t := range tags(src) {
		toks := lex(t)
		if len(toks) > 0 && toks[0].text == "-" {
			toks = toks[1:]
		}
		if len(toks) > 0 && toks[len(toks)-1].text == "-" {
			toks = toks[:len(toks)-1]
		}
		if !t.block {
			check(toks)
			continue
		}
		if len(toks) == 0 {
			continue
		}
		name, args := toks[0].text, toks[1:]
		switch {
		case name == "import":
			// import "file" a, b as c: defines a and c
			for j := 0; j < len(args); j++ {
				if args[j].kind != 'i' || args[j].text == "as" {
					continue
				}
				if j+2 < len(args) && args[j+1].text == "as" {
					j += 2
				}
				scopes[0][args[j].text] = true
			}
		case tagsWithoutVariables[name]:
			if strings.HasPrefix(name, "end") {
				pop()
			}
			if name == "block" || name == "filter" || name == "autoescape" || name == "spaceless" {
				push()
			}
		case name == "for":
			// for x in items / for k, v in items
			var loopVars []string
			j := 0
			for ; j < len(args) && args[j].text != "in"; j++ {
				if args[j].kind == 'i' {
					loopVars = append(loopVars, args[j].text)
				}
			}
			if j < len(args) {
				check(args[j+1:])
			}
			push(append(loopVars, "forloop")...)
		case name == "empty":
			// the for's variables are not set in its empty branch, but
			// forloop is harmless to keep; nothing to check.
		case name == "with":
			// with a=expr b=expr / with expr as a
			var names []string
			var exprs []token
			for j := 0; j < len(args); j++ {
				switch {
				case args[j].kind == 'i' && j+1 < len(args) && args[j+1].text == "=":
					names = append(names, args[j].text)
					j++
				case args[j].text == "as" && j+1 < len(args):
					names = append(names, args[j+1].text)
					j++
				default:
					exprs = append(exprs, args[j])
				}
			}
			check(exprs)
			push(names...)
		case name == "set":
			if len(args) >= 2 && args[0].kind == 'i' {
				check(args[2:])
				define(args[0].text)
			}
		case name == "macro":
			// macro name(a, b=default) [export]
			var params []string
			if len(args) > 0 {
				scopes[0][args[0].text] = true
			}
			depth := 0
			for j := 1; j < len(args); j++ {
				switch args[j].text {
				case "(":
					depth++
				case ")":
					depth--
				}
				if depth == 1 && args[j].kind == 'i' && (args[j-1].text == "(" || args[j-1].text == ",") {
					params = append(params, args[j].text)
				}
			}
			push(params...)
		case name == "cycle":
			// cycle a b as name [silent]
			for j := 0; j < len(args); j++ {
				if args[j].text == "as" && j+1 < len(args) {
					check(args[:j])
					define(args[j+1].text)
					args = nil
					break
				}
			}
			check(args)
		case name == "if" || name == "elif" || name == "ifequal" || name == "ifnotequal" || name == "firstof" || name == "widthratio" || name == "ifchanged":
			if name == "if" || name == "ifequal" || name == "ifnotequal" || name == "ifchanged" {
				push()
			}
			if name == "elif" {
				pop()
				push()
			}
			check(args)
		default:
			if strings.HasPrefix(name, "end") {
				pop()
				continue
			}
			check(args)
		}
	}
	return out
}

// usesDefault reports whether the variable at i is followed (after any
// attribute access) by a default filter, which makes it optional.
func usesDefault(toks []token, i int) bool {
	j := i + 1
	for j+1 < len(toks) && toks[j].text == "." {
		j += 2
	}
	return j+1 < len(toks) && toks[j].text == "|" && (toks[j+1].text == "default" || toks[j+1].text == "default_if_none")
}
