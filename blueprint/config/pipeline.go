package config

import (
	"gopkg.in/yaml.v3"
)

// Pipeline is the top level of a config file.
type Pipeline struct {
	// Version is the format of the file (1: data.all's, 2: this tool's).
	Version     Version    `yaml:"version"`
	Name        string     `yaml:"name" validate:"required"`
	Comment     string     `yaml:"comment"`
	Description string     `yaml:"description"`
	Resources   []*Item    `yaml:"aws_resources"`
	Groups      []*Group   `yaml:"groups" validate:"dive"`
	Triggers    []*Item    `yaml:"triggers"`
	Properties  Properties `yaml:"properties"`
	Retry       *Retry     `yaml:"retry"`
	Catch       *Catch     `yaml:"catch"`
	// JobDir is where glue job YAMLs are looked up by bare name.
	JobDir string `yaml:"jobdir"`
	// Variables names one more variables file, rendered as a template with
	// the environment's variables and read before the config is rendered.
	Variables *VariablesFile `yaml:"variables"`
}

// VariablesFile is `variables: {file: X}`.
type VariablesFile struct {
	File string `yaml:"file" validate:"required"`
}

// Properties are pipeline-wide settings.
type Properties struct {
	Schedulers []*Scheduler `yaml:"schedulers" validate:"dive"`
	// Timeout of the whole state machine, in seconds.
	Timeout int `yaml:"timeout" unit:"seconds" validate:"omitempty,min=1,max=31536000"`
	// StageInNames false keeps data.all's names: the stack, the state
	// machine and its log group are the pipeline name in every stage.
	StageInNames *bool `yaml:"stage_in_names"`
	// PipelineName is the pipeline name of the stack's AWS names: the
	// state machine, the path of its published ARN, the default
	// <name>-<pipeline>-<stage> names and Glue job names. Default: the
	// template's pipeline_name.
	PipelineName string `yaml:"pipeline_name"`
	// StackName is the CloudFormation stack name. Default: the pipeline
	// name (and for configs/*.yaml its file's base name after a dash).
	// stage_in_names still adds -<stage> to it.
	StackName string `yaml:"stack_name" validate:"omitempty,max=128"`
	// StateMachineLogicalID and ArnParameterLogicalID are the logical IDs
	// of the state machine and of the SSM parameter holding its ARN.
	StateMachineLogicalID string `yaml:"state_machine_logical_id"`
	ArnParameterLogicalID string `yaml:"arn_parameter_logical_id"`
	// ContextParameters names, per template-context value (pipeline_bucket,
	// ecr_repository, …), the SSM parameter the stack reads it from at
	// deploy when the context lacks it, instead of
	// /<pipeline_name>/<stage>/<key>.
	ContextParameters map[string]string `yaml:"context_parameters" validate:"dive,startswith=/"`
	// SSMPrefix replaces "/dataall" in the published state machine ARN path.
	SSMPrefix string `yaml:"ssm_prefix" validate:"omitempty,startswith=/"`
	// RoleARN is an existing role the state machine runs as, instead of
	// the environment role (ENVROLEARN) or a role made for it.
	RoleARN string `yaml:"role_arn" validate:"omitempty,startswith=arn:"`
	// TriggerOutputs adds the CloudFormation outputs data.all gave its
	// triggers, with the names and exports data.all users read.
	TriggerOutputs *TriggerOutputs `yaml:"trigger_outputs"`
	// GlueJobsPrefix is a key prefix of the pipeline bucket: a glue_job
	// whose config names no file of the repo gets a warning, and its job
	// reads <prefix><config> from the bucket when it runs, unchecked.
	GlueJobsPrefix string `yaml:"glue_jobs_prefix"`
	// JobNames starts the state machine with a state writing $.job_names:
	// each job's name for the execution and the execution's tags, as
	// data.all's jobs read them.
	JobNames bool `yaml:"job_names"`
	// DataAllTags tags the stack, and so every resource, with data.all's
	// tags (Stack.DataAllTags) instead of the ENVTAG_ variables and the
	// CodeBuild commit_id and build_id.
	DataAllTags bool `yaml:"dataall_tags"`
}

// TriggerOutputs are the outputs TriggerFunctionName<name> and
// TriggerFunctionArn<name> of each trigger and TriggerFunctionNames, all
// exported as <export_prefix>-<output>-<name>-<8 hex digits>.
type TriggerOutputs struct {
	ExportPrefix string `yaml:"export_prefix" validate:"required"`
}

