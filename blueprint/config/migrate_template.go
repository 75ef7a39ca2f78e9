package config

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// A data.all config is a Jinja template: its text is not always YAML
// before it is rendered (an unquoted {{ x }} opens a flow mapping, a
// {% if %} line sits between keys). To rewrite its tree, migrate masks
// each template construct with placeholder text of the same length, so
// that lines and columns stay where they were: a line holding only
// statements becomes a YAML comment, any other construct a plain scalar,
// and a block opened after a key's colon and closed on a later line (the
// old default config's layer_arn.arn) one scalar followed by blank lines.
// The masked text is parsed and rewritten; the written-out tree gets the
// template text back.

// construct is one template construct of the text and how it is masked.
type construct struct {
	text      string // the template text the placeholder stands for
	line, col int    // where text starts (1-based)
	mode      byte   // 'L' a line of statements (a comment), 'E' inline, 'V' a span of lines
	orig      string // the text as written, when migrate rewrote it (same lines)
}

// token is one {{ }}, {% %} or {# #} of the template.
type token struct {
	start, end int // byte offsets; end is past the closer
	kind       byte
	tag        string // a statement's first word: if, endif, for, set…
}

// blockTags open a block that a matching end tag closes.
var blockTags = map[string]bool{"if": true, "for": true, "macro": true, "block": true, "filter": true, "with": true, "call": true, "autoescape": true, "raw": true, "spaceless": true}

// lexTemplate finds the template's constructs, quoted strings inside them
// skipped; an unclosed one is an error at its place.
func lexTemplate(src string) ([]token, error) {
	var out []token
	for i := 0; i < len(src)-1; i++ {
		if src[i] != '{' || (src[i+1] != '{' && src[i+1] != '%' && src[i+1] != '#') {
			continue
		}
		kind := src[i+1]
		closer := map[byte]string{'{': "}}", '%': "%}", '#': "#}"}[kind]
		j := i + 2
		var quote byte
		for ; j < len(src)-1; j++ {
			c := src[j]
			switch {
			case quote != 0:
				if c == '\\' {
					j++
				} else if c == quote {
					quote = 0
				}
			case kind != '#' && (c == '"' || c == '\''):
				quote = c
			case src[j:j+2] == closer:
				goto closed
			}
		}
		return nil, fmt.Errorf("offset %d: %q is not closed", i, src[i:i+2])
	closed:
		t := token{start: i, end: j + 2, kind: kind}
		if kind == '%' {
			f := strings.Fields(strings.Trim(src[i+2:j], "-+ \t\r\n"))
			if len(f) > 0 {
				t.tag = f[0]
			}
			if t.tag == "set" && !strings.Contains(src[i:j], "=") {
				t.tag = "setblock"
			}
		}
		if t.tag == "raw" {
			// Everything up to endraw is literal text.
			k := regexp.MustCompile(`\{%-?\s*endraw\s*-?%\}`).FindStringIndex(src[t.end:])
			if k == nil {
				return nil, fmt.Errorf("offset %d: {%% raw %%} is not closed", i)
			}
			t.end += k[1]
			t.tag = "rawblock"
		}
		out = append(out, t)
		i = t.end - 1
	}
	return out, nil
}

func opens(tag string) bool { return blockTags[tag] || tag == "setblock" }

func closes(tag string) bool { return strings.HasPrefix(tag, "end") }

// templateMask holds a masked text and what it masked.
type templateMask struct {
	masked     string
	constructs []construct
	marker     byte
}

var placeholderRE = map[byte]*regexp.Regexp{}

func placeholderPattern(marker byte) *regexp.Regexp {
	if re, ok := placeholderRE[marker]; ok {
		return re
	}
	m := regexp.QuoteMeta(string(marker))
	re := regexp.MustCompile(`#?` + m + `[LEV]_*([0-9a-z]+)` + m)
	placeholderRE[marker] = re
	return re
}

// placeholder is the masking text of construct id, width bytes wide when
// the id fits.
func (m *templateMask) placeholder(mode byte, id, width int) string {
	num := strconv.FormatInt(int64(id), 36)
	pad := width - 3 - len(num)
	if mode == 'L' {
		pad-- // the leading #
	}
	if pad < 0 {
		pad = 0
	}
	p := string(m.marker) + string(mode) + strings.Repeat("_", pad) + num + string(m.marker)
	if mode == 'L' {
		p = "#" + p
	}
	return p
}

