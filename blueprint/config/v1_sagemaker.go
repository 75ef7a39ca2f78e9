package config

import (
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

var modelNameUnsafe = regexp.MustCompile(`[^a-zA-Z0-9-]`)

func upgradeSageMaker(d *Decoder, it *yaml.Node, typ string) {
	switch typ {
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
		if typ == "sagemaker_endpoint_config" {
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
