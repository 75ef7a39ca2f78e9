package sfntest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/executor"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/blueprint/render"
)

// Suite is one test file.
type Suite struct {
	Path          string
	StateMachines map[string]struct {
		TestCases map[string]map[string]string `json:"TestCases"`
	} `json:"StateMachines"`
	MockedResponses map[string]map[string]Response     `json:"MockedResponses"`
	Expectations    map[string]map[string]*Expectation `json:"Expectations"`
}

// Response is what a mocked task returns or throws.
type Response struct {
	Return any             `json:"Return,omitempty"`
	Throw  *executor.Error `json:"Throw,omitempty"`
}

// Expectation is what must hold after a case runs.
type Expectation struct {
	Input      any      `json:"Input"`
	Status     string   `json:"Status,omitempty"`
	Error      string   `json:"Error,omitempty"`
	Output     any      `json:"Output,omitempty"`
	Visited    []string `json:"Visited,omitempty"`
	NotVisited []string `json:"NotVisited,omitempty"`
	// TaskInputs maps task states to what their last call must have
	// received (a subset of the Parameters after paths and intrinsic
	// functions): the SQL a query ran, the payload a function got.
	TaskInputs map[string]any `json:"TaskInputs,omitempty"`
}

// Load reads and checks a test file; errors name the file and what is
// wrong, with line and column for bad JSON.
func Load(path string) (*Suite, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parse(path, raw, nil)
}

// Render reads a test file as a template, as the config is read: the
// stage and the variables of st ({{ stage }}, {{ database }}, …) fill it
// first, so one file serves every stage.
func Render(path string, st *config.Stack, lookupEnv func(string) (string, bool)) (*Suite, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	res, diags := render.Render(path, raw, st.Context, st.RepoDir, lookupEnv)
	if diags.HasErrors() {
		var b strings.Builder
		diags.Print(&b)
		return nil, errors.New(strings.TrimSpace(b.String()))
	}
	return parse(path, res.Text, res.LineMap)
}

// parse reads a test file's JSON; lineMap, when set, maps its lines back
// to the template's.
func parse(path string, raw []byte, lineMap []int) (*Suite, error) {
	lineCol := func(raw []byte, off int64) (int, int) {
		l, c := lineCol(raw, off)
		if l-1 < len(lineMap) {
			l = lineMap[l-1]
		}
		return l, c
	}
	s := &Suite{Path: path}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			l, c := lineCol(raw, se.Offset-1)
			return nil, fmt.Errorf("%s:%d:%d: not valid JSON: %v", path, l, c, se)
		case errors.As(err, &te):
			// Offset is just past the value; Field leaves out map keys.
			l, c := lineCol(raw, te.Offset-1)
			return nil, fmt.Errorf("%s:%d:%d: a %s where a %s belongs (in %s)", path, l, c, te.Value, jsonKind(te.Type.Kind().String()), te.Field)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			l, c := lineCol(raw, int64(len(raw)))
			return nil, fmt.Errorf("%s:%d:%d: not valid JSON: the file ends before the document does", path, l, c)
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var problems []string
	for _, name := range keys(s.MockedResponses) {
		type span struct {
			lo, hi int
			key    string
		}
		var spans []span
		for _, rng := range keys(s.MockedResponses[name]) {
			r := s.MockedResponses[name][rng]
			if lo, hi, err := parseRange(rng); err != nil {
				problems = append(problems, fmt.Sprintf("MockedResponses.%s: %v", name, err))
			} else {
				spans = append(spans, span{lo, hi, rng})
			}
			if (r.Return != nil) == (r.Throw != nil) {
				problems = append(problems, fmt.Sprintf("MockedResponses.%s.%s: give exactly one of Return and Throw", name, rng))
			}
			if r.Throw != nil && r.Throw.Error == "" {
				problems = append(problems, fmt.Sprintf("MockedResponses.%s.%s.Throw: Error is missing", name, rng))
			}
		}
		// As Step Functions Local reads them: from 0, no gap, no overlap.
		sort.SliceStable(spans, func(i, j int) bool { return spans[i].lo < spans[j].lo })
		next, after := 0, ""
		for _, sp := range spans {
			if sp.lo != next {
				where := "the first must be \"0\""
				if after != "" {
					where = fmt.Sprintf("after %q comes %d", after, next)
				}
				problems = append(problems, fmt.Sprintf("MockedResponses.%s: invocations are numbered from 0 without gaps or overlaps; %s, not %q", name, where, sp.key))
				break
			}
			next, after = sp.hi+1, sp.key
		}
	}
	for _, m := range keys(s.StateMachines) {
		for _, c := range keys(s.StateMachines[m].TestCases) {
			for _, state := range keys(s.StateMachines[m].TestCases[c]) {
				resp := s.StateMachines[m].TestCases[c][state]
				if _, ok := s.MockedResponses[resp]; !ok {
					problems = append(problems, fmt.Sprintf("StateMachines.%s.TestCases.%s.%s: mocked response %q is not defined", m, c, state, resp))
				}
			}
		}
	}
	for _, m := range keys(s.Expectations) {
		for _, c := range keys(s.Expectations[m]) {
			if _, ok := s.StateMachines[m].TestCases[c]; !ok {
				problems = append(problems, fmt.Sprintf("Expectations.%s.%s: no such test case in StateMachines", m, c))
			}
			if st := s.Expectations[m][c].Status; st != "" && st != executor.Succeeded && st != executor.Failed {
				problems = append(problems, fmt.Sprintf("Expectations.%s.%s.Status: %q is neither SUCCEEDED nor FAILED", m, c, st))
			}
		}
	}
	if problems != nil {
		return nil, fmt.Errorf("%s: %s", path, strings.Join(problems, "; "))
	}
	return s, nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "map", "struct":
		return "object"
	case "slice", "array":
		return "list"
	case "int", "float64":
		return "number"
	}
	return goKind
}

