package tests

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompatStepsKeepTheOldStateMachine checks, on the template and the
// definition, how the data.all blueprint built its state machine.
func TestCompatStepsKeepTheOldStateMachine(t *testing.T) {
	tmpl, states := compatRepo(t, "steps")

	var machine map[string]any
	var roles []string
	for _, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		switch res["Type"] {
		case "AWS::StepFunctions::StateMachine":
			machine = res["Properties"].(map[string]any)
		case "AWS::IAM::Role":
			doc := res["Properties"].(map[string]any)["AssumeRolePolicyDocument"].(map[string]any)
			for _, st := range asList(doc["Statement"]) {
				roles = append(roles, st.(map[string]any)["Principal"].(map[string]any)["Service"].(string))
			}
		}
	}
	require.NotNil(t, machine)
	// The last job's state_machine_arn is the machine's role
	// (stack.py:249, 258-260): no role is made for it.
	assert.Equal(t, "arn:aws:iam::111111111111:role/pipeline-runner", machine["RoleArn"])
	assert.NotContains(t, roles, "states.amazonaws.com")
	assert.Contains(t, roles, "lambda.amazonaws.com")

	// The last job's properties.timeout is the machine's timeout; the
	// pipeline's properties.timeout is not read (stack.py:183, 255-257).
	assert.Equal(t, float64(7200), states["StartAt"]["TimeoutSeconds"])

	// A first state writes $.job_names when a job is not a Glue job
	// (utils/stack_task_util.py:290-352): name[:32]-<execution name>.
	names := states["Task Execution Id"]
	assert.Equal(t, "$.job_names", names["ResultPath"])
	assert.Equal(t, "States.Format('finish-{}', $$.Execution.Name)", names["Parameters"].(map[string]any)["3|0.$"])

	// Groups of 2+ jobs are a Parallel whose result is dropped
	// (utils/stack_task_util.py:128-133).
	both := states["Both"]
	assert.Equal(t, "Parallel", both["Type"])
	assert.Contains(t, both, "ResultPath")
	assert.Nil(t, both["ResultPath"])
	assert.NotContains(t, both, "OutputPath")

	// Job-level retry on a Lambda step was not read (lambda_task.py).
	for _, r := range asList(states["Prepare"]["Retry"]) {
		assert.NotEqual(t, float64(5), r.(map[string]any)["MaxAttempts"])
	}

	// fail and succeed steps (utils/stack_task_util.py:88-103).
	assert.Equal(t, "Succeed", states["Stop"]["Type"])
	assert.Equal(t, "nothing to do today", states["Stop"]["Comment"])
	assert.Equal(t, map[string]any{"Type": "Fail", "Error": "BrokenInput", "Cause": "the input says it is broken"}, states["Broken"])

	// The catch chain ends the run where it ends, as Succeeded (stack.py:238-246).
	assert.NotContains(t, states, "PipelineFailed")
	assert.Equal(t, true, states["Report failure"]["End"])

	// blueprint test shows it: the catch ends the run Succeeded, a
	// succeed step ends it early, a group's results are dropped.
	code, out, errOut := runTest(t, "--dir", filepath.Join("testdata", "compat", "steps"))
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "PASS compat-steps / CatchEndsTheRunSucceeded\n")
	assert.Contains(t, out, "→ Report failure\n")
	assert.Contains(t, out, "path: RetryAndErrorHandler → Task Execution Id → Prepare → Both")
	assert.Contains(t, out, "3 passed, 0 failed\n")
}
