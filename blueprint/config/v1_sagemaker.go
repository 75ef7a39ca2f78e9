package config

import (
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

var modelNameUnsafe = regexp.MustCompile(`[^a-zA-Z0-9-]`)

// Paths are relative to engine/sagemaker/ of the data.all blueprint.
func upgradeSageMaker(d *Decoder, it *yaml.Node, typ string) {
	switch typ {
	case "sagemaker_training":
		mapDefault(it, "training_result_path", "$.training") // training_task.py:129
		if k, _ := mapEntry(it, "main"); k != nil {
			// main only named a module for data.all's CodeBuild to build
			// an image from (image_builder.py:117-124); the training job
			// never read it (mappers/sm_training_mapper.py:194-197).
			d.Warnf(k, "main", "the data.all blueprint's CodeBuild built an image from this module, which the training job did not use; blueprint builds no image from it (give config.training_image to use one)")
			mapDelete(it, "main")
		}
		upgradeTraining(d, it, false)
		// A model made from the training's artifacts (training_task.py:140-162).
		upgradeModelAfter(d, it, "$.training.ModelArtifacts.S3ModelArtifacts")
	case "sagemaker_hpo":
		mapDefault(it, "hpo_result_path", "$.hpo") // hpo_task.py:59
		upgradeTraining(d, it, true)
		upgradeTuning(d, it)
		// A model made from the best job's artifacts (hpo_task.py:106-119).
		if best := mapGet(mapGet(it, "config"), "best_model_path"); best != nil {
			upgradeModelAfter(d, it, best.Value+".path")
		}
	case "sagemaker_model":
		cfg := mapGet(it, "config")
		name := mapGet(it, "name")
		if cfg == nil || cfg.Kind != yaml.MappingNode || name == nil {
			return
		}
		// The name is the job's model_name_path, else the job's name,
		// lowercased, keeping [a-zA-Z0-9-] (model_task.py:13,63,73-76);
		// config.model_name_path was never read.
		if mapGet(it, "model_name_path") == nil {
			mapDelete(cfg, "model_name_path")
			mapSet(cfg, name, "model_name_path", scalarAt(name, modelName(name.Value)))
		}
		upgradeModelConfig(d, cfg)
	case "sagemaker_processing":
		upgradeProcessing(d, it)
	case "sagemaker_batch_transform":
		mapDefault(it, "result_path", "$.batch_transformation_output") // batch_transform_task.py:15
		upgradeTransform(d, it)
	case "sagemaker_endpoint_config":
		upgradeEndpointConfig(d, it)
		// endpoint: "$.X" is an object: the name is $.X.config_name
		// (endpointconfig_task.py:58,69).
		if ep := mapGet(it, "endpoint"); ep != nil && ep.Kind == yaml.ScalarNode && strings.HasPrefix(ep.Value, "$.") {
			ep.Value += ".config_name"
		}
	case "sagemaker_endpoint":
		upgradeEndpoint(d, it)
	}
}

// upgradeEndpointConfig: the old flow deleted a configuration of the same
// name first, keeping its verdict and then the new ARN at
// $.endpointconfig (endpointconfig_task.py:14-128); the keys are
// mappers/sm_endpointconfig_mapper.py:11-61's.
func upgradeEndpointConfig(d *Decoder, it *yaml.Node) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	mapDefault(cfg, "delete_existing", "true")
	mapDefault(cfg, "delete_existing_result_path", "$.endpointconfig")
	mapDefault(cfg, "arn_result_path", "$.endpointconfig")
	mapDefault(cfg, "timeout", "8200")
	requestResponse(d, cfg, "an endpoint configuration", "SageMakerCreateEndpointConfig")
	// The count is initial_instance_count, 1 by default.
	mapDelete(cfg, "instance_count")
	if k, v := mapEntry(cfg, "initial_instance_count"); k != nil {
		mapDelete(cfg, "initial_instance_count")
		mapSet(cfg, k, "instance_count", v)
	}
	// The model is model_name_path's; model_name only stood in for it.
	if k, v := mapEntry(cfg, "model_name"); k != nil {
		mapDelete(cfg, "model_name")
		if mapGet(cfg, "model_name_path") == nil {
			mapSet(cfg, k, "model_name_path", v)
		}
	}
	// The variant is named after the model (…endpointconfig_mapper.py:51).
	if m := mapGet(cfg, "model_name_path"); m != nil && m.Kind == yaml.ScalarNode {
		mapDefault(cfg, "variant_name", m.Value)
	}
}

