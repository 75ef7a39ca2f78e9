package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
)

// Kind says where a type may appear in a config.
type Kind uint8

const (
	// Resource types go under aws_resources.
	Resource Kind = 1 << iota
	// Step types go under groups[].jobs.
	Step
	// Trigger types go under triggers.
	Trigger
)

// Has reports whether k includes all of o.
func (k Kind) Has(o Kind) bool { return k&o == o }

func (k Kind) String() string {
	var parts []string
	if k.Has(Resource) {
		parts = append(parts, "resource")
	}
	if k.Has(Step) {
		parts = append(parts, "step")
	}
	if k.Has(Trigger) {
		parts = append(parts, "trigger")
	}
	return strings.Join(parts, ", ")
}

// Section is the config section that holds items of kind k.
func (k Kind) Section() string {
	switch k {
	case Resource:
		return "aws_resources"
	case Trigger:
		return "triggers"
	}
	return "groups[].jobs"
}

// Engine is one resource or step type. NewSpec returns a pointer to a fresh
// spec struct with its defaults set; the whole item (name, type, config and
// any job-level keys) is decoded strictly into it.
type Engine interface {
	Type() string
	Kinds() Kind
	NewSpec() any
}

// Aliaser is implemented by engines whose type has other spellings.
type Aliaser interface {
	Aliases() []string
}

// Checker is implemented by engines that check more than validate tags:
// files, references, cross-field rules.
type Checker interface {
	Check(spec any, c *CheckContext)
}

// Planner is implemented by step engines: it returns the states that run
// the step. Spec is validated; an error here is a bug, not a user mistake.
type Planner interface {
	Plan(spec any, p *PlanContext) (*asl.Fragment, error)
}

// Nester is implemented by specs that hold groups of their own (choice).
type Nester interface {
	NestedGroups() []*config.Group
}

// Ender is implemented by step engines whose state ends the execution (a
// Fail or Succeed state): nothing may follow it in its chain.
type Ender interface {
	Ends() bool
}

// Chainer is implemented by Nesters whose groups form several chains (the
// branches of a choice): each chain runs its groups in sequence.
type Chainer interface {
	NestedChains() [][]*config.Group
}

// Retrier is implemented by specs that carry a job retry policy.
type Retrier interface {
	JobRetry() *config.Retry
}

// JobFiler is implemented by step engines whose jobs read a YAML file of
// their own (a Glue or an Athena job YAML): its kind as `blueprint list`
// and `blueprint schema` name it ("glue-job"), the step's key that names
// the file, and the spec the file decodes into.
type JobFiler interface {
	JobFile() (kind, key string, spec any)
}

// Describer is implemented by engines that explain themselves in `blueprint list`.
type Describer interface {
	Describe() string
}

// Registry finds engines by type name or alias.
type Registry struct {
	byName  map[string]Engine
	ordered []Engine
}

// NewRegistry builds a registry; a type registered twice is a programming
// error and panics at start-up, never on user input.
func NewRegistry(engines ...Engine) *Registry {
	r := &Registry{byName: map[string]Engine{}}
	for _, e := range engines {
		r.Register(e)
	}
	return r
}

// Register adds an engine, e.g. a project's own step type.
func (r *Registry) Register(e Engine) {
	names := []string{e.Type()}
	if a, ok := e.(Aliaser); ok {
		names = append(names, a.Aliases()...)
	}
	for _, n := range names {
		if _, dup := r.byName[n]; dup {
			panic(fmt.Sprintf("engine: type %q registered twice", n))
		}
		r.byName[n] = e
	}
	r.ordered = append(r.ordered, e)
}

// Lookup returns the engine of a type name or alias.
func (r *Registry) Lookup(name string) (Engine, bool) {
	e, ok := r.byName[name]
	return e, ok
}

// All returns the engines in registration order.
func (r *Registry) All() []Engine { return r.ordered }

// Names returns the type names (and aliases) allowed for kind k, sorted.
func (r *Registry) Names(k Kind) []string {
	var out []string
	for n, e := range r.byName {
		if e.Kinds()&k != 0 {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Footprint is implemented by engines that know how many CloudFormation
// resources an item of theirs builds. A step engine implementing it also
// promises that those resources are the job's alone, so they may live in
// a nested stack of their own when the pipeline outgrows one template.
type Footprint interface {
	Footprint(spec any, st *config.Stack) int
}
