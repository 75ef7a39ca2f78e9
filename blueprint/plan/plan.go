package plan

import (
	"fmt"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Machine is the planned state machine of a stack.
type Machine struct {
	// Name is the state machine name: the pipeline name, made safe.
	Name       string
	Definition *asl.StateMachine
	// Policy lists what the created role must allow, per integration.
	Policy *engine.Policy
	// Parts, when set, split the machine: Root (with RootPolicy) runs
	// them in order and is what deploys under Name. Definition stays the
	// whole pipeline, for graph and test.
	Parts      []*Part
	Root       *asl.StateMachine
	RootPolicy *engine.Policy
	// size and refs measure Definition and Policy, for the split.
	size int
	refs map[string]bool
}

// HandlerState names the Parallel that carries the global retry and catch.
const HandlerState = "RetryAndErrorHandler"

// FailedState names the Fail state that ends the catch chain.
const FailedState = "PipelineFailed"

// Build plans the state machine of a validated stack; it returns nil for a
// stack without groups (resources only).
func Build(st *config.Stack, idx *engine.Index, reg *engine.Registry) (*Machine, diag.List) {
	p := st.Pipeline
	if len(p.Groups) == 0 {
		return nil, nil
	}
	b := &builder{st: st, idx: idx, reg: reg, policy: &engine.Policy{}, machine: MachineName(st) + st.StageSuffix()}
	body, err := b.chain(p.Groups)
	if err != nil {
		return nil, b.fail(err)
	}
	if p.Properties.JobNames {
		first := jobNames(st)
		if err := first.Then(body); err != nil {
			return nil, b.fail(err)
		}
		body = first
	}
	if p.Retry != nil || p.Catch != nil {
		if body, err = b.handler(body); err != nil {
			return nil, b.fail(err)
		}
	}
	def := body.Close()
	def.Comment = engine.FirstNonEmpty(p.Description, p.Comment)
	def.TimeoutSeconds = p.Properties.Timeout
	if def.TimeoutSeconds == 0 {
		def.TimeoutSeconds = config.DefaultTimeout
	}
	m := &Machine{Name: MachineName(st), Definition: def, Policy: b.policy}
	return m, b.split(m)
}

// MachineName is the state machine name of a stack: the pipeline name,
// made safe, for config.yaml; the stack name for the others.
func MachineName(st *config.Stack) string {
	if !st.Main {
		return st.Name
	}
	return config.SafeName(st.PipelineName())
}

type builder struct {
	st     *config.Stack
	idx    *engine.Index
	reg    *engine.Registry
	policy *engine.Policy
	// machine is the deployed name of the machine the states go into.
	machine string
}

// fail turns a planning error, which validation should have prevented,
// into a diagnostic rather than a crash.
func (b *builder) fail(err error) diag.List {
	return diag.List{{File: b.st.Source.Path, Message: "internal error while planning the state machine: " + err.Error(),
		Hint: "this is a bug in blueprint; please report it with the config"}}
}

// chain plans groups in sequence, each one a Parallel state.
func (b *builder) chain(groups []*config.Group) (*asl.Fragment, error) {
	var out *asl.Fragment
	for _, g := range groups {
		f, err := b.group(g)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = f
			continue
		}
		if err := out.Then(f); err != nil {
			return nil, err
		}
	}
	if out == nil {
		return nil, fmt.Errorf("no groups to chain")
	}
	return out, nil
}

func (b *builder) group(g *config.Group) (*asl.Fragment, error) {
	if g.Unwrapped() && len(g.Jobs) == 1 {
		f, err := b.job(g.Jobs[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.Jobs[0].Path, err)
		}
		return f, nil
	}
	par := &asl.State{Type: asl.Parallel, Comment: engine.FirstNonEmpty(g.Description, g.Comment)}
	var withResult []int
	for _, j := range g.Jobs {
		f, err := b.job(j)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", j.Path, err)
		}
		if writesResult(f) {
			withResult = append(withResult, len(par.Branches))
		}
		par.Branches = append(par.Branches, f.Close())
	}
	if g.Results == "discard" {
		par.ResultPath = asl.Discard()
	} else {
		mergeResults(par, withResult)
	}
	return asl.Single(g.Name, par), nil
}

// writesResult reports whether a job keeps a result in the state (a task
// with a ResultPath other than null), so the group must pass it on.
func writesResult(f *asl.Fragment) bool {
	for _, s := range f.States {
		if s.ResultPath != nil && !s.ResultPath.Null {
			return true
		}
		for _, c := range s.Catch {
			if c.ResultPath == nil || !c.ResultPath.Null {
				// A step that catches its own error writes it.
				return true
			}
		}
		if s.Type == asl.Choice || s.Type == asl.Parallel {
			// Nested groups already merge their results into their output.
			return true
		}
	}
	return false
}

