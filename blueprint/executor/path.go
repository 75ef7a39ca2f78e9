package executor

import (
	"fmt"
	"strconv"
	"strings"
)

// segment is one step of a JSONPath: a field, an index, a wildcard, a
// slice or a union of indexes.
type segment struct {
	kind   byte // 'f' field, 'i' index, '*' wildcard, 's' slice, 'u' union
	field  string
	index  int
	lo, hi *int
	union  []int
}

// parsePath reads the Step Functions subset of JSONPath: $, .name,
// ['name'], [n], [*], [a:b], [n,m].
func parsePath(p string) ([]segment, error) {
	if !strings.HasPrefix(p, "$") {
		return nil, fmt.Errorf("path %q does not start with $", p)
	}
	s := p[1:]
	var out []segment
	for s != "" {
		switch {
		case strings.HasPrefix(s, "."):
			s = s[1:]
			if strings.HasPrefix(s, "*") {
				out = append(out, segment{kind: '*'})
				s = s[1:]
				continue
			}
			i := 0
			for i < len(s) && s[i] != '.' && s[i] != '[' {
				i++
			}
			if i == 0 {
				return nil, fmt.Errorf("path %q: empty field name", p)
			}
			out = append(out, segment{kind: 'f', field: s[:i]})
			s = s[i:]
		case strings.HasPrefix(s, "["):
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed [", p)
			}
			body := strings.TrimSpace(s[1:end])
			s = s[end+1:]
			switch {
			case body == "*":
				out = append(out, segment{kind: '*'})
			case len(body) >= 2 && (body[0] == '\'' || body[0] == '"'):
				out = append(out, segment{kind: 'f', field: body[1 : len(body)-1]})
			case strings.Contains(body, ":"):
				a, b, _ := strings.Cut(body, ":")
				seg := segment{kind: 's'}
				if a = strings.TrimSpace(a); a != "" {
					n, err := strconv.Atoi(a)
					if err != nil {
						return nil, fmt.Errorf("path %q: bad slice %q", p, body)
					}
					seg.lo = &n
				}
				if b = strings.TrimSpace(b); b != "" {
					n, err := strconv.Atoi(b)
					if err != nil {
						return nil, fmt.Errorf("path %q: bad slice %q", p, body)
					}
					seg.hi = &n
				}
				out = append(out, seg)
			case strings.Contains(body, ","):
				seg := segment{kind: 'u'}
				for _, part := range strings.Split(body, ",") {
					n, err := strconv.Atoi(strings.TrimSpace(part))
					if err != nil {
						return nil, fmt.Errorf("path %q: bad index %q", p, part)
					}
					seg.union = append(seg.union, n)
				}
				out = append(out, seg)
			default:
				n, err := strconv.Atoi(body)
				if err != nil {
					return nil, fmt.Errorf("path %q: bad index %q", p, body)
				}
				out = append(out, segment{kind: 'i', index: n})
			}
		default:
			return nil, fmt.Errorf("path %q: unexpected %q", p, s)
		}
	}
	return out, nil
}

// definite reports whether a path selects one value (no wildcard, slice
// or union), as ResultPath and InputPath values are read.
func definite(segs []segment) bool {
	for _, s := range segs {
		if s.kind != 'f' && s.kind != 'i' {
			return false
		}
	}
	return true
}

// get evaluates a path on v; ok is false when nothing matches.
func get(v any, p string) (any, bool, error) {
	segs, err := parsePath(p)
	if err != nil {
		return nil, false, err
	}
	if definite(segs) {
		cur := v
		for _, s := range segs {
			var ok bool
			if cur, ok = step(cur, s); !ok {
				return nil, false, nil
			}
		}
		return cur, true, nil
	}
	results := []any{v}
	for _, s := range segs {
		var next []any
		for _, r := range results {
			next = append(next, expand(r, s)...)
		}
		results = next
	}
	if results == nil {
		results = []any{}
	}
	return results, true, nil
}

func step(v any, s segment) (any, bool) {
	switch s.kind {
	case 'f':
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		x, ok := m[s.field]
		return x, ok
	case 'i':
		a, ok := v.([]any)
		if !ok {
			return nil, false
		}
		i := s.index
		if i < 0 {
			i += len(a)
		}
		if i < 0 || i >= len(a) {
			return nil, false
		}
		return a[i], true
	}
	return nil, false
}

func expand(v any, s segment) []any {
	switch s.kind {
	case 'f', 'i':
		if x, ok := step(v, s); ok {
			return []any{x}
		}
		return nil
	case '*':
		switch x := v.(type) {
		case []any:
			return x
		case map[string]any:
			var out []any
			for _, k := range sortedKeys(x) {
				out = append(out, x[k])
			}
			return out
		}
	case 's':
		a, ok := v.([]any)
		if !ok {
			return nil
		}
		lo, hi := 0, len(a)
		if s.lo != nil {
			lo = clamp(*s.lo, len(a))
		}
		if s.hi != nil {
			hi = clamp(*s.hi, len(a))
		}
		if lo >= hi {
			return nil
		}
		return a[lo:hi]
	case 'u':
		a, ok := v.([]any)
		if !ok {
			return nil
		}
		var out []any
		for _, i := range s.union {
			if x, ok := step(a, segment{kind: 'i', index: i}); ok {
				out = append(out, x)
			}
		}
		return out
	}
	return nil
}

func clamp(i, n int) int {
	if i < 0 {
		i += n
	}
	if i < 0 {
		return 0
	}
	if i > n {
		return n
	}
	return i
}

// set returns v with value placed at a definite path, creating objects on
// the way; "$" replaces v.
func set(v any, p string, value any) (any, error) {
	segs, err := parsePath(p)
	if err != nil {
		return nil, err
	}
	if len(segs) == 0 {
		return value, nil
	}
	for _, s := range segs {
		if s.kind != 'f' {
			return nil, fmt.Errorf("ResultPath %q must name fields only", p)
		}
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("ResultPath %q needs an object input; got %s", p, kindOf(v))
	}
	out := cloneMap(root)
	cur := out
	for i, s := range segs {
		if i == len(segs)-1 {
			cur[s.field] = value
			break
		}
		next, ok := cur[s.field].(map[string]any)
		if !ok {
			if _, exists := cur[s.field]; exists {
				return nil, fmt.Errorf("ResultPath %q crosses a %s", p, kindOf(cur[s.field]))
			}
			next = map[string]any{}
		} else {
			next = cloneMap(next)
		}
		cur[s.field] = next
		cur = next
	}
	return out, nil
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	return "number"
}
