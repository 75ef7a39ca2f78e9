package schema

import (
	"fmt"
	"sort"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/executor"
)

// Draft is the JSON Schema dialect written.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// templated is a value a template fills in: a string holding {{ … }} or
// {% … %} passes wherever a number, a list or a choice of values goes, so
// an editor never flags a config that renders right.
var templated = map[string]any{"type": "string", "pattern": `\{\{|\{%`, "description": "a templated value, filled in by rendering"}

// Config is the JSON Schema of config.yaml (and configs/*.yaml) of a format
// version: the top-level keys, and for each resource, step and trigger one
// branch per type, read from the engines' specs.
func Config(reg *engine.Registry, version int) map[string]any {
	defs := map[string]any{"templated": templated}
	g := &generator{defs: defs}
	for _, k := range []engine.Kind{engine.Resource, engine.Step, engine.Trigger} {
		defs[k.String()] = g.items(reg, k)
	}
	defs["group"] = g.object(Of(&config.Group{}), nil, "a group: its jobs run in parallel; groups run in sequence")
	top := g.object(Of(&config.Pipeline{}), nil, "")
	props := top["properties"].(map[string]any)
	switch version {
	case 1:
		props["version"] = map[string]any{"const": 1, "description": "1, or no version key: a data.all (version 1) config, read with the old tool's defaults"}
	default:
		props["version"] = map[string]any{"const": 2, "description": "the config format: 2 (names carry the stage; see blueprint migrate for version 1 configs)"}
		top["required"] = appendSorted(top["required"], "version")
	}
	top["$schema"] = Draft
	top["title"] = fmt.Sprintf("blueprint config (format version %d)", version)
	top["$defs"] = defs
	return top
}

// JobFile is the JSON Schema of a job YAML an engine reads.
func JobFile(title string, spec any) map[string]any {
	g := &generator{defs: map[string]any{"templated": templated}}
	top := g.object(Of(spec), nil, "")
	top["$schema"] = Draft
	top["title"] = title
	top["$defs"] = g.defs
	return top
}

type generator struct {
	defs map[string]any
}

// items is one kind's items: name and type, then the keys of the type.
func (g *generator) items(reg *engine.Registry, k engine.Kind) map[string]any {
	var types []string
	var branches []any
	for _, e := range reg.All() {
		if !e.Kinds().Has(k) {
			continue
		}
		names := []string{e.Type()}
		if al, ok := e.(engine.Aliaser); ok {
			names = append(names, al.Aliases()...)
		}
		types = append(types, names...)
		desc := ""
		if d, ok := e.(engine.Describer); ok {
			desc = d.Describe()
		}
		ref := k.String() + "." + e.Type()
		g.defs[ref] = g.object(Of(e.NewSpec()), map[string]any{"type": map[string]any{"enum": names}}, desc)
		branches = append(branches, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"type": map[string]any{"enum": names}}, "required": []string{"type"}},
			"then": map[string]any{"$ref": "#/$defs/" + ref},
		})
	}
	sort.Strings(types)
	return map[string]any{
		"type":        "object",
		"description": fmt.Sprintf("a %s: name, type, and the keys of its type (blueprint list TYPE)", k),
		"required":    []string{"name", "type"},
		"properties": map[string]any{
			"name": map[string]any{"type": "string"},
			"type": map[string]any{"enum": types, "description": "the " + k.String() + " type"},
		},
		"allOf": branches,
	}
}

// object is an object shape's schema; fixed replaces some properties.
func (g *generator) object(s *Shape, fixed map[string]any, desc string) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range s.Fields {
		p := g.field(f)
		if v, ok := fixed[f.Name]; ok {
			p = v
		}
		props[f.Name] = p
		for _, a := range f.Aliases {
			props[a] = p
		}
		if f.Required {
			required = append(required, f.Name)
		}
	}
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": s.Open}
	if len(required) > 0 {
		out["required"] = required
	}
	// A key shaped by another's value: one if/then branch per value.
	var branches []any
	for _, f := range s.Fields {
		for _, v := range sortedKeys(f.Variants) {
			x := f.Variants[v]
			p := g.shape(x.Shape, nil)
			p["description"] = x.Doc
			branches = append(branches, map[string]any{
				"if":   map[string]any{"properties": map[string]any{f.By: map[string]any{"const": v}}, "required": []string{f.By}},
				"then": map[string]any{"properties": map[string]any{f.Name: map[string]any{"anyOf": []any{p, map[string]any{"$ref": "#/$defs/templated"}}}}},
			})
		}
	}
	if len(branches) > 0 {
		out["allOf"] = branches
	}
	if desc != "" {
		out["description"] = desc
	}
	return out
}

func (g *generator) field(f *Field) any {
	v := g.shape(f.Shape, f)
	v["description"] = f.Summary()
	if f.Default != nil {
		v["default"] = f.Default
	}
	if f.Shape.Kind == String && len(f.Enum) == 0 {
		return v
	}
	// Anything but a free string may also be written as a template, and
	// a scalar in quotes, as the decoder reads it.
	alts := []any{v, map[string]any{"$ref": "#/$defs/templated"}}
	if q, ok := quoted[f.Shape.Kind]; ok && len(f.Enum) == 0 {
		alts = append(alts, map[string]any{"type": "string", "pattern": q})
	}
	return map[string]any{"anyOf": alts, "description": v["description"]}
}

// quoted are the strings the decoder reads as a boolean or a number
// ("true", "1800"): valid configs write them.
var quoted = map[Kind]string{
	Boolean: `^([Tt]rue|TRUE|[Ff]alse|FALSE|[01tTfF])$`,
	Integer: `^[-+]?(0[xX][0-9a-fA-F]+|[0-9][0-9_]*(\.0*)?)$`,
	Number:  `^[-+]?[0-9_]*\.?[0-9]+([eE][-+]?[0-9]+)?$`,
}

