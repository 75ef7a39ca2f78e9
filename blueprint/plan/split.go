package plan

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// CloudFormation's and Step Functions' limits that shape a stack, and the
// thresholds blueprint splits at.
const (
	// MaxResources is CloudFormation's limit of resources in one template.
	MaxResources = 500
	// MaxOutputs is CloudFormation's limit of outputs of one template: a
	// nested stack exports one per value the state machine uses.
	MaxOutputs = 200
	// MaxDefinitionBytes is where the state machine is split, and the most
	// one part may hold: half of Step Functions' 1 MB, because the
	// definition travels JSON-escaped inside a CloudFormation template
	// (also 1 MB) and each placeholder grows into an ARN.
	MaxDefinitionBytes = 512 << 10
	// MaxMachineRefs is the most deploy-time values (function and topic
	// ARNs, …) one machine may use before it is split: each becomes a
	// parameter of its nested stack (CloudFormation allows 200) and an ARN
	// in its role's policy (IAM attaches at most 10 managed policies).
	MaxMachineRefs = 150
	// Buckets is the number of nested stacks a split stack's job resources
	// are spread over. It is fixed for good: a job's nested stack depends
	// on its name and this number only, so no job ever moves.
	Buckets = 16
)

// Part is one child state machine of a split pipeline: whole top-level
// groups, in order.
type Part struct {
	// Name is the part's ref name ("part1"); the machine is named
	// "<machine>-part1".
	Name       string
	Groups     []string
	Definition *asl.StateMachine
	Policy     *engine.Policy
	Bytes      int
	Refs       int
}

// Layout says where a stack's resources go when one template cannot hold
// them: the resources of each job into one of Buckets nested stacks
// chosen by a hash of the job's name.
type Layout struct {
	// Resources estimates the stack's resources in a single template.
	Resources int
	Nested    bool
	// Jobs maps each job whose resources move to its nested stack, 1…Buckets.
	Jobs map[string]int
	// Load estimates the resources of each nested stack (index = bucket).
	Load [Buckets + 1]int
	// Main estimates the resources left in the stack itself.
	Main int
}

// BucketOf is the nested stack of a job: FNV-1a of its name, mod Buckets.
func BucketOf(job string) int {
	h := fnv.New32a()
	h.Write([]byte(job))
	return int(h.Sum32()%Buckets) + 1
}

// BucketID is the construct id of nested stack b.
func BucketID(b int) string { return fmt.Sprintf("Jobs%02d", b) }

// PartID is the construct id of the nested stack holding a machine part.
func PartID(p *Part) string { return "StateMachine" + strings.ToUpper(p.Name[:1]) + p.Name[1:] }