// maskTemplate masks src's template constructs; a construct it cannot
// mask (a statement with YAML after it on its line) is a diagnostic.
func maskTemplate(path, src string) (*templateMask, diag.List) {
	toks, err := lexTemplate(src)
	if err != nil {
		off, _ := strconv.Atoi(strings.TrimPrefix(strings.SplitN(err.Error(), ":", 2)[0], "offset "))
		line, col := lineCol(src, off)
		return nil, diag.List{{File: path, Line: line, Col: col, Message: "cannot migrate: " + strings.SplitN(err.Error(), ": ", 2)[1]}}
	}
	m := &templateMask{}
	for _, c := range []byte("QXZKJW") {
		if !placeholderPattern(c).MatchString(src) {
			m.marker = c
			break
		}
	}
	if m.marker == 0 {
		return nil, diag.List{{File: path, Line: 1, Message: "cannot migrate: the text holds every placeholder migrate could use"}}
	}
	var b bytes.Buffer
	var diags diag.List
	pos := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		ls := strings.LastIndexByte(src[:t.start], '\n') + 1
		before := strings.TrimSpace(src[ls:t.start])
		line, col := lineCol(src, t.start)
		id := len(m.constructs)
		b.WriteString(src[pos:t.start])
		switch {
		case before == "" && t.kind != '{' && lineOfStatements(src, toks, i):
			// A line of statements and comments only: a YAML comment.
			j, end := i, lineEnd(src, toks[i].end)
			for j+1 < len(toks) && toks[j+1].start < end {
				j++
				end = lineEnd(src, toks[j].end)
			}
			text := src[t.start:toks[j].end]
			m.constructs = append(m.constructs, construct{text: text, line: line, col: col, mode: 'L'})
			// A line that closes a block belongs with the text before it:
			// at that text's indentation the comment stays with it, and
			// keys the rewrite appends to outer mappings come after it.
			// Any other line (and one ending in -%}, which gives its own
			// indentation to the next line) belongs with the text after
			// it, at the indentation of that text's first line.
			last := toks[j]
			indent := nextIndent(src, lineEnd(src, last.end))
			if (closes(last.tag) || last.tag == "else" || last.tag == "elif") && !strings.HasSuffix(src[last.start:last.end], "-%}") {
				indent = contentIndent(src, ls)
			}
			if indent >= 0 {
				b.Truncate(b.Len() - (t.start - ls))
				b.WriteString(strings.Repeat(" ", indent))
			}
			b.WriteString(m.placeholder('L', id, firstLineLen(text)))
			b.WriteString(strings.Repeat("\n", strings.Count(text, "\n")))
			pos, i = toks[j].end, j
		case before != "" && (opens(t.tag) || strings.Contains(src[t.start:t.end], "\n")):
			// A block opened after other text, or a construct over several
			// lines: kept as one span to the end of the line that closes it.
			j := i
			if opens(t.tag) {
				depth := 0
				for j = i; j < len(toks); j++ {
					if opens(toks[j].tag) {
						depth++
					} else if closes(toks[j].tag) {
						depth--
					}
					if depth == 0 {
						break
					}
				}
				if j == len(toks) {
					diags.Add(diag.Diagnostic{File: path, Line: line, Col: col, Message: fmt.Sprintf("cannot migrate: {%% %s %%} is not closed", t.tag)})
					return nil, diags
				}
			}
			end := lineEnd(src, toks[j].end)
			if !strings.Contains(src[t.start:end], "\n") {
				// One line: mask each construct in place.
				m.constructs = append(m.constructs, construct{text: src[t.start:t.end], line: line, col: col, mode: 'E'})
				b.WriteString(m.placeholder('E', id, t.end-t.start))
				pos = t.end
				continue
			}
			for j+1 < len(toks) && toks[j+1].start < end {
				j++
			}
			text := src[t.start:end]
			m.constructs = append(m.constructs, construct{text: text, line: line, col: col, mode: 'V'})
			b.WriteString(m.placeholder('V', id, firstLineLen(text)))
			b.WriteString(strings.Repeat("\n", strings.Count(text, "\n")))
			pos, i = end, j
		case t.kind == '%' && before == "":
			diags.Add(diag.Diagnostic{File: path, Line: line, Col: col, Message: "cannot migrate: a template statement with YAML after it on its line",
				Hint: "put the statement on a line of its own, or migrate this file by hand"})
			return nil, diags
		default:
			m.constructs = append(m.constructs, construct{text: src[t.start:t.end], line: line, col: col, mode: 'E'})
			b.WriteString(m.placeholder('E', id, t.end-t.start))
			pos = t.end
		}
	}
	b.WriteString(src[pos:])
	m.masked = b.String()
	return m, diags
}

