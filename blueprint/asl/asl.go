package asl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// State types.
const (
	Task     = "Task"
	Parallel = "Parallel"
	Choice   = "Choice"
	Pass     = "Pass"
	Wait     = "Wait"
	Succeed  = "Succeed"
	Fail     = "Fail"
	Map      = "Map"
)

// Error names defined by the service.
const (
	ErrAll              = "States.ALL"
	ErrTaskFailed       = "States.TaskFailed"
	ErrTimeout          = "States.Timeout"
	ErrNoChoiceMatched  = "States.NoChoiceMatched"
	ErrRuntime          = "States.Runtime"
	ErrBranchFailed     = "States.BranchFailed"
	ErrIntrinsicFailure = "States.IntrinsicFailure"
	// ErrQueryEvaluation is a path or query whose value has the wrong
	// shape, such as Map items that are not an array.
	ErrQueryEvaluation = "States.QueryEvaluationError"
	// ErrToleratedFailure ends a Distributed Map whose share of failed
	// child executions is over ToleratedFailurePercentage.
	ErrToleratedFailure = "States.ExceedToleratedFailureThreshold"
	// ErrItemReaderFailed is an item reader that cannot read its items.
	ErrItemReaderFailed = "States.ItemReaderFailed"
)

// Map processing modes and the execution type of distributed children.
const (
	ModeInline      = "INLINE"
	ModeDistributed = "DISTRIBUTED"
	ExecStandard    = "STANDARD"
)

// StartExecutionSync is the integration that runs a child state machine
// and returns its output as JSON; a split pipeline runs its parts with it.
const StartExecutionSync = "arn:aws:states:::states:startExecution.sync:2"

// StateMachine is a whole definition, or a branch of a Parallel/Map.
type StateMachine struct {
	Comment        string            `json:"Comment,omitempty"`
	StartAt        string            `json:"StartAt"`
	States         map[string]*State `json:"States"`
	TimeoutSeconds int               `json:"TimeoutSeconds,omitempty"`
	Version        string            `json:"Version,omitempty"`
	// ProcessorConfig only appears on Map ItemProcessor definitions.
	ProcessorConfig map[string]any `json:"ProcessorConfig,omitempty"`
}

// State is any ASL state; only the fields of its Type are set.
type State struct {
	Type    string `json:"Type"`
	Comment string `json:"Comment,omitempty"`

	Next string `json:"Next,omitempty"`
	End  bool   `json:"End,omitempty"`

	InputPath      *NullableString `json:"InputPath,omitempty"`
	OutputPath     *NullableString `json:"OutputPath,omitempty"`
	ResultPath     *NullableString `json:"ResultPath,omitempty"`
	Parameters     any             `json:"Parameters,omitempty"`
	ResultSelector any             `json:"ResultSelector,omitempty"`
	Result         any             `json:"Result,omitempty"`

	// Task
	Resource             string `json:"Resource,omitempty"`
	TimeoutSeconds       int    `json:"TimeoutSeconds,omitempty"`
	TimeoutSecondsPath   string `json:"TimeoutSecondsPath,omitempty"`
	HeartbeatSeconds     int    `json:"HeartbeatSeconds,omitempty"`
	HeartbeatSecondsPath string `json:"HeartbeatSecondsPath,omitempty"`

	Retry []Retrier `json:"Retry,omitempty"`
	Catch []Catcher `json:"Catch,omitempty"`

	// Parallel
	Branches []*StateMachine `json:"Branches,omitempty"`

	// Choice
	Choices []*ChoiceRule `json:"Choices,omitempty"`
	Default string        `json:"Default,omitempty"`

	// Wait
	Seconds       *int   `json:"Seconds,omitempty"`
	SecondsPath   string `json:"SecondsPath,omitempty"`
	Timestamp     string `json:"Timestamp,omitempty"`
	TimestampPath string `json:"TimestampPath,omitempty"`

	// Fail
	Error     string `json:"Error,omitempty"`
	ErrorPath string `json:"ErrorPath,omitempty"`
	Cause     string `json:"Cause,omitempty"`
	CausePath string `json:"CausePath,omitempty"`

	// Map
	ItemsPath      string        `json:"ItemsPath,omitempty"`
	ItemSelector   any           `json:"ItemSelector,omitempty"`
	ItemProcessor  *StateMachine `json:"ItemProcessor,omitempty"`
	Iterator       *StateMachine `json:"Iterator,omitempty"`
	MaxConcurrency int           `json:"MaxConcurrency,omitempty"`

	// Distributed Map
	ItemReader                 *ItemReader   `json:"ItemReader,omitempty"`
	ItemBatcher                *ItemBatcher  `json:"ItemBatcher,omitempty"`
	ResultWriter               *ResultWriter `json:"ResultWriter,omitempty"`
	ToleratedFailurePercentage *float64      `json:"ToleratedFailurePercentage,omitempty"`
	ToleratedFailureCount      *int          `json:"ToleratedFailureCount,omitempty"`
	Label                      string        `json:"Label,omitempty"`
}

