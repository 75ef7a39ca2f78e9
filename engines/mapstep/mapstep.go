package mapstep

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
)

// Type is the step type.
const Type = "map"

// Modes of a map step.
const (
	Inline      = "inline"
	Distributed = "distributed"
)

// Concurrency limits: Step Functions runs at most 40 iterations of an
// inline Map at once and 10,000 child executions of a distributed one.
const (
	MaxInline      = 40
	MaxDistributed = 10000
)

// Engine is the map step.
type Engine struct{}

// Spec: the groups run once per item, each run starting from the item (or
// what item_selector makes of it); the list of their outputs is kept at
// result_path. Items come from the state (items) or from S3
// (items_from_s3, which makes the map distributed).
type Spec struct {
	engine.Job   `yaml:",inline"`
	Mode         string         `yaml:"mode" validate:"omitempty,oneof=inline distributed"`
	Items        string         `yaml:"items" alias:"items_path"`
	ItemsFromS3  *S3Items       `yaml:"items_from_s3"`
	ItemSelector map[string]any `yaml:"item_selector"`
	// MaxConcurrency bounds the iterations running at once; unset, the
	// service runs as many as it can.
	MaxConcurrency             *int            `yaml:"max_concurrency"`
	ToleratedFailurePercentage *float64        `yaml:"tolerated_failure_percentage"`
	ToleratedFailureCount      *int            `yaml:"tolerated_failure_count"`
	Batch                      *Batch          `yaml:"batch"`
	ResultsToS3                *S3Location     `yaml:"results_to_s3"`
	ResultPath                 string          `yaml:"result_path"`
	Catch                      *config.Catch   `yaml:"catch"`
	Groups                     []*config.Group `yaml:"groups" validate:"dive"`
}

// S3Items says where a distributed map reads its items: the objects under
// a prefix, or the records of one object.
type S3Items struct {
	Bucket string `yaml:"bucket" validate:"required"`
	Prefix string `yaml:"prefix"`
	Key    string `yaml:"key"`
	// Format: objects (one item per object under prefix), json (an array),
	// jsonl (a line each), csv (a row each), manifest (an S3 inventory).
	Format       string   `yaml:"format" validate:"omitempty,oneof=objects json jsonl csv manifest"`
	CSVHeaders   []string `yaml:"csv_headers"`
	CSVDelimiter string   `yaml:"csv_delimiter" validate:"omitempty,oneof=comma pipe semicolon space tab"`
	MaxItems     int      `yaml:"max_items" validate:"omitempty,min=1,max=100000000"`
}

// Batch makes each child execution process a list of items.
type Batch struct {
	MaxItems *int           `yaml:"max_items" validate:"omitempty,min=1,max=100000000"`
	MaxBytes *int           `yaml:"max_bytes" validate:"omitempty,min=1,max=262144"`
	Input    map[string]any `yaml:"input"`
}

// S3Location is a bucket and a key prefix.
type S3Location struct {
	Bucket string `yaml:"bucket" validate:"required"`
	Prefix string `yaml:"prefix"`
}

func (Engine) Type() string       { return Type }
func (Engine) Kinds() engine.Kind { return engine.Step }
func (Engine) NewSpec() any       { return &Spec{} }
func (Engine) Describe() string {
	return "runs its groups once per item of a list in the state (inline) or of S3 objects and records (distributed)"
}

// NestedGroups lets validation and synth see the iteration and catch groups.
func (s *Spec) NestedGroups() []*config.Group {
	out := append([]*config.Group(nil), s.Groups...)
	if s.Catch != nil {
		out = append(out, s.Catch.Groups...)
	}
	return out
}

// distributed reports whether the map runs child executions.
func (s *Spec) distributed() bool {
	return s.Mode == Distributed || s.ItemsFromS3 != nil
}

func (s *S3Items) format() string {
	if s.Format == "" {
		return "objects"
	}
	return s.Format
}

// keysOf lists which items_from_s3 keys each format reads.
var keysOf = map[string][]string{
	"objects":  {"bucket", "prefix", "format", "max_items"},
	"json":     {"bucket", "key", "format", "max_items"},
	"jsonl":    {"bucket", "key", "format", "max_items"},
	"csv":      {"bucket", "key", "format", "csv_headers", "csv_delimiter", "max_items"},
	"manifest": {"bucket", "key", "format", "max_items"},
}

