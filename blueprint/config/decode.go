package config

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/yamlvalue"
)

// NodeDecoder is implemented by types that decode themselves from a node,
// e.g. a value that may be written as a string or as a list.
type NodeDecoder interface {
	DecodeNode(d *Decoder, n *yaml.Node, path string)
}

// Decoder decodes yaml nodes into structs strictly: unknown keys, duplicate
// keys and wrongly typed values become diagnostics at their position, and
// decoding goes on so that every problem is reported at once.
type Decoder struct {
	Source *Source
	Diags  diag.List
	// nodes remembers the node decoded at each path, so validator errors,
	// which only know paths, can be placed.
	nodes map[string]*yaml.Node
	// broken holds paths whose value had the wrong shape: checks below
	// them ("is required") would only repeat the problem.
	broken map[string]bool
	// unit is the unit of the key being decoded, for its messages.
	unit string
	// outer are the mappings being decoded around the current one, so a
	// key indented into the wrong one can be sent back where it belongs.
	outer []outerMapping
}

type outerMapping struct {
	n      *yaml.Node
	path   string
	fields fieldSet
}

// NewDecoder returns a decoder reporting positions in src.
func NewDecoder(src *Source) *Decoder {
	return &Decoder{Source: src, nodes: map[string]*yaml.Node{}, broken: map[string]bool{}}
}

// Pos returns the position of n in the user's file.
func (d *Decoder) Pos(n *yaml.Node) diag.Pos {
	if d.Source == nil || n == nil {
		return diag.Pos{}
	}
	return d.Source.Pos(n.Line, n.Column)
}

// Errorf reports an error at n.
func (d *Decoder) Errorf(n *yaml.Node, path, format string, args ...any) *diag.Diagnostic {
	dg := d.at(n, path, format, args...)
	d.Diags.Add(dg)
	return &d.Diags[len(d.Diags)-1]
}

// Warnf reports a warning at n.
func (d *Decoder) Warnf(n *yaml.Node, path, format string, args ...any) {
	d.Diags.Add(d.at(n, path, format, args...).AsWarning())
}

func (d *Decoder) at(n *yaml.Node, path, format string, args ...any) diag.Diagnostic {
	dg := diag.At(d.Pos(n), path, format, args...)
	if d.Source != nil && n != nil {
		dg.Source = d.Source.SourceLine(n.Line)
	}
	return dg
}

// Node returns the node decoded at path, or the closest decoded ancestor.
func (d *Decoder) Node(path string) *yaml.Node {
	for p := path; ; {
		if n, ok := d.nodes[p]; ok {
			return n
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			return d.nodes[""]
		}
		p = p[:i]
	}
}

// Broken reports whether path or one of its parents had the wrong shape.
func (d *Decoder) Broken(path string) bool {
	for p := path; ; {
		if d.broken[p] {
			return true
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			return false
		}
		p = p[:i]
	}
}

// Remember records n as the node at path; Decode does it for every value.
func (d *Decoder) Remember(path string, n *yaml.Node) {
	if _, ok := d.nodes[path]; !ok {
		d.nodes[path] = n
	}
}

// Decode decodes n into out, a non-nil pointer. Values already in out are
// defaults and stay where the yaml says nothing.
func (d *Decoder) Decode(n *yaml.Node, out any, path string) {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		panic(fmt.Sprintf("config: Decode needs a non-nil pointer, got %T", out))
	}
	if n != nil && n.Kind == yaml.DocumentNode && !d.CheckDocument(n) {
		return
	}
	d.decode(resolve(n), v.Elem(), path)
}