// preferKey keeps the value of first (a literal, say) under second, the
// key version 2 knows: first wins when winsFirst, else only stands in when
// second is absent.
func preferKey(m *yaml.Node, first, second string, winsFirst bool) {
	k, v := mapEntry(m, first)
	if k == nil {
		return
	}
	mapDelete(m, first)
	if mapGet(m, second) != nil {
		if !winsFirst {
			return
		}
		mapDelete(m, second)
	}
	mapSet(m, k, second, v)
}

// upgradeTransform reads the old transform keys
// (mappers/sm_batch_transform_mapper.py:37-185): model_name before
// model_name_path, literal s3_uri / s3_output_path / transform_job_name
// where no path is given, and the implied split, accept and assemble.
func upgradeTransform(d *Decoder, it *yaml.Node) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	preferKey(cfg, "model_name", "model_name_path", true)
	if k, _ := mapEntry(cfg, "transform_job_name"); k != nil && mapGet(cfg, "transform_job_name_path") == nil {
		// :213-214 read a misspelt key, so the job had no name and failed.
		d.Warnf(k, "config.transform_job_name", "the data.all blueprint read this name from a misspelt key and sent none, so SageMaker refused the job; the job is named as written")
	}
	preferKey(cfg, "transform_job_name", "transform_job_name_path", false)
	if mc := mapGet(cfg, "max_concurrent_transforms"); mc != nil {
		d.Warnf(mc, "config.max_concurrent_transforms", "the data.all blueprint failed on max_concurrent_transforms without data_processing (and put it into DataProcessing otherwise, which SageMaker refuses); sent as the job's MaxConcurrentTransforms")
	}
	in := mapGet(cfg, "transform_input")
	if in == nil || in.Kind != yaml.MappingNode {
		return
	}
	if src := mapGet(in, "s3_data_source"); src != nil && src.Kind == yaml.MappingNode {
		preferKey(src, "s3_uri", "s3_uri_from_path", false)
	}
	ct := mapGet(in, "content_type")
	csv := ct != nil && ct.Kind == yaml.ScalarNode && strings.TrimSpace(ct.Value) == "text/csv"
	if csv {
		mapDefault(in, "split_type", "Line")
	}
	out := mapGet(cfg, "transform_output")
	if out == nil || out.Kind != yaml.MappingNode {
		return
	}
	preferKey(out, "s3_output_path", "s3_output_path_from_path", false)
	if csv {
		mapDefault(out, "accept", "text/csv")
	}
	if join := mapGet(mapGet(cfg, "data_processing"), "join_source"); join != nil && join.Value == "Input" {
		if split := mapGet(in, "split_type"); split != nil && split.Kind == yaml.ScalarNode {
			mapDefault(out, "assemble_with", split.Value)
		}
	}
}