func (g *generator) shape(s *Shape, f *Field) map[string]any {
	var out map[string]any
	switch s.Kind {
	case String, Integer, Number, Boolean:
		out = map[string]any{"type": string(s.Kind)}
	case Array:
		out = map[string]any{"type": "array", "items": g.elem(s.Elem)}
	case Map:
		out = map[string]any{"type": "object", "additionalProperties": g.elem(s.Elem)}
	case Object:
		out = g.object(s, nil, "")
	case Item:
		out = map[string]any{"$ref": "#/$defs/" + s.ItemKind.String()}
	case Group:
		out = map[string]any{"$ref": "#/$defs/group"}
	default:
		out = map[string]any{}
	}
	if f == nil {
		return out
	}
	if len(f.Enum) > 0 {
		var enum []any
		for _, e := range f.Enum {
			enum = append(enum, enumValue(s.Kind, e))
		}
		out["enum"] = enum
	}
	bound := map[Kind][2]string{Integer: {"minimum", "maximum"}, Number: {"minimum", "maximum"},
		Array: {"minItems", "maxItems"}, String: {"minLength", "maxLength"}, Map: {"minProperties", "maxProperties"}}[s.Kind]
	if f.Min != nil && bound[0] != "" {
		out[bound[0]] = *f.Min
	}
	if f.Max != nil && bound[1] != "" {
		out[bound[1]] = *f.Max
	}
	return out
}

// elem is a list's or a map's element, templated ones allowed.
func (g *generator) elem(s *Shape) any {
	v := g.shape(s, nil)
	if s.Kind == String || s.Kind == Any {
		return v
	}
	return map[string]any{"anyOf": []any{v, map[string]any{"$ref": "#/$defs/templated"}}}
}

func enumValue(k Kind, s string) any {
	var x any = s
	switch k {
	case Integer:
		var n int
		if _, err := fmt.Sscan(s, &n); err == nil {
			x = n
		}
	case Number:
		var n float64
		if _, err := fmt.Sscan(s, &n); err == nil {
			x = n
		}
	}
	return x
}

// Variables is the JSON Schema of variables.yaml: template variables of
// any name and value, per-stage overrides under stages, and the cicd
// section.
func Variables() map[string]any {
	g := &generator{defs: map[string]any{"templated": templated}}
	return map[string]any{
		"$schema": Draft, "title": "blueprint variables.yaml", "type": "object",
		"description": "template variables: flat keys, per-stage overrides under stages, and the cicd section of blueprint synth --cicd",
		"properties": map[string]any{
			"stages": map[string]any{"type": "object", "description": "per-stage overrides: stage name → variables",
				"additionalProperties": map[string]any{"type": []string{"object", "null"}}},
			"cicd": g.object(Of(&config.CICD{}), nil, "the CodePipeline of blueprint synth --cicd"),
		},
		"$defs": g.defs,
	}
}

// TestCase is the JSON Schema of a tests/sfn case file: Step Functions
// Local's mock config (StateMachines, MockedResponses) and blueprint's
// Expectations.
func TestCase() map[string]any {
	names := map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
	response := map[string]any{
		"type": "object", "additionalProperties": false,
		"properties": map[string]any{
			"Return": map[string]any{"description": "the task's result"},
			"Throw": map[string]any{"type": "object", "additionalProperties": false, "required": []string{"Error"},
				"properties": map[string]any{"Error": map[string]any{"type": "string"}, "Cause": map[string]any{"type": "string"}}},
		},
		"oneOf": []any{map[string]any{"required": []string{"Return"}}, map[string]any{"required": []string{"Throw"}}},
	}
	strings := map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
	expectation := map[string]any{
		"type": "object", "additionalProperties": false,
		"properties": map[string]any{
			"Input":      map[string]any{"description": "the execution input"},
			"Status":     map[string]any{"enum": []string{executor.Succeeded, executor.Failed}},
			"Error":      map[string]any{"type": "string", "description": "the error a failed execution ends with"},
			"Output":     map[string]any{"description": "a subset of the execution output"},
			"Visited":    strings,
			"NotVisited": strings,
			"TaskInputs": map[string]any{"type": "object", "description": "state name → a subset of what the task was last called with"},
		},
	}
	return map[string]any{
		"$schema": Draft, "title": "blueprint state machine test cases (tests/sfn/*.json)", "type": "object",
		"required": []string{"StateMachines", "MockedResponses"}, "additionalProperties": false,
		"properties": map[string]any{
			"StateMachines": map[string]any{"type": "object", "description": "state machine name → its test cases",
				"additionalProperties": map[string]any{"type": "object", "required": []string{"TestCases"}, "additionalProperties": false,
					"properties": map[string]any{"TestCases": map[string]any{"type": "object", "description": "case name → state name → mocked response name", "additionalProperties": names}}}},
			"MockedResponses": map[string]any{"type": "object", "description": "response name → attempt (\"0\", \"1-2\") → the response",
				"additionalProperties": map[string]any{"type": "object", "propertyNames": map[string]any{"pattern": `^[0-9]+(-[0-9]+)?$`}, "additionalProperties": response}},
			"Expectations": map[string]any{"type": "object", "description": "state machine name → case name → what must happen",
				"additionalProperties": map[string]any{"type": "object", "additionalProperties": expectation}},
		},
	}
}

func appendSorted(v any, s string) []string {
	out, _ := v.([]string)
	out = append(out, s)
	sort.Strings(out)
	return out
}
