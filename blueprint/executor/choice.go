package executor

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
)

// matches evaluates a choice rule against the state's input.
func matches(r *asl.ChoiceRule, input any) (bool, error) {
	switch {
	case r.And != nil:
		for _, x := range r.And {
			ok, err := matches(x, input)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case r.Or != nil:
		for _, x := range r.Or {
			ok, err := matches(x, input)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case r.Not != nil:
		ok, err := matches(r.Not, input)
		return !ok, err
	}
	if len(r.Comparison) != 1 {
		return false, fmt.Errorf("a choice rule needs exactly one comparison; got %d", len(r.Comparison))
	}
	var op string
	var operand any
	for k, v := range r.Comparison {
		op, operand = k, normalize(v)
	}
	value, present, err := get(input, r.Variable)
	if err != nil {
		return false, err
	}
	switch op {
	case "IsPresent":
		return present == truthy(operand), nil
	case "IsNull":
		return (present && value == nil) == truthy(operand), nil
	}
	if !present {
		return false, fmt.Errorf("Variable %q matches nothing in the input", r.Variable)
	}
	switch op {
	case "IsNumeric":
		_, ok := value.(float64)
		return ok == truthy(operand), nil
	case "IsString":
		_, ok := value.(string)
		return ok == truthy(operand), nil
	case "IsBoolean":
		_, ok := value.(bool)
		return ok == truthy(operand), nil
	case "IsTimestamp":
		_, ok := timestamp(value)
		return ok == truthy(operand), nil
	}
	if strings.HasSuffix(op, "Path") {
		p, ok := operand.(string)
		if !ok {
			return false, fmt.Errorf("%s takes a path", op)
		}
		v, found, err := get(input, p)
		if err != nil {
			return false, err
		}
		if !found {
			return false, fmt.Errorf("%s: %q matches nothing in the input", op, p)
		}
		op, operand = strings.TrimSuffix(op, "Path"), v
	}
	switch {
	case op == "BooleanEquals":
		a, ok1 := value.(bool)
		b, ok2 := operand.(bool)
		return ok1 && ok2 && a == b, nil
	case op == "StringMatches":
		a, ok1 := value.(string)
		b, ok2 := operand.(string)
		return ok1 && ok2 && wildcard(b).MatchString(a), nil
	case strings.HasPrefix(op, "String"):
		a, ok1 := value.(string)
		b, ok2 := operand.(string)
		if !ok1 || !ok2 {
			return false, nil
		}
		return compare(strings.Compare(a, b), strings.TrimPrefix(op, "String"))
	case strings.HasPrefix(op, "Numeric"):
		a, ok1 := value.(float64)
		b, ok2 := operand.(float64)
		if !ok1 || !ok2 {
			return false, nil
		}
		c := 0
		if a < b {
			c = -1
		} else if a > b {
			c = 1
		}
		return compare(c, strings.TrimPrefix(op, "Numeric"))
	case strings.HasPrefix(op, "Timestamp"):
		a, ok1 := timestamp(value)
		b, ok2 := timestamp(operand)
		if !ok1 || !ok2 {
			return false, nil
		}
		return compare(a.Compare(b), strings.TrimPrefix(op, "Timestamp"))
	}
	return false, fmt.Errorf("unknown comparison operator %q", op)
}

func compare(c int, rel string) (bool, error) {
	switch rel {
	case "Equals":
		return c == 0, nil
	case "LessThan":
		return c < 0, nil
	case "GreaterThan":
		return c > 0, nil
	case "LessThanEquals":
		return c <= 0, nil
	case "GreaterThanEquals":
		return c >= 0, nil
	}
	return false, fmt.Errorf("unknown comparison %q", rel)
}

func truthy(v any) bool { b, _ := v.(bool); return b }

func timestamp(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// wildcard compiles StringMatches' pattern: * matches anything, \* a star.
func wildcard(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '\\' && i+1 < len(p):
			i++
			b.WriteString(regexp.QuoteMeta(string(p[i])))
		case p[i] == '*':
			b.WriteString(".*")
		default:
			b.WriteString(regexp.QuoteMeta(string(p[i])))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