// upgradeProcessing reads the old processing keys
// (mappers/sm_processing_mapper.py:19-231): the pipeline's ECR image
// running python3 <main> unless app_specification says otherwise, one
// ml.m4.xlarge instance with 35 GB by default, and the shapes of
// processing_inputs, processing_output_config, network_config,
// experiment_config and stopping_condition.
func upgradeProcessing(d *Decoder, it *yaml.Node) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	mk, main := mapEntry(it, "main")
	if main != nil {
		mapDelete(it, "main")
	}
	app := mapGet(cfg, "app_specification")
	if k, img := mapEntry(app, "container_image"); img != nil {
		mapSet(cfg, k, "image", img)
	} else if mapGet(cfg, "image") == nil && mapGet(cfg, "algorithm") == nil {
		at := cfg
		if main != nil {
			at = mk
		}
		ecr := newMap(at)
		mapSet(ecr, at, "ecr_repository", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true", Line: at.Line, Column: at.Column})
		mapSet(cfg, at, "image", ecr)
	}
	if k, ep := mapEntry(app, "container_entrypoint"); ep != nil {
		mapSet(cfg, k, "entrypoint", ep)
	} else if main != nil && mapGet(cfg, "entrypoint") == nil {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: main.Line, Column: main.Column,
			Content: []*yaml.Node{scalarAt(main, "python3"), main}}
		mapSet(cfg, mk, "entrypoint", seq)
	} else if main == nil {
		d.Errorf(it, "main", "a data.all processing job needs main, the module python3 runs (sagemaker_processing_task.py:19)")
	}
	if k, args := mapEntry(app, "container_arguments"); args != nil {
		d.Warnf(k, "config.app_specification.container_arguments", "the data.all blueprint sent these as containerArguments, which SageMaker refused; sent as the job's ContainerArguments")
		mapSet(cfg, k, "arguments", args)
	}
	mapDelete(cfg, "app_specification")
	if k, env := mapEntry(cfg, "environment"); env != nil && env.Kind == yaml.MappingNode {
		d.Warnf(k, "config.environment", "the data.all blueprint sent the environment as the text of a Python dict, which SageMaker refused; sent as a map")
	}
	if k, r := mapEntry(cfg, "processing_resources"); r != nil {
		mapDelete(cfg, "processing_resources")
		if cc := mapGet(r, "cluster_config"); cc != nil && cc.Kind == yaml.MappingNode {
			res := newMap(cc)
			for _, key := range []string{"instance_count", "instance_type", "volume_size"} {
				if kk, v := mapEntry(cc, key); v != nil {
					mapSet(res, kk, key, v)
				}
			}
			mapSet(cfg, k, "resources", res)
			if kk, v := mapEntry(cc, "volume_encryption_key"); v != nil {
				mapSet(cfg, kk, "volume_kms_key_id", v)
			}
		}
	} else if mapGet(cfg, "resources") == nil {
		res := newMap(cfg)
		mapDefault(res, "instance_count", "1")
		mapDefault(res, "instance_type", "ml.m4.xlarge")
		mapDefault(res, "volume_size", "35")
		mapSet(cfg, cfg, "resources", res)
	}
	if k, sc := mapEntry(cfg, "stopping_condition"); sc != nil {
		mapDelete(cfg, "stopping_condition")
		if kk, v := mapEntry(sc, "max_runtime"); v != nil {
			mapSet(cfg, kk, "max_runtime", v)
		} else {
			d.Errorf(k, "config.stopping_condition", "needs max_runtime, as the data.all blueprint read it")
		}
	}
	// Each item was read whole, every key required (…mapper.py:178-198).
	io := func(key, newKey string, fields [][2]string) {
		k, list := mapEntry(cfg, key)
		if k == nil {
			return
		}
		mapDelete(cfg, key)
		out := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: list.Line, Column: list.Column}
		for _, item := range seqItems(list) {
			n := newMap(item)
			for _, f := range fields {
				v := item
				for _, part := range strings.Split(f[0], ".") {
					v = mapGet(v, part)
				}
				if v != nil {
					mapSet(n, v, f[1], v)
				}
			}
			out.Content = append(out.Content, n)
		}
		mapSet(cfg, k, newKey, out)
	}
	io("processing_inputs", "inputs", [][2]string{{"input_name", "name"}, {"s3_input.s3_uri", "source"}, {"s3_input.local_path", "destination"},
		{"s3_input.compression_type", "compression_type"}, {"s3_input.s3_data.distribution_type", "distribution_type"},
		{"s3_input.s3_data.type", "data_type"}, {"s3_input.s3_input_mode", "input_mode"}})
	if _, oc := mapEntry(cfg, "processing_output_config"); oc != nil {
		mapDelete(cfg, "processing_output_config")
		if kk, v := mapEntry(oc, "kms_key_id"); v != nil {
			mapSet(cfg, kk, "output_kms_key_id", v)
		}
		if ok, outs := mapEntry(oc, "outputs"); outs != nil {
			d.Warnf(ok, "config.processing_output_config.outputs", "the data.all blueprint left these outputs out of the job, which SageMaker then refused; the job has them")
			mapSet(cfg, ok, "processing_outputs", outs)
			io("processing_outputs", "outputs", [][2]string{{"output_name", "name"}, {"s3_output.local_path", "source"}, {"s3_output.s3_uri", "destination"},
				{"s3_output.s3_upload_mode", "upload_mode"}})
		}
	}
	if k, nc := mapEntry(cfg, "network_config"); nc != nil {
		mapDelete(cfg, "network_config")
		n := newMap(nc)
		for _, kv := range [][2]string{{"enable_intercontainer_traffic_encryption", "enable_inter_container_traffic_encryption"}, {"enable_network_isolation", "enable_network_isolation"},
			{"vpc_config.security_groups", "security_group_ids"}, {"vpc_config.subnets", "subnets"}} {
			v := nc
			for _, part := range strings.Split(kv[0], ".") {
				v = mapGet(v, part)
			}
			if v != nil {
				mapSet(n, v, kv[1], v)
			}
		}
		mapSet(cfg, k, "network", n)
	}
	if k, ec := mapEntry(cfg, "experiment_config"); ec != nil {
		mapDelete(cfg, "experiment_config")
		mapSet(cfg, k, "experiment", ec)
	}
}

