package validate

import (
	"fmt"

	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// logicalIDs checks the logical_id keys: CloudFormation takes 1 to 255
// letters and digits, and each names one resource of the stack.
func (v *validator) logicalIDs() {
	seen := map[string]string{}
	for _, u := range v.decoded {
		p, ok := u.item.Spec.(engine.LogicalIDer)
		if !ok || p.PinnedID() == "" {
			continue
		}
		id, at := p.PinnedID(), u.item.Path+".logical_id"
		if !engine.LogicalIDPattern.MatchString(id) {
			v.d.Errorf(v.d.Node(at), at, "logical ID %q is not one CloudFormation accepts: 1 to 255 letters A-Z, a-z and digits", id)
			continue
		}
		if prev, dup := seen[id]; dup {
			first := v.d.Pos(v.d.Node(prev + ".logical_id"))
			v.d.Errorf(v.d.Node(at), at, "logical ID %q is already given to %s", id, prev).Hint =
				fmt.Sprintf("first given on line %d; a logical ID names one resource of the stack", first.Line)
			continue
		}
		seen[id] = u.item.Path
	}
}
