package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// upgradeJobNames names and tags the SageMaker steps as the data.all
// blueprint did, from $.job_names (properties.job_names): each job of a
// group reads its name at $.job_names['<group>|<job>'], the indices of its
// own groups (a choice's or the catch's groups count from 0 again, as
// utils/stack_task_util.py:140-146 did), and the jobs' tags at
// $.job_names.tags; models and endpoint configurations are tagged with
// the stack's tags. It runs after the steps are rewritten.
// Paths are relative to engine/sagemaker/ of the data.all blueprint.
func upgradeJobNames(d *Decoder, root, props *yaml.Node) {
	if props != nil && props.Kind == yaml.MappingNode {
		// The stack and every resource carry data.all's tags (stack.py:53,66-67).
		mapDefault(props, "dataall_tags", "true")
	}
	if n := mapGet(props, "job_names"); n == nil || n.Value != "true" {
		return
	}
	jobNameGroups(d, mapGet(root, "groups"), "groups")
	if c := mapGet(root, "catch"); c != nil && c.Kind == yaml.MappingNode {
		jobNameGroups(d, mapGet(c, "groups"), "catch.groups")
	}
}

const jobTags = "$.job_names.tags"

func jobNameGroups(d *Decoder, groups *yaml.Node, at string) {
	for g, grp := range seqItems(groups) {
		for j, job := range seqItems(mapGet(grp, "jobs")) {
			if job == nil || job.Kind != yaml.MappingNode {
				continue
			}
			jat := fmt.Sprintf("%s[%d].jobs[%d]", at, g, j)
			for c, ch := range seqItems(mapGet(job, "choices")) {
				jobNameGroups(d, mapGet(ch, "groups"), fmt.Sprintf("%s.choices[%d].groups", jat, c))
			}
			if def := mapGet(job, "default"); def != nil && def.Kind == yaml.MappingNode {
				jobNameGroups(d, mapGet(def, "groups"), jat+".default.groups")
			}
			t := mapGet(job, "type")
			cfg := mapGet(job, "config")
			if t == nil || cfg == nil || cfg.Kind != yaml.MappingNode {
				continue
			}
			name := fmt.Sprintf("$.job_names['%d|%d']", g, j)
			switch t.Value {
			case "sagemaker_training", "sagemaker_hpo":
				// TrainingJobName.$ / HyperParameterTuningJobName.$ is
				// ext_job_name or $.job_names.<g>|<j>, Tags.$ the job's tags
				// (training_task.py:22-35, hpo_task.py:18-31); the model
				// made after it is tagged as a sagemaker_model step.
				if t.Value == "sagemaker_hpo" && mapGet(job, "ext_job_name") == nil {
					d.Warnf(t, jat+".type", "the data.all blueprint named a tuning job <name[:24]>-<execution name[:7]>; no Step Functions intrinsic cuts a string, so it is <name[:23]>-<the execution name up to its first \"-\"> (8 characters of a UUID execution name)")
				}
				mapDefault(job, "ext_job_name", name)
				mapDefault(cfg, "tags_path", jobTags)
				if mc := mapGet(mapGet(job, "model"), "config"); mc != nil && mc.Kind == yaml.MappingNode {
					mapDefault(mc, "stack_tags", "true")
				}
			case "sagemaker_processing":
				// ProcessingJobName.$ is always $.job_names.<g>|<j>
				// (sagemaker_processing_task.py:9-21).
				mapDefault(job, "ext_job_name", name)
				mapDefault(cfg, "tags_path", jobTags)
			case "sagemaker_batch_transform":
				mapDefault(cfg, "tags_path", jobTags) // batch_transform_task.py:19
			case "sagemaker_model", "sagemaker_endpoint_config":
				// A tag Lambda added the stack's tags after the create
				// (model_task.py:93-134, endpointconfig_task.py:77-125).
				mapDefault(cfg, "stack_tags", "true")
			case "sagemaker_endpoint":
				// Its tag Lambda was to add $.job_names.tags, but its code
				// read Tags=[ $.job_names.tags], a syntax error: the run
				// failed once the endpoint was made (endpoint_task.py:163-193).
				d.Warnf(t, jat+".type", "the data.all blueprint's tag Lambda for an endpoint had a syntax error (Tags=[ $.job_names.tags], endpoint_task.py:163-181) and failed the run once the endpoint was made; the endpoint is tagged with $.job_names.tags instead")
				mapDefault(cfg, "tags_path", jobTags)
			}
		}
	}
}