// requestResponse drops integration_pattern: REQUEST_RESPONSE, the only
// one CDK's task took (an error for any other, as it was).
func requestResponse(d *Decoder, cfg *yaml.Node, what, cdkTask string) {
	k, v := mapEntry(cfg, "integration_pattern")
	if k == nil {
		return
	}
	if v.Kind == yaml.ScalarNode && v.Value != "REQUEST_RESPONSE" {
		d.Errorf(v, "config.integration_pattern", "%s is created with REQUEST_RESPONSE only; the data.all blueprint failed on %q too (CDK's %s refuses it)", what, v.Value, cdkTask)
	}
	mapDelete(cfg, "integration_pattern")
}

// upgradeEndpoint: the old flow checked the endpoint, updated one in
// service, made one that failed or was out of service again, created a
// missing one and left a busy one, keeping the verdict at $.endpoint_exists
// (endpoint_task.py:26-118,278-312); its wait checked at once, then every
// 15 s, keeping the status at $.endpoint_creation_status (:204-276).
func upgradeEndpoint(d *Decoder, it *yaml.Node) {
	cfg := mapChild(it, "config")
	if cfg == nil {
		return
	}
	ep := mapGet(it, "endpoint")
	switch {
	case ep == nil:
		// Without endpoint, the endpoint is named after the job (:78,92).
		if name := mapGet(it, "name"); name != nil {
			mapSet(it, name, "endpoint", scalarAt(name, name.Value))
		}
	case ep.Kind == yaml.ScalarNode && strings.HasPrefix(ep.Value, "$."):
		// endpoint: "$.X" is an object: the names are $.X.name and
		// $.X.config_name (:73-97).
		obj := ep.Value
		ep.Value = obj + ".name"
		mapDelete(cfg, "endpoint_config_name")
		mapSet(cfg, ep, "endpoint_config_name", scalarAt(ep, obj+".config_name"))
	}
	mapDefault(cfg, "create_or_update", "true")
	mapDefault(cfg, "exists_result_path", "$.endpoint_exists")
	mapDefault(cfg, "timeout", "8200") // mappers/sm_endpoint_mapper.py:18
	requestResponse(d, cfg, "an endpoint", "SageMakerCreateEndpoint")
	if k, v := mapEntry(cfg, "description"); k != nil {
		// The description is the create and update states' comment (:19).
		mapDelete(cfg, "description")
		if mapGet(it, "description") == nil {
			mapSet(it, k, "description", v)
		}
	}
	if w := mapGet(cfg, "wait_for_completion"); w != nil && w.Kind == yaml.ScalarNode {
		// Only "y" and "true", in any case, waited (:204-206).
		on := strings.ToLower(w.Value) == "y" || strings.ToLower(w.Value) == "true"
		w.Value, w.Tag, w.Style = "false", "!!bool", 0
		if on {
			w.Value = "true"
			mapDefault(cfg, "wait_seconds", "15")
			mapDefault(cfg, "wait_before_check", "false")
			mapDefault(cfg, "status_path", "$.endpoint_creation_status")
		}
	}
}

