package config

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/render"
)

// upgradeBatchParameters gives the Batch resources of a data.all stack the
// SSM String parameters the old tool published their ARNs in, each under
// its old name and the logical ID of its old construct path, so that
// deploying over the old stack updates them in place and the stacks and
// jobs reading them (job_queue_param, job_definition_param, a queue's
// arn_params) keep finding them:
//
//	batch_compute_environment  ce<name>/Resource                    /<pipeline>/<stage>/compute_environment/<name>        (engine/resource_task.py:730-745)
//	batch_job_definition       jobdefinition<pipeline>/Resource     /<pipeline>/<stage>/job_definition/job-<sanitized>    (resource_task.py:838-849)
//	batch_job_queue            jobqueue-param/Resource              /<pipeline>/<stage>/job_queue/<name>                  (resource_task.py:914-926)
//
// where <pipeline> is stack.pipeline_name_origin (ORIGIN_PIPELINE_NAME or
// the config's name, utils/stack_util.py:76-78) and <stage> STAGE or
// "test". The old tool created a parameter only when a synth-time
// get_parameter did not find it; synth here never calls AWS, and the
// parameter is always written, as a first deploy of the old tool wrote it
// (docs/data-all.md says what that changes). Its read grants went to an
// ArnPrincipal and an immutable imported role, which add nothing to a
// template: none are written.
//
// The old queue and definition parameters had one construct id per stack
// (jobqueue-param, jobdefinition<pipeline>): a second queue or definition
// made the old synth fail on the duplicate id when neither parameter
// existed yet. The first in the config keeps the old logical ID; the others
// get their parameter with a logical ID of their own, and a warning.
func upgradeBatchParameters(d *Decoder, root *yaml.Node, ctx map[string]any) {
	pipeline, stage := v1OriginPipeline(ctx), v1Part(ctx, "stage")
	first := map[string]string{}
	for i, it := range seqItems(mapGet(root, "aws_resources")) {
		name, typ := mapGet(it, "name"), mapGet(it, "type")
		if name == nil || name.Kind != yaml.ScalarNode || name.Value == "" || typ == nil || typ.Kind != yaml.ScalarNode || mapGet(it, "arn_parameter") != nil {
			continue
		}
		var param, id, shared, where string
		switch typ.Value {
		case "batch_compute_environment":
			param = fmt.Sprintf("/%s/%s/compute_environment/%s", pipeline, stage, v1SSMPart(name.Value))
			id = LogicalID("ce"+name.Value, "Resource")
		case "batch_job_queue":
			param = fmt.Sprintf("/%s/%s/job_queue/%s", pipeline, stage, v1SSMPart(name.Value))
			shared, where, id = "jobqueue-param", "resource_task.py:918-921", LogicalID("jobqueue-param", "Resource")
		case "batch_job_definition":
			param = fmt.Sprintf("/%s/%s/job_definition/job-%s", pipeline, stage, strings.ToLower(v1SanitizedUnsafe.ReplaceAllString(name.Value, "")))
			shared, where, id = "jobdefinition<pipeline>", "resource_task.py:843-846", v1PipelineLogicalID(ctx, "jobdefinition")
		default:
			continue
		}
		at := fmt.Sprintf("aws_resources[%d]", i)
		if shared != "" {
			if prev, ok := first[typ.Value]; ok {
				d.Warnf(name, at+".name", "the data.all blueprint gave the SSM parameter of every %s the construct id %s (engine/%s), so its first synth failed on this second one; its parameter %s gets a logical ID of its own here (%s keeps the old one)", typ.Value, shared, where, param, prev)
				id = ""
			} else {
				first[typ.Value] = at
			}
		}
		p := newMap(name)
		mapSet(p, name, "name", scalarAt(name, param))
		if id != "" {
			mapSet(p, name, "logical_id", scalarAt(name, id))
		}
		mapSet(it, name, "arn_parameter", p)
	}
}

var ssmUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.\-/]`)

// v1SSMPart is an item name in an SSM parameter name: as written, each
// character SSM refuses (the old deploy failed on it) made "-".
func v1SSMPart(name string) string { return ssmUnsafe.ReplaceAllString(name, "-") }

// v1OriginPipeline is stack.pipeline_name_origin made fit for AWS names:
// the translation's pipeline_name (v1NamePipeline), or for migrate, which
// does not know the environment, the template expression reading it.
func v1OriginPipeline(ctx map[string]any) string {
	if v, ok := ctx["pipeline_name"]; ok && v != nil {
		return render.AWSName(fmt.Sprint(v))
	}
	return "{{ " + v1OriginExpr(ctx) + "|aws_name }}"
}

// v1OriginExpr is the template expression of stack.pipeline_name_origin:
// ORIGIN_PIPELINE_NAME, else the config's name (utils/stack_util.py:76-78).
func v1OriginExpr(ctx map[string]any) string {
	return v1EnvExpr("ORIGIN_PIPELINE_NAME", fmt.Sprint(ctx[v1ConfigName]), "pipeline_name")
}

// v1PipelineLogicalID is LogicalID(prefix+<pipeline>, "Resource") for
// stack.pipeline_name_origin; migrate writes the logical_id filter that
// computes it.
func v1PipelineLogicalID(ctx map[string]any, prefix string) string {
	if v, ok := ctx["pipeline_name"]; ok && v != nil {
		return LogicalID(prefix+fmt.Sprint(v), "Resource")
	}
	return fmt.Sprintf(`{%% with p=%s %%}{{ %q|add:p|add:"/Resource"|logical_id }}{%% endwith %%}`, v1OriginExpr(ctx), prefix)
}
