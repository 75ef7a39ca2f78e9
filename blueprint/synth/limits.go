package synth

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/plan"
)

// CloudFormation's limits on one stack's template.
const (
	MaxResources     = plan.MaxResources
	MaxTemplateBytes = 1 << 20 // a template body uploaded from S3
)

// CheckLimits reads every template of the assembly at dir (nested stage
// assemblies included) and reports the stacks CloudFormation would
// refuse: more than 500 resources, or a template over 1 MB. The plan's
// split keeps both from happening; this is the last guard, so that a
// wrong estimate fails here rather than in CloudFormation.
func CheckLimits(dir string) error {
	var problems []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".template.json") {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		stack := strings.TrimSuffix(filepath.Base(p), ".template.json")
		if len(raw) > MaxTemplateBytes {
			problems = append(problems, fmt.Sprintf("the template of stack %s is %d bytes; CloudFormation accepts at most 1 MB (%d bytes)", stack, len(raw), MaxTemplateBytes))
		}
		var tmpl struct {
			Resources map[string]json.RawMessage
		}
		if err := json.Unmarshal(raw, &tmpl); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if n := len(tmpl.Resources); n > MaxResources {
			problems = append(problems, fmt.Sprintf("stack %s has %d resources after the split; CloudFormation accepts at most %d in one stack", stack, n, MaxResources))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if problems == nil {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("%s (blueprint's estimate of the stack was wrong: please report it; meanwhile, move some groups or resources into a stack of their own, a file in configs/)", strings.Join(problems, "; "))
}
