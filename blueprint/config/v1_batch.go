package config

import (
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// The data.all blueprint's Batch defaults (engine/resource_task.py,
// engine/batch/batch_task.py).
const (
	v1BatchResourceType = "ON_DEMAND" // resource_task.py:664-667
	v1BatchMaxVCPUs     = "16"        // resource_task.py:711
	v1BatchMinVCPUs     = "0"         // resource_task.py:714
	v1BatchDesiredVCPUs = "0"         // resource_task.py:713
	v1BatchAllocation   = "BEST_FIT"  // resource_task.py:669
	v1BatchBid          = "100"       // resource_task.py:673, SPOT only
	v1BatchPriority     = "1"         // resource_task.py:910
	v1BatchMemory       = "512"       // resource_task.py:833
	v1BatchJobRetries   = "10"        // resource_task.py:795
	v1BatchTimeout      = "3600"      // batch_task.py:256
	v1BatchAttempts     = "1"         // batch_task.py:290
)

func upgradeBatch(d *Decoder, it *yaml.Node, typ string) {
	switch typ {
	case "batch_compute_environment":
		if p := mapGet(it, "properties"); p != nil && p.Kind == yaml.MappingNode {
			upgradeComputeEnvironment(d, p, "properties.")
		}
	case "batch_job_queue":
		upgradeJobQueue(d, it)
	case "batch_job_definition":
		upgradeJobDefinition(d, it)
	case "batch":
		upgradeBatchStep(d, it)
	}
}

// v1Unread removes keys of m the old tool never read, each with a warning
// at its place, so that version 1 keeps their old (lack of) effect.
// Each occurrence goes: migrate reads the template text, where a key can
// be written once per {% if %} branch.
func v1Unread(d *Decoder, m *yaml.Node, at, why string, keys ...string) {
	for _, key := range keys {
		for _, k := range mapKeys(m, key) {
			d.Warnf(k, at+key, "the data.all blueprint did not read %s%s (%s); left out as it did", at, key, why)
		}
		mapDelete(m, key)
	}
}

// v1First keeps the first of keys that m has (the one the old tool used)
// and removes the others, each with a warning.
func v1First(d *Decoder, m *yaml.Node, at, why string, keys ...string) string {
	kept := ""
	for _, key := range keys {
		k, v := mapEntry(m, key)
		if v == nil || isNull(v) || v.Kind == yaml.ScalarNode && v.Value == "" {
			continue
		}
		if kept == "" {
			kept = key
			continue
		}
		d.Warnf(k, at+key, "the data.all blueprint used %s%s and ignored %s%s (%s); left out as it did", at, kept, at, key, why)
		mapDelete(m, key)
	}
	return kept
}

// rename renames key from of m to to, unless m has to already: every
// occurrence, since migrate reads the template text, where a key can be
// written once per {% if %} branch (the old cats-batch example writes
// subnet_id in its test and its prod branch).
func rename(m *yaml.Node, from, to string) {
	if mapGet(m, to) != nil {
		return
	}
	for _, k := range mapKeys(m, from) {
		k.Value = to
	}
}

// upgradeComputeEnvironment applies the old defaults and spellings to the
// settings of a compute environment (make_batch_compute_environment,
// resource_task.py:599-747): the resource's properties, or a job queue's
// inline compute_environment.
func upgradeComputeEnvironment(d *Decoder, p *yaml.Node, at string) {
	rename(p, "subnet_id", "subnet_ids")
	rename(p, "security_group_id", "security_group_ids")
	// subnet_id won over subnet_from_cloudformation (:622-643), vpc_id over
	// vpc_from_cloudformation (:606-618).
	v1First(d, p, at, "resource_task.py:622-643", "subnet_ids", "subnet_from_cloudformation")
	v1First(d, p, at, "resource_task.py:606-618", "vpc_id", "vpc_from_cloudformation")
	mapDefault(p, "compute_resource_type", v1BatchResourceType)
	typ := mapGet(p, "compute_resource_type")
	mapDefault(p, "max_vcpus", v1BatchMaxVCPUs)
	if typ.Value == "FARGATE" || typ.Value == "FARGATE_SPOT" {
		return
	}
	mapDefault(p, "min_vcpus", v1BatchMinVCPUs)
	mapDefault(p, "desired_vcpus", v1BatchDesiredVCPUs)
	mapDefault(p, "allocation_strategy", v1BatchAllocation)
	if typ.Value == "SPOT" {
		mapDefault(p, "bid_percentage", v1BatchBid)
	} else {
		v1Unread(d, p, at, "it is read for SPOT only, resource_task.py:691-698", "spot_fleet_role")
		v1Unread(d, p, at, "it is read for SPOT only, resource_task.py:672-675", "bid_percentage")
	}
}

// upgradeJobQueue: the old priority is item-level (resource_task.py:910);
// the compute environments are, in the order the old tool looked for them,
// arn, arn_params, arns, compute_environment_ref, or else the mapping is
// the settings of the queue's own compute environment (:860-899).
func upgradeJobQueue(d *Decoder, it *yaml.Node) {
	props := mapGet(it, "properties")
	if props == nil || props.Kind != yaml.MappingNode {
		return
	}
	v1Unread(d, props, "properties.", "the priority of a job queue is the item-level priority, resource_task.py:910", "priority")
	if k, v := mapEntry(it, "priority"); v != nil {
		mapDelete(it, "priority")
		mapSet(props, k, "priority", v)
	} else {
		mapDefault(props, "priority", v1BatchPriority)
	}
	if v1First(d, props, "properties.", "resource_task.py:861-863", "computation_environment", "compute_environment") == "computation_environment" {
		rename(props, "computation_environment", "compute_environment")
	}
	ce := mapGet(props, "compute_environment")
	if ce == nil || ce.Kind != yaml.MappingNode {
		return
	}
	const at = "properties.compute_environment."
	switch v1First(d, ce, at, "resource_task.py:865-899", "arn", "arn_params", "arns", "compute_environment_ref") {
	case "arn":
		k, v := mapEntry(ce, "arn")
		k.Value = "arns"
		ce.Content[indexOf(ce, k)+1] = seqOf(v)
	case "":
		// Inline settings: a compute environment of the queue's own.
		own := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: ce.Line, Column: ce.Column, Content: ce.Content}
		ce.Content = nil
		mapSet(ce, own, "properties", own)
		upgradeComputeEnvironment(d, own, at)
	}
}

