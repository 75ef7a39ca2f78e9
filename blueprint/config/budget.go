package config

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/yamlvalue"
)

// Budgets of one document, past which it is refused before decoding.
const (
	// MaxAliasExpansion bounds the values a document holds once its
	// aliases are expanded, when that is far more than it writes (yaml.v3
	// applies the same rule when it decodes values itself).
	MaxAliasExpansion = 100_000
	// MaxDepth bounds the nesting of mappings and lists: CDK and
	// CloudFormation fail, late and misleadingly, on deeper documents.
	MaxDepth = 100
)

// CheckDocument checks what yaml.v3 lets pass about a whole document:
// the budgets below, and a second document in the same file, which it
// drops silently. It returns false when the document must not be decoded.
func (d *Decoder) CheckDocument(doc *yaml.Node) bool {
	if d.Source != nil {
		if line := yamlvalue.SecondDocument(d.Source.Rendered); line > 0 {
			dg := diag.At(d.Source.Pos(line, 1), "", "a second YAML document starts here, and only the first is read")
			dg.Hint = "remove the --- before it, or move it to a file of its own"
			d.Diags.Add(dg)
		}
	}
	return d.CheckBudget(doc)
}

// CheckBudget reports, as an error of d, a document whose aliases expand
// it past MaxAliasExpansion values (an "alias bomb": a few KB that would
// take minutes and gigabytes to decode) or that nests deeper than
// MaxDepth. It returns false when the document must not be decoded.
func (d *Decoder) CheckBudget(doc *yaml.Node) bool {
	if doc == nil {
		return true
	}
	written := 0
	var firstAlias, deepest *yaml.Node
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		written++
		if depth > MaxDepth && deepest == nil {
			deepest = n
		}
		if n.Kind == yaml.AliasNode {
			if firstAlias == nil {
				firstAlias = n
			}
			return
		}
		if deepest != nil {
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	if deepest != nil {
		d.Errorf(deepest, "", "the document nests deeper than %d levels", MaxDepth).Hint = "a config this deep cannot be deployed; flatten it (choices of choices are best split into groups)"
		return false
	}
	if firstAlias == nil {
		return true
	}
	limit := MaxAliasExpansion
	if 10*written > limit {
		limit = 10 * written
	}
	sizes := map[*yaml.Node]int{}
	var size func(n *yaml.Node) int
	size = func(n *yaml.Node) int {
		if s, ok := sizes[n]; ok {
			return s
		}
		sizes[n] = limit + 1 // an alias of its own ancestor: refuse too
		s := 1
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			s = size(n.Alias)
		}
		for _, c := range n.Content {
			if s += size(c); s > limit {
				s = limit + 1
				break
			}
		}
		sizes[n] = s
		return s
	}
	if total := size(doc); total > limit {
		d.Errorf(firstAlias, "", "aliases expand the document past %d values (it writes %d)", limit, written).Hint =
			fmt.Sprintf("an alias of an alias multiplies what it names; write the repeated part once, or expand fewer aliases (%q is the first)", "*"+firstAlias.Value)
		return false
	}
	return true
}
