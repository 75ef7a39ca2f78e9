package glue

import (
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/schema"
	"github.com/blueprint-dev/blueprint/engines/glue/runner"
)

// Variants are the config shapes of the runner's built-in handlers, by
// step type, for blueprint list glue-job and its JSON Schema; a repo's own
// handlers (customcode/glue/handlers) keep config open.
func (JobStep) Variants() (string, string, map[string]*schema.Variant) {
	out := map[string]*schema.Variant{}
	for name, h := range builtin() {
		doc := h.Doc
		for _, group := range h.OneOf {
			doc += "; one of " + strings.Join(group, ", ")
		}
		out[name] = &schema.Variant{Doc: doc, Shape: keysShape(h.Keys, false)}
	}
	return "config", "type", out
}

// keysShape turns a handler's keys into a shape.
func keysShape(keys map[string]*runner.Key, open bool) *schema.Shape {
	s := &schema.Shape{Kind: schema.Object, Open: open}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		k := keys[name]
		f := &schema.Field{Name: name, Required: k.Required, Default: k.Default, Enum: k.Enum, Min: k.Min, Doc: k.Doc, Shape: keyShape(k)}
		s.Fields = append(s.Fields, f)
	}
	return s
}

func keyShape(k *runner.Key) *schema.Shape {
	switch k.Type {
	case "string", "file":
		return &schema.Shape{Kind: schema.String}
	case "bool":
		return &schema.Shape{Kind: schema.Boolean}
	case "int":
		return &schema.Shape{Kind: schema.Integer}
	case "number":
		return &schema.Shape{Kind: schema.Number}
	case "list":
		elem := &schema.Shape{Kind: schema.Any}
		if k.Items != nil {
			elem = keyShape(k.Items)
		}
		return &schema.Shape{Kind: schema.Array, Elem: elem}
	case "map":
		if len(k.Keys) > 0 {
			return keysShape(k.Keys, k.Open)
		}
		return &schema.Shape{Kind: schema.Map, Elem: &schema.Shape{Kind: schema.Any}}
	}
	return &schema.Shape{Kind: schema.Any} // any, strings (a string or a list of them)
}