// upgradeJobDefinition: command, environment, vcpus and memory_limit_mib
// sit under job_definition, the role at item level (make_batch_job_definition,
// resource_task.py:750-851).
func upgradeJobDefinition(d *Decoder, it *yaml.Node) {
	jd := mapGet(it, "job_definition")
	if jd == nil || jd.Kind != yaml.MappingNode {
		return
	}
	const at = "job_definition."
	v1Unread(d, jd, at, "resource_task.py:820-836", "platform", "timeout")
	mapDefault(jd, "retry_attempts", v1BatchJobRetries)
	cp := mapGet(jd, "container_properties")
	if cp == nil || cp.Kind != yaml.MappingNode {
		return
	}
	v1Unread(d, cp, at+"container_properties.", "the container's command, environment, vcpus and memory are job_definition.command, environment, vcpus and memory_limit_mib, resource_task.py:830-834",
		"command", "environment", "vcpus", "memory")
	for _, kv := range [][2]string{{"command", "command"}, {"environment", "environment"}, {"vcpus", "vcpus"}, {"memory_limit_mib", "memory"}} {
		if k, v := mapEntry(jd, kv[0]); v != nil {
			mapDelete(jd, kv[0])
			mapSet(cp, k, kv[1], v)
		}
	}
	mapDefault(cp, "memory", v1BatchMemory)
	if k, v := mapEntry(cp, "instance_type"); v != nil {
		// CloudFormation takes an instance type only on the nodes of a
		// multi-node job (AWS::Batch::JobDefinition NodeProperties).
		d.Warnf(k, at+"container_properties.instance_type", "AWS Batch takes instance_type only for multi-node parallel jobs, and CloudFormation rejects it on a single-node container (the data.all blueprint wrote it there, resource_task.py:799-802, 828); left out")
		mapDelete(cp, "instance_type")
	}
	if img := mapGet(cp, "image"); img != nil && img.Kind == yaml.MappingNode {
		v1First(d, img, at+"container_properties.image.", "resource_task.py:762-793", "assets", "ecr_repository", "repository_name")
		rename(img, "repository_name", "uri")
	}
}