func modelName(s string) string { return strings.ToLower(modelNameUnsafe.ReplaceAllString(s, "")) }

// upgradeModelConfig gives a model's config the old model flow: a model of
// the same name deleted first, its verdict at $.model (model_task.py:14-72),
// the state's timeout 8200 s, and the old container keys
// (mappers/sm_model_mapper.py:22-91).
func upgradeModelConfig(d *Decoder, cfg *yaml.Node) {
	mapDefault(cfg, "delete_existing", "true")
	mapDefault(cfg, "delete_existing_result_path", "$.model")
	mapDefault(cfg, "timeout", "8200")
	requestResponse(d, cfg, "a model", "SageMakerCreateModel")
	pc := mapGet(cfg, "primary_container")
	if pc == nil || pc.Kind != yaml.MappingNode {
		return
	}
	if k, loc := mapEntry(pc, "model_path_from_bucket"); loc != nil && mapGet(pc, "model_path") == nil {
		b, p := mapGet(loc, "bucket"), mapGet(loc, "prefix_key")
		if b != nil && p != nil {
			mapDelete(pc, "model_path_from_bucket")
			mapSet(pc, k, "model_path", scalarAt(loc, "s3://"+b.Value+"/"+p.Value))
		} else {
			d.Errorf(loc, "config.primary_container.model_path_from_bucket", "needs bucket and prefix_key, as the data.all blueprint read them")
		}
	}
	alg := mapGet(pc, "algorithm")
	if alg == nil || alg.Kind != yaml.MappingNode {
		return
	}
	switch {
	case mapGet(alg, "name") != nil:
		mapDelete(alg, "pre_built")
		mapDelete(alg, "image")
		mapDefault(alg, "version", "latest")
	case mapGet(alg, "pre_built") != nil:
		pk, pre := mapEntry(alg, "pre_built")
		img := preBuiltImage(d, pre)
		if img == nil {
			img = scalarAt(pre, "pre_built")
		}
		mapDelete(pc, "algorithm")
		mapSet(pc, pk, "image", img)
	case mapGet(alg, "image") != nil:
		moveKey(alg, pc, "image", "image")
		mapDelete(pc, "algorithm")
	}
}

// upgradeModelAfter turns a training or tuning job's model: into the
// model the old tool made after the job: named by its model_name_path or
// "model-from-<job>", from the job's algorithm and the artifacts at
// modelPath, through the old model flow.
func upgradeModelAfter(d *Decoder, it *yaml.Node, modelPath string) {
	mk, m := mapEntry(it, "model")
	cfg := mapGet(it, "config")
	if m == nil || m.Kind != yaml.MappingNode || cfg == nil {
		return
	}
	out := newMap(m)
	if n := mapGet(m, "model_name_path"); n != nil {
		mapSet(out, n, "model_name_path", n)
	} else if name := mapGet(it, "name"); name != nil {
		mapSet(out, m, "model_name_path", scalarAt(m, modelName("model-from-"+name.Value)))
	}
	mc := newMap(m)
	pc := newMap(m)
	if alg := mapGet(cfg, "algorithm"); alg != nil {
		mapSet(pc, alg, "algorithm", alg)
	} else if img := mapGet(cfg, "training_image"); img != nil {
		mapSet(pc, img, "image", img)
	}
	mapSet(pc, m, "model_path", scalarAt(m, modelPath))
	mapSet(mc, m, "primary_container", pc)
	upgradeModelConfig(d, mc)
	mapSet(out, m, "config", mc)
	it.Content[indexOf(it, mk)+1] = out
}

// moveKey moves key of from into to as key newKey, keeping its nodes.
func moveKey(from, to *yaml.Node, key, newKey string) {
	k, v := mapEntry(from, key)
	if k == nil {
		return
	}
	mapDelete(from, key)
	if mapGet(to, newKey) == nil {
		mapSet(to, k, newKey, v)
	}
}