// Check checks what validate tags cannot: where items come from, which
// keys the mode and the S3 format take, and the concurrency range.
func (Engine) Check(spec any, c *engine.CheckContext) {
	s := spec.(*Spec)
	if len(s.Groups) == 0 {
		c.Errorf("groups", "map %q has no groups", s.Name).Hint = "a map runs its groups once per item: add groups: [{name: Each, jobs: [...]}]"
	}
	switch {
	case s.Items != "" && s.ItemsFromS3 != nil:
		c.Errorf("items_from_s3", "give either items or items_from_s3, not both").Hint =
			"items reads a list from the state; items_from_s3 reads objects or records from S3"
	case s.Items == "" && s.ItemsFromS3 == nil:
		c.Errorf("name", "map %q has no items", s.Name).Hint = "add items: $.field (a list in the state) or items_from_s3: {bucket, prefix}"
	case s.Items != "":
		if err := engine.CheckPath(s.Items); err != nil {
			c.Errorf("items", "items must be a path to a list in the state: %v", err).Hint = fmt.Sprintf("write items: $.%s", strings.TrimLeft(s.Items, "$."))
		}
	}
	if s.Mode == Inline && s.ItemsFromS3 != nil {
		c.Errorf("mode", "an inline map cannot read items_from_s3").Hint = "reading from S3 needs a distributed map: remove mode: inline"
	}
	dist := s.distributed()
	if !dist {
		hint := "these run only in a distributed map: set mode: distributed, or read the items with items_from_s3"
		if s.ToleratedFailurePercentage != nil {
			c.Errorf("tolerated_failure_percentage", "tolerated_failure_percentage is for a distributed map; an inline map fails at the first failed iteration").Hint = hint
		}
		if s.ToleratedFailureCount != nil {
			c.Errorf("tolerated_failure_count", "tolerated_failure_count is for a distributed map; an inline map fails at the first failed iteration").Hint = hint
		}
		if s.Batch != nil {
			c.Errorf("batch", "batch is for a distributed map").Hint = hint
		}
		if s.ResultsToS3 != nil {
			c.Errorf("results_to_s3", "results_to_s3 is for a distributed map").Hint = hint
		}
	}
	if m := s.MaxConcurrency; m != nil {
		limit, what := MaxInline, "an inline map runs at most 40 iterations at once"
		if dist {
			limit, what = MaxDistributed, "a distributed map runs at most 10,000 child executions at once"
		}
		if *m < 1 || *m > limit {
			d := c.Errorf("max_concurrency", "max_concurrency must be between 1 and %d; got %d", limit, *m)
			d.Hint = what + "; leave it out for no limit"
			if !dist && *m > limit {
				d.Hint = what + "; for more, set mode: distributed"
			}
		}
	}
	if p := s.ToleratedFailurePercentage; p != nil && (*p < 0 || *p > 100) {
		c.Errorf("tolerated_failure_percentage", "tolerated_failure_percentage must be between 0 and 100; got %v", *p)
	}
	if n := s.ToleratedFailureCount; n != nil && (*n < 0 || *n > 100000000) {
		c.Errorf("tolerated_failure_count", "tolerated_failure_count must be between 0 and 100000000; got %d", *n)
	}
	if b := s.Batch; b != nil && b.MaxItems == nil && b.MaxBytes == nil {
		c.Errorf("batch", "batch needs max_items or max_bytes").Hint = "e.g. batch: {max_items: 100}"
	}
	if r := s.ItemsFromS3; r != nil {
		checkS3Items(r, c)
	}
	if r := s.ResultsToS3; r != nil {
		fixedName(c, "results_to_s3.bucket", r.Bucket)
		fixedName(c, "results_to_s3.prefix", r.Prefix)
	}
	if s.ResultPath != "" {
		if err := engine.CheckPath(s.ResultPath); err != nil {
			c.Errorf("result_path", "%v", err)
		}
	}
	if s.Catch != nil && s.Catch.ResultPath != "" {
		if err := engine.CheckPath(s.Catch.ResultPath); err != nil {
			c.Errorf("catch.result_path", "%v", err)
		}
	}
	checkTemplate(c, "item_selector", s.ItemSelector)
	if s.Batch != nil {
		checkTemplate(c, "batch.input", s.Batch.Input)
	}
}

