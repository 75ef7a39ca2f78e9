package glue

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Types of this package.
const (
	JobType        = "glue_job"
	ConnectionType = "glueconnection"
)

// Arguments blueprint sets on every job; a job YAML or step may not
// override them, or the runner would read the wrong files.
const (
	ArgConfigPath  = "--CONFIGPATH"
	ArgFiles       = "--FILES"
	ArgExecutionID = "--execution_id"
)

var reservedArgs = []string{ArgConfigPath, ArgFiles, ArgExecutionID}

// Job is the glue_job step.
type Job struct{}

// JobSpec: config is the job YAML.
type JobSpec struct {
	engine.Job `yaml:",inline"`
	Config     string `yaml:"config" validate:"required"`
	// Arguments are passed to this run; values may be $. paths.
	Arguments  map[string]string `yaml:"arguments"`
	ResultPath string            `yaml:"result_path"`
	// Job settings of this step's Glue job; each wins over the job YAML's.
	// JobTimeout is the Glue job's Timeout in minutes (default the
	// pipeline's properties.timeout, rounded up to minutes).
	JobTimeout      int    `yaml:"job_timeout" unit:"minutes" validate:"omitempty,min=1,max=10080"`
	JobBookmark     string `yaml:"job_bookmark" validate:"omitempty,oneof=enable disable pause"`
	Connection      string `yaml:"connection"`
	WorkerType      string `yaml:"worker_type" validate:"omitempty,oneof=Standard G.025X G.1X G.2X G.4X G.8X Z.2X"`
	NumberOfWorkers int    `yaml:"number_of_workers" validate:"omitempty,min=2,max=299"`

	job *job
}

func (Job) Type() string { return JobType }

// JobFile is the Glue job YAML a glue_job step runs.
func (Job) JobFile() (string, string, any) { return "glue-job", "config", &JobFile{} }
func (Job) Kinds() engine.Kind             { return engine.Step }
func (Job) NewSpec() any                   { return &JobSpec{} }
func (Job) Describe() string {
	return "creates a Glue job from a Glue job YAML in customcode and runs it (glue:startJobRun.sync)"
}

// Check loads and checks the job YAML, the files and the connection it
// names, and the run's arguments.
func (Job) Check(spec any, c *engine.CheckContext) {
	s := spec.(*JobSpec)
	if s.Config != "" {
		var runtime []string
		for _, k := range engine.SortedKeys(s.Arguments) {
			runtime = append(runtime, strings.TrimPrefix(k, "--"))
		}
		prefix := c.Stack.Pipeline.Properties.GlueJobsPrefix
		if _, err := resolveJobPath(c.Stack.RepoDir, c.Stack.Pipeline.JobDir, s.Config); err != nil && prefix != "" && strings.Contains(err.Error(), "does not exist") {
			// The job reads it from the bucket when it runs, as data.all's
			// jobs read every job YAML (properties.glue_jobs_prefix).
			key := strings.TrimPrefix(prefix+s.Config, "/")
			c.Warnf("config", "%v; the job reads its job document from s3://<pipeline bucket>/%s when it runs, unchecked (properties.glue_jobs_prefix)", err, key)
			s.job = &job{remote: key}
		} else {
			s.job = loadJob(c, "config", s.Config, runtime)
		}
	}
	if s.Connection != "" {
		checkConnection(c, s.Connection, func(format string, args ...any) *diag.Diagnostic {
			return c.Errorf("connection", format, args...)
		})
	}
	for _, k := range engine.SortedKeys(s.Arguments) {
		v := s.Arguments[k]
		if reserved(k) {
			c.Errorf("arguments."+k, "%s is set by blueprint on every run", argName(k))
			continue
		}
		if engine.IsRuntimePath(v) {
			if err := engine.CheckPath(v); err != nil {
				c.Errorf("arguments."+k, "%v", err)
			}
		}
	}
	if s.ResultPath != "" {
		if err := engine.CheckPath(s.ResultPath); err != nil {
			c.Errorf("result_path", "%v", err)
		}
	}
}

// argName writes an argument key as Glue wants it, with its leading --.
func argName(k string) string {
	if strings.HasPrefix(k, "--") {
		return k
	}
	return "--" + k
}

func reserved(k string) bool {
	for _, r := range reservedArgs {
		if argName(k) == r {
			return true
		}
	}
	return false
}

