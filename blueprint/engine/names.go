package engine

import (
	"regexp"

	"github.com/blueprint-dev/blueprint/blueprint/config"
)

// Named is the item-level physical_name key of the types that name their
// AWS resource: the name to give it instead of the default
// "<name>-<pipeline_name>-<stage>". A version 1 (data.all) config gets the
// old tool's names through it.
type Named struct {
	PhysicalName string `yaml:"physical_name"`
}

// AWSName returns physical_name when it is set.
func (n *Named) AWSName() string { return n.PhysicalName }

// Pinned adds logical_id to physical_name, for the stateful resources: the
// CloudFormation logical ID of the resource, instead of the one CDK derives
// from its construct path, so that a stack deployed by another tool (the
// data.all blueprint) updates the resource in place instead of replacing it.
type Pinned struct {
	Named     `yaml:",inline"`
	LogicalID string `yaml:"logical_id"`
}

// PinnedID returns logical_id, "" when it is not set.
func (p *Pinned) PinnedID() string { return p.LogicalID }

// AWSNamer is a spec with a physical_name key.
type AWSNamer interface{ AWSName() string }

// LogicalIDer is a spec with a logical_id key.
type LogicalIDer interface{ PinnedID() string }

// NameOf is the AWS name of an item: its physical_name when set, else
// PhysicalName's default. Before validation has decoded the item's spec it
// is the default.
func NameOf(st *config.Stack, it *config.Item) string {
	if n, ok := it.Spec.(AWSNamer); ok && n.AWSName() != "" {
		return n.AWSName()
	}
	return PhysicalName(st, it.Name)
}

// LogicalIDPattern is what CloudFormation accepts as a logical ID.
var LogicalIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`)

// SSMParameterName is what the name of an SSM parameter may hold.
var SSMParameterName = regexp.MustCompile(`^/?[A-Za-z0-9_.\-/]+$`)

// ExtraLogicalIDer is a spec that pins the logical IDs of resources it
// makes besides its own, by the key (under the item) that gives each.
type ExtraLogicalIDer interface{ ExtraLogicalIDs() map[string]string }