func checkS3Items(r *S3Items, c *engine.CheckContext) {
	f := r.format()
	allowed, ok := keysOf[f]
	if !ok {
		return // the oneof tag reported it
	}
	set := map[string]bool{"prefix": r.Prefix != "", "key": r.Key != "", "csv_headers": r.CSVHeaders != nil, "csv_delimiter": r.CSVDelimiter != ""}
	for _, k := range []string{"prefix", "key", "csv_headers", "csv_delimiter"} {
		if set[k] && !contains(allowed, k) {
			d := c.Errorf("items_from_s3."+k, "format %s does not take %s", f, k)
			d.Hint = "format " + f + " takes " + strings.Join(allowed, ", ")
			if k == "prefix" {
				d.Hint = "format " + f + " reads the one object named by key; format objects lists the objects under a prefix"
			}
		}
	}
	if f != "objects" && r.Key == "" {
		c.Errorf("items_from_s3", "format %s reads one object; key is missing", f).Hint = "add key: the object to read, e.g. key: input/items." + f
	}
	fixedName(c, "items_from_s3.bucket", r.Bucket)
	fixedName(c, "items_from_s3.prefix", r.Prefix)
	fixedName(c, "items_from_s3.key", r.Key)
}

// fixedName refuses a state path where IAM is granted for a fixed name.
func fixedName(c *engine.CheckContext, at, v string) {
	if strings.HasPrefix(v, "$") {
		c.Errorf(at, "must be a fixed name, not the path %q", v).Hint = "the state machine's role is granted exactly this bucket and prefix; use a template variable such as {{ pipeline_bucket }}"
	}
}