// split divides the machine into parts when its definition passes
// MaxDefinitionBytes or names more than MaxMachineRefs values: top-level
// groups are filled into parts in order, each group whole, and the root
// machine runs the parts one after the other.
func (b *builder) split(m *Machine) diag.List {
	raw, err := m.Definition.MarshalCompact()
	if err != nil {
		return b.fail(err)
	}
	m.size, m.refs = len(raw), machineRefs(m.Definition, m.Policy)
	if m.size <= MaxDefinitionBytes && len(m.refs) <= MaxMachineRefs {
		return nil
	}
	var diags diag.List
	type sized struct {
		g     *config.Group
		bytes int
		refs  map[string]bool
	}
	var groups []sized
	for _, g := range b.st.Pipeline.Groups {
		gb := &builder{st: b.st, idx: b.idx, reg: b.reg, policy: &engine.Policy{}, machine: b.machine}
		f, err := gb.group(g)
		if err != nil {
			return b.fail(err)
		}
		def := f.Close()
		raw, err := def.MarshalCompact()
		if err != nil {
			return b.fail(err)
		}
		refs := map[string]bool{}
		for r := range machineRefs(def, gb.policy) {
			refs[r] = true
		}
		pos := b.st.Source.Pos(g.Node.Line, g.Node.Column)
		if len(raw) > MaxDefinitionBytes {
			d := diag.At(pos, g.Path, "group %s alone needs %d bytes of state machine definition; one state machine holds at most %d here", g.Name, len(raw), MaxDefinitionBytes)
			if name, size := largestState(def); size > MaxDefinitionBytes {
				d = diag.At(pos, g.Path, "group %s: state %s alone is %d bytes; a state machine definition holds at most %d here", g.Name, name, size, MaxDefinitionBytes)
			}
			diags.Add(d.WithHint("split the group's jobs into several groups"))
		}
		if len(refs) > MaxMachineRefs {
			diags.Add(diag.At(pos, g.Path, "group %s alone uses %d deploy-time values (function ARNs, …); one state machine may use at most %d", g.Name, len(refs), MaxMachineRefs).
				WithHint("split the group's jobs into several groups"))
		}
		groups = append(groups, sized{g, len(raw), refs})
	}
	if diags.HasErrors() {
		return diags
	}
	var parts [][]sized
	var bytes int
	refs := map[string]bool{}
	for _, g := range groups {
		n := len(refs)
		for r := range g.refs {
			if !refs[r] {
				n++
			}
		}
		if len(parts) == 0 || bytes+g.bytes+len(",\"\":") > MaxDefinitionBytes-1024 || n > MaxMachineRefs {
			parts = append(parts, nil)
			bytes, refs = 0, map[string]bool{}
		}
		parts[len(parts)-1] = append(parts[len(parts)-1], g)
		bytes += g.bytes
		for r := range g.refs {
			refs[r] = true
		}
	}
	if last := fmt.Sprintf("%s%s-part%d", m.Name, b.st.StageSuffix(), len(parts)); len(last) > 80 {
		// Validation checked the parent's name; the children add -partN.
		d := b.st.Decoder
		diags.Add(diag.At(d.Pos(d.Node("name")), "name", "the state machine is split into %d child machines, the last named %q, %d characters; Step Functions accepts at most 80", len(parts), last, len(last)).
			WithHint("a name at most %d characters long, or PIPELINE_NAME", len(m.Name)-(len(last)-80)))
		return diags
	}
	root := &builder{st: b.st, idx: b.idx, reg: b.reg, policy: &engine.Policy{}, machine: b.machine}
	var chain *asl.Fragment
	for i, gs := range parts {
		// A distributed map starts executions of the part it is in.
		pb := &builder{st: b.st, idx: b.idx, reg: b.reg, policy: &engine.Policy{}, machine: fmt.Sprintf("%s-part%d", b.machine, i+1)}
		var cgs []*config.Group
		var names []string
		for _, g := range gs {
			cgs = append(cgs, g.g)
			names = append(names, g.g.Name)
		}
		body, err := pb.chain(cgs)
		if err != nil {
			return b.fail(err)
		}
		def := body.Close()
		def.Comment = fmt.Sprintf("part %d of %d of %s: groups %s", i+1, len(parts), m.Name, span(names))
		def.TimeoutSeconds = m.Definition.TimeoutSeconds
		raw, err := def.MarshalCompact()
		if err != nil {
			return b.fail(err)
		}
		p := &Part{Name: fmt.Sprintf("part%d", i+1), Groups: names, Definition: def, Policy: pb.policy,
			Bytes: len(raw), Refs: len(machineRefs(def, pb.policy))}
		m.Parts = append(m.Parts, p)
		arn := PartARN(p)
		name := engine.Ref{Kind: engine.StateMachineKind, Name: p.Name, Attr: "name"}.String()
		root.policy.Allow([]string{"states:StartExecution"}, arn)
		root.policy.Allow([]string{"states:DescribeExecution", "states:StopExecution"}, engine.ARN("states", "execution:"+name+":*"))
		run := asl.Single("Run "+p.Name, &asl.State{
			Type: asl.Task, Resource: asl.StartExecutionSync,
			Comment:    fmt.Sprintf("runs groups %s in the child machine %s", span(names), p.Name),
			Parameters: map[string]any{"StateMachineArn": arn, "Input.$": "$"},
			OutputPath: asl.Path("$.Output"),
		})
		if chain == nil {
			chain = run
		} else if err := chain.Then(run); err != nil {
			return b.fail(err)
		}
	}
	if len(parts) > 0 {
		// .sync waits for the child through an EventBridge rule the service
		// manages in the account.
		root.policy.Allow([]string{"events:PutTargets", "events:PutRule", "events:DescribeRule"},
			engine.ARN("events", "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"))
	}
	p := b.st.Pipeline
	if p.Retry != nil || p.Catch != nil {
		if chain, err = root.handler(chain); err != nil {
			return b.fail(err)
		}
	}
	// The parent sees a part's failure as States.TaskFailed, whatever the
	// part's own error was.
	for _, h := range []struct {
		path string
		errs []string
	}{{"catch.error_equals", catchErrors(p)}, {"retry.error_equals", retryErrors(p)}} {
		if len(h.errs) == 0 || slices.Contains(h.errs, asl.ErrAll) || slices.Contains(h.errs, asl.ErrTaskFailed) {
			continue
		}
		d := b.st.Decoder
		diags.Add(diag.At(d.Pos(d.Node(h.path)), h.path, "the state machine is split into %d child machines, and an error inside one reaches the %s as States.TaskFailed, not as %s", len(parts), strings.SplitN(h.path, ".", 2)[0], strings.Join(h.errs, ", ")).
			WithHint("add States.TaskFailed to error_equals").AsWarning())
	}
	m.Root = chain.Close()
	m.Root.Comment = m.Definition.Comment
	m.Root.TimeoutSeconds = m.Definition.TimeoutSeconds
	m.RootPolicy = root.policy
	return diags
}

