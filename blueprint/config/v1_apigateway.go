package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Defaults of the functions of data.all's API trees: map_function_props
// alone (engine/apigateway/apigateway_mapper.py:30-36,
// engine/lambdafx/lambda_mapper.py:30-38) reads no memory_size and no
// runtime, so they ran with CDK's 128 MB and PythonFunction's python3.7.
const (
	v1APIMemory  = "128"
	v1APIRuntime = "python3.7"
	// v1APIStage is the stage RestApi deploys to by default (CDK's
	// deployOptions.stageName).
	v1APIStage = "prod"
)

// upgradeAPIs rewrites each apigateway resource of aws_resources whose
// config is data.all's resources tree (path, proxy, integrations[{name,
// method, config}], nested resources) into config.integrations, and adds
// one lambda_function resource per integration, as the old tool created a
// function for each (apigateway_mapper.py:16-64).
func upgradeAPIs(d *Decoder, resources *yaml.Node) {
	for i, it := range seqItems(resources) {
		if typ := mapGet(it, "type"); typ == nil || typ.Value != "apigateway" {
			continue
		}
		cfg := mapGet(it, "config")
		k, tree := mapEntry(cfg, "resources")
		if tree == nil || len(seqItems(tree)) == 0 {
			// RestApi refuses to synthesize without a method.
			at := it
			if n, _ := mapEntry(it, "name"); n != nil {
				at = n
			}
			d.Warnf(at, fmt.Sprintf("aws_resources[%d].config.resources", i), "the data.all blueprint could not synthesize an API without config.resources (CDK refuses a REST API without methods, apigateway_mapper.py:16-20); here it answers GET / with a mock unless integrations route it")
			continue
		}
		mapDelete(cfg, "resources")
		integrations := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: tree.Line, Column: tree.Column}
		paths := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: tree.Line, Column: tree.Column}
		u := &apiUpgrade{d: d, at: fmt.Sprintf("aws_resources[%d].config.resources", i), integrations: integrations, paths: paths}
		u.walk(tree, "", u.at)
		mapSet(cfg, k, "integrations", integrations)
		if len(paths.Content) > 0 {
			mapSet(cfg, k, "paths", paths)
		}
		// Every resource of the tree answered OPTIONS with CORS headers
		// (apigateway_mapper.py:62,69-98), and the stage was CDK's "prod".
		mapDefault(cfg, "cors", "true")
		mapDefault(cfg, "stage_name", v1APIStage)
		for _, fn := range u.functions {
			resources.Content = append(resources.Content, fn)
		}
	}
}

type apiUpgrade struct {
	d                   *Decoder
	at                  string // the tree's path, for diagnostics
	integrations, paths *yaml.Node
	functions           []*yaml.Node
}

// walk reads one level of the tree under parent (a path without slashes
// at its ends).
func (u *apiUpgrade) walk(level *yaml.Node, parent, at string) {
	for r, res := range seqItems(level) {
		here := fmt.Sprintf("%s[%d]", at, r)
		pathNode := mapGet(res, "path")
		if pathNode == nil || pathNode.Kind != yaml.ScalarNode {
			u.d.Errorf(res, here+".path", "each resource of the tree needs a path")
			continue
		}
		path := strings.Trim(pathNode.Value, "/")
		if parent != "" {
			path = parent + "/" + path
		}
		proxy := mapGet(res, "proxy")
		ins := seqItems(mapGet(res, "integrations"))
		for i, in := range ins {
			u.integration(in, pathNode, "/"+path, proxy, fmt.Sprintf("%s.integrations[%d]", here, i))
		}
		children := mapGet(res, "resources")
		if len(ins) == 0 && len(seqItems(children)) == 0 {
			u.paths.Content = append(u.paths.Content, scalarAt(pathNode, "/"+path))
		}
		u.walk(children, path, here+".resources")
	}
}

// integration turns {name, method, config} into a route and a function.
func (u *apiUpgrade) integration(in, pathNode *yaml.Node, path string, proxy *yaml.Node, at string) {
	name := mapGet(in, "name")
	route := newMap(in)
	mapSet(route, pathNode, "path", scalarAt(pathNode, path))
	if m := mapGet(in, "method"); m != nil {
		up := *m
		up.Value = strings.ToUpper(m.Value)
		mapSet(route, m, "method", &up)
	}
	if name != nil {
		ref := *name
		ref.HeadComment, ref.LineComment, ref.FootComment = "", "", ""
		mapSet(route, name, "function", &ref)
	}
	// proxy defaulted to False (apigateway_mapper.py:40).
	if proxy != nil {
		p := *proxy
		p.HeadComment, p.LineComment, p.FootComment = "", "", ""
		mapSet(route, proxy, "proxy", &p)
	} else {
		mapSet(route, in, "proxy", boolAt(in, false))
	}
	u.integrations.Content = append(u.integrations.Content, route)
	if name == nil {
		return
	}
	fn := newMap(in)
	mapSet(fn, name, "name", name)
	mapSet(fn, in, "type", scalarAt(in, "lambda_function"))
	cfg := mapGet(in, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		cfg = newMap(in)
	}
	mapSet(fn, in, "config", cfg)
	for _, key := range []string{"memory_size", "memory", "runtime"} {
		if k, v := mapEntry(cfg, key); v != nil {
			u.d.Warnf(k, at+".config."+key, "the data.all blueprint ignored %s for the functions of an API tree (lambda_mapper.py:30-38); it is ignored here too", key)
			mapDelete(cfg, key)
		}
	}
	mapDefault(cfg, "index", v1LambdaIndex)
	mapDefault(cfg, "handler", v1LambdaHandler)
	mapDefault(cfg, "timeout", v1LambdaTimeout)
	mapDefault(cfg, "memory_size", v1APIMemory)
	mapDefault(cfg, "runtime", v1APIRuntime)
	u.functions = append(u.functions, fn)
}

func boolAt(n *yaml.Node, b bool) *yaml.Node {
	v := "false"
	if b {
		v = "true"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: v, Line: n.Line, Column: n.Column}
}
