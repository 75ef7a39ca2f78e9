package config

import "gopkg.in/yaml.v3"

// Defaults of the data.all blueprint's Lambda functions
// (engine/lambdafx/lambda_mapper.py:31-35, resource_task.py:302,
// lambdafx/lambda_task.py:53).
const (
	v1LambdaIndex   = "lambda_function.py"
	v1LambdaHandler = "handler"
	v1LambdaTimeout = "900"
	v1LambdaMemory  = "1028"
)

func upgradeLambda(d *Decoder, it *yaml.Node, step bool) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	if mapGet(cfg, "image") == nil {
		mapDefault(cfg, "index", v1LambdaIndex)
		mapDefault(cfg, "handler", v1LambdaHandler)
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
		// Only config.result_path kept a result, and then the bare
		// return value (lambda_mapper.py:54-55, 62).
		if k, v := mapEntry(cfg, "result_path"); v != nil {
			mapDelete(cfg, "result_path")
			if mapGet(it, "result_path") == nil {
				mapSet(it, k, "result_path", v)
			}
		}
		mapDefault(cfg, "payload_response_only", "true")
	}
	if k, v := mapEntry(cfg, "scheduler"); v != nil && mapGet(cfg, "schedulers") == nil {
		k.Value = "schedulers"
		cfg.Content[indexOf(cfg, k)+1] = seqOf(v)
	}
}

func upgradeLayer(it *yaml.Node) {
	cfg := mapGet(it, "config")
	if cfg != nil && cfg.Kind == yaml.MappingNode && mapGet(cfg, "layer_entry") != nil {
		// resource_task.py:444
		mapDefault(cfg, "bundle_type", "simple")
	}
}
