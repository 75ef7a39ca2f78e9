package kedro

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// Ways to group nodes into jobs.
const (
	ByNode      = "node"
	ByNamespace = "namespace"
	ByTag       = "tag"
)

// GroupBys lists the ways, for usage messages.
var GroupBys = []string{ByNode, ByNamespace, ByTag}

// Job is one step of the state machine: one Kedro node, or every node of
// a namespace or a tag.
type Job struct {
	// Name is the state name: cleaned to what Step Functions accepts, unique.
	Name string
	// Namespace is set for a job that runs a whole namespace; Tag for one
	// that runs a tag's nodes.
	Namespace, Tag string
	// Nodes are the Kedro node names it runs, sorted.
	Nodes []string
	// After are the jobs that produce one of its inputs, by name, sorted.
	After []string
	// Wave is its group, from 0: one more than the latest job it runs after.
	Wave int
}

// Plan is a pipeline cut into jobs, and the jobs into waves that run in
// sequence (the jobs of a wave run in parallel).
type Plan struct {
	Pipeline *Pipeline
	GroupBy  string
	Jobs     []*Job
	Waves    [][]*Job
}

// Group cuts the pipeline into jobs and orders them: a job runs only
// after every job that produces one of its inputs. Nodes with no
// namespace (or no tag) run one per job.
func Group(p *Pipeline, by string) (*Plan, diag.List) {
	var d diag.List
	key := func(t *Task) (string, string, string) {
		switch by {
		case ByNamespace:
			if t.Namespace != "" {
				return "ns:" + t.Namespace, t.Namespace, ""
			}
		case ByTag:
			if len(t.Tags) > 0 {
				// A node with several tags runs once, in its first tag's job.
				return "tag:" + t.Tags[0], "", t.Tags[0]
			}
		}
		return "node:" + t.Name, "", ""
	}
	jobOf := map[string]*Job{}
	taskJob := map[*Task]*Job{}
	var order []string
	for _, t := range p.Tasks {
		k, ns, tag := key(t)
		j := jobOf[k]
		if j == nil {
			j = &Job{Namespace: ns, Tag: tag}
			jobOf[k] = j
			order = append(order, k)
		}
		j.Nodes = append(j.Nodes, t.Name)
		taskJob[t] = j
	}
	producer := map[string][]*Task{}
	for _, t := range p.Tasks {
		for _, o := range t.Outputs {
			producer[o] = append(producer[o], t)
		}
	}
	// deps[j] are the jobs j runs after; why[j][k] one dataset that links them.
	deps := map[*Job]map[*Job]string{}
	for _, t := range p.Tasks {
		j := taskJob[t]
		for _, in := range t.Inputs {
			for _, src := range producer[in] {
				if k := taskJob[src]; k != j {
					if deps[j] == nil {
						deps[j] = map[*Job]string{}
					}
					if _, ok := deps[j][k]; !ok {
						deps[j][k] = fmt.Sprintf("%s → %s → %s", src.Name, printable(in), t.Name)
					}
				}
			}
		}
	}
	jobs := make([]*Job, 0, len(order))
	for _, k := range order {
		jobs = append(jobs, jobOf[k])
	}
	sort.SliceStable(jobs, func(a, b int) bool { return jobs[a].Nodes[0] < jobs[b].Nodes[0] })
	for _, j := range jobs {
		sort.Strings(j.Nodes)
	}
	names(jobs)
	if cyc := cycle(jobs, deps); cyc != nil {
		var steps []string
		for i := range cyc {
			steps = append(steps, deps[cyc[(i+1)%len(cyc)]][cyc[i]])
		}
		msg := "the edges form a cycle: " + strings.Join(steps, ", then ")
		hint := "a Kedro pipeline is acyclic; the export is damaged or was edited"
		if by != ByNode {
			msg = fmt.Sprintf("grouped by %s, the jobs depend on each other: %s", by, strings.Join(steps, ", then "))
			hint = "a job runs only after every job it needs; --group-by node keeps each node apart"
		}
		d.Add(diag.Diagnostic{File: p.File, Path: "edges", Message: msg, Hint: hint})
		return nil, d
	}
	for _, j := range jobs {
		for k := range deps[j] {
			j.After = append(j.After, k.Name)
		}
		sort.Strings(j.After)
	}
	// Waves: Kahn's layering, a job one wave after its latest dependency.
	byName := map[string]*Job{}
	for _, j := range jobs {
		byName[j.Name] = j
	}
	var wave func(j *Job) int
	done := map[*Job]bool{}
	wave = func(j *Job) int {
		if done[j] {
			return j.Wave
		}
		w := 0
		for _, a := range j.After {
			if x := wave(byName[a]) + 1; x > w {
				w = x
			}
		}
		j.Wave, done[j] = w, true
		return w
	}
	pl := &Plan{Pipeline: p, GroupBy: by, Jobs: jobs}
	for _, j := range jobs {
		w := wave(j)
		for len(pl.Waves) <= w {
			pl.Waves = append(pl.Waves, nil)
		}
		pl.Waves[w] = append(pl.Waves[w], j)
	}
	return pl, d
}

