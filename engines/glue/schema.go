package glue

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/engines/glue/runner"
)

// configChecker checks a step's config against its handler's schema,
// reporting each problem at its node in the job YAML.
type configChecker struct {
	d *config.Decoder
	// file resolves the value of a file key; it reports its own errors.
	file func(path string, n *yaml.Node, key *runner.Key, value string)
	// view checks a key naming another step's view.
	view func(path string, n *yaml.Node, value string)
}

// check walks n, the step's config, at path.
func (c *configChecker) check(n *yaml.Node, path string, h *runner.Handler) {
	c.mapping(n, path, h.Keys, false, h.OneOf)
}

func (c *configChecker) mapping(n *yaml.Node, path string, keys map[string]*runner.Key, open bool, oneOf [][]string) {
	if n.Kind != yaml.MappingNode {
		c.d.Errorf(n, path, "must be a mapping of keys to values; got %s", config.Describe(n))
		return
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	given := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := path + "." + k.Value
		if _, dup := given[k.Value]; dup {
			c.d.Errorf(k, kp, "duplicate key %q", k.Value)
			continue
		}
		given[k.Value] = v
		spec, ok := keys[k.Value]
		if !ok {
			if open {
				continue
			}
			dg := c.d.Errorf(k, kp, "unknown key %q", k.Value)
			if s := diag.Suggest(k.Value, names); s != "" {
				dg.Hint = fmt.Sprintf("did you mean %q?", s)
			} else if len(names) > 0 {
				dg.Hint = "known keys: " + strings.Join(names, ", ")
			}
			continue
		}
		c.value(v, kp, spec)
	}
	for _, k := range names {
		if _, ok := given[k]; !ok && keys[k].Required {
			c.d.Errorf(n, path+"."+k, "is required")
		}
	}
	c.oneOf(n, path, given, oneOf)
}

// oneOf requires exactly one group of keys (a group of several keys is
// given whole: bucket and prefix).
func (c *configChecker) oneOf(n *yaml.Node, path string, given map[string]*yaml.Node, groups [][]string) {
	if len(groups) == 0 {
		return
	}
	var full, partial []string
	for _, g := range groups {
		have := 0
		for _, k := range g {
			if given[k] != nil && given[k].Tag != "!!null" {
				have++
			}
		}
		switch {
		case have == len(g):
			full = append(full, strings.Join(g, " and "))
		case have > 0:
			for _, k := range g {
				if given[k] == nil {
					partial = append(partial, path+"."+k)
				}
			}
		}
	}
	alternatives := make([]string, len(groups))
	for i, g := range groups {
		alternatives[i] = strings.Join(g, " and ")
	}
	switch {
	case len(full) > 1:
		c.d.Errorf(n, path, "give %s, not both", strings.Join(full, " or "))
	case len(full) == 0 && len(partial) > 0:
		for _, p := range partial {
			c.d.Errorf(n, p, "is required").Hint = "the step needs " + strings.Join(alternatives, ", or ")
		}
	case len(full) == 0:
		c.d.Errorf(n, path, "needs %s", strings.Join(alternatives, ", or "))
	}
}

func (c *configChecker) value(n *yaml.Node, path string, k *runner.Key) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Tag == "!!null" && k.Type != "any" {
		if k.Required {
			c.d.Errorf(n, path, "is required; got nothing")
		}
		return
	}
	switch k.Type {
	case "any":
	case "string", "file":
		if !c.scalar(n, path, "a string") {
			return
		}
		if len(k.Enum) > 0 && !contains(k.Enum, n.Value) {
			dg := c.d.Errorf(n, path, "must be one of %s; got %q", diag.OneOf(k.Enum), n.Value)
			dg.Hint = diag.DidYouMean(n.Value, k.Enum)
		}
		if k.Type == "file" && c.file != nil {
			c.file(path, n, k, n.Value)
		}
		if k.View && c.view != nil {
			c.view(path, n, n.Value)
		}
	case "bool":
		if c.scalar(n, path, "true or false") && n.Tag != "!!bool" {
			c.d.Errorf(n, path, "must be true or false; got %s", config.Describe(n))
		}
	case "int", "number":
		if !c.scalar(n, path, "a number") {
			return
		}
		f, err := strconv.ParseFloat(n.Value, 64)
		switch {
		case err != nil || (n.Tag != "!!int" && n.Tag != "!!float"):
			c.d.Errorf(n, path, "must be %s; got %s", numberName(k.Type), config.Describe(n))
		case k.Type == "int" && f != math.Trunc(f):
			c.d.Errorf(n, path, "must be a whole number; got %s", n.Value)
		case k.Min != nil && f < *k.Min:
			c.d.Errorf(n, path, "must be at least %v; got %s", *k.Min, n.Value)
		}
	case "strings":
		if n.Kind == yaml.SequenceNode {
			for i, e := range n.Content {
				c.scalar(e, fmt.Sprintf("%s[%d]", path, i), "a string")
			}
			return
		}
		c.scalar(n, path, "a string or a list of strings")
	case "list":
		if n.Kind != yaml.SequenceNode {
			c.d.Errorf(n, path, "must be a list; got %s", config.Describe(n))
			return
		}
		if k.Items == nil {
			return
		}
		for i, e := range n.Content {
			ip := fmt.Sprintf("%s[%d]", path, i)
			if e.Tag == "!!null" {
				c.d.Errorf(e, ip, "is an empty entry").Hint = "remove the \"-\" or fill in the entry"
				continue
			}
			c.value(e, ip, k.Items)
		}
	case "map":
		if k.Keys == nil {
			if n.Kind != yaml.MappingNode {
				c.d.Errorf(n, path, "must be a mapping of keys to values; got %s", config.Describe(n))
			}
			return
		}
		c.mapping(n, path, k.Keys, k.Open, nil)
	}
}

func (c *configChecker) scalar(n *yaml.Node, path, what string) bool {
	if n.Kind != yaml.ScalarNode {
		c.d.Errorf(n, path, "must be %s; got %s", what, config.Describe(n))
		return false
	}
	return true
}

func numberName(t string) string {
	if t == "int" {
		return "a whole number"
	}
	return "a number"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// keyList describes a handler's keys for blueprint list: required ones
// marked, enums and defaults shown.
func keyList(h *runner.Handler) []string {
	var out []string
	var walk func(prefix string, keys map[string]*runner.Key)
	walk = func(prefix string, keys map[string]*runner.Key) {
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, name := range names {
			k := keys[name]
			s := prefix + name
			var notes []string
			if k.Required {
				notes = append(notes, "required")
			}
			if len(k.Enum) > 0 && len(k.Enum) <= 6 {
				notes = append(notes, strings.Join(k.Enum, "|"))
			}
			if k.Default != nil {
				if d := fmt.Sprint(k.Default); d != "" && d != "map[]" {
					notes = append(notes, "default "+d)
				}
			}
			if len(notes) > 0 {
				s += " (" + strings.Join(notes, ", ") + ")"
			}
			out = append(out, s)
			if k.Keys != nil && !k.Open {
				walk(prefix+name+".", k.Keys)
			}
			if k.Items != nil && k.Items.Keys != nil {
				walk(prefix+name+"[].", k.Items.Keys)
			}
		}
	}
	walk("", h.Keys)
	return out
}