func lineCol(raw []byte, off int64) (int, int) {
	line, col := 1, 1
	for i := int64(0); i < off && i < int64(len(raw)); i++ {
		if raw[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// parseRange reads "3" or "1-2".
func parseRange(s string) (int, int, error) {
	a, b, isRange := strings.Cut(s, "-")
	lo, err := strconv.Atoi(a)
	if err != nil || lo < 0 {
		return 0, 0, fmt.Errorf("%q is not an invocation number or range such as \"0\" or \"1-2\"", s)
	}
	if !isRange {
		return lo, lo, nil
	}
	hi, err := strconv.Atoi(b)
	if err != nil || hi < lo {
		return 0, 0, fmt.Errorf("%q is not an invocation range such as \"1-2\"", s)
	}
	return lo, hi, nil
}

// Mocks maps task state names to their mocked responses, keyed "0" or
// "1-2" by attempt. Inside a Map, "State[3]" or "State[0-4]" mocks the
// state in those iterations only ($$.Map.Item.Index), before "State";
// a distributed Map's item reader is mocked under the Map's own name.
type Mocks map[string]map[string]Response

// SplitIterations reads "State[3]" or "State[0-4]" into the state and
// its iterations; ok is false for a plain state name.
func SplitIterations(key string) (state string, lo, hi int, ok bool) {
	open := strings.LastIndex(key, "[")
	if open <= 0 || !strings.HasSuffix(key, "]") {
		return key, 0, 0, false
	}
	lo, hi, err := parseRange(key[open+1 : len(key)-1])
	if err != nil {
		return key, 0, 0, false
	}
	return key[:open], lo, hi, true
}

// responses finds the mocks of a state in an iteration: a matching
// "State[i]" key first, then "State".
func (m Mocks) responses(state string, iteration int) (map[string]Response, bool) {
	if iteration >= 0 {
		for _, k := range keys(m) {
			if st, lo, hi, ok := SplitIterations(k); ok && st == state && iteration >= lo && iteration <= hi {
				return m[k], true
			}
		}
	}
	r, ok := m[state]
	return r, ok
}

// Tasks answers Task states (and item readers) from the mocks. A state
// with no mock, or retried past its last response, fails with
// States.Runtime and is added to unmocked.
func (m Mocks) Tasks(unmocked *[]string) executor.TaskHandler {
	return executor.TaskFunc(func(tc executor.TaskContext) (any, *executor.Error) {
		responses, ok := m.responses(tc.State, tc.Iteration)
		where := tc.State
		if tc.Iteration >= 0 {
			where = fmt.Sprintf("%s[%d]", tc.State, tc.Iteration)
		}
		if !ok {
			*unmocked = append(*unmocked, where)
			return nil, &executor.Error{Error: "States.Runtime", Cause: fmt.Sprintf("task state %q is not mocked", where)}
		}
		for _, rng := range keys(responses) {
			lo, hi, _ := parseRange(rng)
			if tc.Attempt >= lo && tc.Attempt <= hi {
				r := responses[rng]
				if r.Throw != nil {
					return nil, r.Throw
				}
				return r.Return, nil
			}
		}
		*unmocked = append(*unmocked, fmt.Sprintf("%s (attempt %d)", where, tc.Attempt))
		return nil, &executor.Error{Error: "States.Runtime", Cause: fmt.Sprintf("no mocked response for attempt %d of %q", tc.Attempt, where)}
	})
}

// CaseResult is the outcome of one test case.
type CaseResult struct {
	Machine, Case string
	Passed        bool
	Problems      []string
	Path          []string
	Result        *executor.Result
}

// Run runs every case against the machines (by state machine name).
func (s *Suite) Run(machines map[string]*asl.StateMachine) []CaseResult {
	return s.RunDeployed(machines, nil)
}

// RunDeployed runs every case against the machines as they deploy:
// a split pipeline's root starts its children (by ARN placeholder), and
// a case mocks and expects their states as if the machine were whole.
func (s *Suite) RunDeployed(machines, children map[string]*asl.StateMachine) []CaseResult {
	var out []CaseResult
	for _, c := range s.Cases() {
		out = append(out, runCase(machines, children, c))
	}
	return out
}

// Case is one test case of a suite, ready to run.
type Case struct {
	Machine, Name string
	Input         any
	Mocks         Mocks
	Expect        Expectation
}

// Cases lists the suite's cases by machine and name.
func (s *Suite) Cases() []Case {
	var out []Case
	for _, m := range keys(s.StateMachines) {
		for _, name := range keys(s.StateMachines[m].TestCases) {
			c := Case{Machine: m, Name: name, Mocks: Mocks{}}
			for st, resp := range s.StateMachines[m].TestCases[name] {
				c.Mocks[st] = s.MockedResponses[resp]
			}
			if exp := s.Expectations[m][name]; exp != nil {
				c.Expect = *exp
			}
			c.Input = c.Expect.Input
			if c.Input == nil {
				c.Input = map[string]any{}
			}
			out = append(out, c)
		}
	}
	return out
}

func runCase(machines, children map[string]*asl.StateMachine, c Case) CaseResult {
	res := CaseResult{Machine: c.Machine, Case: c.Name}
	fail := func(format string, args ...any) CaseResult {
		res.Problems = append(res.Problems, fmt.Sprintf(format, args...))
		return res
	}
	sm, ok := machines[c.Machine]
	if !ok {
		return fail("no state machine %q; the machines are %s", c.Machine, strings.Join(keys(machines), ", "))
	}
	states := map[string]bool{}
	sm.Walk(func(n string, _ *asl.State) { states[n] = true })
	for _, child := range children {
		child.Walk(func(n string, _ *asl.State) { states[n] = true })
	}
	for _, key := range keys(c.Mocks) {
		if st, _, _, _ := SplitIterations(key); !states[st] {
			return fail("the case mocks state %q, which the state machine does not have", st)
		}
	}
	exp := &c.Expect
	for _, st := range append(append(keys(exp.TaskInputs), exp.Visited...), exp.NotVisited...) {
		if !states[st] {
			return fail("the expectations name state %q, which the state machine does not have", st)
		}
	}
	var unmocked []string
	mocked := c.Mocks.Tasks(&unmocked)
	received := map[string]any{}
	tasks := executor.TaskFunc(func(tc executor.TaskContext) (any, *executor.Error) {
		received[tc.State] = tc.Input
		return mocked.Invoke(tc)
	})
	r, err := executor.Run(sm, c.Input, executor.Options{Tasks: tasks, Name: c.Name, Children: children})
	if err != nil {
		return fail("%v", err)
	}
	res.Result, res.Path = r, Path(r.History)
	for _, u := range unmocked {
		res.Problems = append(res.Problems, "unmocked task: "+u)
	}
	want := exp.Status
	if want == "" {
		want = executor.Succeeded
	}
	if r.Status != want {
		msg := fmt.Sprintf("status %s, expected %s", r.Status, want)
		if r.Error != "" {
			msg += fmt.Sprintf(" (%s: %s)", r.Error, r.Cause)
		}
		res.Problems = append(res.Problems, msg)
	}
	if exp.Error != "" && r.Error != exp.Error {
		res.Problems = append(res.Problems, fmt.Sprintf("error %q, expected %q", r.Error, exp.Error))
	}
	visited := map[string]bool{}
	for _, v := range r.Visited {
		visited[v] = true
	}
	for _, v := range exp.Visited {
		if !visited[v] {
			res.Problems = append(res.Problems, fmt.Sprintf("state %q was not visited", v))
		}
	}
	for _, v := range exp.NotVisited {
		if visited[v] {
			res.Problems = append(res.Problems, fmt.Sprintf("state %q was visited", v))
		}
	}
	if exp.Output != nil {
		if diff := subset(normalize(exp.Output), r.Output, "$"); diff != "" {
			res.Problems = append(res.Problems, "output: "+diff)
		}
	}
	for _, st := range keys(exp.TaskInputs) {
		got, ok := received[st]
		if !ok {
			res.Problems = append(res.Problems, fmt.Sprintf("task %q was never called", st))
			continue
		}
		if diff := subset(normalize(exp.TaskInputs[st]), normalize(got), "$"); diff != "" {
			res.Problems = append(res.Problems, fmt.Sprintf("input of %q: %s", st, diff))
		}
	}
	res.Passed = len(res.Problems) == 0
	return res
}

// subset reports where got does not contain want ("" when it does).
func subset(want, got any, at string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s is %s, expected an object", at, short(got))
		}
		for _, k := range keys(w) {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s.%s is missing", at, k)
			}
			if d := subset(w[k], gv, at+"."+k); d != "" {
				return d
			}
		}
		return ""
	}
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		return fmt.Sprintf("%s is %s, expected %s", at, b, a)
	}
	return ""
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

