package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestVersion1LambdaDiagnostics: what the old tool refused is still a
// positioned error, and what it did differently a positioned warning.
func TestVersion1LambdaDiagnostics(t *testing.T) {
	note := "config.yaml:1: warning: read as a data.all blueprint config (version 1), since it has no version: key" + v1Hint
	tests := []struct {
		name, cfg string
		want      []string
	}{
		{"a rate() schedule on a trigger", "name: p\ntriggers:\n  - name: t\n    type: lambda_function\n    config:\n      entry: e\n      runtime: python3.12\n      scheduler: {cron: rate(1 day)}\n",
			[]string{note, `config.yaml:8:25: config.schedulers[0].cron: the data.all blueprint starts functions on cron() schedules only (resource_task.py:382-388); got "rate(1 day)" (write cron(…), e.g. "cron(0 4 * * ? *)", or add version: 2 to use rate(…))`}},
		{"a runtime that is not Python", "name: p\naws_resources:\n  - name: f\n    type: lambda_function\n    config: {entry: e, runtime: nodejs20.x}\n",
			[]string{note, `config.yaml:5:33: config.runtime: the data.all blueprint runs Python functions and layers only (python3.6, python3.7 or python3.8, resource_task.py:189-203); got "nodejs20.x" (write runtime: python3.12, or add version: 2 to use any runtime Lambda supports)`}},
		{"schedules beside a scheduler, and a step-only key on a resource", "name: p\naws_resources:\n  - name: f\n    type: lambda_function\n    config:\n      entry: e\n      runtime: python3.12\n      heartbeat: 10\n      scheduler: {cron: 'cron(0 4 * * ? *)'}\n      schedulers: [{cron: 'cron(0 5 * * ? *)'}]\n",
			[]string{note,
				`config.yaml:8:7: warning: config.heartbeat: heartbeat is ignored on a function that is not a step, as the data.all blueprint ignored it`,
				`config.yaml:10:7: warning: config.schedulers: schedulers is ignored when scheduler is given, as the data.all blueprint ignored it (resource_task.py:354-365)`}},
		{"a step's schedule", "name: p\ngroups:\n  - name: g\n    jobs:\n      - name: f\n        type: lambda_function\n        config: {entry: e, runtime: python3.8, sns: {topic_arn: x}}\n",
			[]string{note,
				`config.yaml:7:37: warning: config.runtime: AWS retired python3.8, the data.all blueprint's runtime; deploying with python3.12 instead (write runtime: python3.12 to silence this)`,
				`config.yaml:7:48: warning: config.sns: sns is ignored on a step's function, as the data.all blueprint ignored it (only triggers and aws_resources functions are started by schedules and topics)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, loadDiags(t, map[string]string{"config.yaml": tt.cfg}))
		})
	}
}
