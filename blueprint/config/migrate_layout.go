package config

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Migrate writes the rewritten tree back into the file's own text: the
// lines the rewrite left alone are copied as they are written (blank
// lines, indentation, quoting and comments included), a renamed key
// changes in place, and only the keys and items the rewrite added or
// changed are written by yaml.v3, at the indentation of their siblings.
// When the tree cannot be laid out that way, migrate writes the whole
// file with yaml.v3 instead.

// snapshot is a node as it was before the rewrite.
type snapshot struct {
	kind    yaml.Kind
	style   yaml.Style
	value   string
	tag     string
	content []*yaml.Node
}

func snapshots(n *yaml.Node, into map[*yaml.Node]snapshot) map[*yaml.Node]snapshot {
	if n == nil {
		return into
	}
	if _, seen := into[n]; seen {
		return into
	}
	into[n] = snapshot{kind: n.Kind, style: n.Style, value: n.Value, tag: n.ShortTag(), content: append([]*yaml.Node(nil), n.Content...)}
	for _, c := range n.Content {
		snapshots(c, into)
	}
	return into
}

// layout assembles the migrated text: masked for the checks, final (the
// source's own lines where they are kept) for the user.
type layout struct {
	src, masked []string // the lines of the source and of its masked text
	cont        map[int]byte
	snap        map[*yaml.Node]snapshot
	ctx         []string // the template context of each masked line
	mask        *templateMask
	same        map[*yaml.Node]bool
	written     map[int]bool // the statement lines the pairs written anew hold

	outMasked, outFinal []string
}

var errLayout = layoutError("cannot lay out")

type layoutError string

func (e layoutError) Error() string { return string(e) }

// layOut returns the masked and the final migrated text of doc, rewritten
// from the masked text, or ok false.
func layOut(src, masked string, m *templateMask, doc *yaml.Node, snap map[*yaml.Node]snapshot) (outMasked, outFinal string, ok bool) {
	root := resolve(doc)
	if doc.Kind != yaml.DocumentNode || root == nil || root.Kind != yaml.MappingNode || root.Style&yaml.FlowStyle != 0 {
		return "", "", false
	}
	l := &layout{src: splitLines(rewritten(src, m)), masked: splitLines(masked), cont: map[int]byte{}, snap: snap, mask: m, same: map[*yaml.Node]bool{}, written: map[int]bool{}}
	if len(l.src) != len(l.masked) {
		return "", "", false
	}
	l.ctx = m.contexts(masked)
	for _, c := range m.constructs {
		if c.mode == 'E' {
			continue
		}
		for i := 1; i <= strings.Count(c.text, "\n"); i++ {
			if c.mode == 'V' {
				l.cont[c.line+i] = 'V'
			} else {
				l.cont[c.line+i] = 'L'
			}
		}
	}
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(layoutError); !is {
				panic(r)
			}
			ok = false
		}
	}()
	l.mapping(root, 1, len(l.masked), 1, nil)
	join := func(ls []string) string {
		s := strings.Join(ls, "\n")
		if strings.HasSuffix(src, "\n") {
			s += "\n"
		}
		return s
	}
	return join(l.outMasked), join(l.outFinal), true
}

// rewritten is src with the constructs migrate rewrote (on the same
// lines) as rewritten.
func rewritten(src string, m *templateMask) string {
	lineStart := []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			lineStart = append(lineStart, i+1)
		}
	}
	for i := len(m.constructs) - 1; i >= 0; i-- {
		c := m.constructs[i]
		if c.orig == "" || c.line > len(lineStart) {
			continue
		}
		ls := lineStart[c.line-1]
		off := ls + len(string([]rune(src[ls:])[:c.col-1]))
		if strings.HasPrefix(src[off:], c.orig) {
			src = src[:off] + c.text + src[off+len(c.orig):]
		}
	}
	return src
}

func splitLines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// verbatim copies lines [from, to] (1-based) as written, but for a line
// of statements that a pair written anew holds already.
func (l *layout) verbatim(from, to int) {
	re := placeholderPattern(l.mask.marker)
	for i := from; i <= to; i++ {
		if g := re.FindStringSubmatch(strings.TrimSpace(l.masked[i-1])); g != nil && g[0] == strings.TrimSpace(l.masked[i-1]) {
			if id, err := strconv.ParseInt(g[1], 36, 64); err == nil && l.written[int(id)] {
				i += strings.Count(l.mask.constructs[id].text, "\n")
				continue
			}
		}
		l.outMasked = append(l.outMasked, l.masked[i-1])
		l.outFinal = append(l.outFinal, l.src[i-1])
	}
}

