package validate

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Stack validates one loaded stack. Diagnostics go to the stack's decoder
// (it knows the positions) and are returned too; the index of its items is
// returned for planning.
func Stack(st *config.Stack, reg *engine.Registry) (*engine.Index, diag.List) {
	v := &validator{
		st: st, reg: reg, d: st.Decoder,
		index:  &engine.Index{Resources: map[string]*config.Item{}, Steps: map[string]*config.Item{}},
		states: map[string]string{},
	}
	p := st.Pipeline
	v.items(p.Resources, engine.Resource, v.index.Resources, "resource")
	triggers := map[string]*config.Item{}
	v.items(p.Triggers, engine.Trigger, triggers, "trigger")
	if n := v.rootKey("groups"); n != nil && len(p.Groups) == 0 {
		v.d.Errorf(n, "groups", "is empty").Hint = "add a group with jobs, or remove groups for a stack of resources only"
	}
	v.groups(p.Groups)
	if name := config.SafeName(st.PipelineName()) + st.StageSuffix(); len(p.Groups) > 0 && len(name) > 80 {
		// PIPELINE_NAME may set it from outside the file.
		n := v.d.Node("name")
		v.d.Errorf(n, "name", "the state machine would be named %q, %d characters; Step Functions accepts at most 80", name, len(name)).Hint =
			"a shorter name, or PIPELINE_NAME"
	}
	if n := p.Properties.StackName; n != "" && !stackName.MatchString(n) {
		// PIPELINE_NAME may set it from outside the file (version 1).
		v.d.Errorf(v.d.Node("properties.stack_name"), "properties.stack_name", "%q is no CloudFormation stack name: a letter, then letters A-Z, a-z, digits and -", n).Hint =
			"for a data.all config, PIPELINE_NAME names the stack"
	}
	if p.Catch != nil {
		if len(p.Catch.Groups) == 0 {
			v.d.Errorf(v.d.Node("catch"), "catch", "has no groups to run on error").Hint = "add catch.groups, e.g. a group publishing to an SNS topic"
		}
		v.groups(p.Catch.Groups)
		if p.Catch.ResultPath != "" {
			v.path("catch.result_path", p.Catch.ResultPath)
		}
	}
	if (p.Retry != nil || p.Catch != nil) && len(p.Groups) == 0 {
		v.d.Errorf(v.d.Node("retry"), "", "retry and catch apply to the groups of the pipeline, and it has none")
	}
	for i, s := range p.Properties.Schedulers {
		path := fmt.Sprintf("properties.schedulers[%d]", i)
		if err := engine.CheckSchedule(s.Cron); s.Cron != "" && err != nil {
			v.d.Errorf(v.d.Node(path+".cron"), path+".cron", "%v", err)
		}
		if s.Payload != nil {
			if _, err := engine.ParsePayload(s.Payload); err != nil {
				v.d.Errorf(v.d.Node(path+".payload"), path+".payload", "%v", err)
			}
		}
	}
	v.check()
	v.logicalIDs()
	v.d.Diags = st.Source.Quiet(v.d.Diags)
	return v.index, v.d.Diags
}

type validator struct {
	st    *config.Stack
	reg   *engine.Registry
	d     *config.Decoder
	index *engine.Index
	// states maps every state name (groups and jobs) to its path.
	states map[string]string
	// decoded items, in order, with the kind they were used as.
	decoded []used
}

type used struct {
	item *config.Item
	kind engine.Kind
	eng  engine.Engine
}

func (v *validator) rootKey(key string) *yaml.Node {
	root := v.d.Node("")
	if root == nil || root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == key {
			return root.Content[i]
		}
	}
	return nil
}

func (v *validator) items(items []*config.Item, kind engine.Kind, into map[string]*config.Item, what string) {
	for _, it := range items {
		if it == nil || it.Node == nil {
			continue
		}
		if !v.item(it, kind) || it.Name == "" {
			continue
		}
		if prev, dup := into[it.Name]; dup {
			v.dupName(it, what, prev.Path)
			continue
		}
		into[it.Name] = it
	}
}

func (v *validator) dupName(it *config.Item, what, prevPath string) {
	p := it.Path + ".name"
	first := v.d.Pos(v.d.Node(prevPath + ".name"))
	v.d.Errorf(v.d.Node(p), p, "%s name %q is already used by %s", what, it.Name, prevPath).Hint =
		fmt.Sprintf("first used on line %d; names must be unique", first.Line)
}

