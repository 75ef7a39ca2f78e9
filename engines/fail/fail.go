package fail

import (
	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Type is the step type.
const Type = "fail"

// Engine is the fail step.
type Engine struct{}

// Spec is data.all's fail job (utils/stack_task_util.py:88-95): its keys
// are under config.
type Spec struct {
	engine.Common `yaml:",inline"`
	Config        struct {
		// Error names the failure, as a Catch or the execution shows it.
		Error string `yaml:"error"`
		// Cause says what happened, in words.
		Cause   string `yaml:"cause"`
		Comment string `yaml:"comment"`
	} `yaml:"config"`
}

func (Engine) Type() string       { return Type }
func (Engine) Kinds() engine.Kind { return engine.Step }
func (Engine) NewSpec() any       { return &Spec{} }
func (Engine) Describe() string {
	return "ends the execution as failed with config.error and config.cause (a Fail state; inside a group's Parallel it fails the group)"
}

// Ends says no state may follow the step.
func (Engine) Ends() bool { return true }

// Plan is one Fail state.
func (Engine) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*Spec)
	return asl.Single(p.StateName(), &asl.State{Type: asl.Fail, Error: s.Config.Error, Cause: s.Config.Cause,
		Comment: engine.FirstNonEmpty(s.Config.Comment, s.Description, s.Comment)}), nil
}
