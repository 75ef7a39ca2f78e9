package yamlslip

import (
	"fmt"
	"regexp"
	"strings"
)

// Slip is a line whose indentation breaks the block structure of a YAML
// text, found after the parser refused it: the parser's own message names
// where it gave up, often lines away, and blames quoting.
type Slip struct {
	Line, Col     int // 1-based
	Message, Hint string
}

// level is an open block: a mapping's keys or a list's dashes at col.
type level struct {
	col  int // 0-based
	seq  bool
	key  string // a mapping's first key in its current item, for messages
	line int    // where that key (or the list's first dash) is
}

// textLine is one line cut into its structure.
type textLine struct {
	n      int   // 1-based
	indent int   // column of the first character
	dashes []int // columns of the leading "- " indicators
	col    int   // column of the content after the dashes
	key    string
	isKey  bool
	value  string // after "key:", comment removed
	plain  bool   // the value is a plain scalar (may continue on the next lines)
}

func (l textLine) name() string {
	if l.isKey {
		return fmt.Sprintf("%q", l.key)
	}
	if len(l.dashes) > 0 {
		return "the list item"
	}
	return "the line"
}

var blockScalar = regexp.MustCompile(`^[|>][-+0-9]*$`)

// Find walks text line by line and returns the first line whose
// indentation no open block accepts, and what would fix it.
func Find(text []byte) (Slip, bool) {
	var lines []textLine
	var flow flowState
	skipDeeper := -1 // inside a block scalar: lines indented more than this
	for i, raw := range strings.Split(string(text), "\n") {
		trimmed := strings.TrimLeft(raw, " ")
		indent := len(raw) - len(trimmed)
		if flow.open() {
			flow.scan(raw)
			continue
		}
		if strings.TrimSpace(raw) == "" {
			continue
		}
		if skipDeeper >= 0 {
			if indent > skipDeeper {
				continue
			}
			skipDeeper = -1
		}
		if strings.HasPrefix(trimmed, "\t") {
			return Slip{Line: i + 1, Col: indent + 1, Message: "a tab in the indentation",
				Hint: "indentation: YAML indents with spaces only; replace the tab with spaces"}, true
		}
		if strings.HasPrefix(trimmed, "#") || trimmed == "---" || trimmed == "..." || strings.HasPrefix(trimmed, "%") {
			continue
		}
		l := cut(i+1, indent, trimmed)
		if l.isKey && blockScalar.MatchString(l.value) {
			skipDeeper = indent
			if len(l.dashes) > 0 {
				skipDeeper = l.dashes[len(l.dashes)-1]
			}
		}
		if !l.isKey && len(l.dashes) > 0 && blockScalar.MatchString(strings.TrimSpace(trimmed[l.col-indent:])) {
			skipDeeper = l.dashes[len(l.dashes)-1]
		}
		flow.scan(trimmed[l.col-indent:])
		lines = append(lines, l)
	}
	return walkLevels(lines)
}

// cut splits a line's content into dashes, key and value.
func cut(n, indent int, rest string) textLine {
	l := textLine{n: n, indent: indent, col: indent}
	for rest == "-" || strings.HasPrefix(rest, "- ") {
		l.dashes = append(l.dashes, l.col)
		j := 1
		for j < len(rest) && rest[j] == ' ' {
			j++
		}
		l.col += j
		rest = rest[j:]
	}
	if k, v, ok := splitKey(rest); ok {
		l.key, l.isKey = k, true
		l.value = stripComment(v)
		l.plain = l.value != "" && !strings.ContainsAny(l.value[:1], `"'[{&*!|>`)
	} else {
		v := stripComment(rest)
		l.plain = v != "" && !strings.ContainsAny(v[:1], `"'[{&*!|>`)
	}
	return l
}

// splitKey finds "key: value" or "key:" outside quotes and flows.
func splitKey(s string) (key, value string, ok bool) {
	if s == "" || strings.ContainsAny(s[:1], "[{#") {
		return "", "", false
	}
	start := 0
	if s[0] == '"' || s[0] == '\'' {
		end := strings.IndexByte(s[1:], s[0])
		if end < 0 {
			return "", "", false
		}
		start = end + 2
	}
	for i := start; i < len(s); i++ {
		if s[i] == ' ' && i+1 < len(s) && s[i+1] == '#' {
			return "", "", false
		}
		if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ') {
			return strings.Trim(s[:i], `"'`), strings.TrimSpace(s[i+1:]), true
		}
	}
	return "", "", false
}

