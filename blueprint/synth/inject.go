package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Injection: an engine may write the resources of an item as
// CloudFormation JSON itself, and synth adds them to the stack's template
// once CDK has written it. Every construct made over jsii costs calls, and
// each call that makes or returns an object costs more than the CDK work
// behind it; the step functions of a large pipeline, hundreds of
// resources, cost most of a synth. Written in Go they cost nothing there.
//
// Only a stack without nested stacks takes injected resources (a
// reference across nested stacks needs CDK's wiring), and only in a plain
// synth: cdk-nag checks the constructs CDK builds, so a checked synth
// builds them all. What refers to an injected resource (the state
// machine's definition and policy) holds a marker from InjectedRef, which
// synth replaces in the written template by the intrinsic, as CDK writes
// a token: {"Fn::GetAtt": [id, attr]} or {"Ref": id}, joined into the
// string around it.

// injection collects the stacks of one synth that take injected resources.
type injection struct {
	stacks []*Stack
}

type injected struct {
	id       string
	resource any
}

// Injecting is true when the stack takes injected resources.
func (s *Stack) Injecting() bool { return s.injectTo != "" }

// Inject adds a resource, under its logical ID, to the stack's template.
func (s *Stack) Inject(logicalID string, resource any) {
	s.injected = append(s.injected, injected{logicalID, resource})
}

// InjectedRef stands for an attribute of an injected resource (its Ref
// when attr is ""). The marker is longer than what it becomes, a
// Fn::Join of the intrinsic and the text around it included, so that
// CDK's size estimates (where a role's policy is split) stay safe.
func (s *Stack) InjectedRef(logicalID, attr string) *string {
	v := markerPrefix + logicalID + ":" + attr + ":" + markerPad + "}"
	return &v
}

// Value is the CloudFormation JSON CDK writes in this stack for a token
// (an asset's bucket: {"Fn::Sub": …}), or the string itself.
func (s *Stack) Value(token *string) any {
	return s.Stack.Resolve(token)
}

const (
	markerPrefix = "${blueprint-injected-resource:"
	markerPad    = "________________________"
)

var marker = regexp.MustCompile(`\$\{blueprint-injected-resource:([A-Za-z0-9]+):([A-Za-z0-9.]*):_*\}`)