func normalize(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// Path lists the states an execution entered, in order, each noted with
// its retries, the error it failed with and the error its Catch caught:
// "Load (retried twice)", "Check (failed ValueError)", "Work (caught
// ValueError)".
func Path(history []executor.Event) []string {
	type step struct {
		name    string
		retries int
		failed  string
		caught  string
		mapRun  string
	}
	var steps []step
	last := func(state string) *step {
		for i := len(steps) - 1; i >= 0; i-- {
			if steps[i].name == state {
				return &steps[i]
			}
		}
		return nil
	}
	for _, ev := range history {
		switch {
		case strings.HasSuffix(ev.Type, "StateEntered"):
			steps = append(steps, step{name: ev.State})
		case ev.Type == "Retried":
			if st := last(ev.State); st != nil {
				st.retries++
			}
		case ev.Type == "TaskFailed" || ev.Type == "TaskSucceeded":
			if st := last(ev.State); st != nil {
				st.failed = ev.Detail
			}
		case ev.Type == "MapRunSucceeded" && !strings.HasPrefix(ev.Detail, "0 of"):
			if st := last(ev.State); st != nil {
				st.mapRun = ev.Detail + ", tolerated"
			}
		case ev.Type == "MapRunFailed":
			if st := last(ev.State); st != nil {
				st.mapRun = ev.Detail
			}
		case ev.Type == "Caught":
			if st := last(ev.State); st != nil {
				st.caught = ev.Detail
			}
		}
	}
	out := make([]string, len(steps))
	for i, st := range steps {
		var notes []string
		switch st.retries {
		case 0:
		case 1:
			notes = append(notes, "retried once")
		case 2:
			notes = append(notes, "retried twice")
		default:
			notes = append(notes, fmt.Sprintf("retried %d times", st.retries))
		}
		if st.mapRun != "" {
			notes = append(notes, st.mapRun)
		}
		if st.failed != "" && st.failed != st.caught {
			notes = append(notes, "failed "+st.failed)
		}
		if st.caught != "" {
			notes = append(notes, "caught "+st.caught)
		}
		out[i] = st.name
		if notes != nil {
			out[i] += " (" + strings.Join(notes, ", ") + ")"
		}
	}
	return out
}

// ShowPath joins a path with arrows, folding a run of three or more
// rounds of a loop: "Start → (Wait → Check) ×30 → TimedOut".
func ShowPath(path []string) string {
	var out []string
	for i := 0; i < len(path); {
		best, bestLen := 1, 1
		for l := 1; l <= 8 && i+2*l <= len(path); l++ {
			n := 1
			for i+(n+1)*l <= len(path) && slices.Equal(path[i:i+l], path[i+n*l:i+(n+1)*l]) {
				n++
			}
			if n >= 3 && n*l > best*bestLen {
				best, bestLen = n, l
			}
		}
		if best == 1 {
			out = append(out, path[i])
			i++
			continue
		}
		round := strings.Join(path[i:i+bestLen], " → ")
		if bestLen > 1 {
			round = "(" + round + ")"
		}
		out = append(out, fmt.Sprintf("%s ×%d", round, best))
		i += best * bestLen
	}
	return strings.Join(out, " → ")
}

// History writes the execution history of a case, an event a line, as
// the service's console lists it.
func History(w io.Writer, r CaseResult) {
	if r.Result == nil {
		return
	}
	for i, ev := range r.Result.History {
		what := strings.Join(slices.DeleteFunc([]string{ev.State, ev.Detail}, func(s string) bool { return s == "" }), "  ")
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("       %3d %-26s %s", i+1, ev.Type, what), " "))
	}
}