// generated adds lines written from the tree (masked text).
func (l *layout) generated(lines ...string) {
	re := placeholderPattern(l.mask.marker)
	for _, s := range lines {
		for _, g := range re.FindAllStringSubmatch(s, -1) {
			if id, err := strconv.ParseInt(g[1], 36, 64); err == nil && int(id) < len(l.mask.constructs) && l.mask.constructs[id].mode == 'L' {
				l.written[int(id)] = true
			}
		}
		l.outMasked = append(l.outMasked, s)
		l.outFinal = append(l.outFinal, strings.Split(l.mask.restore(s), "\n")...)
	}
}

// content reports whether masked line i holds YAML content (not blank,
// not only a comment).
func (l *layout) content(i int) bool {
	switch l.cont[i] {
	case 'V':
		return true
	case 'L':
		return false
	}
	t := strings.TrimSpace(l.masked[i-1])
	return t != "" && !strings.HasPrefix(t, "#")
}

// lastContent is the last line of [from, to] holding content, from when
// none does.
func (l *layout) lastContent(from, to int) int {
	for i := to; i > from; i-- {
		if l.content(i) {
			return i
		}
	}
	return from
}

// unchanged reports whether the rewrite left n and all below it alone.
func (l *layout) unchanged(n *yaml.Node) bool {
	if v, ok := l.same[n]; ok {
		return v
	}
	s, ok := l.snap[n]
	same := ok && s.kind == n.Kind && s.value == n.Value && s.tag == n.ShortTag() && s.style == n.Style && len(s.content) == len(n.Content)
	for i := 0; same && i < len(n.Content); i++ {
		same = s.content[i] == n.Content[i] && l.unchanged(n.Content[i])
	}
	l.same[n] = same
	return same
}

func (l *layout) old(n *yaml.Node) bool { _, ok := l.snap[n]; return ok }

func runeCol(line string, col int) (string, string, bool) {
	r := []rune(line)
	if col < 1 || col-1 > len(r) {
		return "", "", false
	}
	return string(r[:col-1]), string(r[col-1:]), true
}

// mapping lays out block mapping m, whose text is lines [from, to]; owner
// is the line of the key or item m is the value of.
func (l *layout) mapping(m *yaml.Node, from, to, owner int, outer []tailSpec) {
	s := l.snap[m]
	if m.Style&yaml.FlowStyle != 0 || len(s.content) == 0 {
		panic(errLayout)
	}
	// Each old pair's text starts at its key's line and ends before the
	// next key's.
	var keys []*yaml.Node
	index := map[*yaml.Node]int{}
	for i := 0; i+1 < len(s.content); i += 2 {
		k := s.content[i]
		if k.Line < from || k.Line > to || len(keys) > 0 && k.Line <= keys[len(keys)-1].Line {
			panic(errLayout)
		}
		index[k] = len(keys)
		keys = append(keys, k)
	}
	end := func(j int) int {
		if j+1 < len(keys) {
			return keys[j+1].Line - 1
		}
		return to
	}
	// The old pairs kept, in order; the new pairs before each and after
	// the last.
	var kept []int
	before := map[int][]*yaml.Node{}
	var pending []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		j, isOld := index[k]
		if !isOld {
			pending = append(pending, k, m.Content[i+1])
			continue
		}
		if len(kept) > 0 && j <= kept[len(kept)-1] {
			panic(errLayout)
		}
		kept = append(kept, j)
		before[j], pending = pending, nil
	}
	if len(kept) == 0 {
		panic(errLayout)
	}
	tail := pending
	indent := strings.Repeat(" ", keys[0].Column-1)
	// The new pairs after the last old pair, and the outer mappings',
	// come after the text of the last old pair, kept or not.
	var tails []tailSpec
	if len(tail) > 0 {
		tails = append(tails, tailSpec{pairs: tail, indent: indent, owner: owner})
	}
	tails = append(tails, outer...)
	removed := func(j int) {
		// A removed pair's comments and blank lines stay; its key must
		// start its line.
		k := keys[j]
		prefix, _, ok := runeCol(l.masked[k.Line-1], k.Column)
		if !ok || strings.TrimSpace(prefix) != "" {
			panic(errLayout)
		}
		var t []tailSpec
		if j == len(keys)-1 {
			t = tails
		}
		l.rest(l.lastContent(k.Line, end(j)), end(j), t)
	}
	l.verbatim(from, keys[0].Line-1)
	next := 0
	for n, j := range kept {
		for ; next < j; next++ {
			removed(next)
		}
		for i := 0; i+1 < len(before[j]); i += 2 {
			l.generated(l.encodePair(before[j][i], before[j][i+1], indent)...)
		}
		var t []tailSpec
		if n == len(kept)-1 && j == len(keys)-1 {
			t = tails
		}
		l.pair(keys[j], mapValue(m, keys[j]), keys[j].Line, end(j), t)
		next = j + 1
	}
	for ; next < len(keys); next++ {
		removed(next)
	}
}

