package athena

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
)

// Types of this package.
const (
	QueryType             = "athena_query"
	WorkgroupType         = "athena_workgroup"
	PreparedStatementType = "athena_prepared_statement"
)

// QueryStep is the athena_query step.
type QueryStep struct{}

// QuerySpec: data.all puts workgroup, retry and variables under config.
type QuerySpec struct {
	engine.Job `yaml:",inline"`
	Config     struct {
		ConfigFile string        `yaml:"config_file" validate:"required"`
		Workgroup  string        `yaml:"workgroup"`
		Database   string        `yaml:"database"`
		Variables  Variables     `yaml:"variables"`
		Retry      *config.Retry `yaml:"retry"`
		// ConfigFileFormat dataall reads the job YAML as the data.all
		// blueprint did (see DataAllJobFile).
		ConfigFileFormat string `yaml:"config_file_format" validate:"omitempty,oneof=blueprint dataall"`
		// EnvironmentWorkgroup runs the queries, when config.workgroup
		// is not set, in data.all's team workgroup WG-<environment
		// uri>-<team>, read from the environment role ARN (ENVROLEARN).
		EnvironmentWorkgroup bool `yaml:"environment_workgroup"`
		// ResultsInWorkgroup sets no ResultConfiguration: the results go
		// where the workgroup says.
		ResultsInWorkgroup bool `yaml:"results_in_workgroup"`
	} `yaml:"config" validate:"required"`
	// ResultPath keeps each query's QueryExecution at
	// <result_path>.<step>.<job>; by default results are dropped. "$"
	// makes each query's result the state (the jobs of a step of several
	// run in a Parallel that passes its input on).
	ResultPath string `yaml:"result_path"`

	job *JobFile
}

// Variables is config.variables: a mapping rendered into the SQL files,
// or a list of execution parameters.
type Variables struct {
	Map  map[string]any
	List []param
}

// DecodeNode accepts a mapping or a list of scalars, checking runtime
// references where they are written.
func (v *Variables) DecodeNode(d *config.Decoder, n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		v.Map = map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			kp := path + "." + k.Value
			if _, dup := v.Map[k.Value]; dup {
				d.Errorf(k, kp, "duplicate key %q", k.Value)
				continue
			}
			var x any
			if err := val.Decode(&x); err != nil {
				d.Errorf(val, kp, "%v", err)
				continue
			}
			d.Remember(kp, val)
			checkRuntime(d, val, kp, x)
			v.Map[k.Value] = x
		}
	case yaml.SequenceNode:
		v.List = []param{}
		for i, e := range n.Content {
			ip := fmt.Sprintf("%s[%d]", path, i)
			d.Remember(ip, e)
			var x any
			if e.Kind != yaml.ScalarNode || e.Decode(&x) != nil {
				d.Errorf(e, ip, "an execution parameter must be a single value")
				continue
			}
			checkRuntime(d, e, ip, x)
			v.List = append(v.List, paramOf(x))
		}
	default:
		if n.Tag != "!!null" {
			d.Errorf(n, path, "must be a mapping (values rendered into the SQL) or a list (the queries' execution parameters)")
		}
	}
}

func checkRuntime(d *config.Decoder, n *yaml.Node, path string, v any) {
	if s, ok := v.(string); ok && engine.IsRuntimePath(s) {
		if err := engine.CheckPath(s); err != nil {
			d.Errorf(n, path, "%v", err)
		}
	}
}

func (QueryStep) Type() string { return QueryType }

// JobFile is the Athena job YAML an athena_query step runs.
func (QueryStep) JobFile() (string, string, any) {
	return "athena-job", "config.config_file", &JobFile{}
}
func (QueryStep) Kinds() engine.Kind { return engine.Step }
func (QueryStep) NewSpec() any       { return &QuerySpec{} }
func (QueryStep) Describe() string {
	return "runs the queries of an Athena job YAML: steps in sequence, the jobs of a step in parallel (athena:startQueryExecution.sync)"
}

// JobRetry is config.retry as data.all writes it, else the job's own.
func (s *QuerySpec) JobRetry() *config.Retry {
	if s.Config.Retry != nil {
		return s.Config.Retry
	}
	return s.Retry
}

