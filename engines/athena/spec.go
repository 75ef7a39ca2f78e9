package athena

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Types of this package.
const (
	QueryType             = "athena_query"
	WorkgroupType         = "athena_workgroup"
	PreparedStatementType = "athena_prepared_statement"
)

// Query is the athena_query step.
type QueryStep struct{}

// QuerySpec: data.all puts retry and variables under config.
type QuerySpec struct {
	engine.Job `yaml:",inline"`
	Config     struct {
		ConfigFile string        `yaml:"config_file" validate:"required"`
		Workgroup  string        `yaml:"workgroup"`
		Database   string        `yaml:"database"`
		Variables  any           `yaml:"variables"`
		Retry      *config.Retry `yaml:"retry"`
	} `yaml:"config" validate:"required"`
	ResultPath string `yaml:"result_path"`

	job     *JobFile
	queries map[*Query]query
}

// query is a planned query: its text, or a States.Format of it.
type query struct {
	text   string
	format string // set when runtime values fill the query
}

func (QueryStep) Type() string       { return QueryType }
func (QueryStep) Kinds() engine.Kind { return engine.Step }
func (QueryStep) NewSpec() any       { return &QuerySpec{} }
func (QueryStep) Describe() string {
	return "runs the queries of an Athena job YAML: steps in sequence, jobs of a step in parallel (athena:startQueryExecution.sync)"
}

// JobRetry is config.retry as data.all writes it, else the job's own.
func (s *QuerySpec) JobRetry() *config.Retry {
	if s.Config.Retry != nil {
		return s.Config.Retry
	}
	return s.Retry
}