func printable(dataset string) string {
	if strings.HasPrefix(dataset, "\x00") {
		return "(direct edge)"
	}
	return dataset
}

// cycle returns the jobs of one dependency cycle, in order, or nil.
func cycle(jobs []*Job, deps map[*Job]map[*Job]string) []*Job {
	const (
		unseen = iota
		open
		closed
	)
	state := map[*Job]int{}
	var stack []*Job
	var found []*Job
	var visit func(j *Job) bool
	visit = func(j *Job) bool {
		state[j] = open
		stack = append(stack, j)
		var next []*Job
		for k := range deps[j] {
			next = append(next, k)
		}
		sort.Slice(next, func(a, b int) bool { return next[a].Name < next[b].Name })
		for _, k := range next {
			switch state[k] {
			case open:
				for i := len(stack) - 1; i >= 0; i-- {
					if stack[i] == k {
						// stack[i:] runs k … j, each after the next: report
						// them in running order.
						c := append([]*Job(nil), stack[i:]...)
						for a, b := 0, len(c)-1; a < b; a, b = a+1, b-1 {
							c[a], c[b] = c[b], c[a]
						}
						found = c
						return true
					}
				}
			case unseen:
				if visit(k) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[j] = closed
		return false
	}
	for _, j := range jobs {
		if state[j] == unseen && visit(j) {
			return found
		}
	}
	return nil
}

// Step Functions refuses state names with white space, brackets,
// wildcards, punctuation and control characters; blueprint's own names
// keep to letters, digits, - and _.
var unsafeState = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// maxName leaves room for a numeric suffix under Step Functions' 80.
const maxName = 64

// names gives every job a state name from its node, namespace or tag,
// unique among jobs and group names.
func names(jobs []*Job) {
	taken := map[string]bool{}
	for _, j := range jobs {
		base := j.Nodes[0]
		if generatedName.MatchString(base) {
			base, _, _ = strings.Cut(base, "(") // its function's name
		}
		switch {
		case j.Namespace != "":
			base = j.Namespace
		case j.Tag != "":
			base = "tag-" + j.Tag
		}
		base = strings.Trim(unsafeState.ReplaceAllString(base, "-"), "-")
		if len(base) > maxName {
			base = strings.TrimRight(base[:maxName], "-")
		}
		if base == "" || !isLetter(base[0]) {
			base = "node-" + base
		}
		name := base
		for i := 2; taken[strings.ToLower(name)] || isGroupName(name); i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		taken[strings.ToLower(name)] = true
		j.Name = name
	}
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

var groupName = regexp.MustCompile(`^Group[0-9]+$`)

func isGroupName(s string) bool { return groupName.MatchString(s) }

// GroupName is the state name of wave i (from 0).
func GroupName(i int) string { return fmt.Sprintf("Group%d", i+1) }
