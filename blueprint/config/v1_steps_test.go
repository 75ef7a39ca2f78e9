package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// translated is the version 2 tree of a version 1 config, as plain values,
// and the warnings of the translation.
func translated(t *testing.T, src string) (map[string]any, []string) {
	t.Helper()
	out, diags := Migrate("config.yaml", []byte(src))
	require.False(t, diags.HasErrors(), "%v", diags)
	var tree map[string]any
	require.NoError(t, yaml.Unmarshal(out, &tree))
	var warnings []string
	for _, d := range diags {
		if d.Path == "config.runtime" {
			continue // the retired Lambda runtime, v1_lambda_test.go's
		}
		warnings = append(warnings, d.String())
	}
	return tree, warnings
}

func job(tree map[string]any, g, j int) map[string]any {
	return tree["groups"].([]any)[g].(map[string]any)["jobs"].([]any)[j].(map[string]any)
}

// TestV1RetryIsReadAsEachOldTaskReadIt: each old task read its own keys
// of a job's retry, or none.
func TestV1RetryIsReadAsEachOldTaskReadIt(t *testing.T) {
	tree, warnings := translated(t, `name: p
groups:
  - name: G
    jobs:
      - {name: L, type: lambda_function, retry: {retry_attempts: 5}, config: {entry: e}}
      - name: T
        type: sagemaker_training
        retry: {retry_attempt: 4, error_equals: [States.ALL], retry_attempts: 9}
      - {name: B, type: batch, retry: {interval_seconds: 5}}
      - {name: P, type: sagemaker_processing, retry: {}}
      - {name: M, type: sagemaker_model}
      - {name: N, type: sagemaker_model, retry: {max_attempts: 6, retry_attempt: 2}}
`)
	assert.NotContains(t, job(tree, 0, 0), "retry", "lambda_task.py never reads job['retry']")
	// training_task.py:40-49: SageMaker's error only, retry_attempt, backoff 1.1.
	assert.Equal(t, map[string]any{"retry_attempt": 4, "error_equals": []any{"SageMaker.AmazonSageMakerException"}, "backoff_rate": 1.1},
		job(tree, 0, 1)["retry"])
	// batch_task.py:320-329 wrote no ErrorEquals: States.ALL, with a warning.
	assert.Equal(t, map[string]any{"interval_seconds": 5, "error_equals": []any{"States.ALL"}, "retry_attempt": 3, "backoff_rate": 1.1},
		job(tree, 0, 2)["retry"])
	// An empty retry was false: no retrier.
	assert.NotContains(t, job(tree, 0, 3), "retry")
	// model_task.py:85-91: always a retrier, max_attempts, CDK's backoff 2.
	assert.Equal(t, map[string]any{"error_equals": []any{"SageMaker.AmazonSageMakerException"}, "max_attempts": 3, "backoff_rate": 2},
		job(tree, 0, 4)["retry"])
	assert.Equal(t, map[string]any{"max_attempts": 6, "error_equals": []any{"SageMaker.AmazonSageMakerException"}, "backoff_rate": 2},
		job(tree, 0, 5)["retry"])
	assert.Equal(t, []string{
		"config.yaml:5:42: warning: retry: the data.all blueprint ignored retry on a lambda_function step; it is ignored here too (version 2 applies it)",
		"config.yaml:8:35: warning: retry.error_equals: the data.all blueprint did not read retry.error_equals here: the task retries SageMaker.AmazonSageMakerException only",
		"config.yaml:8:63: warning: retry.retry_attempts: the data.all blueprint did not read retry.retry_attempts here (it read retry_attempt); it is ignored",
		"config.yaml:9:32: warning: retry: the data.all blueprint wrote this retrier without ErrorEquals, which Step Functions rejects; it retries States.ALL here",
		"config.yaml:12:67: warning: retry.retry_attempt: the data.all blueprint did not read retry.retry_attempt here (it read max_attempts); it is ignored",
	}, warnings)
}

// TestV1MachineTimeoutRoleAndCatch: the last job's properties.timeout and
// state_machine_arn are the machine's (stack.py:183, 249-260); the catch
// ends the run (stack.py:238-246); groups of 2+ jobs drop their results.
func TestV1MachineTimeoutRoleAndCatch(t *testing.T) {
	tree, warnings := translated(t, `name: p
properties:
  timeout: 60
catch:
  groups: [{name: C, jobs: [{name: S, type: succeed, config: {}}]}]
groups:
  - name: G
    jobs:
      - {name: A, type: lambda_function, properties: {timeout: 5}, state_machine_arn: "arn:aws:iam::1:role/a", config: {entry: e}}
      - {name: B, type: lambda_function, config: {entry: e}}
  - name: H
    jobs:
      - {name: C, type: lambda_function, properties: {timeout: 900}, state_machine_arn: "arn:aws:iam::1:role/last", config: {entry: e}}
`)
	props := tree["properties"].(map[string]any)
	assert.Equal(t, 900, props["timeout"])
	assert.Equal(t, "arn:aws:iam::1:role/last", props["role_arn"])
	assert.Equal(t, "succeed", tree["catch"].(map[string]any)["end"])
	assert.Equal(t, "discard", tree["groups"].([]any)[0].(map[string]any)["results"])
	assert.NotContains(t, tree["groups"].([]any)[1].(map[string]any), "results")
	for _, j := range []map[string]any{job(tree, 0, 0), job(tree, 1, 0)} {
		assert.NotContains(t, j, "properties")
		assert.NotContains(t, j, "state_machine_arn")
	}
	assert.Equal(t, []string{"config.yaml:3:3: warning: properties.timeout: the data.all blueprint did not read properties.timeout: the state machine times out after the last job's properties.timeout, 900 s here (stack.py:255-257)"}, warnings)

	// Without a job timeout, 3600.
	tree, _ = translated(t, "name: p\ngroups: [{name: G, jobs: [{name: A, type: succeed, config: {}}]}]\n")
	assert.Equal(t, 3600, tree["properties"].(map[string]any)["timeout"])
}