func stripComment(s string) string {
	var f flowState
	for i := 0; i < len(s); i++ {
		if f.quote == 0 && s[i] == '#' && (i == 0 || s[i-1] == ' ') {
			return strings.TrimSpace(s[:i])
		}
		f.step(s, i)
	}
	return strings.TrimSpace(s)
}

// opens reports whether the line's children follow on the next lines:
// "key:" with no value (or only an anchor or a tag), or a bare "-".
func (l textLine) opens() bool {
	if l.isKey {
		v := l.value
		return v == "" || ((v[0] == '&' || v[0] == '!') && !strings.Contains(v, " "))
	}
	return len(l.dashes) > 0 && l.col == l.indent+2*len(l.dashes) && l.value == "" && !l.plain
}

// flowState follows quotes and flow collections across lines, so the
// lines of a multi-line [ … ] or "…" are not read as structure.
type flowState struct {
	quote byte
	depth int
}

func (f *flowState) open() bool { return f.quote != 0 || f.depth > 0 }

func (f *flowState) scan(s string) {
	for i := 0; i < len(s); i++ {
		if f.quote == 0 && s[i] == '#' && (i == 0 || s[i-1] == ' ') {
			return
		}
		f.step(s, i)
	}
}

func (f *flowState) step(s string, i int) {
	c := s[i]
	tokenStart := i == 0 || strings.IndexByte(" [{,:", s[i-1]) >= 0
	switch {
	case f.quote == '"' && c == '\\':
		// the escaped character is skipped by the caller's next step
	case f.quote != 0:
		if c == f.quote && !(f.quote == '"' && i > 0 && s[i-1] == '\\') {
			f.quote = 0
		}
	case (c == '"' || c == '\'') && tokenStart:
		f.quote = c
	case (c == '[' || c == '{') && (tokenStart || f.depth > 0):
		f.depth++
	case (c == ']' || c == '}') && f.depth > 0:
		f.depth--
	}
}

// walkLevels follows the open blocks line by line.
func walkLevels(lines []textLine) (Slip, bool) {
	var stack []level
	var popped [][]level // per Line: the levels it closed
	for i, l := range lines {
		var closed []level
		deeper := false
		if i > 0 && lines[i-1].opens() {
			p := lines[i-1]
			pcol := p.col
			if !p.isKey {
				pcol = p.dashes[len(p.dashes)-1]
			}
			if l.indent > pcol || (l.indent == pcol && p.isKey && len(l.dashes) > 0) {
				deeper = true
			}
		}
		if !deeper {
			for len(stack) > 0 && stack[len(stack)-1].col > l.indent {
				closed = append([]level{stack[len(stack)-1]}, closed...)
				stack = stack[:len(stack)-1]
			}
			// A list written at its key's column ends where the key's
			// mapping goes on.
			if n := len(stack); n > 1 && len(l.dashes) == 0 && stack[n-1].seq && !stack[n-2].seq && stack[n-2].col == stack[n-1].col {
				closed = append([]level{stack[n-1]}, closed...)
				stack = stack[:n-1]
			}
		}
		popped = append(popped, closed)
		if !deeper {
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				switch {
				case top.col < l.indent && len(closed) > 0:
					return Slip{Line: l.n, Col: l.indent + 1,
						Message: fmt.Sprintf("%s is at column %d, between %s and %s", l.name(), l.indent+1, top.describe(), closed[0].describe()),
						Hint:    "indentation: " + alignHint(l, []level{top, closed[0]})}, true
				case top.col < l.indent:
					if !l.isKey && len(l.dashes) == 0 && lines[i-1].plain {
						continue // a plain scalar going on over lines
					}
					return deeperSlip(lines, popped, i, top), true
				case top.seq && len(l.dashes) == 0:
					s := Slip{Line: l.n, Col: l.indent + 1,
						Message: fmt.Sprintf("%s is at column %d, where the items of the list at line %d have their dashes", l.name(), l.indent+1, top.line)}
					if m := shallowestMap(closed); m != nil {
						s.Hint = fmt.Sprintf("indentation: indent it %s more, to column %d, with %q (line %d)", spaces(m.col-l.indent), m.col+1, m.key, m.line)
					} else {
						s.Hint = fmt.Sprintf("indentation: indent it 2 spaces more, to column %d, inside the list item", l.indent+3)
					}
					return s, true
				case !top.seq && len(l.dashes) > 0:
					return dashSlip(lines, i, top, append(append([]level(nil), stack...), closed...)), true
				}
			}
		}
		for _, d := range l.dashes {
			if n := len(stack); n > 0 && stack[n-1].seq && stack[n-1].col == d {
				continue
			}
			stack = append(stack, level{col: d, seq: true, line: l.n})
		}
		if l.isKey {
			if n := len(stack); n > 0 && !stack[n-1].seq && stack[n-1].col == l.col {
				if len(l.dashes) > 0 {
					stack[n-1].key, stack[n-1].line = l.key, l.n
				}
				continue
			}
			stack = append(stack, level{col: l.col, key: l.key, line: l.n})
		}
	}
	return Slip{}, false
}