// JobName is the Glue job's name: <pipeline>-<job>-<stage>, with the
// characters Glue refuses replaced.
func JobName(st *config.Stack, job string) string {
	n := strings.Trim(unsafe.ReplaceAllString(st.PipelineName()+"-"+job+"-"+st.Stage(), "-"), "-")
	if len(n) > 255 {
		n = n[:255]
	}
	return n
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// Plan runs the job and waits for it; every run gets the execution id.
func (Job) Plan(spec any, p *engine.PlanContext) (*asl.Fragment, error) {
	s := spec.(*JobSpec)
	name := JobName(p.Stack, p.Item.Name)
	args := map[string]any{ArgExecutionID + ".$": "$$.Execution.Id"}
	for _, k := range engine.SortedKeys(s.Arguments) {
		v := s.Arguments[k]
		if engine.IsRuntimePath(v) {
			args[argName(k)+".$"] = v
		} else {
			args[argName(k)] = v
		}
	}
	st := &asl.State{Type: asl.Task, Resource: "arn:aws:states:::glue:startJobRun.sync",
		Parameters: map[string]any{"JobName": name, "Arguments": args}, ResultPath: asl.Discard(),
		Comment: engine.FirstNonEmpty(s.Description, s.Comment)}
	if s.ResultPath != "" {
		st.ResultPath = asl.Path(s.ResultPath)
	}
	// startJobRun.sync polls the run (GetJobRun) and stops it when the
	// execution is stopped (BatchStopJobRun); it uses no EventBridge rule.
	p.Allow([]string{"glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"}, engine.ARN("glue", "job/"+name))
	return asl.Single(p.StateName(), st), nil
}

// Connection is a Glue JDBC connection.
type Connection struct{}

// ConnectionSpec: the URL, user and password are SSM parameter names,
// written into the template as dynamic references, never as values.
type ConnectionSpec struct {
	engine.Common `yaml:",inline"`
	// Pinned is physical_name and logical_id.
	engine.Pinned `yaml:",inline"`
	Config        struct {
		SubnetID         string   `yaml:"subnet_id" validate:"required"`
		SecurityGroupIDs []string `yaml:"security_group_id" alias:"security_group_ids" validate:"required,min=1"`
		AvailabilityZone string   `yaml:"availability_zone"`
		JdbcURL          string   `yaml:"jdbc_url" validate:"required"`
		Username         string   `yaml:"username" validate:"required_without=SecretID"`
		Password         string   `yaml:"password" validate:"required_without=SecretID"`
		// SecretID names a Secrets Manager secret holding username and
		// password, instead of SSM parameters.
		SecretID string `yaml:"secret_id"`
	} `yaml:"config" validate:"required"`
}

func (Connection) Type() string       { return ConnectionType }
func (Connection) Kinds() engine.Kind { return engine.Resource }
func (Connection) NewSpec() any       { return &ConnectionSpec{} }
func (Connection) Aliases() []string  { return []string{"glue_connection"} }
func (Connection) Describe() string {
	return "a Glue JDBC connection; jdbc_url, username and password are SSM parameter names resolved at deploy, never values in the template"
}

var secretID = regexp.MustCompile(`^(arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]{1,512})$`)

// Check requires parameter names, not values.
func (Connection) Check(spec any, c *engine.CheckContext) {
	cfg := &spec.(*ConnectionSpec).Config
	c.CheckNameLength("connection", engine.NameOf(c.Stack, c.Item), 255)
	fields := []struct{ key, value string }{{"jdbc_url", cfg.JdbcURL}, {"username", cfg.Username}, {"password", cfg.Password}}
	for _, f := range fields {
		// A value with ":" (a JDBC URL), spaces or other punctuation (a
		// password) is not a parameter name.
		if f.value != "" && !engine.SSMParameterName.MatchString(f.value) {
			c.Errorf("config."+f.key, "%s must name an SSM parameter (e.g. /glueconnection/%s), not hold the value: values would be written into the template", f.key, f.key)
		}
	}
	if cfg.SecretID != "" && (cfg.Username != "" || cfg.Password != "") {
		c.Errorf("config.secret_id", "give secret_id or username and password, not both")
	} else if cfg.SecretID != "" && !secretID.MatchString(cfg.SecretID) {
		c.Errorf("config.secret_id", "%q is not a Secrets Manager secret name or ARN", cfg.SecretID)
	}
	// Warnings: example configs carry placeholders such as subnet-xxx.
	if err := engine.CheckAWSID("subnet", cfg.SubnetID); cfg.SubnetID != "" && err != nil {
		c.Warnf("config.subnet_id", "%v", err)
	}
	for i, sg := range cfg.SecurityGroupIDs {
		if err := engine.CheckAWSID("sg", sg); err != nil {
			c.Warnf(fmt.Sprintf("config.security_group_id[%d]", i), "%v", err)
		}
	}
}

// Footprint: the job and, without an environment role, its role and that
// role's policy.
func (Job) Footprint(_ any, st *config.Stack) int {
	if st.Var("environment_role_arn") != "" {
		return 1
	}
	return 3
}

// JobFiles is the job YAML a glue_job of a version 1 config reads, for
// blueprint migrate, which rewrites it with UpgradeJobFile.
func (Job) JobFiles(st *config.Stack, job *yaml.Node) []string {
	for i := 0; i+1 < len(job.Content); i += 2 {
		if job.Content[i].Value == "config" && job.Content[i+1].Kind == yaml.ScalarNode {
			if p, err := resolveJobPath(st.RepoDir, st.Pipeline.JobDir, job.Content[i+1].Value); err == nil {
				return []string{p}
			}
		}
	}
	return nil
}

// UpgradeJobFile rewrites a data.all job YAML into version 2: the rule
// loadJob applies for a version 1 config (config.RewriteGlueJobV1).
func (Job) UpgradeJobFile(d *config.Decoder, root *yaml.Node) { config.RewriteGlueJobV1(d, root) }