// Report writes a result per case with the path it took.
func Report(w io.Writer, file string, results []CaseResult) (passed, failed int) {
	fmt.Fprintln(w, file)
	for _, r := range results {
		mark := "PASS"
		if !r.Passed {
			mark = "FAIL"
			failed++
		} else {
			passed++
		}
		fmt.Fprintf(w, "  %s %s / %s\n", mark, r.Machine, r.Case)
		if len(r.Path) > 0 {
			fmt.Fprintf(w, "       path: %s\n", ShowPath(r.Path))
		}
		if r.Result != nil && r.Result.Waited > 0 {
			d := time.Duration(r.Result.Waited * float64(time.Second)).Round(time.Second)
			fmt.Fprintf(w, "       waits: %s in Wait states and retry intervals (not slept)\n", d)
		}
		for _, p := range r.Problems {
			fmt.Fprintf(w, "       %s\n", p)
		}
	}
	return passed, failed
}

// WriteJUnit writes results as JUnit XML, one suite per file, for the
// CodeBuild report groups of the RunTests stage.
func WriteJUnit(w io.Writer, suites map[string][]CaseResult) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		SystemOut string   `xml:"system-out,omitempty"`
	}
	type testsuite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	type testsuites struct {
		XMLName xml.Name    `xml:"testsuites"`
		Suites  []testsuite `xml:"testsuite"`
	}
	var doc testsuites
	for _, file := range keys(suites) {
		ts := testsuite{Name: file}
		for _, r := range suites[file] {
			tc := testcase{Name: r.Case, Classname: r.Machine}
			path := "path: " + ShowPath(r.Path)
			if r.Passed {
				tc.SystemOut = path
			} else {
				ts.Failures++
				tc.Failure = &failure{Message: strings.Join(r.Problems, "; "), Text: path}
			}
			ts.Tests++
			ts.Cases = append(ts.Cases, tc)
		}
		doc.Suites = append(doc.Suites, ts)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// Files lists the test files of the repo at dir: tests/sfn/*.json, sorted.
func Files(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "tests", "sfn", "*.json"))
	sort.Strings(files)
	return files
}