var v1SanitizedUnsafe = regexp.MustCompile(`[^a-zA-Z0-9-]`)

// upgradeBatchStep: the state the old tool wrote (engine/batch/batch_task.py:246-335).
func upgradeBatchStep(d *Decoder, it *yaml.Node) {
	// An ARN (or a path) won over a parameter, and either over a ref
	// (:184-243).
	for _, what := range []string{"job_queue", "job_definition"} {
		kept := v1First(d, it, "", "engine/batch/batch_task.py:197-243", what+"_arn", what+"_arn_from_path", what+"_param", what+"_ref")
		if kept == what+"_arn_from_path" {
			rename(it, kept, what+"_arn")
		}
	}
	// Without result_path the job's description replaced the state (:316).
	mapDefault(it, "result_path", "$")
	cfg := mapChild(it, "config")
	if cfg == nil {
		return
	}
	// Only the command of container_overrides reached the state: the
	// mapper is passed container_overrides and looks for
	// container_overrides in it again (:90-113, 261-263).
	v1Unread(d, cfg, "config.", "only config.container_overrides.command and command_from_path reached the job, engine/batch/batch_task.py:90-113, 261-263",
		"command", "command_from_path", "environment", "job_name", "retry_attempts")
	if k, co := mapEntry(cfg, "container_overrides"); co != nil {
		mapDelete(cfg, "container_overrides")
		if co.Kind == yaml.MappingNode {
			for _, key := range []string{"command", "command_from_path"} {
				if ck, v := mapEntry(co, key); v != nil {
					mapDelete(co, key)
					mapSet(cfg, ck, key, v)
				}
			}
			for i := 0; i+1 < len(co.Content); i += 2 {
				ck := co.Content[i]
				d.Warnf(ck, "config.container_overrides."+ck.Value, "the data.all blueprint passed only command and command_from_path of config.container_overrides to the job (engine/batch/batch_task.py:90-113, 261-263); %s is left out as it was", ck.Value)
			}
		} else {
			mapSet(cfg, k, "container_overrides", co)
		}
	}
	// depends_on was the raw ASL list (:277-281).
	for _, dep := range seqItems(mapGet(cfg, "depends_on")) {
		rename(dep, "JobId", "job_id")
		rename(dep, "JobId.$", "job_id")
		rename(dep, "Type", "type")
	}
	// parameters were the raw ASL map (:283-285).
	if ps := mapGet(cfg, "parameters"); ps != nil && ps.Kind == yaml.MappingNode {
		for i := 0; i < len(ps.Content); i += 2 {
			if k := ps.Content[i]; strings.HasSuffix(k.Value, ".$") && mapGet(ps, strings.TrimSuffix(k.Value, ".$")) == nil {
				k.Value = strings.TrimSuffix(k.Value, ".$")
			}
		}
	}
	mapDefault(cfg, "timeout", v1BatchTimeout)
	if name := mapGet(it, "name"); name != nil && name.Kind == yaml.ScalarNode {
		// JobName is the step name, lowercased, keeping [a-zA-Z0-9-] (:307).
		mapDefault(cfg, "job_name", strings.ToLower(v1SanitizedUnsafe.ReplaceAllString(name.Value, "")))
	}
	k, v := mapEntry(it, "attempts")
	if v == nil {
		mapDefault(cfg, "retry_attempts", v1BatchAttempts)
		return
	}
	mapDelete(it, "attempts")
	// attempts: 0 set no RetryStrategy (:293).
	if v.Kind != yaml.ScalarNode || v.Value != "0" {
		mapSet(cfg, k, "retry_attempts", v)
	}
}
