package engine

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ParsePayload turns a schedule payload into the JSON value it stands for.
// A mapping is taken as is; a string must hold a dict, written as JSON or
// as a Python literal ({'secret': 'x', 'n': 1, 'ok': True, 'none': None}),
// as data.all configs do.
func ParsePayload(v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		if _, err := json.Marshal(v); err != nil {
			return nil, fmt.Errorf("payload cannot be written as JSON: %v", err)
		}
		return v, nil
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err == nil {
		if _, isMap := out.(map[string]any); isMap {
			return out, nil
		}
	}
	p := &pyParser{s: s}
	out, err := p.value()
	if err == nil {
		p.space()
		if p.i < len(p.s) {
			err = p.errorf("unexpected %q after the value", p.s[p.i:])
		}
	}
	if err != nil {
		return nil, fmt.Errorf("payload %q is neither JSON nor a Python dict literal: %v", s, err)
	}
	if _, isMap := out.(map[string]any); !isMap {
		return nil, fmt.Errorf("payload %q must be a dict, e.g. \"{'key': 'value'}\"", s)
	}
	return out, nil
}

type pyParser struct {
	s string
	i int
}

func (p *pyParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at character %d: %s", p.i+1, fmt.Sprintf(format, args...))
}

func (p *pyParser) space() {
	for p.i < len(p.s) && unicode.IsSpace(rune(p.s[p.i])) {
		p.i++
	}
}

func (p *pyParser) value() (any, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.dict()
	case c == '[' || c == '(':
		return p.list()
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	}
	for word, val := range map[string]any{"True": true, "False": false, "None": nil, "true": true, "false": false, "null": nil} {
		if strings.HasPrefix(p.s[p.i:], word) {
			p.i += len(word)
			return val, nil
		}
	}
	return nil, p.errorf("unexpected %q", p.s[p.i:p.i+1])
}

func (p *pyParser) dict() (any, error) {
	p.i++ // {
	out := map[string]any{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return out, nil
		}
		k, err := p.value()
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			key = fmt.Sprint(k)
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errorf("expected \":\" after key %q", key)
		}
		p.i++
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		out[key] = val
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return out, nil
		}
		return nil, p.errorf("expected \",\" or \"}\"")
	}
}

func (p *pyParser) list() (any, error) {
	closing := byte(']')
	if p.s[p.i] == '(' {
		closing = ')'
	}
	p.i++
	out := []any{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == closing {
			p.i++
			return out, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == closing {
			p.i++
			return out, nil
		}
		return nil, p.errorf("expected \",\" or %q", string(closing))
	}
}

func (p *pyParser) str() (any, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\\' && p.i+1 < len(p.s):
			p.i++
			switch e := p.s[p.i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
		p.i++
	}
	return nil, p.errorf("unterminated string")
}

func (p *pyParser) number() (any, error) {
	start := p.i
	for p.i < len(p.s) && strings.ContainsRune("+-.0123456789eE_", rune(p.s[p.i])) {
		p.i++
	}
	text := strings.ReplaceAll(p.s[start:p.i], "_", "")
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, p.errorf("%q is not a number", text)
	}
	return f, nil
}
