package plan

import (
	"strings"

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
	loaded, diags := config.Load(opts)
	var out []*Stack
	for _, cs := range loaded {
		idx, vd := validate.Stack(cs, reg)
		diags.Add(vd...)
		if vd.HasErrors() {
			continue
		}
		m, pd := Build(cs, idx, reg)
		diags.Add(pd...)
		l, ld := PlanLayout(cs, m, reg)
		diags.Add(ld...)
		out = append(out, &Stack{Config: cs, Index: idx, Machine: m, Layout: l})
	}
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
