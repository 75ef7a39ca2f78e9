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

// JobNameKey is the key of a job's name in $.job_names: "<group
// index>|<job index>", as data.all's jobs read it ($.job_names.0|1).
func JobNameKey(group, job int) string { return fmt.Sprintf("%d|%d", group, job) }

// jobNames is the state that writes $.job_names as data.all's "Task
// Execution Id" did (utils/stack_task_util.py:290-352): for each job of
// the groups, by JobNameKey, its name with [^a-zA-Z0-9-] removed,
// lowercased, cut to 32 characters, then "-<execution name>"; and tags,
// the stack's data.all tags plus ExecutionID. The old tool computed it
// with a Python 3.7 Lambda function, a runtime Lambda no longer runs; a
// Pass state's intrinsics compute the same, except for a tuning job
// (data.all: name[:24]-<execution name[:7]>, 32 characters at most): no
// intrinsic cuts a string, so it is name[:23]-<the execution name up to
// its first "-">, the 8 hex digits of a UUID execution name.
func jobNames(st *config.Stack) *asl.Fragment {
	par := map[string]any{}
	for g, grp := range st.Pipeline.Groups {
		for j, job := range grp.Jobs {
			if job == nil {
				continue
			}
			name := strings.ToLower(jobNameUnsafe.ReplaceAllString(job.Name, ""))
			key := JobNameKey(g, j) + ".$"
			if job.Type == "sagemaker_hpo" {
				par[key] = fmt.Sprintf("States.Format('%s-{}', States.ArrayGetItem(States.StringSplit($$.Execution.Name, '-'), 0))", cut(name, 23))
				continue
			}
			par[key] = fmt.Sprintf("States.Format('%s-{}', $$.Execution.Name)", cut(name, 32))
		}
	}
	tags := append(st.DataAllTags(), config.Tag{Key: "ExecutionID", Value: "\x00"})
	raw, _ := json.Marshal(tags)
	lit := strings.NewReplacer(`\`, `\\`, `'`, `\'`, `{`, `\{`, `}`, `\}`).Replace(string(raw))
	// The ExecutionID placeholder, \u0000 in JSON, is the Format's {}.
	lit = strings.Replace(lit, `\\u0000`, "{}", 1)
	par["tags.$"] = "States.StringToJson(States.Format('" + lit + "', $$.Execution.Name))"
	return asl.Single(JobNamesState, &asl.State{Type: asl.Pass, Parameters: par, ResultPath: asl.Path("$.job_names"),
		Comment: "the jobs' names for this execution, and its tags"})
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