var statementName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,255}$`)

// Check checks the workgroup, then loads the job YAML and renders its SQL
// with the variables.
func (QueryStep) Check(spec any, c *engine.CheckContext) {
	s := spec.(*QuerySpec)
	if !checkWorkgroup(c, "config.workgroup", s.Config.Workgroup) {
		return
	}
	if s.ResultPath != "" {
		if err := engine.CheckPath(s.ResultPath); err != nil {
			c.Errorf("result_path", "%v", err)
		}
	}
	if s.Config.EnvironmentWorkgroup && s.Config.Workgroup == "" && c.Stack.Var("environment_role_arn") == "" {
		c.Warnf("config.environment_workgroup", "the environment role (ENVROLEARN) is not set, so the team workgroup cannot be read from it; the queries run in %q", s.workgroup(c.Stack, c.Index))
	}
	if s.Config.ConfigFile != "" {
		s.job = s.load(c, s.workgroup(c.Stack, c.Index))
	}
}

// workgroup names the workgroup the step's queries run in.
func (s *QuerySpec) workgroup(st *config.Stack, idx *engine.Index) string {
	if s.Config.Workgroup == "" && s.Config.EnvironmentWorkgroup {
		if arn := st.Var("environment_role_arn"); arn != "" {
			return TeamWorkgroup(arn)
		}
	}
	return workgroup(st, idx, s.Config.Workgroup)
}

// TeamWorkgroup is data.all's workgroup of the team of an environment
// role ARN: WG-<environment uri>-<team>, the second-to-last /-part of the
// ARN and its last -part (engine/athena/athena_task.py:63-68).
func TeamWorkgroup(roleARN string) string {
	slash := strings.Split(roleARN, "/")
	uri := slash[0]
	if len(slash) >= 2 {
		uri = slash[len(slash)-2]
	}
	dash := strings.Split(roleARN, "-")
	return "WG-" + uri + "-" + dash[len(dash)-1]
}

// checkWorkgroup accepts a workgroup resource of this config or the name
// of an existing workgroup; a name close to a resource's is taken for a
// typo.
func checkWorkgroup(c *engine.CheckContext, at, name string) bool {
	if name == "" || c.Resource(name, WorkgroupType) != nil {
		return true
	}
	if c.Index.Resources[name] != nil {
		c.RequireResource(at, "workgroup", name, WorkgroupType)
		return false
	}
	var groups []string
	for n := range c.Index.Resources {
		if c.Resource(n, WorkgroupType) != nil {
			groups = append(groups, n)
		}
	}
	if sug := diag.Suggest(name, groups); sug != "" {
		c.Errorf(at, "workgroup %q is not defined in aws_resources", name).Hint = fmt.Sprintf("did you mean %q?", sug)
		return false
	}
	return true
}

// workgroup names the workgroup queries run in: a workgroup resource of
// this config (its AWS name), an existing one by name, or by default the
// athena_workgroup variable, else the environment's team workgroup
// (saml_group), else primary.
func workgroup(st *config.Stack, idx *engine.Index, name string) string {
	if name == "" {
		return engine.FirstNonEmpty(st.Var("athena_workgroup"), st.Var("saml_group"), "primary")
	}
	if it := idx.Resources[name]; it != nil {
		return engine.NameOf(st, it)
	}
	return name
}

// Plan chains the job's steps; a step with several jobs is a Parallel.
func (QueryStep) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*QuerySpec)
	if s.job == nil {
		return nil, fmt.Errorf("the job YAML of %q was not loaded", p.Item.Name)
	}
	wg := s.workgroup(p.Stack, p.Index)
	results := resultsOf(p, s)
	replace := s.ResultPath == "$"
	var retry *asl.Retrier
	if r := s.JobRetry(); r != nil {
		rt := plan.Retrier(r)
		retry = &rt
	}
	var out *asl.Fragment
	writes, statements := false, false
	for _, st := range s.job.Steps {
		stepKey := key(st.Name)
		var f *asl.Fragment
		if len(st.Jobs) == 1 {
			t := s.task(p, wg, st.Jobs[0], results)
			if replace {
				t.ResultPath = asl.Path("$")
			} else if s.ResultPath != "" {
				t.ResultPath = asl.Path(s.ResultPath + "." + stepKey + "." + key(st.Jobs[0].Name))
			}
			f = asl.Single(p.StateName(st.Name), t)
		} else {
			par := &asl.State{Type: asl.Parallel, ResultPath: asl.Discard(), Comment: "the jobs of step " + st.Name + " run in parallel"}
			selector := map[string]any{}
			for i, q := range st.Jobs {
				t := s.task(p, wg, q, results)
				if replace {
					t.ResultPath = nil
				} else if s.ResultPath != "" {
					t.ResultPath = nil // the branch's output is the query's result
					selector[key(q.Name)+".$"] = fmt.Sprintf("$[%d]", i)
				}
				// The plan retries the fragment's own tasks, not those
				// inside a Parallel.
				if retry != nil {
					t.Retry = append(t.Retry, *retry)
				}
				par.Branches = append(par.Branches, asl.Single(p.StateName(st.Name, q.Name), t).Close())
			}
			if s.ResultPath != "" && !replace {
				par.ResultSelector = selector
				par.ResultPath = asl.Path(s.ResultPath + "." + stepKey)
			}
			f = asl.Single(p.StateName(st.Name), par)
		}
		for _, q := range st.Jobs {
			writes = writes || q.writes
			statements = statements || q.Type == StatementJob
		}
		if out == nil {
			out = f
		} else if err := out.Then(f); err != nil {
			return nil, err
		}
	}
	allow(p, s, wg, results, writes, statements)
	return out, nil
}

// results is where the queries' results go: the workgroup's location when
// it is ours (it enforces it), else a prefix of the pipeline bucket, set
// on each query.
type results struct {
	bucket, prefix string
	set            bool   // ResultConfiguration goes into each query
	key            string // the KMS key results are encrypted with
}

func resultsOf(p *engine.PlanContext, s *QuerySpec) results {
	if it := p.Index.Resources[s.Config.Workgroup]; it != nil && s.Config.Workgroup != "" {
		loc := strings.TrimPrefix(it.Spec.(*WorkgroupSpec).Config.QueryResultLocation, "s3://")
		bucket, prefix, _ := strings.Cut(loc, "/")
		return results{bucket: bucket, prefix: prefix, key: it.Spec.(*WorkgroupSpec).Config.KMSKey}
	}
	if s.Config.ResultsInWorkgroup {
		// Wherever the workgroup puts them.
		return results{bucket: "*"}
	}
	return results{bucket: engine.ContextRef("pipeline_bucket"), prefix: "athena-results/" + key(p.Item.Name) + "/", set: true}
}

// task runs one query and waits for it.
func (s *QuerySpec) task(p *engine.PlanContext, wg string, q *Query, r results) *asl.State {
	par := map[string]any{"WorkGroup": wg}
	switch {
	case q.Type == StatementJob && q.sql.format != "":
		par["QueryString.$"] = q.sql.format
	case q.Type == StatementJob:
		par["QueryString"] = "EXECUTE " + q.statement
	case q.sql.format != "":
		par["QueryString.$"] = q.sql.format
	default:
		par["QueryString"] = q.sql.text
	}
	executionParameters(par, q.params)
	if db := engine.FirstNonEmpty(q.Config.Database, s.Config.Database); db != "" {
		par["QueryExecutionContext"] = map[string]any{"Database": db}
	}
	if r.set {
		par["ResultConfiguration"] = map[string]any{"OutputLocation": "s3://" + r.bucket + "/" + r.prefix}
	}
	return &asl.State{Type: asl.Task, Resource: "arn:aws:states:::athena:startQueryExecution.sync", Parameters: par,
		ResultPath: asl.Discard(), Comment: q.Name}
}

// allow grants the state machine what the queries need: the workgroup,
// the Glue catalog (writes only for queries that change it), the result
// location and Lake Formation's data access. Reading the tables' S3 data
// directly is not granted: that is Lake Formation's or the environment
// role's business.
func allow(p *engine.PlanContext, s *QuerySpec, wg string, r results, writes, statements bool) {
	athena := []string{"athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup"}
	if statements {
		athena = append(athena, "athena:GetPreparedStatement")
	}
	p.Allow(athena, engine.ARN("athena", "workgroup/"+wg))
	catalog := []string{"glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"}
	if writes {
		catalog = append(catalog, "glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable",
			"glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:DeletePartition", "glue:BatchDeletePartition")
	}
	p.Allow(catalog, engine.ARN("glue", "catalog"), engine.ARN("glue", "database/*"), engine.ARN("glue", "table/*/*"))
	s3 := "arn:" + engine.Partition.String() + ":s3:::" + r.bucket
	p.Allow([]string{"s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"}, s3)
	p.Allow([]string{"s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}, s3+"/"+r.prefix+"*")
	if r.key != "" {
		// Athena encrypts and reads the results with the caller's rights.
		key := r.key
		if !strings.HasPrefix(key, "arn:") {
			if !strings.HasPrefix(key, "alias/") {
				key = "key/" + key
			}
			key = engine.ARN("kms", key)
		}
		p.Allow([]string{"kms:Decrypt", "kms:GenerateDataKey"}, key)
	}
	// GetDataAccess has no resource-level permissions.
	p.Allow([]string{"lakeformation:GetDataAccess"}, "*")
}

// key makes a name usable as a field of a result path.
func key(s string) string {
	k := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
	if k == "" || k[0] >= '0' && k[0] <= '9' {
		k = "_" + k
	}
	return k
}
