package executor

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
)

// Error is a failure with ASL's error name and cause.
type Error struct {
	Error string `json:"Error"`
	Cause string `json:"Cause"`
}

// TaskContext is what a task handler sees of a Task state run.
type TaskContext struct {
	State    string
	Resource string
	// Input is the effective input, after InputPath and Parameters.
	Input any
	// Attempt is the state's retry count in this run of it, from 0
	// ($$.State.RetryCount): it is what the keys of a Step Functions Local
	// mocked response count. A state run again (a loop, a Map iteration,
	// an enclosing Parallel retried) starts again at 0.
	Attempt int
	// Iteration is $$.Map.Item.Index of the innermost Map iteration the
	// state runs in, or -1 outside any Map: test cases mock iterations
	// apart with it.
	Iteration int
}

// TaskHandler runs Task states: it returns the task's result or an error
// (Error "States.Timeout" simulates a timeout).
type TaskHandler interface {
	Invoke(TaskContext) (any, *Error)
}

// TaskFunc adapts a function to TaskHandler.
type TaskFunc func(TaskContext) (any, *Error)

// Invoke calls f.
func (f TaskFunc) Invoke(c TaskContext) (any, *Error) { return f(c) }

// Options of an execution.
type Options struct {
	Tasks TaskHandler
	// MaxTransitions bounds the states entered (the service's history
	// limit is 25,000 events); a loop that runs past it fails.
	MaxTransitions int
	// Name is the execution name ($$.Execution.Name).
	Name string
	// Now is the start time ($$.Execution.StartTime); time stands still.
	Now time.Time
	// UUID and Random make States.UUID and States.MathRandom repeatable.
	UUID   func() string
	Random func() float64
	// Children are the state machines a startExecution.sync:2 task may
	// start, by the StateMachineArn it passes; they run inline, in this
	// execution's history.
	Children map[string]*asl.StateMachine
}