// Distributed reports whether a Map state runs its items as child
// executions (ItemProcessor.ProcessorConfig.Mode DISTRIBUTED).
func (s *State) Distributed() bool {
	return s.ItemProcessor != nil && s.ItemProcessor.ProcessorConfig["Mode"] == ModeDistributed
}

// ItemReader reads a Distributed Map's items from S3: the objects under a
// prefix (s3:listObjectsV2) or the rows of one object (s3:getObject).
type ItemReader struct {
	Resource     string        `json:"Resource"`
	Parameters   any           `json:"Parameters,omitempty"`
	ReaderConfig *ReaderConfig `json:"ReaderConfig,omitempty"`
}

// ReaderConfig says how an object is read: InputType JSON, JSONL, CSV or
// MANIFEST, and for CSV where the column names come from.
type ReaderConfig struct {
	InputType         string   `json:"InputType,omitempty"`
	CSVHeaderLocation string   `json:"CSVHeaderLocation,omitempty"`
	CSVHeaders        []string `json:"CSVHeaders,omitempty"`
	CSVDelimiter      string   `json:"CSVDelimiter,omitempty"`
	MaxItems          int      `json:"MaxItems,omitempty"`
}

// ItemBatcher groups items: each child execution gets {"Items": [...]}
// (and "BatchInput" when set).
type ItemBatcher struct {
	MaxItemsPerBatch      int `json:"MaxItemsPerBatch,omitempty"`
	MaxInputBytesPerBatch int `json:"MaxInputBytesPerBatch,omitempty"`
	BatchInput            any `json:"BatchInput,omitempty"`
}

// ResultWriter writes the child executions' results to S3 instead of
// returning them.
type ResultWriter struct {
	Resource   string `json:"Resource"`
	Parameters any    `json:"Parameters,omitempty"`
}

// NullableString is a ResultPath, which may be JSON null (discard the result).
type NullableString struct {
	Null  bool
	Value string
}

// Path returns a ResultPath set to p.
func Path(p string) *NullableString { return &NullableString{Value: p} }

// Discard returns a ResultPath of null.
func Discard() *NullableString { return &NullableString{Null: true} }

func (n NullableString) MarshalJSON() ([]byte, error) {
	if n.Null {
		return []byte("null"), nil
	}
	return json.Marshal(n.Value)
}

func (n *NullableString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*n = NullableString{Null: true}
		return nil
	}
	n.Null = false
	return json.Unmarshal(b, &n.Value)
}

// Retrier is one entry of a Retry list.
type Retrier struct {
	ErrorEquals     []string `json:"ErrorEquals"`
	IntervalSeconds *int     `json:"IntervalSeconds,omitempty"`
	MaxAttempts     *int     `json:"MaxAttempts,omitempty"`
	BackoffRate     *float64 `json:"BackoffRate,omitempty"`
	MaxDelaySeconds *int     `json:"MaxDelaySeconds,omitempty"`
	JitterStrategy  string   `json:"JitterStrategy,omitempty"`
}

// Catcher is one entry of a Catch list.
type Catcher struct {
	ErrorEquals []string        `json:"ErrorEquals"`
	Next        string          `json:"Next"`
	ResultPath  *NullableString `json:"ResultPath,omitempty"`
}

// ChoiceRule is a Choice rule or a nested boolean expression. Comparison
// holds the one comparison operator and its operand, e.g.
// {"StringEquals": "x"}; it is flattened into the rule when marshalled.
type ChoiceRule struct {
	Variable   string         `json:"-"`
	Comparison map[string]any `json:"-"`
	And        []*ChoiceRule  `json:"-"`
	Or         []*ChoiceRule  `json:"-"`
	Not        *ChoiceRule    `json:"-"`
	Next       string         `json:"-"`
	Comment    string         `json:"-"`
}

