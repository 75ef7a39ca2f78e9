package engine

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// CheckSchedule checks an EventBridge schedule expression: cron(…) with
// six fields or rate(…).
func CheckSchedule(expr string) error {
	expr = strings.TrimSpace(expr)
	switch {
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		return checkCron(expr[5 : len(expr)-1])
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		return checkRate(expr[5 : len(expr)-1])
	}
	return fmt.Errorf("schedule %q must be cron(minutes hours day-of-month month day-of-week year) or rate(value unit), e.g. \"cron(0 22 * * ? *)\"", expr)
}

type cronField struct {
	name     string
	min, max int
	names    []string // JAN..DEC, SUN..SAT: index+min is the value
	extra    string   // characters allowed beyond digits , - * /
}

var cronFields = []cronField{
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31, extra: "?LW"},
	{name: "month", min: 1, max: 12, names: strings.Fields("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC")},
	{name: "day-of-week", min: 1, max: 7, names: strings.Fields("SUN MON TUE WED THU FRI SAT"), extra: "?L#"},
	{name: "year", min: 1970, max: 2199},
}

func checkCron(body string) error {
	parts := strings.Fields(body)
	if len(parts) != 6 {
		return fmt.Errorf("cron(%s) has %d fields; EventBridge needs 6: minutes hours day-of-month month day-of-week year, e.g. cron(0 22 * * ? *)", body, len(parts))
	}
	for i, f := range cronFields {
		if err := f.check(parts[i]); err != nil {
			return fmt.Errorf("cron(%s): %s field %q: %v", body, f.name, parts[i], err)
		}
	}
	if (parts[2] == "?") == (parts[4] == "?") {
		return fmt.Errorf("cron(%s): exactly one of day-of-month and day-of-week must be \"?\"", body)
	}
	return nil
}

func (f cronField) check(s string) error {
	if s == "*" || (s == "?" && strings.Contains(f.extra, "?")) {
		return nil
	}
	for _, item := range strings.Split(s, ",") {
		if err := f.checkItem(item); err != nil {
			return err
		}
	}
	return nil
}

func (f cronField) checkItem(item string) error {
	base, step, hasStep := strings.Cut(item, "/")
	if hasStep {
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 {
			return fmt.Errorf("step %q must be a positive number", step)
		}
	}
	if base == "*" {
		return nil
	}
	if strings.Contains(f.extra, "L") && (base == "L" || base == "LW" && f.name == "day-of-month") {
		return nil
	}
	if strings.Contains(f.extra, "W") && strings.HasSuffix(base, "W") {
		return f.value(strings.TrimSuffix(base, "W"))
	}
	if strings.Contains(f.extra, "#") && strings.Contains(base, "#") {
		d, nth, _ := strings.Cut(base, "#")
		n, err := strconv.Atoi(nth)
		if err != nil || n < 1 || n > 5 {
			return fmt.Errorf("%q: the week number after # must be 1 to 5", base)
		}
		return f.value(d)
	}
	if strings.Contains(f.extra, "L") && strings.HasSuffix(base, "L") && f.name == "day-of-week" {
		return f.value(strings.TrimSuffix(base, "L"))
	}
	lo, hi, isRange := strings.Cut(base, "-")
	if err := f.value(lo); err != nil {
		return err
	}
	if isRange {
		return f.value(hi)
	}
	return nil
}

func (f cronField) value(s string) error {
	for i, n := range f.names {
		if strings.EqualFold(s, n) {
			_ = i
			return nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		if f.names != nil {
			return fmt.Errorf("%q is not a number from %d to %d nor one of %s", s, f.min, f.max, strings.Join(f.names, " "))
		}
		return fmt.Errorf("%q is not a number from %d to %d", s, f.min, f.max)
	}
	if n < f.min || n > f.max {
		return fmt.Errorf("%d is out of range %d-%d", n, f.min, f.max)
	}
	return nil
}

func checkRate(body string) error {
	parts := strings.Fields(body)
	if len(parts) != 2 {
		return fmt.Errorf("rate(%s) must be rate(value unit), e.g. rate(5 minutes)", body)
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil || n < 1 {
		return fmt.Errorf("rate(%s): %q must be a positive whole number", body, parts[0])
	}
	unit := parts[1]
	singular := map[string]bool{"minute": true, "hour": true, "day": true}
	plural := map[string]bool{"minutes": true, "hours": true, "days": true}
	switch {
	case n == 1 && !singular[unit]:
		return fmt.Errorf("rate(%s): with a value of 1 the unit must be minute, hour or day", body)
	case n > 1 && !plural[unit]:
		return fmt.Errorf("rate(%s): the unit must be minutes, hours or days", body)
	}
	return nil
}

var (
	pathName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_\-]*`)
	pathIndex = regexp.MustCompile(`^\[(\*|-?\d+|-?\d*:-?\d*|-?\d+(,\s*-?\d+)+|'[^']*'|"[^"]*")\]`)
)

// IsRuntimePath reports whether s is meant as a Step Functions path
// ($ or $$ followed by a selector), as opposed to a literal value.
func IsRuntimePath(s string) bool {
	return s == "$" || strings.HasPrefix(s, "$.") || strings.HasPrefix(s, "$$.") || strings.HasPrefix(s, "$[")
}

// CheckPath checks the syntax of a Step Functions reference path or
// JSONPath: $, $.a.b, $['a b'], $.list[0], $[1:], $[0,-1], $$.Execution.Id.
func CheckPath(p string) error {
	s := p
	switch {
	case strings.HasPrefix(s, "$$"):
		s = s[2:]
		if s == "" {
			return nil
		}
	case strings.HasPrefix(s, "$"):
		s = s[1:]
	default:
		return fmt.Errorf("path %q must start with \"$\" (the state input) or \"$$\" (the context object)", p)
	}
	for s != "" {
		switch {
		case strings.HasPrefix(s, ".."):
			return fmt.Errorf("path %q: deep scan \"..\" is not allowed in Step Functions paths", p)
		case strings.HasPrefix(s, "."):
			s = s[1:]
			m := pathName.FindString(s)
			if m == "" {
				if strings.HasPrefix(s, "*") {
					s = s[1:]
					continue
				}
				return fmt.Errorf("path %q: a field name must follow \".\"", p)
			}
			s = s[len(m):]
		case strings.HasPrefix(s, "["):
			m := pathIndex.FindString(s)
			if m == "" {
				return fmt.Errorf("path %q: %q is not a valid selector; use [n], [*], [a:b], [n,m] or ['name']", p, cutAt(s, ']'))
			}
			s = s[len(m):]
		default:
			return fmt.Errorf("path %q: unexpected %q; fields are joined with \".\"", p, cutAt(s, '.'))
		}
	}
	return nil
}

func cutAt(s string, c byte) string {
	if i := strings.IndexByte(s[1:], c); i >= 0 {
		return s[:i+2]
	}
	return s
}

var awsID = map[string]*regexp.Regexp{
	"subnet": regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`),
	"sg":     regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`),
	"vpc":    regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`),
}

// CheckAWSID checks an EC2 id of kind ("subnet", "sg", "vpc") against
// AWS's format: the prefix and 8 or 17 hexadecimal digits.
func CheckAWSID(kind, id string) error {
	if awsID[kind].MatchString(id) {
		return nil
	}
	what := map[string]string{"subnet": "subnet", "sg": "security group", "vpc": "VPC"}[kind]
	return fmt.Errorf("%q is not a %s id (%s- and 8 or 17 hexadecimal digits); CloudFormation will reject it", id, what, kind)
}
