package schema

import (
	"encoding"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Kind is the shape of a value.
type Kind string

const (
	String  Kind = "string"
	Integer Kind = "integer"
	Number  Kind = "number"
	Boolean Kind = "boolean"
	Object  Kind = "object"
	Array   Kind = "list"
	Map     Kind = "map"
	Any     Kind = "any"
	// Item is a resource, job or trigger: its keys depend on its type.
	Item Kind = "item"
	// Group is a group of jobs (name, jobs), the same everywhere.
	Group Kind = "group"
)

// Shape is what a key holds.
type Shape struct {
	Kind   Kind
	Fields []*Field // Object
	Elem   *Shape   // Array, Map
	// ItemKind says which types an Item may have.
	ItemKind engine.Kind
	// Open lets an Object have keys of its own too.
	Open bool
}

// Field is one key of an object.
type Field struct {
	Name     string
	Aliases  []string
	Required bool
	Default  any // nil when the key has none
	Enum     []string
	Min, Max *float64
	Doc      string
	Shape    *Shape
	// Variants are the shapes the key takes by the value of its sibling
	// key By (a Glue job step's config, by its type), with a line each.
	By       string
	Variants map[string]*Variant
}

// Variant is one shape a key takes.
type Variant struct {
	Doc   string
	Shape *Shape
}

// Varianter is implemented by specs one of whose keys is shaped by the
// value of another (a Glue job step's config by its handler type): key,
// the key deciding, and the shapes by value. Values not listed (a repo's
// own handlers) take the key's own shape.
type Varianter interface {
	Variants() (key, by string, variants map[string]*Variant)
}

// Enumer is implemented by specs whose values are checked by hand against
// a list (a Glue job step's type): the list, by yaml key.
type Enumer interface {
	Enums() map[string][]string
}

// Of reads the shape of a spec, with its defaults: the value NewSpec
// returns.
func Of(spec any) *Shape {
	v, t := reflect.ValueOf(spec), reflect.TypeOf(spec)
	for t.Kind() == reflect.Pointer {
		v, t = v.Elem(), t.Elem()
	}
	if t.Kind() == reflect.Struct {
		return &Shape{Kind: Object, Fields: fields(v, t)}
	}
	return of(v, t, "")
}

var (
	nodeType        = reflect.TypeOf(yaml.Node{})
	itemType        = reflect.TypeOf(config.Item{})
	groupType       = reflect.TypeOf(config.Group{})
	textType        = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	nodeDecoderType = reflect.TypeOf((*config.NodeDecoder)(nil)).Elem()
)

// itemKinds says what the items of a list key of the config are.
var itemKinds = map[string]engine.Kind{"aws_resources": engine.Resource, "triggers": engine.Trigger, "jobs": engine.Step}

func of(v reflect.Value, t reflect.Type, key string) *Shape {
	for t.Kind() == reflect.Pointer {
		if v.IsValid() && !v.IsNil() {
			v = v.Elem()
		} else {
			v = reflect.Value{}
		}
		t = t.Elem()
	}
	switch {
	case t == nodeType:
		return &Shape{Kind: Any}
	case t == itemType:
		return &Shape{Kind: Item, ItemKind: itemKinds[key]}
	case t == groupType:
		return &Shape{Kind: Group}
	case reflect.PointerTo(t).Implements(textType):
		return &Shape{Kind: String}
	}
	switch t.Kind() {
	case reflect.String:
		return &Shape{Kind: String}
	case reflect.Bool:
		return &Shape{Kind: Boolean}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &Shape{Kind: Integer}
	case reflect.Float32, reflect.Float64:
		return &Shape{Kind: Number}
	case reflect.Slice, reflect.Array:
		return &Shape{Kind: Array, Elem: of(reflect.Value{}, t.Elem(), key)}
	case reflect.Map:
		return &Shape{Kind: Map, Elem: of(reflect.Value{}, t.Elem(), key)}
	case reflect.Struct:
		if reflect.PointerTo(t).Implements(nodeDecoderType) && !tagged(t) {
			return &Shape{Kind: Any} // decodes itself from more than one form
		}
		return &Shape{Kind: Object, Fields: fields(v, t)}
	}
	return &Shape{Kind: Any}
}

// tagged reports whether a struct's keys are its fields' yaml tags (it
// decodes itself only to keep its node, or to set defaults first).
func tagged(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		if tag := t.Field(i).Tag.Get("yaml"); tag != "" && tag != "-" {
			return true
		}
	}
	return false
}

func fields(v reflect.Value, t reflect.Type) []*Field {
	var out []*Field
	var enums map[string][]string
	if e, ok := reflect.New(t).Interface().(Enumer); ok {
		enums = e.Enums()
	}
	var vkey, vby string
	var variants map[string]*Variant
	if v, ok := reflect.New(t).Interface().(Varianter); ok {
		vkey, vby, variants = v.Variants()
	}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("yaml")
		if tag == "-" || (!sf.IsExported() && !strings.HasSuffix(tag, ",inline")) {
			continue
		}
		var fv reflect.Value
		if v.IsValid() {
			fv = v.Field(i)
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "inline" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
				if fv.IsValid() {
					if fv.IsNil() {
						fv = reflect.Value{}
					} else {
						fv = fv.Elem()
					}
				}
			}
			out = append(out, fields(fv, ft)...)
			continue
		}
		if sf.Type == nodeType || (sf.Type.Kind() == reflect.Pointer && sf.Type.Elem() == nodeType) {
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		f := &Field{Name: name, Shape: of(fv, sf.Type, name)}
		if al := sf.Tag.Get("alias"); al != "" {
			f.Aliases = strings.Split(al, ",")
		}
		rules(f, sf.Tag.Get("validate"))
		if e, ok := enums[name]; ok {
			f.Enum = e
		}
		if name == vkey {
			f.By, f.Variants = vby, variants
		}
		if fv.IsValid() && !fv.IsZero() && f.Shape.Kind != Object {
			f.Default = fv.Interface()
			if fv.Kind() == reflect.Pointer {
				f.Default = fv.Elem().Interface()
			}
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// rules reads the validate tag's rules for the key itself (those after
// "dive" are its elements').
func rules(f *Field, tag string) {
	for _, r := range strings.Split(tag, ",") {
		name, arg, _ := strings.Cut(r, "=")
		switch name {
		case "dive":
			return
		case "required":
			f.Required = true
		case "oneof":
			f.Enum = strings.Fields(arg)
		case "min", "gte":
			if x, err := strconv.ParseFloat(arg, 64); err == nil {
				f.Min = &x
			}
		case "max", "lte":
			if x, err := strconv.ParseFloat(arg, 64); err == nil {
				f.Max = &x
			}
		}
	}
}

// Lookup finds the field at a dotted path ("config.entry").
func (s *Shape) Lookup(path string) *Field {
	var f *Field
	cur := s
	for _, part := range strings.Split(path, ".") {
		f = nil
		for cur != nil && (cur.Kind == Array || cur.Kind == Map) {
			cur = cur.Elem
		}
		if cur == nil {
			return nil
		}
		for _, x := range cur.Fields {
			if x.Name == part {
				f = x
			}
		}
		if f == nil {
			return nil
		}
		cur = f.Shape
	}
	return f
}