// contentIndent is the column (0-based) of the first key or value of the
// last line before offset ls that is not blank and not only statements.
func contentIndent(src string, ls int) int {
	for end := ls - 1; end > 0; {
		start := strings.LastIndexByte(src[:end], '\n') + 1
		line := src[start:end]
		trim := strings.TrimSpace(line)
		end = start - 1
		if trim == "" || strings.HasPrefix(trim, "#") || (strings.HasPrefix(trim, "{%") || strings.HasPrefix(trim, "{#")) && (strings.HasSuffix(trim, "%}") || strings.HasSuffix(trim, "#}")) {
			continue
		}
		if strings.HasSuffix(trim, "}") || strings.HasSuffix(trim, "]") {
			// yaml.v3 writes a comment it puts inside a flow collection
			// with a stray comma: leave the line where it is.
			return -1
		}
		return len(line) - len(strings.TrimLeft(line, " -"))
	}
	return 0
}

// nextIndent is the indentation of the first line after offset end that
// is not blank and not only statements; -1 when there is none.
func nextIndent(src string, end int) int {
	for start := end + 1; start < len(src); {
		e := lineEnd(src, start)
		line := src[start:e]
		start = e + 1
		trim := strings.TrimSpace(line)
		if trim == "" || (strings.HasPrefix(trim, "{%") || strings.HasPrefix(trim, "{#")) && (strings.HasSuffix(trim, "%}") || strings.HasSuffix(trim, "#}")) {
			continue
		}
		return len(line) - len(strings.TrimLeft(line, " "))
	}
	return -1
}

// lineOfStatements reports whether token i starts a line that holds only
// statements and comments up to its end.
func lineOfStatements(src string, toks []token, i int) bool {
	for j := i; j < len(toks); j++ {
		if toks[j].kind == '{' {
			return false
		}
		end := lineEnd(src, toks[j].end)
		next := end
		if j+1 < len(toks) && toks[j+1].start < end {
			next = toks[j+1].start
		}
		if strings.TrimSpace(src[toks[j].end:next]) != "" {
			return false
		}
		if next == end {
			return true
		}
	}
	return true
}

func lineEnd(src string, off int) int {
	if k := strings.IndexByte(src[off:], '\n'); k >= 0 {
		return off + k
	}
	return len(src)
}

func firstLineLen(s string) int {
	if k := strings.IndexByte(s, '\n'); k >= 0 {
		return k
	}
	return len(s)
}

func lineCol(src string, off int) (int, int) {
	ls := strings.LastIndexByte(src[:off], '\n') + 1
	return strings.Count(src[:off], "\n") + 1, len([]rune(src[ls:off])) + 1
}

// restore puts the template text back into text written from the masked
// tree. A span of lines keeps its lines' indentation relative to where
// its placeholder now starts.
func (m *templateMask) restore(text string) string {
	re := placeholderPattern(m.marker)
	lines := strings.SplitAfter(text, "\n")
	for li, line := range lines {
		lines[li] = re.ReplaceAllStringFunc(line, func(p string) string {
			id, err := strconv.ParseInt(re.FindStringSubmatch(p)[1], 36, 64)
			if err != nil || int(id) >= len(m.constructs) {
				return p
			}
			c := m.constructs[id]
			if c.mode != 'V' {
				return c.text
			}
			col := len([]rune(line[:strings.Index(line, p)])) + 1
			return reindent(c.text, col-c.col)
		})
	}
	return strings.Join(lines, "")
}

// reindent shifts the lines after the first by delta columns.
func reindent(text string, delta int) string {
	if delta == 0 {
		return text
	}
	ls := strings.Split(text, "\n")
	for i := 1; i < len(ls); i++ {
		if delta > 0 {
			ls[i] = strings.Repeat(" ", delta) + ls[i]
			continue
		}
		n := 0
		for n < -delta && n < len(ls[i]) && ls[i][n] == ' ' {
			n++
		}
		ls[i] = ls[i][n:]
	}
	return strings.Join(ls, "\n")
}

