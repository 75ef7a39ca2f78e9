package graph

import (
	"fmt"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
)

// Mermaid renders a flowchart that GitHub and GitLab draw in markdown.
func Mermaid(title string, def *asl.StateMachine) string {
	m := build(def)
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\n---\nflowchart TD\n", mermaidText(title))
	b.WriteString("  start((start)) --> " + m.start + "\n")
	mermaidCluster(&b, &m.root, "  ")
	for _, e := range m.edges {
		arrow := "-->"
		if e.dashed {
			arrow = "-.->"
		}
		if e.label != "" {
			fmt.Fprintf(&b, "  %s %s|%s| %s\n", e.from, arrow, mermaidText(e.label), e.to)
		} else {
			fmt.Fprintf(&b, "  %s %s %s\n", e.from, arrow, e.to)
		}
	}
	return b.String()
}

func mermaidCluster(b *strings.Builder, c *cluster, indent string) {
	for _, n := range c.nodes {
		text := mermaidText(strings.ReplaceAll(n.label, "\n", "<br/>"))
		switch n.typ {
		case asl.Choice:
			fmt.Fprintf(b, "%s%s{\"%s\"}\n", indent, n.id, text)
		case asl.Parallel, asl.Map:
			fmt.Fprintf(b, "%s%s[[\"%s\"]]\n", indent, n.id, text)
		case asl.Succeed, asl.Fail:
			fmt.Fprintf(b, "%s%s([\"%s\"])\n", indent, n.id, text)
		default:
			fmt.Fprintf(b, "%s%s[\"%s\"]\n", indent, n.id, text)
		}
	}
	for _, sub := range c.clusters {
		fmt.Fprintf(b, "%ssubgraph %s [\"%s\"]\n", indent, sub.id, mermaidText(sub.label))
		mermaidCluster(b, sub, indent+"  ")
		fmt.Fprintf(b, "%send\n", indent)
	}
}

// mermaidText escapes what Mermaid would read as syntax.
func mermaidText(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "|", "#124;", "{", "#123;", "}", "#125;", "[", "#91;", "]", "#93;")
	return r.Replace(s)
}

// DOT renders a Graphviz digraph; `dot -Tsvg` draws it.
func DOT(title string, def *asl.StateMachine) string {
	m := build(def)
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n  label=%s;\n  labelloc=t;\n  compound=true;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n", dotID(title), dotString(title))
	b.WriteString("  start [shape=circle, label=\"start\"];\n  start -> " + m.start + ";\n")
	dotCluster(&b, &m.root, "  ")
	for _, e := range m.edges {
		attrs := []string{}
		if e.label != "" {
			attrs = append(attrs, "label="+dotString(e.label))
		}
		if e.dashed {
			attrs = append(attrs, "style=dashed")
		}
		if len(attrs) > 0 {
			fmt.Fprintf(&b, "  %s -> %s [%s];\n", e.from, e.to, strings.Join(attrs, ", "))
		} else {
			fmt.Fprintf(&b, "  %s -> %s;\n", e.from, e.to)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func dotCluster(b *strings.Builder, c *cluster, indent string) {
	for _, n := range c.nodes {
		shape := "box"
		switch n.typ {
		case asl.Choice:
			shape = "diamond"
		case asl.Parallel, asl.Map:
			shape = "box3d"
		case asl.Succeed, asl.Fail:
			shape = "oval"
		case asl.Pass:
			shape = "box, style=rounded"
		}
		fmt.Fprintf(b, "%s%s [shape=%s, label=%s];\n", indent, n.id, shape, dotString(n.label))
	}
	for _, sub := range c.clusters {
		fmt.Fprintf(b, "%ssubgraph cluster_%s {\n%s  label=%s;\n%s  style=dashed;\n", indent, sub.id, indent, dotString(sub.label), indent)
		dotCluster(b, sub, indent+"  ")
		fmt.Fprintf(b, "%s}\n", indent)
	}
}

func dotString(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
	return `"` + s + `"`
}

func dotID(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 || (b.String()[0] >= '0' && b.String()[0] <= '9') {
		return "g_" + b.String()
	}
	return b.String()
}