func mapValue(m, k *yaml.Node) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i] == k {
			return m.Content[i+1]
		}
	}
	return nil
}

// try runs lay, and undoes what it wrote when it finds that its part of
// the tree cannot be laid out.
func (l *layout) try(lay func()) (ok bool) {
	nm, nf := len(l.outMasked), len(l.outFinal)
	written := map[int]bool{}
	for id := range l.written {
		written[id] = true
	}
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(layoutError); !is {
				panic(r)
			}
			l.outMasked, l.outFinal, l.written = l.outMasked[:nm], l.outFinal[:nf], written
			ok = false
		}
	}()
	lay()
	return true
}

// tailSpec is new pairs of a mapping to write after its last old pair:
// at the first place after that pair's content that is in the template
// branch of owner, the line of the mapping's key or item.
type tailSpec struct {
	pairs  []*yaml.Node
	indent string
	owner  int
	items  bool // pairs are items of a sequence, indent is before their dash
}

// rest lays out lines (last, to], the comments and blank lines after a
// pair's or item's content, with tails, innermost first, each at its
// place.
func (l *layout) rest(last, to int, tails []tailSpec) {
	at := last
	for _, t := range tails {
		want := contextAt(l.ctx, t.owner)
		p := at
		for p < to && contextAt(l.ctx, p+1) != want {
			p++
		}
		if contextAt(l.ctx, p+1) != want {
			p = at
		}
		l.verbatim(at+1, p)
		at = p
		if t.items {
			for _, it := range t.pairs {
				l.generated(l.encodeItem(it, t.indent)...)
			}
			continue
		}
		for i := 0; i+1 < len(t.pairs); i += 2 {
			l.generated(l.encodePair(t.pairs[i], t.pairs[i+1], t.indent)...)
		}
	}
	l.verbatim(at+1, to)
}

// pair lays out one old key k with its (maybe new) value v, over lines
// [from, to].
func (l *layout) pair(k, v *yaml.Node, from, to int, tails []tailSpec) {
	line := l.masked[from-1]
	prefix, rest, ok := runeCol(line, k.Column)
	if !ok {
		panic(errLayout)
	}
	ks := l.snap[k]
	first := line
	if k.Value != ks.value {
		// A renamed key: in place, when it is written plain.
		if k.Style != 0 || ks.style != 0 || !strings.HasPrefix(rest, ks.value) || k.Kind != yaml.ScalarNode {
			panic(errLayout)
		}
		first = prefix + k.Value + strings.TrimPrefix(rest, ks.value)
	}
	keyLines := func(upto int) {
		if first == line {
			l.verbatim(from, upto)
			return
		}
		l.generated(first)
		l.verbatim(from+1, upto)
	}
	last := l.lastContent(from, to)
	switch {
	case l.unchanged(v):
		keyLines(last)
	case l.old(v) && (v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode) && v.Style&yaml.FlowStyle == 0 &&
		len(l.snap[v].content) > 0 && len(v.Content) > 0 && l.snap[v].content[0].Line > from:
		// A block collection of its own: the key's lines as written,
		// then its items.
		vf := l.snap[v].content[0].Line
		if l.try(func() {
			keyLines(vf - 1)
			if v.Kind == yaml.MappingNode {
				l.mapping(v, vf, to, from, tails)
			} else {
				l.sequence(v, vf, to, from, tails)
			}
		}) {
			return
		}
		// What the rewrite did there has no place in the text as it is
		// written: the pair is written anew.
		l.generated(l.encodePair(k, v, prefix)...)
	default:
		// Written anew, at the key's place.
		l.generated(l.encodePair(k, v, prefix)...)
	}
	l.rest(last, to, tails)
}