func catchErrors(p *config.Pipeline) []string {
	if p.Catch == nil {
		return nil
	}
	return p.Catch.ErrorEquals
}

func retryErrors(p *config.Pipeline) []string {
	if p.Retry == nil {
		return nil
	}
	return p.Retry.ErrorEquals
}

// PartARN is the placeholder of a part's ARN.
func PartARN(p *Part) string {
	return engine.Ref{Kind: engine.StateMachineKind, Name: p.Name, Attr: "arn"}.String()
}

// span names a run of groups by its ends: "Load … Publish".
func span(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return names[0] + " … " + names[len(names)-1]
}

// machineRefs are the distinct deploy-time values a machine and its
// policy name, pseudo parameters aside.
func machineRefs(def *asl.StateMachine, pol *engine.Policy) map[string]bool {
	raw, _ := def.MarshalCompact()
	var text strings.Builder
	text.Write(raw)
	for _, s := range pol.Statements {
		for _, r := range s.Resources {
			text.WriteString(" " + r)
		}
	}
	out := map[string]bool{}
	for _, r := range engine.Refs(text.String()) {
		if r.Kind != "aws" && r.Kind != engine.ContextKind && r.Kind != engine.SSMKind {
			out[r.String()] = true
		}
	}
	return out
}

// largestState finds the biggest state of a definition that is not a
// container of others.
func largestState(def *asl.StateMachine) (string, int) {
	var name string
	size := 0
	def.Walk(func(n string, s *asl.State) {
		if s.Type == asl.Parallel || s.Type == asl.Map {
			return
		}
		raw, _ := json.Marshal(s)
		if len(raw) > size {
			name, size = n, len(raw)
		}
	})
	return name, size
}

// Jobs lists every job of the pipeline, nested and catch ones included.
func Jobs(p *config.Pipeline) []*config.Item {
	var out []*config.Item
	var walk func(groups []*config.Group)
	walk = func(groups []*config.Group) {
		for _, g := range groups {
			for _, j := range g.Jobs {
				out = append(out, j)
				if n, ok := j.Spec.(engine.Nester); ok {
					walk(n.NestedGroups())
				}
			}
		}
	}
	walk(p.Groups)
	if p.Catch != nil {
		walk(p.Catch.Groups)
	}
	return out
}

// footprint is an item's estimated resource count; dflt when its engine
// does not say.
func footprint(reg *engine.Registry, it *config.Item, st *config.Stack, dflt int) (int, bool) {
	e, ok := reg.Lookup(it.Type)
	if !ok {
		return dflt, false
	}
	f, ok := e.(engine.Footprint)
	if !ok {
		return dflt, false
	}
	return f.Footprint(it.Spec, st), true
}

