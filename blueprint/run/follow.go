package run

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// Event is one event of an execution's history.
type Event = sfntypes.HistoryEvent

// Outcome is how a followed execution ended, or where it was when the
// wait timed out (Status RUNNING).
type Outcome struct {
	Status string
	Output string
	// Error and Cause are the execution's failure; State is the state
	// that failed (the last one entered and not exited).
	Error, Cause, State string
	Elapsed             time.Duration
	Events              []sfntypes.HistoryEvent
}

// Succeeded is true for a SUCCEEDED execution.
func (o *Outcome) Succeeded() bool { return o.Status == "SUCCEEDED" }

// FollowOptions control the wait.
type FollowOptions struct {
	// Poll is the time between two reads of the history; default 1s.
	Poll time.Duration
	// Timeout ends the wait (not the execution); 0 waits until it ends.
	Timeout time.Duration
	// Live redraws a table of the states in place (a terminal); else
	// one line is printed per state entered or exited.
	Live bool
}

// Follow reads the execution's history until it ends, printing its
// progress to w, and returns how it ended. A wait that times out returns
// an Outcome with Status RUNNING and no error.
func (c *Client) Follow(ctx context.Context, execution string, w io.Writer, o FollowOptions) (*Outcome, error) {
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	wait := ctx
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		wait, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	p := NewProgress(w, o.Live)
	for {
		events, err := c.History(wait, execution)
		if err != nil && wait.Err() == nil {
			return nil, err
		}
		if err == nil {
			if out := p.Add(events); out != nil {
				return out, nil
			}
		}
		select {
		case <-wait.Done():
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			out := p.outcome("RUNNING")
			out.Events = events
			return out, nil
		case <-time.After(o.Poll):
			p.Redraw()
		}
	}
}

// Progress turns history events into the follow-along: plain lines, or a
// table redrawn in place.
type Progress struct {
	w     io.Writer
	live  bool
	seen  int64
	start time.Time
	last  time.Time
	rows  []*row
	open  map[string]*row
	drawn int
	err   string // the latest failure event: error and cause
	cause string
	errAt string
	all   []sfntypes.HistoryEvent
}

type row struct {
	name          string
	entered, left time.Time
	runs          int
	failed        bool
}

// NewProgress prints to w.
func NewProgress(w io.Writer, live bool) *Progress {
	return &Progress{w: w, live: live, open: map[string]*row{}}
}

// Add takes the whole history read so far (the events it has seen are
// skipped) and returns the outcome once the execution has ended.
func (p *Progress) Add(events []sfntypes.HistoryEvent) *Outcome {
	p.all = events
	var end *Outcome
	for _, e := range events {
		if e.Id <= p.seen {
			continue
		}
		p.seen = e.Id
		at := aws.ToTime(e.Timestamp)
		if p.start.IsZero() {
			p.start = at
		}
		if at.After(p.last) {
			p.last = at
		}
		if end = p.event(e, at); end != nil {
			break
		}
	}
	if p.live {
		p.Redraw()
	}
	return end
}

func (p *Progress) event(e sfntypes.HistoryEvent, at time.Time) *Outcome {
	t := string(e.Type)
	switch {
	case e.StateEnteredEventDetails != nil:
		name := aws.ToString(e.StateEnteredEventDetails.Name)
		r := p.open[name]
		if r == nil {
			r = &row{name: name}
			p.rows = append(p.rows, r)
			p.open[name] = r
		}
		r.entered, r.left = at, time.Time{}
		r.runs++
		p.line("%s  enter  %s", p.clock(at), name)
	case e.StateExitedEventDetails != nil:
		name := aws.ToString(e.StateExitedEventDetails.Name)
		took := time.Duration(0)
		if r := p.open[name]; r != nil {
			r.left = at
			took = at.Sub(r.entered)
		}
		p.line("%s  exit   %s (%s)", p.clock(at), name, seconds(took))
	case t == "ExecutionSucceeded":
		out := p.outcome("SUCCEEDED")
		if d := e.ExecutionSucceededEventDetails; d != nil {
			out.Output = aws.ToString(d.Output)
		}
		return out
	case t == "ExecutionFailed", t == "ExecutionTimedOut", t == "ExecutionAborted":
		status := map[string]string{"ExecutionFailed": "FAILED", "ExecutionTimedOut": "TIMED_OUT", "ExecutionAborted": "ABORTED"}[t]
		out := p.outcome(status)
		if errText, cause, ok := failure(e); ok {
			out.Error, out.Cause = errText, cause
		}
		if out.Error == "" {
			out.Error, out.Cause = p.err, p.cause
		}
		if st := p.running(); st != nil {
			out.State = st.name
			st.failed = true
		} else {
			out.State = p.errAt
		}
		return out
	default:
		if errText, cause, ok := failure(e); ok {
			p.err, p.cause = errText, cause
			if st := p.running(); st != nil {
				p.errAt = st.name
			}
			p.line("%s  %s %s: %s", p.clock(at), strings.TrimSuffix(t, "Failed")+" failed in", p.errAt, joinErr(errText, cause))
		}
	}
	return nil
}