// upgradeTraining turns the old training job keys, shared by training and
// tuning, into today's (mappers/sm_training_mapper.py:50-66,
// mappers/sm_hyperparameter_tuning_mapper.py:117-136,
// mappers/common_training_mapper.py:9-186).
func upgradeTraining(d *Decoder, it *yaml.Node, hpo bool) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	upgradeAlgorithm(d, cfg)
	// output_data_path is {bucket, key_prefix} for training and
	// {bucket, prefix_key} for tuning.
	prefixKey := "key_prefix"
	if hpo {
		prefixKey = "prefix_key"
	}
	if k, out := mapEntry(cfg, "output_data_path"); out != nil && mapGet(cfg, "output_path_from_input") == nil {
		b, p := mapGet(out, "bucket"), mapGet(out, prefixKey)
		if b != nil && p != nil {
			mapDelete(cfg, "output_data_path")
			mapSet(cfg, k, "output_path", scalarAt(out, "s3://"+b.Value+"/"+p.Value))
		} else {
			d.Errorf(out, "config.output_data_path", "needs bucket and %s, as the data.all blueprint read them", prefixKey)
		}
	}
	if k, in := mapEntry(cfg, "input_data"); in != nil && in.Kind == yaml.MappingNode && mapGet(cfg, "training_input_from_path") == nil && mapGet(cfg, "input_paths_from_input") == nil {
		b := mapGet(in, "bucket")
		tr := mapGet(in, "training_data")
		if b != nil && tr != nil {
			ch := newMap(in)
			ct := mapGet(in, "content_type")
			if ct == nil {
				ct = scalarAt(in, "text/csv")
			}
			mapSet(ch, in, "content_type", ct)
			loc := func(key string, n *yaml.Node) {
				if p := mapGet(n, "prefix_key"); p != nil {
					l := newMap(n)
					mapSet(l, n, "bucket", b)
					mapSet(l, p, "prefix_key", p)
					mapSet(ch, n, key, l)
				}
			}
			loc("train_s3_uri", tr)
			if v := mapGet(in, "validation_data"); v != nil {
				loc("validation_s3_uri", v)
			}
			if t := mapGet(in, "test_data"); t != nil {
				loc("test_s3_uri", t)
			}
			mapDelete(cfg, "input_data")
			mapSet(cfg, k, "training_input_from_path", ch)
		}
	}
	if tifp := mapGet(cfg, "training_input_from_path"); tifp != nil && mapGet(cfg, "input_paths_from_input") != nil {
		// input_paths_from_input wins (training_task.py:65-69).
		mapDelete(cfg, "training_input_from_path")
	}
	if k, t := mapEntry(cfg, "timeout"); t != nil {
		mapDelete(cfg, "timeout")
		// Tuning never read it (…tuning_mapper.py:129).
		if !hpo && mapGet(cfg, "max_runtime") == nil {
			mapSet(cfg, k, "max_runtime", t)
		}
	}
	mapDefault(cfg, "max_runtime", "108000")
	if hpo {
		// Tuning read static_hyperparameters only, and no experiment.
		mapDelete(cfg, "hyperparameters")
		mapDelete(cfg, "experiment")
	} else if e := mapGet(cfg, "experiment"); e != nil && e.Kind == yaml.MappingNode {
		// sm_training_mapper.py:34-39.
		if k, v := mapEntry(e, "trial"); k != nil {
			mapDelete(e, "trial")
			mapSet(e, k, "trial_component_display_name", v)
		}
	}
	for _, r := range seqItems(mapGet(cfg, "resources")) {
		if r.Kind == yaml.MappingNode {
			mapDefault(r, "instance_type", "ml.m5.2xlarge") // common_training_mapper.py:48
		}
	}
}