// DefaultTimeout is the state machine timeout when none is set, in seconds.
const DefaultTimeout = 3600

// Scheduler starts the state machine (or a trigger) on a schedule.
type Scheduler struct {
	Cron    string     `yaml:"cron" validate:"required"`
	Payload any        `yaml:"payload"`
	Node    *yaml.Node `yaml:"-" validate:"-"`
}

// DecodeNode keeps the node so payload problems can be placed.
func (s *Scheduler) DecodeNode(d *Decoder, n *yaml.Node, path string) {
	type plain Scheduler
	d.Decode(n, (*plain)(s), path)
	s.Node = n
}

// Group is a set of jobs run in parallel; groups run in sequence.
type Group struct {
	Name        string  `yaml:"name" validate:"required"`
	Comment     string  `yaml:"comment"`
	Description string  `yaml:"description"`
	Jobs        []*Item `yaml:"jobs"`
	// Parallel false runs the group's one job as its own states, without
	// the Parallel state named after the group (data.all did so for every
	// group of one job).
	Parallel *bool `yaml:"parallel"`
	// Results says what the group's Parallel passes on: merge (the input
	// plus what its jobs wrote) or discard (its input, untouched, as
	// data.all did for every group of two jobs or more).
	Results string     `yaml:"results" validate:"omitempty,oneof=merge discard"`
	Node    *yaml.Node `yaml:"-" validate:"-"`
	Path    string     `yaml:"-"`
}

// Unwrapped reports whether the group runs without its Parallel state.
func (g *Group) Unwrapped() bool { return g.Parallel != nil && !*g.Parallel }

// DecodeNode keeps the group's node and path for later diagnostics.
func (g *Group) DecodeNode(d *Decoder, n *yaml.Node, path string) {
	type plain Group
	d.Decode(n, (*plain)(g), path)
	g.Node, g.Path = n, path
}

// Retry is a retry policy as data.all writes it.
type Retry struct {
	ErrorEquals     []string `yaml:"error_equals" validate:"omitempty,min=1"`
	IntervalSeconds *int     `yaml:"interval_seconds" unit:"seconds" validate:"omitempty,min=1,max=99999999"`
	RetryAttempts   *int     `yaml:"retry_attempts" alias:"retry_attempt,max_attempts" validate:"omitempty,min=0,max=99999999"`
	BackoffRate     *float64 `yaml:"backoff_rate" validate:"omitempty,min=1"`
	MaxDelaySeconds *int     `yaml:"max_delay_seconds" unit:"seconds" validate:"omitempty,min=1,max=31622400"`
}

// Catch handles errors of the whole pipeline by running its own groups.
type Catch struct {
	ErrorEquals []string `yaml:"error_equals" validate:"omitempty,min=1"`
	ResultPath  string   `yaml:"result_path"`
	Groups      []*Group `yaml:"groups" validate:"dive"`
	// End is how the execution ends once the catch groups ran: fail (a
	// Fail state, so the run shows as failed) or succeed (the run ends
	// there as Succeeded, as data.all's did).
	End string `yaml:"end" validate:"omitempty,oneof=fail succeed"`
}

// Item is one resource, job or trigger. Its name and type are read here; the
// rest is decoded by the engine of its type into Spec.
type Item struct {
	Name string
	Type string
	Node *yaml.Node `validate:"-"`
	// Path is where the item sits: "groups[1].jobs[0]".
	Path string
	// Spec is the engine's decoded spec, set by validation.
	Spec any `validate:"-"`
	// Decoder of the file the item came from, for positions.
	Decoder *Decoder `validate:"-"`
}

// DecodeNode reads name and type without judging the rest.
func (it *Item) DecodeNode(d *Decoder, n *yaml.Node, path string) {
	it.Node, it.Path, it.Decoder = n, path, d
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, path, "must be a mapping with name, type and config; got %s", describe(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		v := resolve(n.Content[i+1])
		if v == nil || v.Kind != yaml.ScalarNode {
			continue
		}
		switch n.Content[i].Value {
		case "name":
			it.Name = v.Value
			d.Remember(join(path, "name"), v)
		case "type":
			it.Type = v.Value
			d.Remember(join(path, "type"), v)
		}
	}
}

// Field returns the value node of a top-level key of the item, or nil.
func (it *Item) Field(key string) *yaml.Node {
	if it.Node == nil || it.Node.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(it.Node.Content); i += 2 {
		if it.Node.Content[i].Value == key {
			return resolve(it.Node.Content[i+1])
		}
	}
	return nil
}
