package validate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// logicalIDs checks the logical_id keys (an item's own, and those of the
// other resources it makes, and the properties giving the state machine's
// and its ARN parameter's): CloudFormation takes 1 to 255 letters and
// digits, and each names one resource of the stack.
func (v *validator) logicalIDs() {
	seen := map[string]string{}
	props := v.st.Pipeline.Properties
	machine := map[string]string{"properties.state_machine_logical_id": props.StateMachineLogicalID, "properties.arn_parameter_logical_id": props.ArnParameterLogicalID}
	for _, at := range engine.SortedKeys(machine) {
		id := machine[at]
		if id == "" {
			continue
		}
		if !engine.LogicalIDPattern.MatchString(id) {
			v.d.Errorf(v.d.Node(at), at, "logical ID %q is not one CloudFormation accepts: 1 to 255 letters A-Z, a-z and digits", id)
			continue
		}
		seen[id] = at
	}
	for _, u := range v.decoded {
		ids := map[string]string{}
		if p, ok := u.item.Spec.(engine.LogicalIDer); ok && p.PinnedID() != "" {
			ids["logical_id"] = p.PinnedID()
		}
		if p, ok := u.item.Spec.(engine.ExtraLogicalIDer); ok {
			for k, id := range p.ExtraLogicalIDs() {
				ids[k] = id
			}
		}
		for _, key := range engine.SortedKeys(ids) {
			id, at := ids[key], u.item.Path+"."+key
			if !engine.LogicalIDPattern.MatchString(id) {
				v.d.Errorf(v.d.Node(at), at, "logical ID %q is not one CloudFormation accepts: 1 to 255 letters A-Z, a-z and digits", id)
				continue
			}
			if prev, dup := seen[id]; dup {
				first := v.d.Pos(v.d.Node(prev))
				v.d.Errorf(v.d.Node(at), at, "logical ID %q is already given to %s", id, strings.TrimSuffix(prev, ".logical_id")).Hint =
					fmt.Sprintf("first given on line %d; a logical ID names one resource of the stack", first.Line)
				continue
			}
			seen[id] = at
		}
	}
}

// stackName is what CloudFormation accepts as a stack name (at most 128
// characters: properties.stack_name's own check).
var stackName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)
