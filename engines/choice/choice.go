package choice

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Type is the step type.
const Type = "choice"

// Engine is the choice step.
type Engine struct{}

// Spec: the first choice whose condition holds runs its groups; when none
// holds, the default groups run, or nothing. Either way the branches join
// and the pipeline goes on.
type Spec struct {
	engine.Job `yaml:",inline"`
	Choices    []*Branch `yaml:"choices" validate:"required,min=1,dive"`
	Default    *Default  `yaml:"default"`
}

// Branch is one choice.
type Branch struct {
	Input     string          `yaml:"input" alias:"variable" validate:"required"`
	Condition map[string]any  `yaml:"condition" validate:"required"`
	Groups    []*config.Group `yaml:"groups" validate:"required,min=1,dive"`
	Comment   string          `yaml:"comment"`
}

// Default runs when no choice matches.
type Default struct {
	Groups []*config.Group `yaml:"groups" validate:"required,min=1,dive"`
}

func (Engine) Type() string       { return Type }
func (Engine) Kinds() engine.Kind { return engine.Step }
func (Engine) NewSpec() any       { return &Spec{} }
func (Engine) Describe() string {
	return "runs the groups of the first choice whose condition on the input holds (or the default groups)"
}

// NestedGroups lets validation and synth see the branch groups.
func (s *Spec) NestedGroups() []*config.Group {
	var out []*config.Group
	for _, b := range s.Choices {
		if b != nil {
			out = append(out, b.Groups...)
		}
	}
	if s.Default != nil {
		out = append(out, s.Default.Groups...)
	}
	return out
}

// NestedChains are the branches, each a chain of groups.
func (s *Spec) NestedChains() [][]*config.Group {
	var out [][]*config.Group
	for _, b := range s.Choices {
		if b != nil {
			out = append(out, b.Groups)
		}
	}
	if s.Default != nil {
		out = append(out, s.Default.Groups)
	}
	return out
}

// operand says what value an operator compares with.
type operand int

const (
	opString operand = iota
	opNumber
	opBool
	opTimestamp
	opPath
	opTest // IsPresent & co take true or false
)

var operators = func() map[string]operand {
	m := map[string]operand{"BooleanEquals": opBool, "BooleanEqualsPath": opPath}
	for _, cmp := range []string{"Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"} {
		m["String"+cmp], m["Numeric"+cmp], m["Timestamp"+cmp] = opString, opNumber, opTimestamp
		m["String"+cmp+"Path"], m["Numeric"+cmp+"Path"], m["Timestamp"+cmp+"Path"] = opPath, opPath, opPath
	}
	m["StringMatches"] = opString
	for _, t := range []string{"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"} {
		m[t] = opTest
	}
	return m
}()

func operatorNames() []string {
	out := make([]string, 0, len(operators))
	for k := range operators {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Check checks each condition: one known operator, an operand of its type.
func (Engine) Check(spec any, c *engine.CheckContext) {
	s := spec.(*Spec)
	for i, b := range s.Choices {
		if b == nil {
			continue
		}
		at := fmt.Sprintf("choices[%d]", i)
		if b.Input != "" {
			if err := engine.CheckPath(b.Input); err != nil {
				c.Errorf(at+".input", "%v", err)
			}
		}
		if len(b.Condition) > 1 {
			c.Errorf(at+".condition", "has %d operators; write exactly one, e.g. BooleanEquals: true", len(b.Condition))
			continue
		}
		for op, v := range b.Condition {
			if err := checkOperand(op, v); err != nil {
				d := c.Errorf(at+".condition."+op, "%v", err)
				if _, known := operators[op]; !known {
					d.Hint = diag.DidYouMean(op, operatorNames())
				}
			}
		}
	}
}

func checkOperand(op string, v any) error {
	kind, ok := operators[op]
	if !ok {
		return fmt.Errorf("unknown comparison operator %q", op)
	}
	switch kind {
	case opString, opTimestamp:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s compares with a string; got %v", op, v)
		}
	case opNumber:
		if _, ok := toNumber(v); !ok {
			return fmt.Errorf("%s compares with a number; got %v", op, v)
		}
	case opBool, opTest:
		if _, ok := toBool(v); !ok {
			return fmt.Errorf("%s takes true or false; got %v", op, v)
		}
	case opPath:
		p, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s compares with a path such as \"$.limit\"; got %v", op, v)
		}
		return engine.CheckPath(p)
	}
	return nil
}

func toNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	}
	return 0, false
}

func toBool(v any) (bool, bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		switch strings.ToLower(b) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// operandValue normalizes a checked operand for ASL.
func operandValue(op string, v any) any {
	switch operators[op] {
	case opBool, opTest:
		b, _ := toBool(v)
		return b
	case opNumber:
		n, _ := toNumber(v)
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n)
		}
		return n
	}
	return v
}

// Plan builds a Choice state whose branches run their groups and meet in a
// Pass state, so the pipeline continues after whichever ran.
func (Engine) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*Spec)
	join := asl.Single(p.StateName("end"), &asl.State{Type: asl.Pass, Comment: "the branches of " + p.Item.Name + " meet here"})
	choice := &asl.State{Type: asl.Choice, Comment: engine.FirstNonEmpty(s.Description, s.Comment)}
	out := asl.Single(p.StateName(), choice)
	for _, b := range s.Choices {
		branch, err := p.Groups(b.Groups)
		if err != nil {
			return nil, err
		}
		if err := branch.Then(join); err != nil {
			return nil, err
		}
		rule := &asl.ChoiceRule{Variable: b.Input, Comparison: map[string]any{}, Next: branch.StartAt, Comment: b.Comment}
		for op, v := range b.Condition {
			rule.Comparison[op] = operandValue(op, v)
		}
		choice.Choices = append(choice.Choices, rule)
		delete(branch.States, join.StartAt)
		if err := out.Merge(branch); err != nil {
			return nil, err
		}
	}
	choice.Default = join.StartAt
	if s.Default != nil {
		def, err := p.Groups(s.Default.Groups)
		if err != nil {
			return nil, err
		}
		if err := def.Then(join); err != nil {
			return nil, err
		}
		delete(def.States, join.StartAt)
		if err := out.Merge(def); err != nil {
			return nil, err
		}
		choice.Default = def.StartAt
	}
	if err := out.Merge(join); err != nil {
		return nil, err
	}
	return out, nil
}
