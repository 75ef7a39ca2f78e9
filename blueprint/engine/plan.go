package engine

import (
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
)

// Statement is an IAM allow statement the state machine role needs.
// Resources may hold Ref placeholders.
type Statement struct {
	Actions   []string
	Resources []string
}

// Policy collects the statements of a state machine.
type Policy struct {
	Statements []Statement
}

// Allow adds a statement; identical ones are merged when rendered.
func (p *Policy) Allow(actions []string, resources ...string) {
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	p.Statements = append(p.Statements, Statement{Actions: actions, Resources: resources})
}

// Normalized returns the statements merged by resource set, with actions
// and resources sorted and de-duplicated, in a stable order.
func (p *Policy) Normalized() []Statement {
	byRes := map[string]map[string]bool{}
	resOf := map[string][]string{}
	for _, s := range p.Statements {
		res := uniqSorted(s.Resources)
		key := strings.Join(res, "\n")
		if byRes[key] == nil {
			byRes[key] = map[string]bool{}
			resOf[key] = res
		}
		for _, a := range s.Actions {
			byRes[key][a] = true
		}
	}
	keys := make([]string, 0, len(byRes))
	for k := range byRes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Statement, 0, len(keys))
	for _, k := range keys {
		var acts []string
		for a := range byRes[k] {
			acts = append(acts, a)
		}
		sort.Strings(acts)
		out = append(out, Statement{Actions: acts, Resources: resOf[k]})
	}
	return out
}

func uniqSorted(in []string) []string {
	set := map[string]bool{}
	for _, s := range in {
		set[s] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// PlanContext is what an engine's Plan sees.
type PlanContext struct {
	Item     *config.Item
	Stack    *config.Stack
	Index    *Index
	Registry *Registry
	Policy   *Policy
	// Groups plans nested groups as a chain (for choice branches).
	Groups func(groups []*config.Group) (*asl.Fragment, error)
	// Machine is the deployed name of the state machine being planned
	// (a Distributed Map starts executions of it).
	Machine string
}

// Allow adds an IAM statement to the state machine role.
func (p *PlanContext) Allow(actions []string, resources ...string) {
	p.Policy.Allow(actions, resources...)
}

// StateName returns the name of the step's state, with an optional suffix
// for steps that need several states ("MyJob", "MyJob: wait").
func (p *PlanContext) StateName(suffix ...string) string {
	if len(suffix) == 0 {
		return p.Item.Name
	}
	return p.Item.Name + ": " + strings.Join(suffix, ": ")
}

// Ref returns the placeholder of a deploy-time value of the item itself.
func (p *PlanContext) Ref(attr string) string {
	return Ref{Kind: p.canonical(p.Item.Type), Name: p.Item.Name, Attr: attr}.String()
}

// ResourceRef returns the placeholder of a deploy-time value of a resource.
func (p *PlanContext) ResourceRef(name, attr string) string {
	it := p.Index.Resources[name]
	if it == nil {
		return Ref{Kind: "unknown", Name: name, Attr: attr}.String()
	}
	return Ref{Kind: p.canonical(it.Type), Name: name, Attr: attr}.String()
}

func (p *PlanContext) canonical(t string) string {
	if e, ok := p.Registry.Lookup(t); ok {
		return e.Type()
	}
	return t
}

// PhysicalName is the AWS name of a resource the pipeline creates:
// "<name>-<pipeline_name>-<stage>", made safe for AWS names.
func PhysicalName(st *config.Stack, name string) string {
	return config.SafeName(name + "-" + st.PipelineName() + "-" + st.Stage())
}
