package graph

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// ReadableASL returns the definition with every deploy-time placeholder
// replaced by a plausible literal (arn:aws:lambda:eu-west-1:123456789012:…).
func ReadableASL(def *asl.StateMachine) ([]byte, error) {
	raw, err := def.Marshal()
	if err != nil {
		return nil, err
	}
	return []byte(engine.ReplaceRefs(string(raw), engine.Readable) + "\n"), nil
}

// node is one drawn state.
type node struct {
	id, name, typ, label string
}

// edge is one drawn transition.
type edge struct {
	from, to, label string
	dashed          bool
}

// cluster is a Parallel state's branch, drawn as a box.
type cluster struct {
	id, label string
	nodes     []node
	clusters  []*cluster
}

// model is the drawable form of a definition, shared by both renderers so
// Mermaid and DOT always show the same graph.
type model struct {
	root  cluster
	edges []edge
	ids   map[string]string
	start string
}

func build(def *asl.StateMachine) *model {
	m := &model{ids: map[string]string{}}
	m.start = m.machine(def, &m.root, "")
	return m
}

func (m *model) id(scope, name string) string {
	key := scope + "/" + name
	if id, ok := m.ids[key]; ok {
		return id
	}
	id := fmt.Sprintf("s%d", len(m.ids))
	m.ids[key] = id
	return id
}

// machine draws a (sub) state machine into c and returns its start node id.
func (m *model) machine(def *asl.StateMachine, c *cluster, scope string) string {
	names := make([]string, 0, len(def.States))
	for n := range def.States {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		s := def.States[name]
		id := m.id(scope, name)
		c.nodes = append(c.nodes, node{id: id, name: name, typ: s.Type, label: label(name, s)})
		switch s.Type {
		case asl.Parallel, asl.Map:
			branches := s.Branches
			if s.Type == asl.Map {
				if s.ItemProcessor != nil {
					branches = []*asl.StateMachine{s.ItemProcessor}
				} else if s.Iterator != nil {
					branches = []*asl.StateMachine{s.Iterator}
				}
			}
			for i, b := range branches {
				sub := &cluster{id: fmt.Sprintf("%s_b%d", id, i), label: fmt.Sprintf("%s · branch %d", name, i+1)}
				if s.Type == asl.Map {
					sub.label = name + " · each item"
					if s.ItemBatcher != nil {
						sub.label = name + " · each batch"
					}
				}
				start := m.machine(b, sub, scope+"/"+name+fmt.Sprint(i))
				c.clusters = append(c.clusters, sub)
				m.edges = append(m.edges, edge{from: id, to: start, label: "", dashed: true})
			}
		case asl.Choice:
			for _, r := range s.Choices {
				m.edges = append(m.edges, edge{from: id, to: m.id(scope, r.Next), label: Condition(r)})
			}
			if s.Default != "" {
				m.edges = append(m.edges, edge{from: id, to: m.id(scope, s.Default), label: "otherwise"})
			}
		}
		if s.Next != "" {
			m.edges = append(m.edges, edge{from: id, to: m.id(scope, s.Next)})
		}
		for _, ct := range s.Catch {
			m.edges = append(m.edges, edge{from: id, to: m.id(scope, ct.Next), label: "catch " + strings.Join(ct.ErrorEquals, ", "), dashed: true})
		}
	}
	return m.id(scope, def.StartAt)
}

// label is the text of a state's box: its name, type and retry policy.
func label(name string, s *asl.State) string {
	parts := []string{name}
	switch s.Type {
	case asl.Task:
		parts = append(parts, "Task: "+integration(s.Resource))
	case asl.Parallel:
		parts = append(parts, fmt.Sprintf("Parallel: %d %s", len(s.Branches), plural(len(s.Branches), "branch", "branches")))
	case asl.Map:
		parts = append(parts, mapLabel(s)...)
	default:
		parts = append(parts, s.Type)
	}
	for _, r := range s.Retry {
		attempts := 3
		if r.MaxAttempts != nil {
			attempts = *r.MaxAttempts
		}
		parts = append(parts, fmt.Sprintf("retry %s ×%d", errorNames(r.ErrorEquals), attempts))
	}
	return strings.Join(parts, "\n")
}

