package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/validate"
)

// Stack is one validated config with its planned state machine.
type Stack struct {
	Config  *config.Stack
	Index   *engine.Index
	Machine *Machine // nil for a stack of resources only
	Layout  *Layout
}

// Load loads, validates and plans every stack of a repo. Stacks are
// returned only when there is no error at all, so nothing is built from a
// config that is partly wrong.
func Load(opts config.LoadOptions, reg *engine.Registry) ([]*Stack, diag.List) {
	return LoadWithProgress(opts, reg, nil)
}

// Progress hears how long each phase took, with what it did.
type Progress func(phase string, took time.Duration, detail string)

// LoadWithProgress is Load telling progress (when not nil) about render,
// validate and plan.
func LoadWithProgress(opts config.LoadOptions, reg *engine.Registry, progress Progress) ([]*Stack, diag.List) {
	if progress == nil {
		progress = func(string, time.Duration, string) {}
	}
	start := time.Now()
	loaded, diags := config.Load(opts)
	progress("render", time.Since(start), fmt.Sprintf("%d config(s)", len(loaded)))
	var out []*Stack
	var validating, planning time.Duration
	jobCount, states := 0, 0
	for _, cs := range loaded {
		t := time.Now()
		idx, vd := validate.Stack(cs, reg)
		validating += time.Since(t)
		diags.Add(vd...)
		if vd.HasErrors() {
			continue
		}
		jobCount += len(Jobs(cs.Pipeline))
		t = time.Now()
		m, pd := Build(cs, idx, reg)
		diags.Add(pd...)
		l, ld := PlanLayout(cs, m, reg)
		diags.Add(ld...)
		planning += time.Since(t)
		if m != nil {
			m.Definition.Walk(func(string, *asl.State) { states++ })
		}
		out = append(out, &Stack{Config: cs, Index: idx, Machine: m, Layout: l})
	}
	progress("validate", validating, fmt.Sprintf("%d job(s), %s", jobCount, diags.Summary()))
	progress("plan", planning, fmt.Sprintf("%d state(s)", states))
	if diags.HasErrors() {
		return nil, diags
	}
	return out, diags
}

// DefaultSSMPrefix is where a stack publishes its state machine's ARN,
// unless properties.ssm_prefix says otherwise.
const DefaultSSMPrefix = "/dataall"

// ArnParameter is the name of the SSM parameter the stack publishes its
// state machine's ARN in, as synth writes it and blueprint run reads it;
// "" for a stack without a state machine.
func (s *Stack) ArnParameter() string {
	if s.Machine == nil {
		return ""
	}
	prefix := s.Config.Pipeline.Properties.SSMPrefix
	if prefix == "" {
		prefix = DefaultSSMPrefix
	}
	return strings.TrimRight(prefix, "/") + "/" + s.Machine.Name + "/" + s.Config.Stage() + "/step_function_arn"
}
