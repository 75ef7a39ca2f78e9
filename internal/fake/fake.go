// Package fake provides minimal engines for testing the core without CDK.
package fake

import (
	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Step is a step type "task" that runs one Task state on a Thing.
type Step struct{}

// StepSpec is the spec of Step.
type StepSpec struct {
	engine.Job `yaml:",inline"`
	Config     struct {
		Thing string `yaml:"thing"`
	} `yaml:"config"`
	ResultPath string `yaml:"result_path"`
}

func (Step) Type() string       { return "task" }
func (Step) Kinds() engine.Kind { return engine.Step }
func (Step) NewSpec() any       { return &StepSpec{} }

// Check requires the referenced thing to exist.
func (Step) Check(spec any, c *engine.CheckContext) {
	s := spec.(*StepSpec)
	if s.Config.Thing != "" {
		c.RequireResource("config.thing", "thing", s.Config.Thing, "thing")
	}
	if s.ResultPath != "" {
		if err := engine.CheckPath(s.ResultPath); err != nil {
			c.Errorf("result_path", "%v", err)
		}
	}
}

// Plan runs one task on the thing.
func (Step) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*StepSpec)
	st := &asl.State{Type: asl.Task, Resource: "arn:aws:states:::fake:run", ResultPath: asl.Discard(),
		Parameters: map[string]any{"Thing": p.ResourceRef(s.Config.Thing, "arn"), "Input.$": "$"}}
	if s.ResultPath != "" {
		st.ResultPath = asl.Path(s.ResultPath)
	}
	p.Allow([]string{"fake:Run"}, p.ResourceRef(s.Config.Thing, "arn"))
	return asl.Single(p.StateName(), st), nil
}

// Thing is a resource type "thing".
type Thing struct{}

// ThingSpec is the spec of Thing.
type ThingSpec struct {
	engine.Common `yaml:",inline"`
	Config        struct {
		Size int `yaml:"size" validate:"omitempty,min=1,max=10"`
	} `yaml:"config"`
}

func (Thing) Type() string       { return "thing" }
func (Thing) Kinds() engine.Kind { return engine.Resource }
func (Thing) NewSpec() any       { return &ThingSpec{} }
func (Thing) Aliases() []string  { return []string{"thingy"} }