// mergeResults makes a group's output the input it got plus what its jobs
// wrote: every branch starts from the group's input, so merging the
// outputs of the branches that wrote something is enough. A group whose
// jobs keep nothing passes its input on untouched.
func mergeResults(par *asl.State, branches []int) {
	switch len(branches) {
	case 0:
		par.ResultPath = asl.Discard()
	case 1:
		par.OutputPath = asl.Path(fmt.Sprintf("$[%d]", branches[0]))
	default:
		expr := fmt.Sprintf("$[%d]", branches[0])
		for _, i := range branches[1:] {
			expr = fmt.Sprintf("States.JsonMerge(%s, $[%d], false)", expr, i)
		}
		par.ResultSelector = map[string]any{"merged.$": expr}
		par.OutputPath = asl.Path("$.merged")
	}
}

func (b *builder) job(j *config.Item) (*asl.Fragment, error) {
	e, ok := b.reg.Lookup(j.Type)
	if !ok {
		return nil, fmt.Errorf("no engine for type %q", j.Type)
	}
	pl, ok := e.(engine.Planner)
	if !ok {
		return nil, fmt.Errorf("type %q cannot run as a step", j.Type)
	}
	f, err := pl.Plan(j.Spec, &engine.PlanContext{
		Item: j, Stack: b.st, Index: b.idx, Registry: b.reg, Policy: b.policy, Groups: b.chain, Machine: b.machine,
	})
	if err != nil {
		return nil, err
	}
	if r, ok := j.Spec.(engine.Retrier); ok && r.JobRetry() != nil {
		// After the engine's own retriers: they name specific service
		// errors, and ASL takes the first retrier that matches (a
		// States.ALL one must even be last).
		retrier := Retrier(r.JobRetry())
		for _, s := range f.States {
			if s.Type == asl.Task && !hasRetryFor(s, retrier.ErrorEquals) {
				s.Retry = append(s.Retry, retrier)
			}
		}
	}
	return f, nil
}

func hasRetryFor(s *asl.State, errs []string) bool {
	key := strings.Join(errs, ",")
	for _, r := range s.Retry {
		if strings.Join(r.ErrorEquals, ",") == key {
			return true
		}
	}
	return false
}

// Retrier turns a config retry into ASL with the documented defaults.
func Retrier(r *config.Retry) asl.Retrier {
	errs, interval, attempts, backoff := engine.DefaultRetry(r)
	out := asl.Retrier{ErrorEquals: errs, IntervalSeconds: &interval, MaxAttempts: &attempts, BackoffRate: &backoff}
	if r != nil && r.MaxDelaySeconds != nil {
		out.MaxDelaySeconds = r.MaxDelaySeconds
	}
	return out
}

// handler wraps the body in one Parallel carrying the global retry and a
// catch that runs the catch groups, then fails the execution so the run
// still shows as failed after the handlers ran (unless catch.end is
// succeed: then the run ends with the handlers, as Succeeded).
func (b *builder) handler(body *asl.Fragment) (*asl.Fragment, error) {
	p := b.st.Pipeline
	wrap := &asl.State{Type: asl.Parallel, Branches: []*asl.StateMachine{body.Close()}, OutputPath: asl.Path("$[0]")}
	if p.Retry != nil {
		wrap.Retry = []asl.Retrier{Retrier(p.Retry)}
	}
	out := asl.Single(HandlerState, wrap)
	if p.Catch == nil {
		return out, nil
	}
	errs := p.Catch.ErrorEquals
	if len(errs) == 0 {
		errs = []string{asl.ErrAll}
	}
	resultPath := p.Catch.ResultPath
	if resultPath == "" {
		resultPath = "$"
	}
	handlers, err := b.chain(p.Catch.Groups)
	if err != nil {
		return nil, err
	}
	if p.Catch.End != "succeed" {
		failed := asl.Single(FailedState, &asl.State{Type: asl.Fail, Error: "PipelineFailed",
			Cause: "a step failed; the catch groups ran"})
		if err := handlers.Then(failed); err != nil {
			return nil, err
		}
	}
	wrap.Catch = []asl.Catcher{{ErrorEquals: errs, Next: handlers.StartAt, ResultPath: asl.Path(resultPath)}}
	if err := out.Merge(handlers); err != nil {
		return nil, err
	}
	return out, nil
}