// Event is one entry of the execution history.
type Event struct {
	Type   string `json:"type"`
	State  string `json:"state,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Result is the outcome of an execution.
type Result struct {
	Status  string // SUCCEEDED or FAILED
	Output  any
	Error   string
	Cause   string
	History []Event
	// Visited lists the states entered, in order.
	Visited []string
	// Waited sums the seconds Wait states and retries would have slept.
	Waited float64
}

// Statuses.
const (
	Succeeded = "SUCCEEDED"
	Failed    = "FAILED"
)

// Run executes a definition against an input. An error means the
// definition cannot run at all (a Next to nowhere, an unknown state
// type); a failing execution is a Result with Status FAILED.
func Run(sm *asl.StateMachine, input any, opts Options) (res *Result, err error) {
	if opts.MaxTransitions == 0 {
		opts.MaxTransitions = 25000
	}
	if opts.Name == "" {
		opts.Name = "test-execution"
	}
	if opts.Now.IsZero() {
		opts.Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	n := 0
	if opts.UUID == nil {
		opts.UUID = func() string { n++; return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }
	}
	if opts.Random == nil {
		opts.Random = func() float64 { return 0.5 }
	}
	if err := check(sm, "definition"); err != nil {
		return nil, err
	}
	e := &execution{opts: opts, res: &Result{}}
	defer func() {
		// A last resort: the checks above should prevent any panic.
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("internal error while executing: %v", r)
		}
	}()
	input = normalize(input)
	e.ctx = map[string]any{
		"Execution": map[string]any{
			"Id":        "arn:aws:states:eu-west-1:123456789012:execution:machine:" + opts.Name,
			"Name":      opts.Name,
			"Input":     input,
			"StartTime": opts.Now.Format(time.RFC3339),
		},
		"StateMachine": map[string]any{"Id": "arn:aws:states:eu-west-1:123456789012:stateMachine:machine", "Name": "machine"},
	}
	e.event("ExecutionStarted", "", "")
	out, ferr := e.machine(sm, input, nil)
	if ferr != nil {
		e.res.Status, e.res.Error, e.res.Cause = Failed, ferr.Error, ferr.Cause
		e.event("ExecutionFailed", "", ferr.Error)
	} else {
		e.res.Status, e.res.Output = Succeeded, out
		e.event("ExecutionSucceeded", "", "")
	}
	return e.res, nil
}

// check refuses definitions the service would refuse to run.
func check(sm *asl.StateMachine, where string) error {
	if sm == nil || sm.StartAt == "" {
		return fmt.Errorf("%s: StartAt is missing", where)
	}
	if _, ok := sm.States[sm.StartAt]; !ok {
		return fmt.Errorf("%s: StartAt %q names no state", where, sm.StartAt)
	}
	for name, s := range sm.States {
		if s == nil {
			return fmt.Errorf("%s: state %q is empty", where, name)
		}
		targets := []string{s.Next, s.Default}
		for _, c := range s.Catch {
			targets = append(targets, c.Next)
		}
		for _, r := range s.Choices {
			if r == nil {
				return fmt.Errorf("state %q: an empty choice rule", name)
			}
			targets = append(targets, r.Next)
		}
		for _, t := range targets {
			if _, ok := sm.States[t]; t != "" && !ok {
				return fmt.Errorf("state %q: transition to %q, which is not a state", name, t)
			}
		}
		switch s.Type {
		case asl.Pass, asl.Task, asl.Wait:
			if s.Next == "" && !s.End {
				return fmt.Errorf("state %q: neither Next nor End", name)
			}
		case asl.Parallel:
			if s.Next == "" && !s.End {
				return fmt.Errorf("state %q: neither Next nor End", name)
			}
			for i, b := range s.Branches {
				if err := check(b, fmt.Sprintf("state %q branch %d", name, i)); err != nil {
					return err
				}
			}
		case asl.Map:
			if s.Next == "" && !s.End {
				return fmt.Errorf("state %q: neither Next nor End", name)
			}
			proc := s.ItemProcessor
			if proc == nil {
				proc = s.Iterator
			}
			if err := check(proc, fmt.Sprintf("state %q iterator", name)); err != nil {
				return err
			}
		case asl.Choice:
			if len(s.Choices) == 0 {
				return fmt.Errorf("state %q: a Choice needs Choices", name)
			}
		case asl.Succeed, asl.Fail:
		default:
			return fmt.Errorf("state %q: type %q is not supported", name, s.Type)
		}
	}
	return nil
}

type execution struct {
	opts        Options
	ctx         map[string]any
	transitions int
	res         *Result
	// iterations holds the index of each Map iteration running, innermost last.
	iterations []int
}

func (e *execution) event(typ, state, detail string) {
	e.res.History = append(e.res.History, Event{Type: typ, State: state, Detail: detail})
}

// machine runs a (sub) state machine from its start; mapCtx is the Map
// item context for iterations.
func (e *execution) machine(sm *asl.StateMachine, input any, mapCtx map[string]any) (any, *Error) {
	name := sm.StartAt
	data := input
	for {
		e.transitions++
		if e.transitions > e.opts.MaxTransitions {
			return nil, &Error{Error: "States.Runtime", Cause: fmt.Sprintf("more than %d state transitions: a loop that does not end", e.opts.MaxTransitions)}
		}
		s := sm.States[name]
		e.res.Visited = append(e.res.Visited, name)
		e.event(s.Type+"StateEntered", name, "")
		out, next, end, ferr := e.state(name, s, data, mapCtx)
		if ferr != nil {
			if ferr.Error == asl.ErrRuntime && !strings.HasPrefix(ferr.Cause, "state ") {
				ferr = &Error{Error: ferr.Error, Cause: fmt.Sprintf("state %q: %s", name, ferr.Cause)}
			}
			return nil, ferr
		}
		e.event(s.Type+"StateExited", name, "")
		if end {
			return out, nil
		}
		name, data = next, out
	}
}

// state runs one state: its output and where to go, or a failure.
func (e *execution) state(name string, s *asl.State, data any, mapCtx map[string]any) (any, string, bool, *Error) {
	ctx := e.context(name, mapCtx)
	switch s.Type {
	case asl.Fail:
		cause := s.Cause
		if s.CausePath != "" {
			v, _ := resolve(s.CausePath, data, ctx)
			cause = fmt.Sprint(v)
		}
		errName := s.Error
		if s.ErrorPath != "" {
			v, _ := resolve(s.ErrorPath, data, ctx)
			errName = fmt.Sprint(v)
		}
		return nil, "", false, &Error{Error: errName, Cause: cause}
	case asl.Succeed:
		out, err := e.inOut(s, data)
		return out, "", true, err
	case asl.Wait:
		eff, ferr := inputPath(s, data)
		if ferr != nil {
			return nil, "", false, ferr
		}
		if s.Seconds != nil {
			e.res.Waited += float64(*s.Seconds)
		}
		if s.SecondsPath != "" {
			v, err := resolve(s.SecondsPath, eff, ctx)
			secs, ok := v.(float64)
			if err != nil || !ok || secs < 0 {
				return nil, "", false, runtime("SecondsPath %q is not a number of seconds", s.SecondsPath)
			}
			e.res.Waited += secs
		}
		out, ferr := outputPath(s, eff)
		return out, s.Next, s.End, ferr
	case asl.Choice:
		eff, ferr := inputPath(s, data)
		if ferr != nil {
			return nil, "", false, ferr
		}
		next := ""
		for _, r := range s.Choices {
			ok, err := matches(r, eff)
			if err != nil {
				return nil, "", false, runtime("state %q: %v", name, err)
			}
			if ok {
				next = r.Next
				break
			}
		}
		if next == "" {
			next = s.Default
		}
		if next == "" {
			return nil, "", false, &Error{Error: asl.ErrNoChoiceMatched, Cause: "no choice rule matched and there is no Default"}
		}
		out, ferr := outputPath(s, eff)
		return out, next, false, ferr
	}
	// Pass, Task, Parallel, Map: the full input/output pipeline.
	eff, ferr := inputPath(s, data)
	if ferr != nil {
		return nil, "", false, ferr
	}
	var result any
	var err *Error
	for retry, retries := map[int]int{}, 0; ; {
		ctx["State"].(map[string]any)["RetryCount"] = float64(retries)
		result, err = e.work(name, s, eff, ctx, retries)
		if err == nil {
			break
		}
		if err.Error == asl.ErrRuntime {
			return nil, "", false, err
		}
		if i := matchRetrier(s.Retry, err.Error); i >= 0 {
			r := s.Retry[i]
			max := 3
			if r.MaxAttempts != nil {
				max = *r.MaxAttempts
			}
			if retry[i] < max {
				// Each retry adds events to the history, which has a limit.
				if e.transitions++; e.transitions > e.opts.MaxTransitions {
					return nil, "", false, &Error{Error: "States.Runtime", Cause: fmt.Sprintf("more than %d state transitions and retries: it retries without end", e.opts.MaxTransitions)}
				}
				e.res.Waited += backoff(r, retry[i])
				retry[i]++
				retries++
				e.event("Retried", name, fmt.Sprintf("%s (attempt %d of %d)", err.Error, retry[i], max))
				continue
			}
		}
		for _, c := range s.Catch {
			if errorMatches(c.ErrorEquals, err.Error) {
				errOut := map[string]any{"Error": err.Error, "Cause": err.Cause}
				out, perr := applyResultPath(c.ResultPath, data, errOut)
				if perr != nil {
					return nil, "", false, perr
				}
				e.event("Caught", name, err.Error)
				return out, c.Next, false, nil
			}
		}
		return nil, "", false, err
	}
	if s.ResultSelector != nil && s.Type != asl.Pass {
		sel, perr := e.template(s.ResultSelector, result, ctx)
		if perr != nil {
			return nil, "", false, perr
		}
		result = sel
	}
	out, perr := applyResultPath(s.ResultPath, data, result)
	if perr != nil {
		return nil, "", false, perr
	}
	out, perr = outputPath(s, out)
	return out, s.Next, s.End, perr
}

// work produces the result of a Pass, Task, Parallel or Map state.
func (e *execution) work(name string, s *asl.State, eff any, ctx map[string]any, retries int) (any, *Error) {
	params := eff
	if s.Parameters != nil && s.Type != asl.Map {
		p, err := e.template(s.Parameters, eff, ctx)
		if err != nil {
			return nil, err
		}
		params = p
	}
	switch s.Type {
	case asl.Pass:
		if s.Result != nil {
			return normalize(s.Result), nil
		}
		return params, nil
	case asl.Task:
		if e.opts.Tasks == nil {
			return nil, &Error{Error: asl.ErrTaskFailed, Cause: "no task handler"}
		}
		if child, input, ok := e.child(s.Resource, params); ok {
			return e.runChild(name, s.Resource, child, input)
		}
		e.event("TaskScheduled", name, s.Resource)
		out, err := e.opts.Tasks.Invoke(TaskContext{State: name, Resource: s.Resource, Input: params, Attempt: retries, Iteration: e.iteration()})
		if err != nil {
			e.event("TaskFailed", name, err.Error)
			return nil, err
		}
		e.event("TaskSucceeded", name, "")
		return normalize(out), nil
	case asl.Parallel:
		out := make([]any, len(s.Branches))
		for i, b := range s.Branches {
			v, err := e.machine(b, params, nil)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case asl.Map:
		return e.mapState(name, s, eff, ctx, retries)
	}
	return nil, runtime("state %q: cannot run a %s", name, s.Type)
}

// child finds the machine a startExecution.sync:2 task starts.
func (e *execution) child(resource string, params any) (*asl.StateMachine, any, bool) {
	p, ok := params.(map[string]any)
	if resource != asl.StartExecutionSync || !ok {
		return nil, nil, false
	}
	arn, _ := p["StateMachineArn"].(string)
	child := e.opts.Children[arn]
	if child == nil {
		return nil, nil, false
	}
	input, ok := p["Input"]
	if !ok {
		input = map[string]any{}
	}
	return child, input, true
}

// runChild runs a child machine the way .sync:2 reports it: the
// execution's description with Output as JSON, or States.TaskFailed
// whose cause carries the child's error.
func (e *execution) runChild(name, resource string, child *asl.StateMachine, input any) (any, *Error) {
	e.event("TaskScheduled", name, resource)
	out, err := e.machine(child, normalize(input), nil)
	if err != nil {
		cause, _ := json.Marshal(map[string]any{"Status": Failed, "Error": err.Error, "Cause": err.Cause})
		e.event("TaskFailed", name, asl.ErrTaskFailed)
		return nil, &Error{Error: asl.ErrTaskFailed, Cause: string(cause)}
	}
	e.event("TaskSucceeded", name, "")
	return map[string]any{"Status": Succeeded, "Output": out}, nil
}

// context is $$ for a state.
func (e *execution) context(state string, mapCtx map[string]any) map[string]any {
	c := cloneMap(e.ctx)
	c["State"] = map[string]any{"Name": state, "EnteredTime": e.opts.Now.Format(time.RFC3339), "RetryCount": float64(0)}
	if mapCtx != nil {
		c["Map"] = mapCtx
	}
	return c
}

// template fills a Parameters or ResultSelector template: keys ending in
// .$ take a path or an intrinsic function's value.
func (e *execution) template(t any, input any, ctx map[string]any) (any, *Error) {
	switch x := t.(type) {
	case map[string]any:
		out := map[string]any{}
		// In key order, so the first problem reported is always the same.
		for _, k := range slices.Sorted(maps.Keys(x)) {
			v := x[k]
			if strings.HasSuffix(k, ".$") {
				expr, ok := v.(string)
				if !ok {
					return nil, runtime("field %q must hold a path or an intrinsic function", k)
				}
				val, err := e.value(expr, input, ctx)
				if err != nil {
					if err.Error == asl.ErrRuntime {
						err = runtime("field %q: %s", k, err.Cause)
					}
					return nil, err
				}
				out[strings.TrimSuffix(k, ".$")] = val
				continue
			}
			val, err := e.template(v, input, ctx)
			if err != nil {
				return nil, err
			}
			out[k] = val
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			val, err := e.template(v, input, ctx)
			if err != nil {
				return nil, err
			}
			out[i] = val
		}
		return out, nil
	}
	return normalize(t), nil
}

func (e *execution) value(expr string, input any, ctx map[string]any) (any, *Error) {
	if strings.HasPrefix(expr, "States.") {
		c, err := parseCall(expr)
		if err != nil {
			return nil, &Error{Error: asl.ErrIntrinsicFailure, Cause: err.Error()}
		}
		v, err := e.eval(c, input, ctx)
		if err != nil {
			return nil, &Error{Error: asl.ErrIntrinsicFailure, Cause: err.Error()}
		}
		return v, nil
	}
	v, err := resolve(expr, input, ctx)
	if err != nil {
		return nil, runtime("%v", err)
	}
	return v, nil
}

// resolve reads a $ path of the input or a $$ path of the context.
func resolve(p string, input, ctx any) (any, error) {
	src := input
	if strings.HasPrefix(p, "$$") {
		src, p = ctx, p[1:]
	}
	v, ok, err := get(src, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("the path %q matches nothing", p)
	}
	return v, nil
}

// inputPath selects a state's effective input; null means {}.
func inputPath(s *asl.State, data any) (any, *Error) {
	if s.InputPath == nil {
		return data, nil
	}
	if s.InputPath.Null {
		return map[string]any{}, nil
	}
	v, err := resolve(s.InputPath.Value, data, nil)
	if err != nil {
		return nil, runtime("InputPath: %v", err)
	}
	return v, nil
}

// outputPath selects a state's output; null means {}.
func outputPath(s *asl.State, data any) (any, *Error) {
	if s.OutputPath == nil {
		return data, nil
	}
	if s.OutputPath.Null {
		return map[string]any{}, nil
	}
	v, err := resolve(s.OutputPath.Value, data, nil)
	if err != nil {
		return nil, runtime("OutputPath: %v", err)
	}
	return v, nil
}

func (e *execution) inOut(s *asl.State, data any) (any, *Error) {
	eff, err := inputPath(s, data)
	if err != nil {
		return nil, err
	}
	return outputPath(s, eff)
}

// applyResultPath places a result in the raw input: $ (the default)
// replaces it, null discards the result, a path sets it there.
func applyResultPath(rp *asl.NullableString, data, result any) (any, *Error) {
	if rp == nil {
		return result, nil
	}
	if rp.Null {
		return data, nil
	}
	out, err := set(data, rp.Value, result)
	if err != nil {
		return nil, runtime("%v", err)
	}
	return out, nil
}

func runtime(format string, args ...any) *Error {
	return &Error{Error: asl.ErrRuntime, Cause: fmt.Sprintf(format, args...)}
}

// matchRetrier returns the first retrier that covers name, or -1.
func matchRetrier(rs []asl.Retrier, name string) int {
	for i, r := range rs {
		if errorMatches(r.ErrorEquals, name) {
			return i
		}
	}
	return -1
}

// errorMatches applies ASL's rules: States.ALL covers every error but
// States.Runtime; States.TaskFailed every task error but States.Timeout.
func errorMatches(list []string, name string) bool {
	for _, want := range list {
		switch {
		case want == name:
			return true
		case want == asl.ErrAll && name != asl.ErrRuntime:
			return true
		case want == asl.ErrTaskFailed && name != asl.ErrTimeout && name != asl.ErrRuntime && !strings.HasPrefix(name, "States."):
			return true
		}
	}
	return false
}

func backoff(r asl.Retrier, attempt int) float64 {
	interval, rate := 1.0, 2.0
	if r.IntervalSeconds != nil {
		interval = float64(*r.IntervalSeconds)
	}
	if r.BackoffRate != nil {
		rate = *r.BackoffRate
	}
	d := interval * math.Pow(rate, float64(attempt))
	if r.MaxDelaySeconds != nil && d > float64(*r.MaxDelaySeconds) {
		d = float64(*r.MaxDelaySeconds)
	}
	return d
}

// normalize turns json.Number and other numbers into float64, as
// encoding/json decodes them, so values compare alike.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