// upgradeAlgorithm reads config.algorithm as common_training_mapper.py:9-41
// did: a built-in algorithm by name (version "latest" by default), else
// the image of a pre_built module, else training_image; and the input
// mode and metric definitions beside them.
func upgradeAlgorithm(d *Decoder, cfg *yaml.Node) {
	alg := mapGet(cfg, "algorithm")
	if alg == nil || alg.Kind != yaml.MappingNode {
		return
	}
	moveKey(alg, cfg, "training_input_mode", "training_input_mode")
	moveKey(alg, cfg, "metric_definitions", "metric_definitions")
	if mapGet(alg, "name") != nil {
		mapDelete(alg, "pre_built")
		mapDelete(alg, "training_image")
		mapDefault(alg, "version", "latest")
		return
	}
	if pk, pre := mapEntry(alg, "pre_built"); pre != nil {
		img := preBuiltImage(d, pre)
		if img == nil {
			// The error is reported; the image stands in so that no
			// second error says the job has none.
			img = scalarAt(pre, "pre_built")
		}
		if mapGet(cfg, "training_image") == nil {
			mapSet(cfg, pk, "training_image", img)
		}
		mapDelete(cfg, "algorithm")
		return
	}
	if mapGet(alg, "training_image") != nil {
		moveKey(alg, cfg, "training_image", "training_image")
		mapDelete(cfg, "algorithm")
	}
}

// preBuiltImage is the image of a pre_built module: the pipeline's ECR
// repository, tagged after the module's file
// (prebuilt_extension_image_builder.py:75-80,176-184).
func preBuiltImage(d *Decoder, pre *yaml.Node) *yaml.Node {
	mk, m := mapEntry(pre, "module")
	if m == nil || m.Kind != yaml.ScalarNode {
		d.Errorf(pre, "config.algorithm.pre_built", "needs module, the file the image runs")
		return nil
	}
	parts := strings.Split(m.Value, "/")
	var file string
	switch len(parts) {
	case 1:
		d.Errorf(m, "config.algorithm.pre_built.module", "%q has no folder; the data.all blueprint named the image after the folder and file, and failed without a folder", m.Value).Hint = "e.g. sagemaker_jobs/train.py"
		return nil
	case 2:
		file = parts[1]
	default:
		file = parts[len(parts)-2] + "_" + parts[len(parts)-1]
	}
	for i := 0; i < 2; i++ {
		if j := strings.LastIndex(file, "."); j >= 0 {
			file = file[:j]
		}
	}
	if len(file) > 128 {
		file = file[:128]
	}
	img := newMap(pre)
	mapSet(img, mk, "ecr_repository", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true", Line: mk.Line, Column: mk.Column})
	mapSet(img, m, "tag", scalarAt(m, file))
	return img
}

// upgradeTuning applies what the old tuning mapper did
// (mappers/sm_hyperparameter_tuning_mapper.py, hpo_task.py).
func upgradeTuning(d *Decoder, it *yaml.Node) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	// The strategy is always Bayesian (…tuning_mapper.py:111).
	if k, v := mapEntry(cfg, "strategy"); v != nil && v.Kind == yaml.ScalarNode && v.Value != "Bayesian" {
		d.Warnf(k, "config.strategy", "the data.all blueprint ignored strategy and always tuned with Bayesian; so does this config (write version: 2 to choose %s)", v.Value)
		v.Value = "Bayesian"
	}
	mapDefault(cfg, "strategy", "Bayesian")
	// nb_of_training_jobs has no default: no limit is sent (…tuning_mapper.py:28).
	if limits := mapChild(cfg, "resource_limits"); limits != nil {
		mapDefault(limits, "nb_of_training_jobs", "0")
	}
	for _, r := range seqItems(mapGet(cfg, "parameter_ranges")) {
		if t := mapGet(r, "type"); t != nil && t.Kind == yaml.ScalarNode && t.Value == "category" {
			// …tuning_mapper.py:61-62 wrote the bare values list, which
			// SageMaker rejects when the job starts.
			d.Warnf(t, "config.parameter_ranges.type", "the data.all blueprint wrote a category range as its bare values, without its name, which SageMaker rejects when the tuning job starts; written as a categorical range {Name, Values}")
			t.Value = "categorical"
		}
	}
	// The best model's location is always kept (hpo_task.py:87-94).
	if res := mapGet(it, "hpo_result_path"); res != nil && res.Kind == yaml.ScalarNode {
		mapDefault(cfg, "best_model_path", res.Value+".best_model")
	}
}
