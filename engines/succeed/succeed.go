package succeed

import (
	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Type is the step type.
const Type = "succeed"

// Engine is the succeed step.
type Engine struct{}

// Spec is data.all's succeed job (utils/stack_task_util.py:96-103): its
// keys are under config.
type Spec struct {
	engine.Common `yaml:",inline"`
	Config        struct {
		Comment string `yaml:"comment"`
		// InputPath and OutputPath select the execution's output; both
		// default to $, the whole state.
		InputPath  string `yaml:"input_path"`
		OutputPath string `yaml:"output_path"`
	} `yaml:"config"`
}

func (Engine) Type() string       { return Type }
func (Engine) Kinds() engine.Kind { return engine.Step }
func (Engine) NewSpec() any       { return &Spec{} }
func (Engine) Describe() string {
	return "ends the execution as succeeded, its output the state (a Succeed state; inside a group's Parallel it ends the branch only)"
}

// Ends says no state may follow the step.
func (Engine) Ends() bool { return true }

// Check checks the paths.
func (Engine) Check(spec any, c *engine.CheckContext) {
	s := spec.(*Spec)
	for key, v := range map[string]string{"config.input_path": s.Config.InputPath, "config.output_path": s.Config.OutputPath} {
		if v == "" {
			continue
		}
		if err := engine.CheckPath(v); err != nil {
			c.Errorf(key, "%v", err)
		}
	}
}

// Plan is one Succeed state.
func (Engine) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*Spec)
	st := &asl.State{Type: asl.Succeed, Comment: engine.FirstNonEmpty(s.Config.Comment, s.Description, s.Comment)}
	if v := s.Config.InputPath; v != "" && v != "$" {
		st.InputPath = asl.Path(v)
	}
	if v := s.Config.OutputPath; v != "" && v != "$" {
		st.OutputPath = asl.Path(v)
	}
	return asl.Single(p.StateName(), st), nil
}