var (
	nodeType        = reflect.TypeOf(yaml.Node{})
	nodeDecoderType = reflect.TypeOf((*NodeDecoder)(nil)).Elem()
	textType        = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

// resolve follows aliases and unwraps documents.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case yaml.AliasNode:
			n = n.Alias
		case 0:
			return nil // the document of an empty file
		default:
			return n
		}
	}
	return nil
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func (d *Decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if n == nil {
		return
	}
	d.Remember(path, n)
	if v.CanAddr() && v.Addr().Type().Implements(nodeDecoderType) {
		v.Addr().Interface().(NodeDecoder).DecodeNode(d, n, path)
		return
	}
	if v.Type() == nodeType {
		v.Set(reflect.ValueOf(*n))
		return
	}
	if isNull(n) && v.Kind() != reflect.Interface {
		// An explicit null keeps the default, as an absent key would.
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Interface:
		x, err := yamlvalue.Decode(n)
		if err != nil {
			d.Errorf(n, path, "%s", cleanYAMLError(err))
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.decodeScalar(n, v, path)
	}
}

func (d *Decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, path, "must be a mapping of keys to values; got %s", describe(n))
		d.broken[path] = true
		return
	}
	fields := structFields(v.Type())
	d.outer = append(d.outer, outerMapping{n: n, path: path, fields: fields})
	defer func() { d.outer = d.outer[:len(d.outer)-1] }()
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], resolve(n.Content[i+1])
		key := k.Value
		kp := join(path, key)
		if first, dup := seen[key]; dup {
			d.Errorf(k, kp, "duplicate key %q", key).Hint = fmt.Sprintf("first set on line %d", d.Pos(first).Line)
			continue
		}
		seen[key] = k
		f, ok := fields.byName[key]
		if !ok {
			dg := d.Errorf(k, kp, "unknown key %q", key)
			if s := diag.Suggest(key, fields.names); s != "" {
				dg.Hint = fmt.Sprintf("did you mean %q?", s)
			} else if h := d.indentedInto(k, key); h != "" {
				dg.Hint = h
			} else {
				dg.Hint = "known keys: " + strings.Join(fields.names, ", ")
			}
			continue
		}
		if f.deprecated != "" {
			d.Warnf(k, kp, "%q is deprecated; write %q", key, f.deprecated)
		}
		d.unit = f.unit
		d.decode(val, fieldByIndex(v, f.index), join(path, f.name))
		d.unit = ""
	}
}

// indentedInto explains an unknown key that an enclosing mapping takes and
// has not set: the key was indented into the wrong block.
func (d *Decoder) indentedInto(k *yaml.Node, key string) string {
	for i := len(d.outer) - 2; i >= 0; i-- {
		o := d.outer[i]
		if _, ok := o.fields.byName[key]; !ok || len(o.n.Content) == 0 {
			continue
		}
		for j := 0; j+1 < len(o.n.Content); j += 2 {
			if o.n.Content[j].Value == key {
				return ""
			}
		}
		first := o.n.Content[0]
		where := "the top level"
		if o.path != "" {
			where = o.path
		}
		return fmt.Sprintf("indentation: %q is a key of %s, whose keys are at column %d (line %d): move it %s left",
			key, where, first.Column, d.Pos(first).Line, spaces(k.Column-first.Column))
	}
	return ""
}

func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return fmt.Sprintf("%d spaces", n)
}

func fieldByIndex(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

func (d *Decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.Errorf(n, path, "must be a list; got %s", describe(n))
		d.broken[path] = true
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	elem := v.Type().Elem()
	for elem.Kind() == reflect.Pointer {
		elem = elem.Elem()
	}
	for i, c := range n.Content {
		c = resolve(c)
		ip := fmt.Sprintf("%s[%d]", path, i)
		// An empty "-" entry of a list of mappings is a mistake (often a
		// half-deleted item), not something to skip silently.
		if isNull(c) && elem.Kind() == reflect.Struct {
			d.Errorf(c, ip, "is an empty entry").Hint = "remove the \"-\" or fill in the entry"
			d.broken[ip] = true
			continue
		}
		d.decode(c, s.Index(i), ip)
	}
	v.Set(s)
}

func (d *Decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, path, "must be a mapping of keys to values; got %s", describe(n))
		return
	}
	if v.Type().Key().Kind() != reflect.String {
		panic("config: only string-keyed maps are supported")
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], resolve(n.Content[i+1])
		if seen[k.Value] {
			d.Errorf(k, join(path, k.Value), "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		e := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, e, join(path, k.Value))
		v.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
	}
}

