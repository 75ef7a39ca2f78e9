package executor

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math"
	"strings"
)

// argument of an intrinsic call, parsed.
type arg struct {
	lit  any    // a literal
	path string // a $ or $$ path
	call *call  // a nested call
}

type call struct {
	name string
	args []arg
}

// parseCall reads "States.Name(arg, …)".
func parseCall(s string) (*call, error) {
	p := &callParser{s: s}
	c, err := p.call()
	if err != nil {
		return nil, fmt.Errorf("intrinsic %q: %w", s, err)
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("intrinsic %q: unexpected %q", s, p.s[p.i:])
	}
	return c, nil
}

type callParser struct {
	s string
	i int
}

func (p *callParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *callParser) call() (*call, error) {
	p.space()
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != '(' {
		p.i++
	}
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("missing (")
	}
	c := &call{name: strings.TrimSpace(p.s[start:p.i])}
	if !strings.HasPrefix(c.name, "States.") {
		return nil, fmt.Errorf("%q is not an intrinsic function", c.name)
	}
	p.i++ // (
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ')' {
			p.i++
			return c, nil
		}
		a, err := p.arg()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, a)
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == ')' {
			p.i++
			return c, nil
		}
		return nil, fmt.Errorf("expected , or )")
	}
}

func (p *callParser) arg() (arg, error) {
	p.space()
	if p.i >= len(p.s) {
		return arg{}, fmt.Errorf("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '\'':
		var b strings.Builder
		p.i++
		for p.i < len(p.s) && p.s[p.i] != '\'' {
			if p.s[p.i] == '\\' && p.i+1 < len(p.s) {
				p.i++
			}
			b.WriteByte(p.s[p.i])
			p.i++
		}
		if p.i >= len(p.s) {
			return arg{}, fmt.Errorf("unterminated string")
		}
		p.i++
		return arg{lit: b.String()}, nil
	case c == '$':
		start := p.i
		depth := 0
		for p.i < len(p.s) {
			ch := p.s[p.i]
			if ch == '[' {
				depth++
			} else if ch == ']' {
				depth--
			} else if depth == 0 && (ch == ',' || ch == ')') {
				break
			}
			p.i++
		}
		return arg{path: strings.TrimSpace(p.s[start:p.i])}, nil
	case strings.HasPrefix(p.s[p.i:], "States."):
		c, err := p.call()
		return arg{call: c}, err
	default:
		start := p.i
		for p.i < len(p.s) && p.s[p.i] != ',' && p.s[p.i] != ')' {
			p.i++
		}
		word := strings.TrimSpace(p.s[start:p.i])
		var v any
		if err := json.Unmarshal([]byte(word), &v); err != nil {
			return arg{}, fmt.Errorf("bad argument %q", word)
		}
		return arg{lit: v}, nil
	}
}

// eval runs an intrinsic call against the input and context.
func (e *execution) eval(c *call, input, ctx any) (any, error) {
	var args []any
	for _, a := range c.args {
		switch {
		case a.call != nil:
			v, err := e.eval(a.call, input, ctx)
			if err != nil {
				return nil, err
			}
			args = append(args, v)
		case a.path != "":
			v, err := resolve(a.path, input, ctx)
			if err != nil {
				return nil, err
			}
			args = append(args, v)
		default:
			args = append(args, a.lit)
		}
	}
	need := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("%s takes %d arguments; got %d", c.name, n, len(args))
		}
		return nil
	}
	str := func(i int) (string, error) {
		s, ok := args[i].(string)
		if !ok {
			return "", fmt.Errorf("%s: argument %d must be a string; got %s", c.name, i+1, kindOf(args[i]))
		}
		return s, nil
	}
	switch c.name {
	case "States.Format":
		if len(args) == 0 {
			return nil, fmt.Errorf("States.Format needs a template")
		}
		tmpl, err := str(0)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		n := 1
		for i := 0; i < len(tmpl); i++ {
			if tmpl[i] == '{' && i+1 < len(tmpl) && tmpl[i+1] == '}' {
				if n >= len(args) {
					return nil, fmt.Errorf("States.Format: more {} than arguments")
				}
				b.WriteString(formatArg(args[n]))
				n++
				i++
				continue
			}
			b.WriteByte(tmpl[i])
		}
		if n != len(args) {
			return nil, fmt.Errorf("States.Format: %d arguments for %d {}", len(args)-1, n-1)
		}
		return b.String(), nil
	case "States.StringToJson":
		if err := need(1); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, fmt.Errorf("States.StringToJson: %v", err)
		}
		return normalize(v), nil
	case "States.JsonToString":
		if err := need(1); err != nil {
			return nil, err
		}
		b, err := json.Marshal(args[0])
		return string(b), err
	case "States.Array":
		if args == nil {
			args = []any{}
		}
		return args, nil
	case "States.ArrayPartition":
		if err := need(2); err != nil {
			return nil, err
		}
		a, ok := args[0].([]any)
		size, ok2 := args[1].(float64)
		if !ok || !ok2 || size < 1 {
			return nil, fmt.Errorf("States.ArrayPartition takes an array and a positive size")
		}
		out := []any{}
		for i := 0; i < len(a); i += int(size) {
			out = append(out, a[i:min(len(a), i+int(size))])
		}
		return out, nil
	case "States.ArrayContains":
		if err := need(2); err != nil {
			return nil, err
		}
		a, ok := args[0].([]any)
		if !ok {
			return nil, fmt.Errorf("States.ArrayContains takes an array")
		}
		for _, x := range a {
			if equal(x, args[1]) {
				return true, nil
			}
		}
		return false, nil
	case "States.ArrayRange":
		if err := need(3); err != nil {
			return nil, err
		}
		lo, ok1 := args[0].(float64)
		hi, ok2 := args[1].(float64)
		st, ok3 := args[2].(float64)
		if !ok1 || !ok2 || !ok3 || st <= 0 {
			return nil, fmt.Errorf("States.ArrayRange takes three numbers, the step above zero")
		}
		out := []any{}
		for x := lo; x <= hi; x += st {
			out = append(out, x)
			if len(out) > 1000 {
				return nil, fmt.Errorf("States.ArrayRange: more than 1000 items")
			}
		}
		return out, nil
	case "States.ArrayGetItem":
		if err := need(2); err != nil {
			return nil, err
		}
		a, ok := args[0].([]any)
		i, ok2 := args[1].(float64)
		if !ok || !ok2 || i < 0 || int(i) >= len(a) {
			return nil, fmt.Errorf("States.ArrayGetItem: no item %v", args[1])
		}
		return a[int(i)], nil
	case "States.ArrayLength":
		if err := need(1); err != nil {
			return nil, err
		}
		a, ok := args[0].([]any)
		if !ok {
			return nil, fmt.Errorf("States.ArrayLength takes an array")
		}
		return float64(len(a)), nil
	case "States.ArrayUnique":
		if err := need(1); err != nil {
			return nil, err
		}
		a, ok := args[0].([]any)
		if !ok {
			return nil, fmt.Errorf("States.ArrayUnique takes an array")
		}
		out := []any{}
		for _, x := range a {
			dup := false
			for _, y := range out {
				dup = dup || equal(x, y)
			}
			if !dup {
				out = append(out, x)
			}
		}
		return out, nil
	case "States.Base64Encode", "States.Base64Decode":
		if err := need(1); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		if c.name == "States.Base64Encode" {
			return base64.StdEncoding.EncodeToString([]byte(s)), nil
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("States.Base64Decode: %v", err)
		}
		return string(b), nil
	case "States.Hash":
		if err := need(2); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		algo, _ := args[1].(string)
		var h hash.Hash
		switch algo {
		case "MD5":
			h = md5.New()
		case "SHA-1":
			h = sha1.New()
		case "SHA-256":
			h = sha256.New()
		case "SHA-384":
			h = sha512.New384()
		case "SHA-512":
			h = sha512.New()
		default:
			return nil, fmt.Errorf("States.Hash: unknown algorithm %q", algo)
		}
		h.Write([]byte(s))
		return hex.EncodeToString(h.Sum(nil)), nil
	case "States.JsonMerge":
		if err := need(3); err != nil {
			return nil, err
		}
		a, ok1 := args[0].(map[string]any)
		b, ok2 := args[1].(map[string]any)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("States.JsonMerge takes two objects")
		}
		out := cloneMap(a)
		for k, v := range b {
			out[k] = v
		}
		return out, nil
	case "States.MathRandom":
		if len(args) < 2 {
			return nil, fmt.Errorf("States.MathRandom takes a start and an end")
		}
		lo, ok1 := args[0].(float64)
		hi, ok2 := args[1].(float64)
		if !ok1 || !ok2 || hi <= lo {
			return nil, fmt.Errorf("States.MathRandom: bad range")
		}
		return math.Floor(lo + e.opts.Random()*(hi-lo)), nil
	case "States.MathAdd":
		if err := need(2); err != nil {
			return nil, err
		}
		a, ok1 := args[0].(float64)
		b, ok2 := args[1].(float64)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("States.MathAdd takes two numbers")
		}
		return a + b, nil
	case "States.StringSplit":
		if err := need(2); err != nil {
			return nil, err
		}
		s, err := str(0)
		if err != nil {
			return nil, err
		}
		sep, err := str(1)
		if err != nil {
			return nil, err
		}
		out := []any{}
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(sep, r) }) {
			out = append(out, part)
		}
		return out, nil
	case "States.UUID":
		return e.opts.UUID(), nil
	}
	return nil, fmt.Errorf("unknown intrinsic function %s", c.name)
}

// formatArg writes a States.Format argument: strings as they are, other
// values as JSON.
func formatArg(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%d", int64(f))
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// equal compares JSON values.
func equal(a, b any) bool {
	x, err1 := json.Marshal(normalize(a))
	y, err2 := json.Marshal(normalize(b))
	return err1 == nil && err2 == nil && string(x) == string(y)
}
