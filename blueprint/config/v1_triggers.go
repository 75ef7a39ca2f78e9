package config

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// upgradeTriggers gives the triggers what the old tool gave every trigger
// (utils/stack_util.py:142-211): its environment and its outputs.
func upgradeTriggers(d *Decoder, root, props *yaml.Node, vals map[string]any) {
	triggers := seqItems(mapGet(root, "triggers"))
	for _, it := range triggers {
		upgradeItem(d, it, false)
		upgradeTrigger(it, vals)
	}
	if len(triggers) == 0 || props == nil || props.Kind != yaml.MappingNode || mapGet(props, "trigger_outputs") != nil {
		return
	}
	// The export names start with PIPELINE_URI, "None" when it was unset
	// (a Python f-string of None).
	prefix := "None"
	if v, ok := vals["pipeline_uri"]; ok && v != nil && fmt.Sprint(v) != "" {
		prefix = fmt.Sprint(v)
	}
	at, _ := mapEntry(root, "triggers")
	out := newMap(at)
	mapSet(out, at, "export_prefix", scalarAt(at, prefix))
	mapSet(props, at, "trigger_outputs", out)
}

// upgradeTrigger gives a trigger the environment the old tool gave every
// trigger (engine/resource_task.py:67-83): the state machine's ARN as
// PIPELINE_STATE_MACHINE_ARN, the stack's bucket, stage and group, and the
// CodeBuild commit and build ids when set.
func upgradeTrigger(it *yaml.Node, vals map[string]any) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	if mapGet(cfg, "state_machine_arn_variables") == nil {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: cfg.Line, Column: cfg.Column,
			Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "PIPELINE_STATE_MACHINE_ARN", Line: cfg.Line, Column: cfg.Column}}}
		mapSet(cfg, cfg, "state_machine_arn_variables", seq)
	}
	mapDefault(cfg, "codebuild_environment", "true")
	env := mapChild(cfg, "environment")
	if env == nil {
		return
	}
	// They replace the config's own values of the same names.
	for _, kv := range [][2]string{{"PIPELINE_BUCKET", "pipeline_bucket"}, {"PIPELINE_STAGE", "stage"}, {"SAML_GROUP", "saml_group"}} {
		v, ok := vals[kv[1]]
		if !ok || v == nil {
			continue
		}
		val := scalarAt(env, fmt.Sprint(v))
		if k, old := mapEntry(env, kv[0]); old != nil {
			val.Line, val.Column = old.Line, old.Column
			env.Content[indexOf(env, k)+1] = val
			continue
		}
		mapSet(env, env, kv[0], val)
	}
}

// v1Values are the attributes of the old stack (utils/stack_util.py:69-138)
// the translation writes into the tree. They come from the environment,
// not from the template context: the bucket is BUCKET_NAME, the stage
// STAGE (lowercase "test" by default, where the template's stage is
// "TEST"), the group SAML_GROUP ("" when unset), and PIPELINE_URI.
func v1Values(opts LoadOptions) map[string]any {
	vals := map[string]any{"stage": v1NameStage(opts)}
	if v, ok := opts.LookupEnv("BUCKET_NAME"); ok && v != "" {
		vals["pipeline_bucket"] = v
	}
	saml, _ := opts.LookupEnv("SAML_GROUP")
	vals["saml_group"] = saml
	if v, ok := opts.LookupEnv("PIPELINE_URI"); ok {
		vals["pipeline_uri"] = v
	}
	return vals
}

// v1NameStage is the stage of a version 1 stack's names and trigger
// environment: --stage, else STAGE, else "test" (stack_util.py:87).
func v1NameStage(opts LoadOptions) string {
	if opts.Stage != "" {
		return opts.Stage
	}
	if v, ok := opts.LookupEnv("STAGE"); ok && v != "" {
		return v
	}
	return "test"
}

// v1NamePipeline sets the translation's values of the old stack's names
// (utils/stack_util.py:76-81, app.py:22), read from the config's tree
// before it is decoded: stack.pipeline_name (PIPELINE_NAME, else the
// config's name) at v1StackPipeline, stack_name (PIPELINE_NAME, else
// SampleDataProcessingPipeline), and pipeline_name,
// stack.pipeline_name_origin (ORIGIN_PIPELINE_NAME, else the config's
// name), the pipeline of the SSM paths the old stack read and wrote.
func v1NamePipeline(vals map[string]any, root *yaml.Node, opts LoadOptions) {
	name := ""
	if n := mapGet(root, "name"); n != nil && n.Kind == yaml.ScalarNode {
		name = n.Value
	}
	pipeline, origin := name, name
	vals["stack_name"] = v1DefaultStackName
	if v, ok := opts.LookupEnv("PIPELINE_NAME"); ok && v != "" {
		pipeline = v
		vals["stack_name"] = v
	}
	if v, ok := opts.LookupEnv("ORIGIN_PIPELINE_NAME"); ok && v != "" {
		origin = v
	}
	vals[v1StackPipeline], vals["pipeline_name"] = pipeline, origin
	// Without BUCKET_NAME the old stack read the bucket from SSM at synth
	// (v1ContextParameter); a trigger's PIPELINE_BUCKET is CloudFormation's
	// dynamic reference to that parameter, resolved when the stack deploys.
	if v, ok := opts.LookupEnv("BUCKET_NAME"); !ok || v == "" {
		vals["pipeline_bucket"] = "{{resolve:ssm:" + v1ContextParameter(vals, "bucket_name") + "}}"
	}
}

// v1Names gives a version 1 stack the stage of the old stack's names
// (STAGE or "test", where the template's stage defaults to "TEST"); its
// pipeline and stack names are the properties the translation wrote. The
// old tool never deployed a configs/ file; it is synthesized as one more
// stack, with a warning.
func v1Names(st *Stack, opts LoadOptions) {
	st.nameStage = v1NameStage(opts)
	if st.Main {
		return
	}
	st.Decoder.Diags.Add(diag.Diagnostic{File: st.Source.Path, Line: 1, Severity: diag.Warning,
		Message: fmt.Sprintf("the data.all blueprint never deployed configs/ files (app.py:31-33 looked for the bare file name in the repo root); synthesized as one more stack, %s", st.Name),
		Hint:    "move it out of configs/ if it is not meant to be deployed"})
}
