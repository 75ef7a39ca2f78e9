package schema

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Write prints every key of an object shape, nested shapes indented under
// their key: type, required, default, allowed values.
func Write(w io.Writer, s *Shape, indent string) {
	width := 0
	for _, f := range s.Fields {
		width = max(width, len(f.Name))
	}
	for _, f := range s.Fields {
		fmt.Fprintf(w, "%s%-*s  %s\n", indent, width, f.Name, f.Summary())
		if inner := objectOf(f.Shape); inner != nil {
			Write(w, inner, indent+"  ")
		}
		for _, v := range sortedKeys(f.Variants) {
			x := f.Variants[v]
			fmt.Fprintf(w, "%s  when %s is %s: %s\n", indent, f.By, v, x.Doc)
			if inner := objectOf(x.Shape); inner != nil {
				Write(w, inner, indent+"    ")
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// objectOf is the object a key holds, directly or as its list's or map's
// elements.
func objectOf(s *Shape) *Shape {
	for s != nil && (s.Kind == Array || s.Kind == Map) {
		s = s.Elem
	}
	if s != nil && s.Kind == Object && len(s.Fields) > 0 {
		return s
	}
	return nil
}

// Summary is a key's one line: its type and rules.
func (f *Field) Summary() string {
	parts := []string{f.Shape.Describe()}
	if f.Doc != "" {
		parts = append(parts, f.Doc)
	}
	if f.Required {
		parts = append(parts, "required")
	}
	if len(f.Enum) > 0 {
		parts = append(parts, "one of "+strings.Join(f.Enum, ", "))
	}
	if r := f.Range(); r != "" {
		parts = append(parts, r)
	}
	if f.Default != nil {
		parts = append(parts, "default "+inline(f.Default))
	}
	if len(f.Aliases) > 0 {
		parts = append(parts, "also written "+strings.Join(f.Aliases, ", "))
	}
	return strings.Join(parts, "; ")
}

// Range says the key's bounds in its own unit: a value, a length, a count.
func (f *Field) Range() string {
	if f.Min == nil && f.Max == nil {
		return ""
	}
	unit := ""
	switch f.Shape.Kind {
	case Array:
		unit = " items"
	case Map:
		unit = " keys"
	case String:
		unit = " characters"
	}
	num := func(x *float64) string { return strconv.FormatFloat(*x, 'f', -1, 64) }
	if unit != "" && f.Max == nil && *f.Min == 1 {
		unit = strings.TrimSuffix(unit, "s")
	}
	switch {
	case f.Min != nil && f.Max != nil:
		return fmt.Sprintf("%s to %s%s", num(f.Min), num(f.Max), unit)
	case f.Min != nil:
		return fmt.Sprintf("at least %s%s", num(f.Min), unit)
	default:
		return fmt.Sprintf("at most %s%s", num(f.Max), unit)
	}
}

// Describe names a shape: "list of string", "map of any", "group".
func (s *Shape) Describe() string {
	switch s.Kind {
	case Array:
		return "list of " + s.Elem.Describe()
	case Map:
		return "map of " + s.Elem.Describe()
	case Object:
		return "mapping"
	case Item:
		return s.ItemKind.String() + " (name, type and its keys)"
	case Group:
		return "group (name, jobs)"
	}
	return string(s.Kind)
}

func inline(v any) string {
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := strings.TrimSpace(string(b))
	if strings.Contains(s, "\n") {
		var n yaml.Node
		_ = n.Encode(v)
		n.Style = yaml.FlowStyle
		for _, c := range n.Content {
			c.Style |= yaml.FlowStyle
		}
		if b, err := yaml.Marshal(&n); err == nil {
			s = strings.TrimSpace(string(b))
		}
	}
	return s
}

// Example is a minimal YAML value of an object shape: its required keys,
// with placeholders (<key>) where any value of the type would do.
func Example(s *Shape, fixed map[string]any) any {
	out := yaml.Node{Kind: yaml.MappingNode}
	names := make([]string, 0, len(s.Fields))
	byName := map[string]*Field{}
	for _, f := range s.Fields {
		if f.Required || fixed[f.Name] != nil {
			names = append(names, f.Name)
			byName[f.Name] = f
		}
	}
	// name and type first, as configs write them.
	sort.SliceStable(names, func(i, j int) bool { return rank(names[i]) < rank(names[j]) })
	for _, name := range names {
		var v any = fixed[name]
		if v == nil {
			v = exampleValue(byName[name], byName[name].Shape)
		}
		var k, val yaml.Node
		_ = k.Encode(name)
		_ = val.Encode(v)
		out.Content = append(out.Content, &k, &val)
	}
	return &out
}

// ordered is a mapping of key, value pairs in the order given.
func ordered(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		var k, v yaml.Node
		_ = k.Encode(kv[i])
		_ = v.Encode(kv[i+1])
		n.Content = append(n.Content, &k, &v)
	}
	return n
}

func rank(name string) int {
	switch name {
	case "name":
		return 0
	case "type":
		return 1
	}
	return 2
}

func exampleValue(f *Field, s *Shape) any {
	switch {
	case f != nil && len(f.Enum) > 0:
		return f.Enum[0]
	case f != nil && f.Default != nil:
		return f.Default
	}
	switch s.Kind {
	case Integer, Number:
		if f != nil && f.Min != nil {
			return *f.Min
		}
		return 1
	case Boolean:
		return true
	case Array:
		return []any{exampleValue(nil, s.Elem)}
	case Map:
		return map[string]any{"<key>": exampleValue(nil, s.Elem)}
	case Object:
		return Example(s, nil)
	case Group:
		return ordered("name", "<group>", "jobs", []any{ordered("name", "<job>", "type", "<step type>")})
	case Item:
		return ordered("name", "<name>", "type", "<"+s.ItemKind.String()+" type>")
	case String:
		if f != nil {
			return "<" + f.Name + ">"
		}
		return "<value>"
	}
	return "<value>"
}
