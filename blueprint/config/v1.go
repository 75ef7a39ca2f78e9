package config

import (
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
		props = newMap(root)
		mapSet(root, root, "properties", props)
	}
	if props.Kind == yaml.MappingNode {
		// data.all's names are the same in every stage.
		mapDefault(props, "stage_in_names", "false")
		if k, v := mapEntry(props, "scheduler"); v != nil && mapGet(props, "schedulers") == nil {
			// The old tool read the singular key from a top-level config:
			// that no config has (stack_util.py:281-287), so it crashed.
			d.Warnf(k, "properties.scheduler", "the data.all blueprint crashed on properties.scheduler (it looked for it under a top-level config:); read as properties.schedulers with this one entry")
			k.Value = "schedulers"
			props.Content[indexOf(props, k)+1] = seqOf(v)
		}
	}
	upgradePipelineNames(d, root, props, ctx)
	upgradeMachine(d, root, props)
	for _, it := range seqItems(mapGet(root, "aws_resources")) {
		upgradeItem(d, it, false)
	}
	// Before the API trees add their functions: those had no name of
	// their own (engine/apigateway/apigateway_mapper.py:29-35).
	upgradeNames(d, root, ctx)
	upgradeBatchParameters(d, root, ctx)
	upgradeAPIs(d, mapGet(root, "aws_resources"))
	upgradeTriggers(d, root, props, ctx)
	upgradeGroups(d, mapGet(root, "groups"))
	if c := mapGet(root, "catch"); c != nil && c.Kind == yaml.MappingNode {
		upgradeGroups(d, mapGet(c, "groups"))
	}
	upgradeGlueJobs(d, root, ctx)
	upgradeJobNames(d, root, props)
}

func upgradeGroups(d *Decoder, groups *yaml.Node) {
	for _, g := range seqItems(groups) {
		if jobs := mapGet(g, "jobs"); jobs != nil && jobs.Kind == yaml.SequenceNode && len(jobs.Content) == 1 && mapGet(g, "parallel") == nil {
			// A group of one job is that job's states, with no Parallel
			// (utils/stack_task_util.py:126-127).
			mapDefault(g, "parallel", "false")
		}
		upgradeGroup(g)
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

// upgradeItem rewrites one resource, trigger (step false) or job (step
// true). Each type's rules live in the file of its area (v1_<area>.go).
func upgradeItem(d *Decoder, it *yaml.Node, step bool) {
	if it == nil || it.Kind != yaml.MappingNode {
		return
	}
	typ := mapGet(it, "type")
	if typ == nil || typ.Kind != yaml.ScalarNode {
		return
	}
	if step {
		upgradeJob(d, it, typ.Value)
	}
	switch typ.Value {
	case "lambda_function":
		upgradeLambda(d, it, step)
	case "athena_query":
		upgradeAthena(d, it)
	case "athena_prepared_statement", "athena_prepare_statement":
		upgradePreparedStatement(d, it)
	case "lambda_layer":
		upgradeLayer(d, it)
	case "sagemaker_training", "sagemaker_hpo", "sagemaker_processing", "sagemaker_model", "sagemaker_batch_transform", "sagemaker_endpoint_config", "sagemaker_endpoint":
		upgradeSageMaker(d, it, typ.Value)
	case "batch_compute_environment", "batch_job_queue", "batch_job_definition", "batch":
		upgradeBatch(d, it, typ.Value)
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

// mapKeys returns every key node of m named key: a rendered config has
// one at most, the template text migrate reads may have one per branch.
func mapKeys(m *yaml.Node, key string) []*yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			out = append(out, m.Content[i])
		}
	}
	return out
}

// mapDelete removes key from m, every occurrence of it (see mapKeys).
// The comments above and below a removed pair stay where they were, on
// its neighbours: in the template text migrate reads, they can be the
// lines of its {% %} statements.
func mapDelete(m *yaml.Node, key string) {
	if m == nil {
		return
	}
	for i := 0; i+1 < len(m.Content); {
		k, v := m.Content[i], m.Content[i+1]
		if k.Value != key {
			i += 2
			continue
		}
		m.Content = append(m.Content[:i:i], m.Content[i+2:]...)
		c := joinComments(k.HeadComment, v.HeadComment, v.FootComment, k.FootComment)
		switch {
		case c == "":
		case i < len(m.Content):
			m.Content[i].HeadComment = joinComments(c, m.Content[i].HeadComment)
		case i >= 2:
			m.Content[i-2].FootComment = joinComments(m.Content[i-2].FootComment, c)
		default:
			m.FootComment = joinComments(m.FootComment, c)
		}
	}
}

func joinComments(cs ...string) string {
	var out []string
	for _, c := range cs {
		if c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, "\n")
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
	m.Content = append(m.Content, scalarAt(at, key), v)
}

// mapChild returns the mapping at key of m, added (empty, at m's
// position) when m has no such key, and nil when the key holds something
// else than a mapping.
func mapChild(m *yaml.Node, key string) *yaml.Node {
	c := mapGet(m, key)
	if c == nil {
		c = newMap(m)
		mapSet(m, m, key, c)
	}
	if c.Kind != yaml.MappingNode {
		return nil
	}
	return c
}

// newMap is an empty mapping placed at at.
func newMap(at *yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: at.Line, Column: at.Column}
}

// scalarAt is a string scalar placed at n.
func scalarAt(n *yaml.Node, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, Line: n.Line, Column: n.Column}
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