// checkTemplate checks the paths of a Parameters-like template: keys
// ending in .$ take a path or an intrinsic function.
func checkTemplate(c *engine.CheckContext, at string, t map[string]any) {
	for _, k := range sortedKeys(t) {
		v := t[k]
		if sub, ok := v.(map[string]any); ok {
			checkTemplate(c, at+"."+k, sub)
			continue
		}
		if !strings.HasSuffix(k, ".$") {
			continue
		}
		expr, ok := v.(string)
		if !ok {
			c.Errorf(at+"."+k, "%s ends in .$, so it takes a path or an intrinsic function; got %v", k, v)
			continue
		}
		if strings.HasPrefix(expr, "States.") {
			continue
		}
		if err := engine.CheckPath(expr); err != nil {
			c.Errorf(at+"."+k, "%v", err).Hint = "a key ending in .$ takes a path such as $$.Map.Item.Value; drop the .$ for a literal value"
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// inputTypes maps formats read with s3:getObject to ASL's InputType.
var inputTypes = map[string]string{"json": "JSON", "jsonl": "JSONL", "csv": "CSV", "manifest": "MANIFEST"}

// DefaultCatchResultPath is where a map step's catch keeps the error.
const DefaultCatchResultPath = "$.error"

// Plan builds a Map state whose ItemProcessor runs the groups; a catch
// runs its groups, and either way the pipeline goes on after the map.
func (Engine) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*Spec)
	body, err := p.Groups(s.Groups)
	if err != nil {
		return nil, err
	}
	proc := body.Close()
	proc.ProcessorConfig = map[string]any{"Mode": asl.ModeInline}
	st := &asl.State{Type: asl.Map, Comment: engine.FirstNonEmpty(s.Description, s.Comment), ItemsPath: s.Items,
		ItemProcessor: proc, ResultPath: asl.Discard()}
	if s.ResultPath != "" {
		st.ResultPath = asl.Path(s.ResultPath)
	}
	if s.ItemSelector != nil {
		st.ItemSelector = s.ItemSelector
	}
	if s.MaxConcurrency != nil {
		st.MaxConcurrency = *s.MaxConcurrency
	}
	if s.distributed() {
		proc.ProcessorConfig = map[string]any{"Mode": asl.ModeDistributed, "ExecutionType": asl.ExecStandard}
		distribute(s, st, p)
	}
	if s.Retry != nil {
		st.Retry = []asl.Retrier{plan.Retrier(s.Retry)}
	}
	out := asl.Single(p.StateName(), st)
	if s.Catch == nil {
		return out, nil
	}
	errs := s.Catch.ErrorEquals
	if len(errs) == 0 {
		errs = []string{asl.ErrAll}
	}
	rp := engine.FirstNonEmpty(s.Catch.ResultPath, DefaultCatchResultPath)
	var handlers *asl.Fragment
	if len(s.Catch.Groups) > 0 {
		if handlers, err = p.Groups(s.Catch.Groups); err != nil {
			return nil, err
		}
	} else {
		handlers = asl.Single(p.StateName("caught"), &asl.State{Type: asl.Pass, Comment: "the error of " + p.Item.Name + " is kept at " + rp})
	}
	st.Catch = []asl.Catcher{{ErrorEquals: errs, Next: handlers.StartAt, ResultPath: asl.Path(rp)}}
	if err := out.Merge(handlers); err != nil {
		return nil, err
	}
	return out, nil
}

// distribute adds the Distributed Map fields and the rights they need:
// starting, watching and stopping the child executions of this very
// state machine, reading the items, writing the results.
func distribute(s *Spec, st *asl.State, p *engine.PlanContext) {
	st.ToleratedFailurePercentage = s.ToleratedFailurePercentage
	st.ToleratedFailureCount = s.ToleratedFailureCount
	p.Allow([]string{"states:StartExecution"}, engine.ARN("states", "stateMachine:"+p.Machine))
	p.Allow([]string{"states:DescribeExecution", "states:StopExecution"}, engine.ARN("states", "execution:"+p.Machine+"/*"))
	if r := s.ItemsFromS3; r != nil {
		st.ItemReader = reader(r, p)
	}
	if b := s.Batch; b != nil {
		st.ItemBatcher = &asl.ItemBatcher{}
		if b.MaxItems != nil {
			st.ItemBatcher.MaxItemsPerBatch = *b.MaxItems
		}
		if b.MaxBytes != nil {
			st.ItemBatcher.MaxInputBytesPerBatch = *b.MaxBytes
		}
		if b.Input != nil {
			st.ItemBatcher.BatchInput = b.Input
		}
	}
	if w := s.ResultsToS3; w != nil {
		params := map[string]any{"Bucket": w.Bucket}
		if w.Prefix != "" {
			params["Prefix"] = w.Prefix
		}
		st.ResultWriter = &asl.ResultWriter{Resource: "arn:aws:states:::s3:putObject", Parameters: params}
		p.Allow([]string{"s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"}, bucketARN(w.Bucket)+"/"+w.Prefix+"*")
	}
}

func bucketARN(bucket string) string {
	return "arn:" + engine.Partition.String() + ":s3:::" + bucket
}

func reader(r *S3Items, p *engine.PlanContext) *asl.ItemReader {
	f := r.format()
	var cfg asl.ReaderConfig
	cfg.MaxItems = r.MaxItems
	if f == "objects" {
		params := map[string]any{"Bucket": r.Bucket}
		if r.Prefix != "" {
			params["Prefix"] = r.Prefix
		}
		p.Allow([]string{"s3:ListBucket"}, bucketARN(r.Bucket))
		out := &asl.ItemReader{Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: params}
		if cfg.MaxItems > 0 {
			out.ReaderConfig = &cfg
		}
		return out
	}
	cfg.InputType = inputTypes[f]
	if f == "csv" {
		cfg.CSVHeaderLocation = "FIRST_ROW"
		if r.CSVHeaders != nil {
			cfg.CSVHeaderLocation, cfg.CSVHeaders = "GIVEN", r.CSVHeaders
		}
		cfg.CSVDelimiter = strings.ToUpper(r.CSVDelimiter)
	}
	objects := []string{bucketARN(r.Bucket) + "/" + r.Key}
	if f == "manifest" {
		// An inventory manifest (<prefix>/<date>/manifest.json) names data
		// files under <prefix>/data/, which the reader opens too.
		objects = append(objects, bucketARN(r.Bucket)+"/"+inventoryPrefix(r.Key)+"*")
	}
	p.Allow([]string{"s3:GetObject"}, objects...)
	return &asl.ItemReader{Resource: "arn:aws:states:::s3:getObject", Parameters: map[string]any{"Bucket": r.Bucket, "Key": r.Key}, ReaderConfig: &cfg}
}

// inventoryPrefix is the folder an inventory manifest's date folder sits in.
func inventoryPrefix(key string) string {
	parts := strings.Split(key, "/")
	if len(parts) < 3 {
		return ""
	}
	return strings.Join(parts[:len(parts)-2], "/") + "/"
}