func (d *Decoder) decodeScalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.Errorf(n, path, "must be %s; got %s", kindName(v.Type()), describe(n))
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(textType) {
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.Errorf(n, path, "%v", err)
		}
		return
	}
	s := n.Value
	switch v.Kind() {
	case reflect.String:
		// Numbers and booleans are accepted as strings: data.all configs
		// write `version: 1.2` and `timeout: "300"` interchangeably.
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.ToLower(s))
		if err != nil || (n.Tag != "!!bool" && n.Tag != "!!str") {
			d.Errorf(n, path, "must be true or false; got %s", describe(n))
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(s, 64)
			if ferr != nil || f != math.Trunc(f) || n.Tag == "!!bool" {
				if d.unit != "" {
					d.Errorf(n, path, "must be a whole number of %s; got %s", d.unit, describe(n)).Hint = Convert(s, d.unit, path)
					return
				}
				d.Errorf(n, path, "must be a whole number; got %s", describe(n))
				return
			}
			i = int64(f)
		}
		if v.OverflowInt(i) {
			d.Errorf(n, path, "number %s is too large", s)
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		i, err := strconv.ParseUint(s, 0, 64)
		if err != nil || v.OverflowUint(i) {
			d.Errorf(n, path, "must be a whole number of zero or more; got %s", describe(n))
			return
		}
		v.SetUint(i)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || n.Tag == "!!bool" {
			d.Errorf(n, path, "must be a number; got %s", describe(n))
			return
		}
		v.SetFloat(f)
	default:
		panic(fmt.Sprintf("config: unsupported field kind %s at %s", v.Kind(), path))
	}
}

// Describe names what the user wrote at n, for "must be X; got Y" messages.
func Describe(n *yaml.Node) string { return describe(n) }

// describe names what the user wrote, for "must be X; got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!null":
		return "nothing"
	case "!!str":
		return strconv.Quote(n.Value)
	}
	return n.Value
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a single value"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

type field struct {
	name       string
	index      []int
	deprecated string // set on alias names: the preferred name
	unit       string // the unit tag: "MB", "seconds"
}

type fieldSet struct {
	byName map[string]field
	names  []string // preferred names only, sorted, for suggestions
}

// structFields lists the yaml names of a struct, following `yaml:",inline"`
// embeddings. A `yaml:"a"` field may also carry `alias:"b,c"`: other names
// accepted for it (data.all spells some keys two ways).
func structFields(t reflect.Type) fieldSet {
	fs := fieldSet{byName: map[string]field{}}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() && !sf.Anonymous {
				continue
			}
			tag := sf.Tag.Get("yaml")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), index...), i)
			if opts == "inline" {
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				walk(ft, idx)
				continue
			}
			if name == "" {
				name = strings.ToLower(sf.Name)
			}
			unit := sf.Tag.Get("unit")
			fs.byName[name] = field{name: name, index: idx, unit: unit}
			fs.names = append(fs.names, name)
			if al := sf.Tag.Get("alias"); al != "" {
				for _, a := range strings.Split(al, ",") {
					fs.byName[a] = field{name: name, index: idx, unit: unit}
				}
			}
		}
	}
	walk(t, nil)
	sort.Strings(fs.names)
	return fs
}

// KeysOf lists the yaml keys a spec struct accepts, for `blueprint list`.
func KeysOf(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	return structFields(t).names
}

func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: ")
	return s
}

// KeyPaths lists the keys a spec accepts, nested ones as "config.entry",
// for `blueprint list`.
func KeyPaths(v any) []string {
	var out []string
	var walk func(t reflect.Type, prefix string, depth int)
	walk = func(t reflect.Type, prefix string, depth int) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || depth > 3 || t == nodeType {
			return
		}
		fs := structFields(t)
		for _, name := range fs.names {
			f := fs.byName[name]
			ft := t.FieldByIndex(f.index).Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			// Shared shapes (retry, groups) are documented once, not per type.
			shared := ft == reflect.TypeOf(Retry{}) || ft == reflect.TypeOf(Catch{}) || ft == reflect.TypeOf(Group{})
			if ft.Kind() == reflect.Struct && ft != nodeType && !shared && !reflect.PointerTo(ft).Implements(nodeDecoderType) {
				walk(ft, prefix+name+".", depth+1)
				continue
			}
			out = append(out, prefix+name)
		}
	}
	walk(reflect.TypeOf(v), "", 0)
	return out
}
