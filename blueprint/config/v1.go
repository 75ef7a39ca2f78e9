package config

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// upgradeV1 rewrites the tree of a data.all (version 1) config into the
// version 2 tree that means the same, in place: the old tool's defaults
// become explicit keys, its other spellings become today's. Every node it
// adds carries the line:col of the version 1 text it stands for, so
// diagnostics still point into the user's file. The engines then read a
// plain version 2 tree: version 1 is this function, nothing else.
func upgradeV1(d *Decoder, root *yaml.Node, ctx map[string]any) {
	if root == nil || root.Kind != yaml.MappingNode {
		return
	}
	if _, g := mapEntry(root, "groups"); g != nil && (isNull(g) || g.Kind == yaml.SequenceNode && len(g.Content) == 0) {
		// An empty list made a stack of resources only (stack.py:183).
		mapDelete(root, "groups")
	}
	props := mapGet(root, "properties")
	if props == nil {
		props = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: root.Line, Column: root.Column}
		mapSet(root, root, "properties", props)
	}
	if props.Kind == yaml.MappingNode {
		// data.all's names are the same in every stage.
		mapDefault(props, "stage_in_names", "false")
	}
	if props != nil && props.Kind == yaml.MappingNode {
		if k, v := mapEntry(props, "scheduler"); v != nil && mapGet(props, "schedulers") == nil {
			// The old tool read the singular key from a top-level config:
			// that no config has (stack_util.py:281-287), so it crashed.
			d.Warnf(k, "properties.scheduler", "the data.all blueprint crashed on properties.scheduler (it looked for it under a top-level config:); read as properties.schedulers with this one entry")
			k.Value = "schedulers"
			props.Content[indexOf(props, k)+1] = seqOf(v)
		}
	}
	for _, it := range seqItems(mapGet(root, "aws_resources")) {
		upgradeItem(d, it, false)
	}
	for _, it := range seqItems(mapGet(root, "triggers")) {
		upgradeItem(d, it, false)
		upgradeTrigger(it, ctx)
	}
	upgradeGroups(d, mapGet(root, "groups"))
	if c := mapGet(root, "catch"); c != nil && c.Kind == yaml.MappingNode {
		upgradeGroups(d, mapGet(c, "groups"))
	}
}

func upgradeGroups(d *Decoder, groups *yaml.Node) {
	for _, g := range seqItems(groups) {
		if jobs := mapGet(g, "jobs"); jobs != nil && jobs.Kind == yaml.SequenceNode && len(jobs.Content) == 1 && mapGet(g, "parallel") == nil {
			// A group of one job is that job's states, with no Parallel
			// (utils/stack_task_util.py:126-127).
			mapDefault(g, "parallel", "false")
		}
		for _, job := range seqItems(mapGet(g, "jobs")) {
			upgradeItem(d, job, true)
			for _, ch := range seqItems(mapGet(job, "choices")) {
				upgradeGroups(d, mapGet(ch, "groups"))
			}
			if def := mapGet(job, "default"); def != nil && def.Kind == yaml.MappingNode {
				upgradeGroups(d, mapGet(def, "groups"))
			}
		}
	}
}

var modelNameUnsafe = regexp.MustCompile(`[^a-zA-Z0-9-]`)

// Defaults of the data.all blueprint's Lambda functions
// (engine/lambdafx/lambda_mapper.py:31-35, resource_task.py:302,
// lambdafx/lambda_task.py:53).
const (
	v1LambdaIndex   = "lambda_function.py"
	v1LambdaHandler = "handler"
	v1LambdaTimeout = "900"
	v1LambdaMemory  = "1028"
)

func upgradeItem(d *Decoder, it *yaml.Node, step bool) {
	if it == nil || it.Kind != yaml.MappingNode {
		return
	}
	typ := mapGet(it, "type")
	if typ == nil || typ.Kind != yaml.ScalarNode {
		return
	}
	switch typ.Value {
	case "lambda_function":
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
	case "sagemaker_training":
		mapDefault(it, "training_result_path", "$.training") // training_task.py:129
		upgradeTraining(d, it)
	case "sagemaker_hpo":
		mapDefault(it, "hpo_result_path", "$.hpo") // hpo_task.py:59
		upgradeTraining(d, it)
	case "sagemaker_model":
		// Without model_name_path the model is named after the job,
		// lowercased, keeping [a-zA-Z0-9-] (engine/sagemaker/model_task.py:13,63).
		cfg := mapGet(it, "config")
		name := mapGet(it, "name")
		if cfg != nil && cfg.Kind == yaml.MappingNode && name != nil && mapGet(it, "model_name_path") == nil {
			mapDefault(cfg, "model_name_path", strings.ToLower(modelNameUnsafe.ReplaceAllString(name.Value, "")))
		}
	case "sagemaker_batch_transform":
		mapDefault(it, "result_path", "$.batch_transformation_output") // batch_transform_task.py:15
	case "sagemaker_endpoint_config", "sagemaker_endpoint":
		// endpoint: "$.X" is an object: the names are $.X.name and
		// $.X.config_name (endpoint_task.py:73-97, endpointconfig_task.py:58,69).
		ep := mapGet(it, "endpoint")
		if ep == nil || ep.Kind != yaml.ScalarNode || !strings.HasPrefix(ep.Value, "$.") {
			return
		}
		obj := ep.Value
		if typ.Value == "sagemaker_endpoint_config" {
			ep.Value = obj + ".config_name"
			return
		}
		ep.Value = obj + ".name"
		cfg := mapGet(it, "config")
		if cfg == nil {
			cfg = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: it.Line, Column: it.Column}
			mapSet(it, it, "config", cfg)
		}
		if cfg.Kind == yaml.MappingNode {
			mapDefault(cfg, "endpoint_config_name", obj+".config_name")
		}
	case "lambda_layer":
		cfg := mapGet(it, "config")
		if cfg != nil && cfg.Kind == yaml.MappingNode && mapGet(cfg, "layer_entry") != nil {
			// resource_task.py:444
			mapDefault(cfg, "bundle_type", "simple")
		}
	}
}

