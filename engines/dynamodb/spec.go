package dynamodb

import (
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Type is the resource type.
const Type = "dynamodb"

// Engine is the dynamodb resource.
type Engine struct{}

// Key is a partition or sort key.
type Key struct {
	Name string `yaml:"name" validate:"required"`
	Type string `yaml:"type" validate:"required,oneof=string number binary"`
}

// Spec: provisioned when read/write capacities are given, on demand
// otherwise.
type Spec struct {
	engine.Common `yaml:",inline"`
	// Pinned is physical_name and logical_id.
	engine.Pinned `yaml:",inline"`
	Config        struct {
		ReadCapacity  int    `yaml:"read_capacity" validate:"omitempty,min=1,max=40000"`
		WriteCapacity int    `yaml:"write_capacity" validate:"omitempty,min=1,max=40000"`
		PartitionKey  *Key   `yaml:"partition_key" validate:"required"`
		SortKey       *Key   `yaml:"sort_key"`
		TimeToLive    string `yaml:"time_to_live_attribute"`
		// RemovalPolicy says what becomes of the table when it leaves the
		// stack: retain (the default) keeps it, destroy deletes it.
		RemovalPolicy string `yaml:"removal_policy" validate:"omitempty,oneof=retain destroy"`
	} `yaml:"config" validate:"required"`
}

func (Engine) Type() string       { return Type }
func (Engine) Kinds() engine.Kind { return engine.Resource }
func (Engine) NewSpec() any       { return &Spec{} }
func (Engine) Describe() string {
	return "a DynamoDB table (keys string, number or binary; provisioned or on-demand), with point-in-time recovery and encryption"
}

// Check requires both capacities or neither.
func (Engine) Check(spec any, c *engine.CheckContext) {
	s := spec.(*Spec)
	c.CheckNameLength("table", engine.NameOf(c.Stack, c.Item), 255)
	r, w := s.Config.ReadCapacity, s.Config.WriteCapacity
	if (r == 0) != (w == 0) {
		c.Errorf("config", "give both read_capacity and write_capacity for a provisioned table, or neither for on-demand billing")
	}
	if s.Config.SortKey != nil && s.Config.PartitionKey != nil && s.Config.SortKey.Name == s.Config.PartitionKey.Name {
		c.Errorf("config.sort_key.name", "the sort key must differ from the partition key %q", s.Config.PartitionKey.Name)
	}
}