// running is the state entered last and not exited yet.
func (p *Progress) running() *row {
	var last *row
	for _, r := range p.rows {
		if r.left.IsZero() && (last == nil || r.entered.After(last.entered) || r.entered.Equal(last.entered)) {
			last = r
		}
	}
	return last
}

func (p *Progress) outcome(status string) *Outcome {
	return &Outcome{Status: status, Elapsed: p.last.Sub(p.start), Events: p.all}
}

// line prints one progress line; the live view shows the table instead.
func (p *Progress) line(format string, args ...any) {
	if !p.live {
		fmt.Fprintf(p.w, format+"\n", args...)
	}
}

func (p *Progress) clock(at time.Time) string {
	return fmt.Sprintf("%8s", seconds(at.Sub(p.start)))
}

// Redraw rewrites the live table in place: a row per state, with how
// long it ran or has been running.
func (p *Progress) Redraw() {
	if !p.live {
		return
	}
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA\x1b[J", p.drawn)
	}
	now := time.Now()
	for _, r := range p.rows {
		mark, took := "✓", r.left.Sub(r.entered)
		switch {
		case r.failed:
			mark = "✗"
		case r.left.IsZero():
			mark, took = "…", now.Sub(r.entered)
		}
		runs := ""
		if r.runs > 1 {
			runs = fmt.Sprintf(" ×%d", r.runs)
		}
		fmt.Fprintf(&b, "  %s %-40s %8s%s\n", mark, r.name, seconds(took), runs)
	}
	p.drawn = len(p.rows)
	io.WriteString(p.w, b.String())
}

func seconds(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

func joinErr(e, cause string) string {
	if cause == "" {
		return e
	}
	return e + ": " + strings.Join(strings.Fields(cause), " ")
}

// Summary is the last line of a followed execution.
func Summary(o *Outcome, execution string) string {
	switch o.Status {
	case "SUCCEEDED":
		return fmt.Sprintf("SUCCEEDED in %s", seconds(o.Elapsed))
	case "RUNNING":
		return fmt.Sprintf("still RUNNING: blueprint run --execution %s --wait follows it", execution)
	}
	s := fmt.Sprintf("%s after %s", o.Status, seconds(o.Elapsed))
	if o.State != "" {
		s += " in state " + o.State
	}
	if o.Error != "" {
		s += ": " + joinErr(o.Error, o.Cause)
	}
	return s
}

// failure finds the error and cause of a failure event (TaskFailed,
// LambdaFunctionFailed, ExecutionFailed, …), whichever its details are.
func failure(e sfntypes.HistoryEvent) (errText, cause string, ok bool) {
	m := eventMap(e)
	for k, v := range m {
		d, isMap := v.(map[string]any)
		if !isMap || !strings.HasSuffix(k, "EventDetails") {
			continue
		}
		er, hasErr := d["error"].(string)
		ca, hasCause := d["cause"].(string)
		if hasErr || hasCause {
			return er, ca, true
		}
	}
	return "", "", false
}

// HistoryJSON is the history as the service's API writes it: camelCase
// keys, absent fields left out, RFC 3339 timestamps.
func HistoryJSON(events []sfntypes.HistoryEvent) ([]byte, error) {
	out := make([]any, len(events))
	for i, e := range events {
		out[i] = eventMap(e)
	}
	return json.MarshalIndent(map[string]any{"events": out}, "", "  ")
}

func eventMap(e sfntypes.HistoryEvent) map[string]any {
	raw, err := json.Marshal(e)
	if err != nil {
		return map[string]any{"id": e.Id, "type": string(e.Type)}
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return map[string]any{"id": e.Id, "type": string(e.Type)}
	}
	m, _ := camel(v).(map[string]any)
	return m
}

// camel lower-cases the first letter of every key and drops nulls.
func camel(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range t {
			if x == nil {
				continue
			}
			out[strings.ToLower(k[:1])+k[1:]] = camel(x)
		}
		return out
	case []any:
		for i := range t {
			t[i] = camel(t[i])
		}
	}
	return v
}