// mapLabel says where a Map's items come from and how it runs them:
// "Map: inline over $.partitions", "Distributed Map: s3://b/raw/ (objects)",
// then its concurrency, batches, failure tolerance and result location.
func mapLabel(s *asl.State) []string {
	head, from := "Map: inline", ""
	if s.Distributed() {
		head = "Distributed Map:"
	}
	if s.ItemsPath != "" {
		from = "over " + s.ItemsPath
	}
	if r := s.ItemReader; r != nil {
		params, _ := r.Parameters.(map[string]any)
		bucket, _ := params["Bucket"].(string)
		where, _ := params["Prefix"].(string)
		format := "objects"
		if r.ReaderConfig != nil && r.ReaderConfig.InputType != "" {
			where, _ = params["Key"].(string)
			format = strings.ToLower(r.ReaderConfig.InputType)
		}
		from = fmt.Sprintf("s3://%s/%s (%s)", engine.ReplaceRefs(bucket, engine.Readable), where, format)
	}
	out := []string{strings.TrimSpace(head + " " + from)}
	var how []string
	if s.MaxConcurrency > 0 {
		how = append(how, fmt.Sprintf("%d at once", s.MaxConcurrency))
	}
	if b := s.ItemBatcher; b != nil && b.MaxItemsPerBatch > 0 {
		how = append(how, fmt.Sprintf("batches of %d", b.MaxItemsPerBatch))
	}
	if p := s.ToleratedFailurePercentage; p != nil && *p > 0 {
		how = append(how, fmt.Sprintf("tolerates %v%% failed", *p))
	}
	if n := s.ToleratedFailureCount; n != nil && *n > 0 {
		how = append(how, fmt.Sprintf("tolerates %d failed", *n))
	}
	if how != nil {
		out = append(out, strings.Join(how, ", "))
	}
	if w := s.ResultWriter; w != nil {
		params, _ := w.Parameters.(map[string]any)
		bucket, _ := params["Bucket"].(string)
		prefix, _ := params["Prefix"].(string)
		out = append(out, fmt.Sprintf("results to s3://%s/%s", engine.ReplaceRefs(bucket, engine.Readable), prefix))
	}
	return out
}

// lambdaServiceErrors are the transient errors every Lambda task retries
// (CDK's default retry of LambdaInvoke).
var lambdaServiceErrors = []string{"Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"}

// errorNames lists the errors a retrier covers, Lambda's transient
// service errors as one item.
func errorNames(names []string) string {
	if len(names) == len(lambdaServiceErrors) && slices.Equal(slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(lambdaServiceErrors))) {
		return "Lambda service errors"
	}
	return strings.Join(names, ", ")
}

// integration shortens a Task resource: "arn:aws:states:::glue:startJobRun.sync" → "glue:startJobRun.sync".
func integration(resource string) string {
	if r, ok := strings.CutPrefix(resource, "arn:aws:states:::"); ok {
		return r
	}
	return engine.ReplaceRefs(resource, engine.Readable)
}

// Condition renders a choice rule as text: "$.x == true".
func Condition(r *asl.ChoiceRule) string {
	switch {
	case r.And != nil:
		return joinRules(r.And, " and ")
	case r.Or != nil:
		return joinRules(r.Or, " or ")
	case r.Not != nil:
		return "not (" + Condition(r.Not) + ")"
	}
	ops := make([]string, 0, len(r.Comparison))
	for op := range r.Comparison {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	var out []string
	for _, op := range ops {
		v, _ := json.Marshal(r.Comparison[op])
		out = append(out, fmt.Sprintf("%s %s %s", r.Variable, symbol(op), v))
	}
	return strings.Join(out, " and ")
}

func joinRules(rules []*asl.ChoiceRule, sep string) string {
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = Condition(r)
	}
	return "(" + strings.Join(parts, sep) + ")"
}

func symbol(op string) string {
	base := strings.TrimSuffix(op, "Path")
	for _, s := range []struct{ suffix, sym string }{
		{"GreaterThanEquals", ">="}, {"LessThanEquals", "<="}, {"GreaterThan", ">"}, {"LessThan", "<"}, {"Equals", "=="}, {"Matches", "matches"},
	} {
		if strings.HasSuffix(base, s.suffix) {
			return s.sym
		}
	}
	return op // IsPresent & co read well as they are
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