// Context returns the stack whose template context renders test files:
// config.yaml's, else the first.
func Context(stacks []*plan.Stack) *config.Stack {
	for _, s := range stacks {
		if s.Config.Main {
			return s.Config
		}
	}
	if len(stacks) > 0 {
		return stacks[0].Config
	}
	return nil
}

// Machines maps the planned state machines of the stacks by name, the key
// the test files use.
// Deployed returns the machines as they deploy: for a split pipeline the
// root, whose children are the second map, by their ARN placeholders.
func Deployed(stacks []*plan.Stack) (machines, children map[string]*asl.StateMachine) {
	machines, children = map[string]*asl.StateMachine{}, map[string]*asl.StateMachine{}
	for _, s := range stacks {
		m := s.Machine
		if m == nil {
			continue
		}
		machines[m.Name] = m.Definition
		if m.Root != nil {
			machines[m.Name] = m.Root
			for _, p := range m.Parts {
				children[plan.PartARN(p)] = p.Definition
			}
		}
	}
	return machines, children
}

// Machines returns each stack's whole state machine, by name.
func Machines(stacks []*plan.Stack) map[string]*asl.StateMachine {
	out := map[string]*asl.StateMachine{}
	for _, s := range stacks {
		if s.Machine != nil {
			out[s.Machine.Name] = s.Machine.Definition
		}
	}
	return out
}
