package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Defaults of the data.all blueprint's Lambda functions
// (engine/lambdafx/lambda_mapper.py:31-35, resource_task.py:302,
// lambdafx/lambda_task.py:53).
const (
	v1LambdaIndex   = "lambda_function.py"
	v1LambdaHandler = "handler"
	v1LambdaTimeout = "900"
	v1LambdaMemory  = "1028"
)

// The data.all blueprint's runtimes: python3.7 by default, and only 3.6,
// 3.7 and 3.8 (resource_task.py:189-203). Lambda creates functions with
// none of them any more; v1Successor is the oldest Python it still takes.
const (
	v1Runtime   = "python3.7"
	v1Successor = "python3.12"
)

var v1Runtimes = map[string]bool{"python3.6": true, "python3.7": true, "python3.8": true}

// v1StepOnly are the config keys only a step's invocation read
// (lambda_mapper.py:48-67); the old tool ignored them elsewhere.
var v1StepOnly = []string{"heartbeat", "input_path", "output_path", "payload_response_only", "retry_on_service_exceptions", "payload", "result_path"}

func upgradeLambda(d *Decoder, it *yaml.Node, step bool) {
	cfgKey, cfg := mapEntry(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	if mapGet(cfg, "image") == nil {
		mapDefault(cfg, "index", v1LambdaIndex)
		mapDefault(cfg, "handler", v1LambdaHandler)
		upgradeRuntime(d, cfgKey, cfg)
	}
	mapDefault(cfg, "timeout", v1LambdaTimeout)
	if step {
		// A step's memory is the job-level memory_size; the old tool
		// ignored config.memory_size there (lambda_task.py:53).
		mapDelete(cfg, "memory_size")
		mapDelete(cfg, "memory")
		if k, v := mapEntry(it, "memory_size"); v != nil {
			mapDelete(it, "memory_size")
			mapSet(cfg, k, "memory", v)
		} else {
			mapDefault(cfg, "memory", v1LambdaMemory)
		}
	} else if mapGet(cfg, "memory") == nil {
		mapDefault(cfg, "memory_size", v1LambdaMemory)
	}
	if step {
		upgradeInvoke(d, it, cfg)
		// A step's function is only invoked by the state machine
		// (lambda_task.py:42-92 reads no schedule and no topic).
		for _, key := range []string{"scheduler", "schedulers", "sns"} {
			if k, _ := mapEntry(cfg, key); k != nil {
				d.Warnf(k, "config."+key, "%s is ignored on a step's function, as the data.all blueprint ignored it (only triggers and aws_resources functions are started by schedules and topics)", key)
				mapDelete(cfg, key)
			}
		}
		return
	}
	for _, key := range v1StepOnly {
		if k, _ := mapEntry(cfg, key); k != nil {
			d.Warnf(k, "config."+key, "%s is ignored on a function that is not a step, as the data.all blueprint ignored it", key)
			mapDelete(cfg, key)
		}
	}
	upgradeFunctionSchedules(d, cfg)
}

// upgradeInvoke gives a step the state the old LambdaInvoke made
// (lambda_mapper.py:48-67): the function timeout is also the task's, and
// only config.result_path kept a result, the bare return value unless
// payload_response_only was false.
func upgradeInvoke(d *Decoder, it, cfg *yaml.Node) {
	if _, t := mapEntry(cfg, "timeout"); t != nil && mapGet(cfg, "task_timeout") == nil {
		mapSet(cfg, t, "task_timeout", &yaml.Node{Kind: t.Kind, Tag: t.Tag, Value: t.Value, Line: t.Line, Column: t.Column})
	}
	if k, _ := mapEntry(cfg, "heartbeat"); k != nil {
		// lambda_mapper.py:51 passed the number where CDK wants a Duration.
		d.Warnf(k, "config.heartbeat", "the data.all blueprint failed on config.heartbeat (it passed a number where CDK needs a Duration); read as the task's heartbeat in seconds")
	}
	if k, v := mapEntry(cfg, "result_path"); v != nil {
		mapDelete(cfg, "result_path")
		if mapGet(it, "result_path") == nil {
			mapSet(it, k, "result_path", v)
		}
	}
	if k, v := mapEntry(cfg, "payload_response_only"); v != nil && v.Kind == yaml.ScalarNode && isFalse(v.Value) {
		// The integration's whole response, not {"Payload": …}.
		mapDelete(cfg, "payload_response_only")
		mapSet(cfg, k, "full_response", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true", Line: v.Line, Column: v.Column})
		return
	}
	mapDefault(cfg, "payload_response_only", "true")
}

// upgradeRuntime lowercases the runtime, as lambda_to_runtime did, and
// replaces the retired ones, the default included, with a warning.
func upgradeRuntime(d *Decoder, at *yaml.Node, cfg *yaml.Node) {
	_, v := mapEntry(cfg, "runtime")
	if v == nil {
		v = scalarAt(cfg, v1Runtime)
		mapSet(cfg, at, "runtime", v)
		d.Warnf(at, "config.runtime", "the data.all default runtime %s is retired by AWS; deploying with %s instead (write runtime: %s to silence this)", v1Runtime, v1Successor, v1Successor)
		v.Value = v1Successor
		return
	}
	if v.Kind != yaml.ScalarNode {
		return // the decoder reports the shape
	}
	rt := strings.ToLower(strings.TrimSpace(v.Value))
	switch {
	case v1Runtimes[rt]:
		d.Warnf(v, "config.runtime", "AWS retired %s, the data.all blueprint's runtime; deploying with %s instead (write runtime: %s to silence this)", rt, v1Successor, v1Successor)
		v.Value = v1Successor
	case !strings.HasPrefix(rt, "python3."):
		d.Errorf(v, "config.runtime", "the data.all blueprint runs Python functions and layers only (python3.6, python3.7 or python3.8, resource_task.py:189-203); got %q", v.Value).Hint =
			"write runtime: " + v1Successor + ", or add version: 2 to use any runtime Lambda supports"
	default:
		// A Python Lambda still supports, which the old tool refused: it
		// is what a user upgrading the runtime means.
		v.Value = rt
	}
}

// upgradeFunctionSchedules reads a standalone function's or trigger's
// schedules as target_event_rule did (resource_task.py:352-388): the
// singular scheduler wins over schedulers, and a schedule must be a cron().
func upgradeFunctionSchedules(d *Decoder, cfg *yaml.Node) {
	if k, v := mapEntry(cfg, "scheduler"); v != nil {
		if sk, _ := mapEntry(cfg, "schedulers"); sk != nil {
			d.Warnf(sk, "config.schedulers", "schedulers is ignored when scheduler is given, as the data.all blueprint ignored it (resource_task.py:354-365)")
			mapDelete(cfg, "schedulers")
		}
		k.Value = "schedulers"
		cfg.Content[indexOf(cfg, k)+1] = seqOf(v)
	}
	for i, sc := range seqItems(mapGet(cfg, "schedulers")) {
		if c := mapGet(sc, "cron"); c != nil && c.Kind == yaml.ScalarNode && !strings.HasPrefix(c.Value, "cron") {
			d.Errorf(c, fmt.Sprintf("config.schedulers[%d].cron", i), "the data.all blueprint starts functions on cron() schedules only (resource_task.py:382-388); got %q", c.Value).Hint =
				`write cron(…), e.g. "cron(0 4 * * ? *)", or add version: 2 to use rate(…)`
		}
	}
}

func upgradeLayer(d *Decoder, it *yaml.Node) {
	cfgKey, cfg := mapEntry(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	if mapGet(cfg, "layer_entry") != nil {
		// resource_task.py:444
		mapDefault(cfg, "bundle_type", "simple")
	}
	if mapGet(cfg, "layer_entry") != nil || mapGet(cfg, "bucket_arn") != nil {
		// Only these two read the runtime (resource_task.py:443, 482).
		upgradeRuntime(d, cfgKey, cfg)
	}
	if k, v := mapEntry(cfg, "cmd"); v != nil && v.Kind == yaml.ScalarNode && scalar(mapGet(cfg, "bundle_type")) == "custom" {
		// resource_task.py:50-64 ran it with bash in a SAM build image.
		d.Warnf(k, "config.cmd", "the data.all blueprint ran cmd with bash in the Docker image amazon/aws-sam-cli-build-image-<runtime>; blueprint runs it on this machine with sh, in the layer folder, /asset-input and /asset-output standing for that folder and the layer output, "+
			"so pip, python and compilers are this machine's: packages with compiled code must be installed for Lambda's Linux and %s (e.g. pip install --platform manylinux2014_x86_64 --only-binary=:all: --python-version 3.12)", v1Successor)
	}
}

// isFalse is YAML 1.1's false, as PyYAML read the old configs.
func isFalse(s string) bool {
	switch s {
	case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
		return true
	}
	return false
}

// scalar is the value of a scalar node, "" for anything else.
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