// lostStatement checks that text written from the masked tree holds
// each statement line and span once, in the order of the original (the
// tree was rewritten around them, never across them), and returns the
// first that is not where it belongs, or nil.
func (m *templateMask) lostStatement(written string) *construct {
	re := placeholderPattern(m.marker)
	var got []int
	for _, g := range re.FindAllStringSubmatch(written, -1) {
		id, err := strconv.ParseInt(g[1], 36, 64)
		if err == nil && int(id) < len(m.constructs) && m.constructs[id].mode != 'E' {
			got = append(got, int(id))
		}
	}
	k := 0
	for i := range m.constructs {
		if m.constructs[i].mode == 'E' {
			continue
		}
		if k >= len(got) || got[k] != i {
			return &m.constructs[i]
		}
		k++
	}
	if k < len(got) {
		return &m.constructs[got[k]]
	}
	return nil
}

// contexts gives each line (1-based) of a masked text the template blocks
// and branches it is in: "3.0/7.1" is inside the block statement 3 opens,
// in the branch statement 7 starts.
func (m *templateMask) contexts(text string) []string {
	re := placeholderPattern(m.marker)
	lines := strings.Split(text, "\n")
	out := make([]string, len(lines)+2)
	var stack []string
	for i, line := range lines {
		out[i+1] = strings.Join(stack, "/")
		for _, g := range re.FindAllStringSubmatch(line, -1) {
			id, err := strconv.ParseInt(g[1], 36, 64)
			if err != nil || int(id) >= len(m.constructs) || m.constructs[id].mode != 'L' {
				continue
			}
			toks, _ := lexTemplate(m.constructs[id].text)
			for k, t := range toks {
				here := fmt.Sprintf("%d.%d", id, k)
				switch {
				case opens(t.tag):
					stack = append(stack, here)
				case (t.tag == "else" || t.tag == "elif") && len(stack) > 0:
					stack[len(stack)-1] = here
				case closes(t.tag) && len(stack) > 0:
					stack = stack[:len(stack)-1]
				}
			}
		}
	}
	out[len(lines)+1] = strings.Join(stack, "/")
	return out
}

func contextAt(ctx []string, line int) string {
	if line < 1 || line >= len(ctx) {
		return ""
	}
	return ctx[line]
}

// misplaced returns the first node of the rewritten tree that the written
// text puts in another template block or branch than the text it stands
// for: a scalar or key that was there stays in its branch, one the rewrite
// added belongs in the branch of the key or item it was added to. written
// is the tree parsed back from the written text; old holds the nodes that
// were there before the rewrite.
func (m *templateMask) misplaced(tree, written *yaml.Node, old map[*yaml.Node]bool, before, after []string) *yaml.Node {
	var walk func(a, b *yaml.Node, want string) *yaml.Node
	own := func(a *yaml.Node, inherited string) string {
		if old[a] && a.Line > 0 {
			return contextAt(before, a.Line)
		}
		return inherited
	}
	walk = func(a, b *yaml.Node, want string) *yaml.Node {
		if a == nil || b == nil || a.Kind != b.Kind || len(a.Content) != len(b.Content) {
			return a
		}
		switch a.Kind {
		case yaml.ScalarNode:
			if want != contextAt(after, b.Line) {
				return a
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(a.Content); i += 2 {
				k := own(a.Content[i], want)
				if n := walk(a.Content[i], b.Content[i], k); n != nil {
					return n
				}
				// A scalar that was there stays in its branch, whatever key
				// it is under now (a collection's line is its first item's:
				// its items say where they were).
				v := k
				if a.Content[i+1].Kind == yaml.ScalarNode {
					v = own(a.Content[i+1], k)
				}
				if n := walk(a.Content[i+1], b.Content[i+1], v); n != nil {
					return n
				}
			}
		case yaml.SequenceNode, yaml.DocumentNode:
			for i := range a.Content {
				if n := walk(a.Content[i], b.Content[i], own(a.Content[i], want)); n != nil {
					return n
				}
			}
		}
		return nil
	}
	return walk(tree, written, "")
}

// nodes lists every node of a tree.
func nodes(n *yaml.Node, into map[*yaml.Node]bool) map[*yaml.Node]bool {
	if n == nil || into[n] {
		return into
	}
	into[n] = true
	for _, c := range n.Content {
		nodes(c, into)
	}
	return into
}