// upgradeTraining turns the old training job keys into today's
// (engine/sagemaker/mappers/sm_training_mapper.py:50-66,
// common_training_mapper.py:131-186): output_data_path becomes the fixed
// output_path s3://bucket/key_prefix, input_data the channels of
// training_input_from_path, and timeout the fallback of max_runtime
// (default 108000 s).
func upgradeTraining(d *Decoder, it *yaml.Node) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	scalar := func(at *yaml.Node, v string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: at.Line, Column: at.Column}
	}
	if k, out := mapEntry(cfg, "output_data_path"); out != nil && mapGet(cfg, "output_path_from_input") == nil {
		b, p := mapGet(out, "bucket"), mapGet(out, "key_prefix")
		if b != nil && p != nil {
			mapDelete(cfg, "output_data_path")
			mapSet(cfg, k, "output_path", scalar(out, "s3://"+b.Value+"/"+p.Value))
		}
	}
	if k, in := mapEntry(cfg, "input_data"); in != nil && in.Kind == yaml.MappingNode && mapGet(cfg, "training_input_from_path") == nil {
		b := mapGet(in, "bucket")
		tr := mapGet(in, "training_data")
		if b != nil && tr != nil {
			ch := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: in.Line, Column: in.Column}
			ct := mapGet(in, "content_type")
			if ct == nil {
				ct = scalar(in, "text/csv")
			}
			mapSet(ch, in, "content_type", ct)
			loc := func(key string, n *yaml.Node) {
				if p := mapGet(n, "prefix_key"); p != nil {
					l := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column}
					mapSet(l, n, "bucket", b)
					mapSet(l, p, "prefix_key", p)
					mapSet(ch, n, key, l)
				}
			}
			loc("train_s3_uri", tr)
			if v := mapGet(in, "validation_data"); v != nil {
				loc("validation_s3_uri", v)
			}
			if tk, t := mapEntry(in, "test_data"); t != nil {
				d.Warnf(tk, "config.input_data.test_data", "the test channel of input_data has no counterpart in this tool; the training job gets the train and validation channels only")
			}
			mapDelete(cfg, "input_data")
			mapSet(cfg, k, "training_input_from_path", ch)
		}
	}
	if k, t := mapEntry(cfg, "timeout"); t != nil {
		mapDelete(cfg, "timeout")
		if mapGet(cfg, "max_runtime") == nil {
			mapSet(cfg, k, "max_runtime", t)
		}
	}
	mapDefault(cfg, "max_runtime", "108000")
}

// upgradeTrigger gives a trigger the environment the old tool gave every
// trigger (engine/resource_task.py:67-83): the state machine's ARN as
// PIPELINE_STATE_MACHINE_ARN, and the pipeline's bucket, stage and group.
func upgradeTrigger(it *yaml.Node, ctx map[string]any) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	if mapGet(cfg, "state_machine_arn_variables") == nil {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: cfg.Line, Column: cfg.Column,
			Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "PIPELINE_STATE_MACHINE_ARN", Line: cfg.Line, Column: cfg.Column}}}
		mapSet(cfg, cfg, "state_machine_arn_variables", seq)
	}
	env := mapGet(cfg, "environment")
	if env == nil {
		env = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: cfg.Line, Column: cfg.Column}
		mapSet(cfg, cfg, "environment", env)
	}
	if env.Kind != yaml.MappingNode {
		return
	}
	for _, kv := range [][2]string{{"PIPELINE_BUCKET", "pipeline_bucket"}, {"PIPELINE_STAGE", "stage"}, {"SAML_GROUP", "saml_group"}} {
		v, ok := ctx[kv[1]]
		if !ok || v == nil || mapGet(env, kv[0]) != nil {
			continue
		}
		mapSet(env, env, kv[0], &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: fmt.Sprint(v), Line: env.Line, Column: env.Column})
	}
}

// mapEntry returns the key and value nodes of key in mapping m.
func mapEntry(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], resolve(m.Content[i+1])
		}
	}
	return nil, nil
}

func mapGet(m *yaml.Node, key string) *yaml.Node {
	_, v := mapEntry(m, key)
	return v
}

func indexOf(m *yaml.Node, k *yaml.Node) int {
	for i := 0; i < len(m.Content); i += 2 {
		if m.Content[i] == k {
			return i
		}
	}
	return -1
}

func mapDelete(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i:i], m.Content[i+2:]...)
			return
		}
	}
}

// mapDefault adds key: value to m when m lacks key; the new nodes sit at
// m's position, the text the default stands for.
func mapDefault(m *yaml.Node, key, value string) {
	if mapGet(m, key) != nil {
		return
	}
	v := &yaml.Node{Kind: yaml.ScalarNode, Value: value, Line: m.Line, Column: m.Column}
	v.Tag = (&yaml.Node{Kind: yaml.ScalarNode, Value: value}).ShortTag()
	mapSet(m, m, key, v)
}

// mapSet adds key: v to m, the key placed at the position of at.
func mapSet(m, at *yaml.Node, key string, v *yaml.Node) {
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: at.Line, Column: at.Column}
	m.Content = append(m.Content, k, v)
}

func seqItems(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, resolve(c))
	}
	return out
}

func seqOf(v *yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: v.Line, Column: v.Column, Content: []*yaml.Node{v}}
}