// deeperSlip explains line i, indented deeper than its block although the
// line before it opens nothing: either it moved right, or the line before
// it moved left out of the block this line goes on with.
func deeperSlip(lines []textLine, popped [][]level, i int, top level) Slip {
	l, p := lines[i], lines[i-1]
	for _, c := range popped[i-1] {
		if c.col != l.indent {
			continue
		}
		target := &c
		if c.seq {
			target = shallowestMap(popped[i-1])
		}
		if target == nil {
			break
		}
		return Slip{Line: p.n, Col: p.indent + 1,
			Message: fmt.Sprintf("%s is indented less than the lines around it: line %d goes on with the block of %q (line %d)", p.name(), l.n, target.key, target.line),
			Hint:    fmt.Sprintf("indentation: indent it %s more, to column %d, with %q", spaces(target.col-p.indent), target.col+1, target.key)}
	}
	// The line before opened its block alone, and the lines after agree
	// with this one: the line before is the odd one out.
	if i >= 2 && lines[i-2].opens() && i+1 < len(lines) && lines[i+1].indent == l.indent {
		return Slip{Line: p.n, Col: p.indent + 1,
			Message: fmt.Sprintf("%s is indented %s less than %s and the lines after it (line %d)", p.name(), spaces(l.indent-p.indent), l.name(), l.n),
			Hint:    fmt.Sprintf("indentation: indent it %s more, to column %d", spaces(l.indent-p.indent), l.indent+1)}
	}
	return Slip{Line: l.n, Col: l.indent + 1,
		Message: fmt.Sprintf("%s is indented %s more than %q (line %d)", l.name(), spaces(l.indent-top.col), top.key, top.line),
		Hint:    fmt.Sprintf("indentation: move it %s left, to column %d, with %q", spaces(l.indent-top.col), top.col+1, top.key)}
}

// dashSlip explains a list item where a mapping's keys are: its dash
// belongs to one of the open lists; the item's next key tells which.
func dashSlip(lines []textLine, i int, top level, open []level) Slip {
	l := lines[i]
	s := Slip{Line: l.n, Col: l.indent + 1,
		Message: fmt.Sprintf("a list item at column %d, where the keys of the mapping at line %d are", l.indent+1, top.line)}
	var seqs []level
	for _, o := range open {
		if o.seq {
			seqs = append(seqs, o)
		}
	}
	if i+1 < len(lines) && len(lines[i+1].dashes) == 0 && lines[i+1].indent != l.col {
		for _, q := range seqs {
			if q.col+2 == lines[i+1].indent {
				s.Hint = fmt.Sprintf("indentation: the item's next key (line %d) is at column %d, so its dash belongs at column %d, with the items of the list at line %d", lines[i+1].n, lines[i+1].indent+1, q.col+1, q.line)
				return s
			}
		}
	}
	s.Hint = "indentation: " + alignHint(l, seqs)
	return s
}

// alignHint names the nearest of the open blocks' columns, the deeper one
// on a tie (the block the line most likely goes on with).
func alignHint(l textLine, open []level) string {
	var best *level
	for i := range open {
		o := &open[i]
		if best == nil || abs(o.col-l.indent) < abs(best.col-l.indent) || (abs(o.col-l.indent) == abs(best.col-l.indent) && o.col > best.col) {
			best = o
		}
	}
	if best == nil {
		return "align it with the lines around it"
	}
	what := fmt.Sprintf("%q (line %d)", best.key, best.line)
	if best.seq {
		what = fmt.Sprintf("the items of the list at line %d", best.line)
	}
	dir := "more"
	if best.col < l.indent {
		dir = "less"
	}
	return fmt.Sprintf("indent it %s %s, to column %d, with %s", spaces(abs(best.col-l.indent)), dir, best.col+1, what)
}

func (l level) describe() string {
	if l.seq {
		return fmt.Sprintf("the dashes of the list at line %d (column %d)", l.line, l.col+1)
	}
	return fmt.Sprintf("the keys of %q at line %d (column %d)", l.key, l.line, l.col+1)
}

func shallowestMap(ls []level) *level {
	for i := range ls {
		if !ls[i].seq {
			return &ls[i]
		}
	}
	return nil
}

func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return fmt.Sprintf("%d spaces", n)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