var statementName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,255}$`)

// Check loads the job YAML, renders its SQL with the variables and checks
// the workgroup.
func (QueryStep) Check(spec any, c *engine.CheckContext) {
	s := spec.(*QuerySpec)
	if wg := s.Config.Workgroup; wg != "" && c.Index.Resources[wg] == nil {
		var groups []string
		for n, it := range c.Index.Resources {
			if it.Type == WorkgroupType {
				groups = append(groups, n)
			}
		}
		if sug := diag.Suggest(wg, groups); sug != "" {
			c.Errorf("config.workgroup", "workgroup %q is not defined in aws_resources", wg).Hint = fmt.Sprintf("did you mean %q?", sug)
		}
	} else if wg != "" {
		c.RequireResource("config.workgroup", "workgroup", wg, WorkgroupType)
	}
	vars, list, ok := variables(c, s.Config.Variables)
	if !ok {
		return
	}
	_ = list
	if s.Config.ConfigFile == "" {
		return
	}
	s.job = loadJob(c, "config.config_file", s.Config.ConfigFile)
	if s.job == nil {
		return
	}
	s.queries = map[*Query]query{}
	for _, st := range s.job.Steps {
		for _, q := range st.Jobs {
			if q.Type != "sql" {
				continue
			}
			text, format, diags := renderSQL(c, q.Config.File, q.sql, vars)
			c.Item.Decoder.Diags.Add(diags...)
			s.queries[q] = query{text: text, format: format}
		}
	}
	if s.ResultPath != "" {
		if err := engine.CheckPath(s.ResultPath); err != nil {
			c.Errorf("result_path", "%v", err)
		}
	}
}

// variables reads config.variables: a mapping rendered into the SQL, or a
// list of values passed as execution parameters.
func variables(c *engine.CheckContext, v any) (map[string]any, []string, bool) {
	switch x := v.(type) {
	case nil:
		return map[string]any{}, nil, true
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && engine.IsRuntimePath(s) {
				if err := engine.CheckPath(s); err != nil {
					c.Errorf("config.variables."+k, "%v", err)
					return nil, nil, false
				}
			}
		}
		return x, nil, true
	case []any:
		var out []string
		for i, e := range x {
			s := fmt.Sprint(e)
			if engine.IsRuntimePath(s) {
				if err := engine.CheckPath(s); err != nil {
					c.Errorf(fmt.Sprintf("config.variables[%d]", i), "%v", err)
					return nil, nil, false
				}
			}
			out = append(out, s)
		}
		return map[string]any{}, out, true
	}
	c.Errorf("config.variables", "must be a mapping (rendered into the SQL) or a list (the query's execution parameters)")
	return nil, nil, false
}

// workgroup names the workgroup a query runs in: a workgroup resource of
// this config, an existing one, or the environment's (saml_group), else
// primary.
func workgroup(st *config.Stack, idx *engine.Index, name string) string {
	if name == "" {
		if g := st.Var("saml_group"); g != "" {
			return g
		}
		return "primary"
	}
	if it := idx.Resources[name]; it != nil && it.Type == WorkgroupType {
		return engine.PhysicalName(st, name)
	}
	return name
}

// Plan chains the job's steps; a step with several queries is a Parallel.
func (QueryStep) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*QuerySpec)
	if s.job == nil {
		return nil, fmt.Errorf("job YAML of %q was not loaded", p.Item.Name)
	}
	wg := workgroup(p.Stack, p.Index, s.Config.Workgroup)
	_, params := executionParameters(s.Config.Variables)
	var out *asl.Fragment
	for _, st := range s.job.Steps {
		var f *asl.Fragment
		if len(st.Jobs) == 1 {
			f = asl.Single(p.StateName(st.Name), s.task(p, wg, st.Jobs[0], params))
		} else {
			par := &asl.State{Type: asl.Parallel, ResultPath: asl.Discard(), Comment: "the queries of step " + st.Name + " run in parallel"}
			for _, q := range st.Jobs {
				par.Branches = append(par.Branches, asl.Single(p.StateName(st.Name, q.Name), s.task(p, wg, q, params)).Close())
			}
			f = asl.Single(p.StateName(st.Name), par)
		}
		if out == nil {
			out = f
		} else if err := out.Then(f); err != nil {
			return nil, err
		}
	}
	wgARN := engine.ARN("athena", "workgroup/"+wg)
	p.Allow([]string{"athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup", "athena:GetPreparedStatement"}, wgARN)
	p.Allow([]string{"glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions",
		"glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable", "glue:BatchCreatePartition", "glue:CreatePartition", "glue:BatchDeletePartition"},
		engine.ARN("glue", "catalog"), engine.ARN("glue", "database/*"), engine.ARN("glue", "table/*/*"))
	bucket := engine.ContextRef("pipeline_bucket")
	p.Allow([]string{"s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload", "s3:PutObject"},
		"arn:"+engine.Partition.String()+":s3:::"+bucket, "arn:"+engine.Partition.String()+":s3:::"+bucket+"/*")
	// Lake Formation grants data access per table; the action itself has no resource.
	p.Allow([]string{"lakeformation:GetDataAccess"}, "*")
	return out, nil
}

// task runs one query and waits for it.
func (s *QuerySpec) task(p *engine.PlanContext, wg string, q *Query, params any) *asl.State {
	par := map[string]any{"WorkGroup": wg}
	if q.Type == "prepared_statement" {
		par["QueryString"] = "EXECUTE " + q.Config.PreparedStatement
		if len(q.Config.Parameters) > 0 {
			par["ExecutionParameters"] = q.Config.Parameters
		}
	} else if pq := s.queries[q]; pq.format != "" {
		par["QueryString.$"] = pq.format
	} else {
		par["QueryString"] = pq.text
	}
	if params != nil && par["ExecutionParameters"] == nil {
		if expr, ok := params.(string); ok {
			par["ExecutionParameters.$"] = expr
		} else {
			par["ExecutionParameters"] = params
		}
	}
	db := firstNonEmpty(q.Config.Database, s.Config.Database)
	if db != "" {
		par["QueryExecutionContext"] = map[string]any{"Database": db}
	}
	if s.Config.Workgroup == "" || p.Index.Resources[s.Config.Workgroup] == nil {
		// Only our own workgroups are known to enforce a result location.
		bucket := engine.ContextRef("pipeline_bucket")
		par["ResultConfiguration"] = map[string]any{"OutputLocation": "s3://" + bucket + "/athena-results/" + p.Item.Name + "/"}
	}
	st := &asl.State{Type: asl.Task, Resource: "arn:aws:states:::athena:startQueryExecution.sync", Parameters: par, ResultPath: asl.Discard(),
		Comment: q.Name}
	if s.ResultPath != "" {
		st.ResultPath = asl.Path(s.ResultPath + "." + safeKey(q.Name))
	}
	return st
}

func safeKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// executionParameters turns a variables list into ExecutionParameters:
// a literal list, or a States.Array expression when it holds references.
func executionParameters(v any) (bool, any) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return false, nil
	}
	var lits []string
	var args []string
	runtime := false
	for _, e := range list {
		s := fmt.Sprint(e)
		lits = append(lits, s)
		if engine.IsRuntimePath(s) {
			runtime = true
			args = append(args, s)
		} else {
			args = append(args, "'"+escapeFormat(s)+"'")
		}
	}
	if runtime {
		return true, "States.Array(" + strings.Join(args, ", ") + ")"
	}
	return true, lits
}

// Workgroup is athena_workgroup.
type Workgroup struct{}

// WorkgroupSpec sets where results go; the workgroup enforces it.
type WorkgroupSpec struct {
	engine.Common `yaml:",inline"`
	Config        struct {
		QueryResultLocation string `yaml:"query_result_location" validate:"required,startswith=s3://"`
		Encryption          string `yaml:"encryption" validate:"omitempty,oneof=SSE_S3 SSE_KMS CSE_KMS"`
		KMSKey              string `yaml:"kms_key"`
		EnforceSettings     *bool  `yaml:"enforce_settings"`
		BytesScannedCutoff  int    `yaml:"bytes_scanned_cutoff_per_query" validate:"omitempty,min=10000000"`
	} `yaml:"config" validate:"required"`
}

func (Workgroup) Type() string       { return WorkgroupType }
func (Workgroup) Kinds() engine.Kind { return engine.Resource }
func (Workgroup) NewSpec() any       { return &WorkgroupSpec{} }
func (Workgroup) Describe() string {
	return "an Athena workgroup with its result location, encryption (SSE_S3 by default) and enforced settings"
}

// Check requires a key for KMS encryption.
func (Workgroup) Check(spec any, c *engine.CheckContext) {
	cfg := &spec.(*WorkgroupSpec).Config
	if strings.HasSuffix(cfg.Encryption, "KMS") && cfg.KMSKey == "" {
		c.Errorf("config.kms_key", "is required with encryption %s", cfg.Encryption)
	}
	if !strings.HasSuffix(cfg.QueryResultLocation, "/") && cfg.QueryResultLocation != "" {
		c.Warnf("config.query_result_location", "%q does not end with /; Athena treats it as a prefix", cfg.QueryResultLocation)
	}
}

// PreparedStatement is athena_prepared_statement.
type PreparedStatement struct{}

// PreparedStatementSpec: the query is inline or in a file, rendered with
// variables.
type PreparedStatementSpec struct {
	engine.Common `yaml:",inline"`
	Config        struct {
		Query struct {
			QueryString string `yaml:"query_string"`
			File        string `yaml:"file"`
		} `yaml:"query" validate:"required"`
		Workgroup string         `yaml:"workgroup"`
		Variables map[string]any `yaml:"variables"`
	} `yaml:"config" validate:"required"`

	statement string
}

func (PreparedStatement) Type() string       { return PreparedStatementType }
func (PreparedStatement) Kinds() engine.Kind { return engine.Resource }
func (PreparedStatement) NewSpec() any       { return &PreparedStatementSpec{} }
func (PreparedStatement) Aliases() []string  { return []string{"athena_prepare_statement"} }
func (PreparedStatement) Describe() string {
	return "an Athena prepared statement from query.query_string or query.file, in a workgroup"
}

// Check reads and renders the statement.
func (PreparedStatement) Check(spec any, c *engine.CheckContext) {
	s := spec.(*PreparedStatementSpec)
	q := &s.Config.Query
	if !statementName.MatchString(s.Name) && s.Name != "" {
		c.Errorf("name", "a prepared statement's name is its statement name: letters, digits and _, not starting with a digit; got %q", s.Name)
	}
	switch {
	case q.QueryString == "" && q.File == "":
		c.Errorf("config.query", "needs query_string or file")
		return
	case q.QueryString != "" && q.File != "":
		c.Errorf("config.query", "give query_string or file, not both")
		return
	}
	text, file := q.QueryString, c.Item.Decoder.Source.Path
	if q.File != "" {
		abs, ok := c.RepoFile("config.query.file", q.File, false)
		if !ok {
			return
		}
		b, err := readFile(abs)
		if err != nil {
			c.Errorf("config.query.file", "%v", err)
			return
		}
		text, file = string(b), q.File
	}
	if s.Config.Workgroup != "" && c.Index.Resources[s.Config.Workgroup] != nil {
		c.RequireResource("config.workgroup", "workgroup", s.Config.Workgroup, WorkgroupType)
	}
	out, format, diags := renderSQL(c, file, text, s.Config.Variables)
	c.Item.Decoder.Diags.Add(diags...)
	if format != "" {
		c.Errorf("config.variables", "a prepared statement is created at deploy: its variables cannot be runtime references")
	}
	s.statement = strings.TrimSpace(out)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func refOf(kind, name, attr string) string {
	return engine.Ref{Kind: kind, Name: name, Attr: attr}.String()
}