// MarshalJSON flattens the rule into ASL's shape, with sorted keys.
func (r ChoiceRule) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if r.Variable != "" {
		m["Variable"] = r.Variable
	}
	for k, v := range r.Comparison {
		m[k] = v
	}
	if r.And != nil {
		m["And"] = r.And
	}
	if r.Or != nil {
		m["Or"] = r.Or
	}
	if r.Not != nil {
		m["Not"] = r.Not
	}
	if r.Next != "" {
		m["Next"] = r.Next
	}
	if r.Comment != "" {
		m["Comment"] = r.Comment
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads ASL's flattened shape.
func (r *ChoiceRule) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*r = ChoiceRule{}
	for k, v := range m {
		var err error
		switch k {
		case "Variable":
			err = json.Unmarshal(v, &r.Variable)
		case "Next":
			err = json.Unmarshal(v, &r.Next)
		case "Comment":
			err = json.Unmarshal(v, &r.Comment)
		case "And":
			err = json.Unmarshal(v, &r.And)
		case "Or":
			err = json.Unmarshal(v, &r.Or)
		case "Not":
			r.Not = &ChoiceRule{}
			err = json.Unmarshal(v, r.Not)
		default:
			var val any
			err = json.Unmarshal(v, &val)
			if r.Comparison == nil {
				r.Comparison = map[string]any{}
			}
			r.Comparison[k] = val
		}
		if err != nil {
			return fmt.Errorf("choice rule field %s: %w", k, err)
		}
	}
	return nil
}

// Marshal renders the definition as indented JSON with map keys sorted, so
// the same machine always gives the same bytes.
func (sm *StateMachine) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sm); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// MarshalCompact renders the definition on one line, as deployed: the
// service limits a definition to 1 MB.
func (sm *StateMachine) MarshalCompact() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sm); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Parse reads a definition.
func Parse(b []byte) (*StateMachine, error) {
	var sm StateMachine
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	// A field this model lacks would be dropped and the definition run
	// with other semantics than the service's: refuse it instead.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sm); err != nil {
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return nil, fmt.Errorf("field %s is not supported (JSONPath definitions without variables or JSONata are)", f)
		}
		return nil, err
	}
	return &sm, nil
}

// Walk calls fn for every state, nested ones included, in name order per
// level so walks are deterministic.
func (sm *StateMachine) Walk(fn func(name string, s *State)) {
	names := make([]string, 0, len(sm.States))
	for n := range sm.States {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := sm.States[n]
		fn(n, s)
		for _, b := range s.Branches {
			b.Walk(fn)
		}
		if s.ItemProcessor != nil {
			s.ItemProcessor.Walk(fn)
		}
		if s.Iterator != nil {
			s.Iterator.Walk(fn)
		}
	}
}

// strict decodes b into v refusing fields v lacks (a custom UnmarshalJSON
// does not inherit the outer decoder's settings).
func strict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// UnmarshalJSON keeps "ResultPath": null (and InputPath, OutputPath),
// which encoding/json would turn into a nil pointer, indistinguishable
// from an absent path.
func (s *State) UnmarshalJSON(b []byte) error {
	type plain State
	if err := strict(b, (*plain)(s)); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		p    **NullableString
	}{{"ResultPath", &s.ResultPath}, {"InputPath", &s.InputPath}, {"OutputPath", &s.OutputPath}} {
		if *f.p == nil && nullField(b, f.name) {
			*f.p = Discard()
		}
	}
	return nil
}

// UnmarshalJSON keeps a catcher's "ResultPath": null, as State does.
func (c *Catcher) UnmarshalJSON(b []byte) error {
	type plain Catcher
	if err := strict(b, (*plain)(c)); err != nil {
		return err
	}
	if c.ResultPath == nil && nullField(b, "ResultPath") {
		c.ResultPath = Discard()
	}
	return nil
}

// nullField reports whether the object b sets the field name to null.
func nullField(b []byte, name string) bool {
	if !bytes.Contains(b, []byte(`"`+name+`"`)) {
		return false
	}
	var probe map[string]json.RawMessage
	return json.Unmarshal(b, &probe) == nil && bytes.Equal(bytes.TrimSpace(probe[name]), []byte("null"))
}
