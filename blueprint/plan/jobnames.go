package plan

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
)

// JobNamesState is the first state when properties.job_names is set.
const JobNamesState = "Task Execution Id"

var jobNameUnsafe = regexp.MustCompile(`[^a-zA-Z0-9-]`)

// jobNames is the state that writes $.job_names as data.all's
// "Task Execution Id" did (utils/stack_task_util.py:290-352): for each job
// of the groups, by "<group index>|<job index>", its name lowercased to
// [a-z0-9-], cut to 32 characters, then "-<execution name>"; and tags,
// the pipeline's tags plus ExecutionID. The old tool computed it with a
// Python 3.7 Lambda function, a runtime Lambda no longer runs; a Pass
// state's intrinsics compute the same.
func jobNames(st *config.Stack) *asl.Fragment {
	par := map[string]any{}
	for g, grp := range st.Pipeline.Groups {
		for j, job := range grp.Jobs {
			if job == nil {
				continue
			}
			name := strings.ToLower(jobNameUnsafe.ReplaceAllString(job.Name, ""))
			if len(name) > 32 {
				name = name[:32]
			}
			par[fmt.Sprintf("%d|%d.$", g, j)] = "States.Format('" + name + "-{}', $$.Execution.Name)"
		}
	}
	var tags []map[string]string
	add := func(k, v string) {
		if v != "" {
			tags = append(tags, map[string]string{"Key": k, "Value": v})
		}
	}
	// utils/stack_util.py:402-413, as far as synth knows them.
	add("Application", "data.all")
	add("PipelineInfo", st.Stage()+"/"+st.PipelineName())
	add("EnvironmentRole", st.Var("environment_role_arn"))
	add("samlgroup", strings.ToLower(st.Var("saml_group")))
	add("ExecutionID", "\x00")
	raw, _ := json.Marshal(tags)
	lit := strings.NewReplacer(`\`, `\\`, `'`, `\'`, `{`, `\{`, `}`, `\}`).Replace(string(raw))
	lit = strings.Replace(lit, `\\u0000`, "{}", 1)
	par["tags.$"] = "States.StringToJson(States.Format('" + lit + "', $$.Execution.Name))"
	return asl.Single(JobNamesState, &asl.State{Type: asl.Pass, Parameters: par, ResultPath: asl.Path("$.job_names"),
		Comment: "the jobs' names for this execution, and its tags"})
}