// sequence lays out block sequence q over lines [from, to].
func (l *layout) sequence(q *yaml.Node, from, to, owner int, outer []tailSpec) {
	s := l.snap[q]
	if len(s.content) == 0 || len(s.content) > len(q.Content) {
		panic(errLayout)
	}
	for i, it := range s.content {
		if q.Content[i] != it {
			panic(errLayout)
		}
	}
	if added := q.Content[len(s.content):]; len(added) > 0 {
		// Items the rewrite appended come after the last old one, at its
		// dash's column.
		first := s.content[0]
		prefix, _, ok := runeCol(l.masked[first.Line-1], first.Column)
		dash := strings.LastIndex(prefix, "-")
		if !ok || dash < 0 || strings.TrimSpace(prefix[:dash]) != "" {
			panic(errLayout)
		}
		outer = append([]tailSpec{{pairs: added, indent: prefix[:dash], owner: owner, items: true}}, outer...)
	}
	for i, it := range s.content {
		if it.Line < from || it.Line > to || i > 0 && it.Line <= s.content[i-1].Line {
			panic(errLayout)
		}
		e := to
		if i+1 < len(s.content) {
			e = s.content[i+1].Line - 1
		}
		if i == 0 {
			l.verbatim(from, it.Line-1)
		}
		var tails []tailSpec
		if i == len(s.content)-1 {
			tails = outer
		}
		switch {
		case l.unchanged(it):
			last := l.lastContent(it.Line, e)
			l.verbatim(it.Line, last)
			l.rest(last, e, tails)
		case it.Kind == yaml.MappingNode && it.Style&yaml.FlowStyle == 0 && len(l.snap[it].content) > 0 &&
			l.try(func() { l.mapping(it, it.Line, e, it.Line, tails) }):
		default:
			// Written anew after its dash.
			line := l.masked[it.Line-1]
			prefix, _, ok := runeCol(line, it.Column)
			dash := strings.LastIndex(prefix, "-")
			if !ok || dash < 0 || strings.TrimSpace(prefix[:dash]) != "" {
				panic(errLayout)
			}
			last := l.lastContent(it.Line, e)
			l.generated(l.encodeItem(it, prefix[:dash])...)
			l.rest(last, e, tails)
		}
	}
}

// encodePair writes key: value with yaml.v3, its first line after prefix
// and the others indented as far. The comments around the key stay
// where the text has them.
func (l *layout) encodePair(k, v *yaml.Node, prefix string) []string {
	kc, vc := *k, copyTree(v)
	kc.HeadComment, kc.FootComment = "", ""
	if !l.old(k) {
		// A new key carries no comments from the text.
		kc.LineComment = ""
	}
	dropTrailing(vc)
	return l.encodeAt(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{&kc, vc}}, prefix)
}

// encodeItem writes "- item" after prefix.
func (l *layout) encodeItem(it *yaml.Node, prefix string) []string {
	c := copyTree(it)
	c.HeadComment = ""
	dropTrailing(c)
	return l.encodeAt(&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{c}}, prefix)
}

func copyTree(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = copyTree(x)
	}
	return &c
}

// dropTrailing removes the comments after n's content, which yaml.v3
// hangs on its last nodes: the text after the content is kept as written.
func dropTrailing(n *yaml.Node) {
	for n != nil {
		n.FootComment = ""
		if len(n.Content) == 0 {
			return
		}
		if n.Kind == yaml.MappingNode && len(n.Content) >= 2 {
			n.Content[len(n.Content)-2].FootComment = ""
		}
		n = n.Content[len(n.Content)-1]
	}
}

func (l *layout) encodeAt(n *yaml.Node, prefix string) []string {
	text, err := encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}})
	if err != nil {
		panic(errLayout)
	}
	lines := splitLines(text)
	pad := strings.Repeat(" ", len([]rune(prefix)))
	for i := range lines {
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else if lines[i] != "" {
			lines[i] = pad + lines[i]
		}
	}
	return lines
}

// sameTree reports whether two trees hold the same data: kinds, scalar
// values and tags, in the same order (comments, styles and positions
// aside).
func sameTree(a, b *yaml.Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	a, b = resolve(a), resolve(b)
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return false
	}
	if a.Kind == yaml.ScalarNode && (a.Value != b.Value || a.ShortTag() != b.ShortTag()) {
		return false
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