// PlanLayout decides whether a stack's job resources go into nested stacks
// and which: when the single template would pass MaxResources. The
// resources of aws_resources, triggers and the state machine stay in the
// stack itself.
func PlanLayout(st *config.Stack, m *Machine, reg *engine.Registry) (*Layout, diag.List) {
	l := &Layout{Jobs: map[string]int{}}
	p := st.Pipeline
	shared := 0
	for _, it := range p.Resources {
		n, _ := footprint(reg, it, st, 2)
		shared += n
	}
	for _, it := range p.Triggers {
		n, _ := footprint(reg, it, st, 4)
		shared += n + 2 // its subscription or schedule, and the grant
	}
	machineRes := 0
	refs := map[string]bool{}
	if m != nil {
		// Machine, role, policy, log group, ARN parameter; CDK moves a
		// long policy into managed policies of ~6 KB (some 18 ARNs each).
		machineRes = 5 + 3*len(p.Properties.Schedulers)
		refs = m.refs
		policyRefs := len(refs)
		if m.Root != nil {
			policyRefs = len(machineRefs(m.Root, m.RootPolicy))
		}
		machineRes += policyRefs/18 + len(m.Parts) // one nested stack per part
	}
	type moved struct {
		it *config.Item
		n  int
	}
	var movable []moved
	stay := 0
	for _, it := range Jobs(p) {
		n, ok := footprint(reg, it, st, 0)
		if ok && n > 0 {
			movable = append(movable, moved{it, n})
		} else {
			stay += n
		}
	}
	total := shared + machineRes + stay
	for _, mv := range movable {
		total += mv.n
	}
	l.Resources = total
	if total <= MaxResources {
		l.Main = total
		return l, nil
	}
	l.Nested = true
	outputs := [Buckets + 1]int{}
	used := map[int]bool{}
	last := [Buckets + 1]*config.Item{}
	for _, mv := range movable {
		bk := BucketOf(mv.it.Name)
		l.Jobs[mv.it.Name] = bk
		l.Load[bk] += mv.n
		used[bk] = true
		last[bk] = mv.it
	}
	for r := range refs {
		for _, ref := range engine.Refs(r) {
			if bk, ok := l.Jobs[ref.Name]; ok {
				outputs[bk]++
			}
		}
	}
	l.Main = shared + machineRes + stay + len(used)
	var diags diag.List
	for bk := 1; bk <= Buckets; bk++ {
		it := last[bk]
		if it == nil {
			continue
		}
		pos := it.Decoder.Pos(it.Node)
		if l.Load[bk] > MaxResources {
			diags.Add(diag.At(pos, it.Path, "job %s goes into nested stack %s, whose jobs build about %d resources; a stack holds at most %d", it.Name, BucketID(bk), l.Load[bk], MaxResources).
				WithHint("the pipeline outgrows what one config can deploy (%d nested stacks); move some groups into a config of their own under configs/", Buckets))
		}
		if outputs[bk] > MaxOutputs {
			diags.Add(diag.At(pos, it.Path, "job %s goes into nested stack %s, which would export %d values to the state machine; a stack exports at most %d", it.Name, BucketID(bk), outputs[bk], MaxOutputs).
				WithHint("move some groups into a config of their own under configs/"))
		}
	}
	if l.Main > MaxResources {
		diags.Add(diag.Diagnostic{File: st.Source.Path, Path: "aws_resources",
			Message: fmt.Sprintf("aws_resources, triggers and the state machine alone build about %d resources; a stack holds at most %d", l.Main, MaxResources),
			Hint:    "move some of them into a config of their own under configs/"})
	}
	return l, diags
}

// Describe says in a few lines how a stack is split, for validate; nil
// when it fits one template and one state machine.
func (s *Stack) Describe() []string {
	var out []string
	if l := s.Layout; l != nil && l.Nested {
		var per []string
		for bk := 1; bk <= Buckets; bk++ {
			if l.Load[bk] > 0 {
				per = append(per, fmt.Sprintf("%s %d", BucketID(bk), l.Load[bk]))
			}
		}
		out = append(out, fmt.Sprintf("about %d resources, more than one template holds (%d): each job's resources go into one of %d nested stacks chosen by its name (%s); %d stay in the stack",
			l.Resources, MaxResources, Buckets, strings.Join(per, ", "), l.Main))
	}
	if m := s.Machine; m != nil && len(m.Parts) > 0 {
		out = append(out, fmt.Sprintf("the state machine (%d bytes, %d deploy-time values) runs %d child machines in turn, each over whole groups (at most %d bytes and %d values each):",
			m.size, len(m.refs), len(m.Parts), MaxDefinitionBytes, MaxMachineRefs))
		for _, p := range m.Parts {
			out = append(out, fmt.Sprintf("  %s-%s: %d groups, %s (%d bytes, %d values)", m.Name, p.Name, len(p.Groups), span(p.Groups), p.Bytes, p.Refs))
		}
	}
	return out
}

// Bucket is the nested stack of a job's resources, when the stack is split.
func (l *Layout) Bucket(job string) (int, bool) {
	if l == nil || !l.Nested {
		return 0, false
	}
	b, ok := l.Jobs[job]
	return b, ok
}