// item decodes one item through its engine; it reports whether it could.
func (v *validator) item(it *config.Item, kind engine.Kind) bool {
	if it.Node.Kind != yaml.MappingNode {
		return false // reported while decoding
	}
	tp := it.Path + ".type"
	if it.Type == "" {
		if it.Field("type") == nil {
			v.d.Errorf(it.Node, tp, "is required").Hint = "one of " + diag.OneOf(v.reg.Names(kind))
		} else {
			v.d.Errorf(v.d.Node(tp), tp, "must be a type name").Hint = "one of " + diag.OneOf(v.reg.Names(kind))
		}
		if it.Field("name") == nil {
			v.d.Errorf(it.Node, it.Path+".name", "is required")
		}
		return false
	}
	e, ok := v.reg.Lookup(it.Type)
	what := map[engine.Kind]string{engine.Resource: "resource", engine.Step: "step", engine.Trigger: "trigger"}[kind]
	if !ok {
		dg := v.d.Errorf(v.d.Node(tp), tp, "unknown %s type %q", what, it.Type)
		if s := diag.Suggest(it.Type, v.reg.Names(kind)); s != "" {
			dg.Hint = fmt.Sprintf("did you mean %q?", s)
		} else {
			dg.Hint = "one of " + diag.OneOf(v.reg.Names(kind))
		}
		if it.Field("name") == nil {
			v.d.Errorf(it.Node, it.Path+".name", "is required")
		}
		return false
	}
	if !e.Kinds().Has(kind) {
		v.d.Errorf(v.d.Node(tp), tp, "%q cannot be used as a %s; it is a %s type", it.Type, what, e.Kinds()).Hint =
			fmt.Sprintf("%s takes %s types: blueprint list shows them", kind.Section(), what)
		return false
	}
	spec := e.NewSpec()
	v.d.Decode(it.Node, spec, it.Path)
	v.d.Check(spec, it.Path)
	it.Spec = spec
	v.decoded = append(v.decoded, used{item: it, kind: kind, eng: e})
	if n, ok := spec.(engine.Chainer); ok {
		for _, c := range n.NestedChains() {
			v.groups(c)
		}
	} else if n, ok := spec.(engine.Nester); ok {
		v.groups(n.NestedGroups())
	}
	return true
}

func (v *validator) groups(groups []*config.Group) {
	for i, g := range groups {
		if g == nil || g.Node == nil {
			continue
		}
		v.ends(g, i == len(groups)-1)
		if g.Unwrapped() && len(g.Jobs) > 1 {
			v.d.Errorf(v.d.Node(g.Path+".parallel"), g.Path+".parallel", "parallel: false runs a group's one job without a Parallel state; group %q has %d jobs", g.Name, len(g.Jobs)).Hint =
				"remove parallel: false, or split the group"
		}
		if g.Name != "" && !g.Unwrapped() {
			v.stateName(g.Name, g.Path)
		}
		if len(g.Jobs) == 0 {
			v.d.Errorf(v.d.Node(g.Path+".jobs"), g.Path+".jobs", "group %q has no jobs", g.Name).Hint = "a group runs its jobs in parallel: add at least one"
		}
		for _, j := range g.Jobs {
			if j == nil || j.Node == nil {
				continue
			}
			if !v.item(j, engine.Step) || j.Name == "" {
				continue
			}
			if v.stateName(j.Name, j.Path) {
				v.index.Steps[j.Name] = j
			}
		}
	}
}

// ends reports a group that runs only a fail or succeed step without a
// Parallel and is not the last of its chain: no state could follow it.
func (v *validator) ends(g *config.Group, last bool) {
	if last || !g.Unwrapped() || len(g.Jobs) != 1 || g.Jobs[0] == nil {
		return
	}
	j := g.Jobs[0]
	if e, ok := v.reg.Lookup(j.Type); ok {
		if en, ok := e.(engine.Ender); ok && en.Ends() {
			v.d.Errorf(v.d.Node(j.Path+".type"), j.Path+".type", "a %s step ends the execution, and group %q is followed by more groups", j.Type, g.Name).Hint =
				"make it the last group of its chain, or run it inside a Parallel (remove parallel: false)"
		}
	}
}

// stateName records a group or job name, which becomes a state name: they
// must be unique across the state machine and at most 80 characters.
func (v *validator) stateName(name, path string) bool {
	np := path + ".name"
	if len(name) > 80 {
		v.d.Errorf(v.d.Node(np), np, "name is %d characters long; Step Functions state names are at most 80", len(name))
	}
	if prev, dup := v.states[name]; dup {
		first := v.d.Pos(v.d.Node(prev + ".name"))
		v.d.Errorf(v.d.Node(np), np, "name %q is already used by %s", name, prev).Hint =
			fmt.Sprintf("first used on line %d; group and job names become state names and must be unique", first.Line)
		return false
	}
	v.states[name] = path
	return true
}

func (v *validator) path(p, value string) {
	if err := engine.CheckPath(value); err != nil {
		v.d.Errorf(v.d.Node(p), p, "%v", err)
	}
}

// check runs the engines' own checks once every name is known.
func (v *validator) check() {
	for _, u := range v.decoded {
		c, ok := u.eng.(engine.Checker)
		if !ok {
			continue
		}
		c.Check(u.item.Spec, &engine.CheckContext{Item: u.item, Kind: u.kind, Stack: v.st, Index: v.index, Registry: v.reg})
	}
}