// apply adds every stack's injected resources to its template in dir.
func (in *injection) apply(dir string) error {
	for _, st := range in.stacks {
		if len(st.injected) == 0 {
			continue
		}
		path := filepath.Join(dir, st.injectTo)
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		tmpl, err := decodeOrdered(raw)
		if err != nil {
			return fmt.Errorf("internal error: read %s: %w", st.injectTo, err)
		}
		top, ok := tmpl.(*object)
		if !ok {
			return fmt.Errorf("internal error: %s is not a template", st.injectTo)
		}
		res, _ := top.get("Resources").(*object)
		if res == nil {
			res = &object{}
			top.set("Resources", res)
		}
		for _, r := range st.injected {
			if res.get(r.id) != nil {
				return fmt.Errorf("internal error: logical ID %s is taken in %s", r.id, st.injectTo)
			}
			res.set(r.id, toOrdered(r.resource))
		}
		out := replaceMarkers(tmpl)
		var b bytes.Buffer
		writeJS(&b, out, 0)
		if m := marker.Find(b.Bytes()); m != nil {
			return fmt.Errorf("internal error: %s is left in %s", m, st.injectTo)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return err
		}
		if err := rehash(dir, raw, b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// rehash renames the template's own asset: CDK names it after the SHA-256
// of what it wrote (the object key the CLI uploads it under, skipping the
// upload when the key exists), so the assets and the manifest name the
// hash of the template as injected.
func rehash(dir string, before, after []byte) error {
	was, now := sha256.Sum256(before), sha256.Sum256(after)
	old, fresh := []byte(hex.EncodeToString(was[:])), []byte(hex.EncodeToString(now[:]))
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".template.json") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if bytes.Contains(raw, old) {
			if err := os.WriteFile(f, bytes.ReplaceAll(raw, old, fresh), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// replaceMarkers turns each string holding markers into the intrinsics
// they stand for, splicing them into an enclosing Fn::Join on "" as CDK
// writes a token in a string.
func replaceMarkers(v any) any {
	switch v := v.(type) {
	case string:
		parts := splitMarkers(v)
		if len(parts) == 1 {
			return parts[0]
		}
		return joinOf(parts)
	case []any:
		for i := range v {
			v[i] = replaceMarkers(v[i])
		}
		return v
	case *object:
		if len(v.keys) == 1 && v.keys[0] == "Fn::Join" {
			if args, ok := v.vals[0].([]any); ok && len(args) == 2 && args[0] == "" {
				if list, ok := args[1].([]any); ok && hasMarker(list) {
					var parts []any
					for _, e := range list {
						if s, ok := e.(string); ok {
							parts = append(parts, splitMarkers(s)...)
						} else {
							parts = append(parts, replaceMarkers(e))
						}
					}
					return joinOf(parts)
				}
			}
		}
		for i := range v.vals {
			v.vals[i] = replaceMarkers(v.vals[i])
		}
		return v
	}
	return v
}

// hasMarker is true when a string of list holds a marker: a join CDK
// wrote without one stays as it is.
func hasMarker(list []any) bool {
	for _, e := range list {
		if s, ok := e.(string); ok && marker.MatchString(s) {
			return true
		}
	}
	return false
}

// splitMarkers is s as literal strings and intrinsics, in order.
func splitMarkers(s string) []any {
	ms := marker.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return []any{s}
	}
	var parts []any
	at := 0
	for _, m := range ms {
		if m[0] > at {
			parts = append(parts, s[at:m[0]])
		}
		id, attr := s[m[2]:m[3]], s[m[4]:m[5]]
		if attr == "" {
			parts = append(parts, &object{keys: []string{"Ref"}, vals: []any{id}})
		} else {
			parts = append(parts, &object{keys: []string{"Fn::GetAtt"}, vals: []any{[]any{id, attr}}})
		}
		at = m[1]
	}
	if at < len(s) {
		parts = append(parts, s[at:])
	}
	return parts
}

// joinOf is CDK's minimal Fn::Join on "": adjacent strings merged, and a
// single part written bare.
func joinOf(parts []any) any {
	var out []any
	for _, p := range parts {
		if s, ok := p.(string); ok {
			if s == "" {
				continue
			}
			if n := len(out); n > 0 {
				if prev, ok := out[n-1].(string); ok {
					out[n-1] = prev + s
					continue
				}
			}
		}
		out = append(out, p)
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0]
	}
	return &object{keys: []string{"Fn::Join"}, vals: []any{[]any{"", out}}}
}

// object is a JSON object that keeps its keys' order, so that a template
// written back is CDK's but for what was changed.
type object struct {
	keys []string
	vals []any
}

func (o *object) get(k string) any {
	for i, key := range o.keys {
		if key == k {
			return o.vals[i]
		}
	}
	return nil
}

func (o *object) set(k string, v any) {
	for i, key := range o.keys {
		if key == k {
			o.vals[i] = v
			return
		}
	}
	o.keys, o.vals = append(o.keys, k), append(o.vals, v)
}

func decodeOrdered(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the template")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.keys, o.vals = append(o.keys, k.(string)), append(o.vals, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return t, nil
}

// toOrdered turns what an engine built (maps, slices, strings, numbers)
// into ordered values, map keys sorted: CDK writes a resource's
// properties in that order too.
func toOrdered(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("internal error: an injected resource is not JSON: %v", err))
	}
	o, err := decodeOrdered(raw)
	if err != nil {
		panic(fmt.Sprintf("internal error: %v", err))
	}
	return o
}

// writeJS writes v as node's JSON.stringify(v, null, 1) does, as CDK
// writes templates.
func writeJS(b *bytes.Buffer, v any, depth int) {
	indent := func(d int) {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", d))
	}
	switch v := v.(type) {
	case *object:
		if len(v.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			writeJSString(b, k)
			b.WriteString(": ")
			writeJS(b, v.vals[i], depth+1)
		}
		indent(depth)
		b.WriteByte('}')
	case []any:
		if len(v) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			writeJS(b, e, depth+1)
		}
		indent(depth)
		b.WriteByte(']')
	case string:
		writeJSString(b, v)
	case json.Number:
		b.WriteString(v.String())
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case nil:
		b.WriteString("null")
	default:
		panic(fmt.Sprintf("internal error: %T in a template", v))
	}
}

// writeJSString escapes as JSON.stringify: quote, backslash and control
// characters only.
func writeJSString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
