package synth

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// NameOf is the AWS name of an item's resource: its physical_name, or
// "<name>-<pipeline>-<stage>".
func (s *Stack) NameOf(it *config.Item) string { return engine.NameOf(s.Config, it) }

// Pin gives the CloudFormation resource c stands for (c itself, or the
// default child of a higher-level construct) the item's logical_id, when
// it has one.
func (s *Stack) Pin(c constructs.IConstruct, it *config.Item) error {
	p, ok := it.Spec.(engine.LogicalIDer)
	if !ok || p.PinnedID() == "" {
		return nil
	}
	// An L2 construct holds its resource as its default child, a custom
	// resource one level further down.
	el, ok := c.(awscdk.CfnElement)
	for i := 0; !ok && c != nil && i < 3; i++ {
		c = c.Node().DefaultChild()
		el, ok = c.(awscdk.CfnElement)
	}
	if !ok {
		return fmt.Errorf("internal error: the construct of %s has no CloudFormation resource to give logical_id %s", it.Name, p.PinnedID())
	}
	el.OverrideLogicalId(jsii.String(p.PinnedID()))
	return nil
}
