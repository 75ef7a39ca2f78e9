package athena

import (
	"os"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Workgroup is athena_workgroup.
type Workgroup struct{}

// WorkgroupSpec sets where results go; the workgroup enforces it.
type WorkgroupSpec struct {
	engine.Common `yaml:",inline"`
	// Pinned is physical_name and logical_id.
	engine.Pinned `yaml:",inline"`
	Config        struct {
		QueryResultLocation string `yaml:"query_result_location" validate:"required,startswith=s3://"`
		Encryption          string `yaml:"encryption" validate:"omitempty,oneof=SSE_S3 SSE_KMS CSE_KMS"`
		KMSKey              string `yaml:"kms_key"`
		EnforceSettings     *bool  `yaml:"enforce_settings" alias:"enforce_workgroup_configuration"`
		BytesScannedCutoff  int    `yaml:"bytes_scanned_cutoff_per_query" validate:"omitempty,min=10000000"`
	} `yaml:"config" validate:"required"`
}

func (Workgroup) Type() string       { return WorkgroupType }
func (Workgroup) Kinds() engine.Kind { return engine.Resource }
func (Workgroup) NewSpec() any       { return &WorkgroupSpec{} }
func (Workgroup) Describe() string {
	return "an Athena workgroup named <name>-<pipeline>-<stage> (or physical_name), with its result location, encryption (SSE_S3 by default) and enforced settings"
}

// Check requires a key for KMS encryption and a bucket in the location.
func (Workgroup) Check(spec any, c *engine.CheckContext) {
	cfg := &spec.(*WorkgroupSpec).Config
	c.CheckNameLength("workgroup", engine.NameOf(c.Stack, c.Item), 128)
	if strings.HasSuffix(cfg.Encryption, "KMS") && cfg.KMSKey == "" {
		c.Errorf("config.kms_key", "is required with encryption %s", cfg.Encryption)
	}
	loc := cfg.QueryResultLocation
	if !strings.HasPrefix(loc, "s3://") {
		return // reported by the validate tags
	}
	if bucket, _, _ := strings.Cut(strings.TrimPrefix(loc, "s3://"), "/"); bucket == "" {
		c.Errorf("config.query_result_location", "%q names no bucket; write s3://bucket/prefix/", loc)
	} else if !strings.HasSuffix(loc, "/") {
		c.Warnf("config.query_result_location", "%q does not end with /; Athena treats it as a prefix of object names", loc)
	}
}

// PreparedStatement is athena_prepared_statement.
type PreparedStatement struct{}

// PreparedStatementSpec: the query is inline or in a file (under query:,
// as data.all writes it, or directly under config), rendered with
// variables.
type PreparedStatementSpec struct {
	engine.Common `yaml:",inline"`
	// Pinned is physical_name and logical_id.
	engine.Pinned `yaml:",inline"`
	Config        struct {
		Query       statementSource `yaml:"query"`
		QueryString string          `yaml:"query_string"`
		File        string          `yaml:"file"`
		Workgroup   string          `yaml:"workgroup"`
		Variables   map[string]any  `yaml:"variables"`
		// QueryFormat dataall renders the statement as the data.all
		// blueprint did: an undefined variable renders as empty text, with
		// a warning, and a runtime reference is inserted as written.
		QueryFormat string `yaml:"query_format" validate:"omitempty,oneof=blueprint dataall"`
		// CustomResource creates the statement with a custom resource
		// calling the Athena API (Custom::Athena-Prepared-Statement), as
		// the data.all blueprint did, instead of AWS::Athena::PreparedStatement.
		CustomResource bool `yaml:"custom_resource"`
	} `yaml:"config" validate:"required"`

	// statement is the rendered text, once checked is true.
	statement string
	checked   bool
}

type statementSource struct {
	QueryString string `yaml:"query_string"`
	File        string `yaml:"file"`
}

// Workgroup is the statement's workgroup as written.
func (s *PreparedStatementSpec) Workgroup() string { return s.Config.Workgroup }

func (PreparedStatement) Type() string       { return PreparedStatementType }
func (PreparedStatement) Kinds() engine.Kind { return engine.Resource }
func (PreparedStatement) NewSpec() any       { return &PreparedStatementSpec{} }
func (PreparedStatement) Aliases() []string  { return []string{"athena_prepare_statement"} }
func (PreparedStatement) Describe() string {
	return "an Athena prepared statement <name>_<pipeline>_<stage> (or physical_name) from query.query_string or query.file (rendered with variables), in a workgroup"
}

// StatementName is the AWS name of a prepared statement resource: its
// physical_name, else one that carries the pipeline and stage, as every
// resource name does, so that stages sharing a workgroup such as primary
// do not collide; Athena allows only letters, digits and _ in it.
func StatementName(st *config.Stack, it *config.Item) string {
	if n, ok := it.Spec.(engine.AWSNamer); ok && n.AWSName() != "" {
		return n.AWSName()
	}
	return strings.ReplaceAll(engine.PhysicalName(st, it.Name), "-", "_")
}

// Check reads and renders the statement.
func (PreparedStatement) Check(spec any, c *engine.CheckContext) {
	s := spec.(*PreparedStatementSpec)
	cfg := &s.Config
	if s.Name != "" {
		at := "name"
		if s.PhysicalName != "" {
			at = "physical_name"
		}
		if n := StatementName(c.Stack, c.Item); !statementName.MatchString(n) {
			c.Errorf(at, "makes the statement name %q; Athena needs letters, digits and _, not starting with a digit, at most 256 characters", n)
		}
	}
	if !checkWorkgroup(c, "config.workgroup", cfg.Workgroup) {
		return
	}
	type source struct{ at, text, file string }
	var sources []source
	for _, src := range []source{
		{"config.query.query_string", cfg.Query.QueryString, ""}, {"config.query.file", "", cfg.Query.File},
		{"config.query_string", cfg.QueryString, ""}, {"config.file", "", cfg.File},
	} {
		if src.text != "" || src.file != "" {
			sources = append(sources, src)
		}
	}
	switch len(sources) {
	case 0:
		c.Errorf("config", "needs the statement: query.query_string or query.file")
		return
	case 1:
	default:
		c.Errorf(sources[1].at, "the statement is already given by %s; give one of query_string or file", sources[0].at)
		return
	}
	src := sources[0]
	display := c.Item.Decoder.Source.Path
	if src.file != "" {
		abs, ok := c.RepoFile(src.at, src.file, false)
		if !ok {
			return
		}
		b, err := os.ReadFile(abs)
		if err != nil {
			c.Errorf(src.at, "cannot read %s: %v", src.file, err)
			return
		}
		src.text, display = string(b), src.file
	}
	renderer := renderSQL
	if cfg.QueryFormat == DataAll {
		renderer = renderDataAllSQL
	}
	r, diags := renderer(c.Stack.RepoDir, display, src.text, cfg.Variables)
	if src.file == "" {
		// Positions inside an inline query mean nothing in the config:
		// point at the query instead.
		path := c.Item.Path + "." + src.at
		pos := c.Item.Decoder.Pos(c.Item.Decoder.Node(path))
		for i := range diags {
			diags[i].Line, diags[i].Col, diags[i].Path = pos.Line, pos.Col, path
		}
	}
	c.Item.Decoder.Diags.Add(diags...)
	if diags.HasErrors() {
		return
	}
	if r.format != "" {
		c.Errorf("config.variables", "a prepared statement is created at deploy: its variables cannot be runtime references")
		return
	}
	s.statement = strings.TrimSpace(r.text)
	s.checked = true
}
