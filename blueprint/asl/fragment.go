package asl

import (
	"fmt"
	"sort"
)

// Fragment is a piece of a state machine under construction: a start state
// and its states, some of which still lack a successor.
type Fragment struct {
	StartAt string
	States  map[string]*State
}

// Single returns a fragment of one state.
func Single(name string, s *State) *Fragment {
	return &Fragment{StartAt: name, States: map[string]*State{name: s}}
}

// open reports whether a state still needs a Next or End.
func open(s *State) bool {
	switch s.Type {
	case Choice, Succeed, Fail:
		return false
	}
	return s.Next == "" && !s.End
}

// Then chains g after f: every open state of f continues to g. It returns
// an error when a state name is used twice.
func (f *Fragment) Then(g *Fragment) error {
	if g == nil {
		return nil
	}
	for _, s := range f.States {
		if open(s) {
			s.Next = g.StartAt
		}
	}
	return f.Merge(g)
}

// Merge adds g's states to f without linking them.
func (f *Fragment) Merge(g *Fragment) error {
	for n, s := range g.States {
		if _, dup := f.States[n]; dup {
			return fmt.Errorf("state name %q is used twice", n)
		}
		f.States[n] = s
	}
	return nil
}

// Close marks every open state as an end state and returns the fragment as
// a state machine (or branch).
func (f *Fragment) Close() *StateMachine {
	for _, s := range f.States {
		if open(s) {
			s.End = true
		}
	}
	return &StateMachine{StartAt: f.StartAt, States: f.States}
}

// Names returns the state names of the fragment, sorted.
func (f *Fragment) Names() []string {
	out := make([]string, 0, len(f.States))
	for n := range f.States {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
