package config

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// Migrate writes out the version 1 translation of one config file: the
// same rewrite the loader does, applied to the file as written (comments
// and key order kept), with version: 2 first. Values the translation takes
// from the environment are written as template variables. It returns src
// unchanged for a version 2 file, and lists what it cannot carry over.
func Migrate(path string, src []byte) ([]byte, diag.List) {
	if sniffVersion(src) != V1 {
		return src, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		d := yamlSyntax(NewSource(path, src, src, nil), err)
		d.Message = "cannot migrate: the file is not YAML before it is rendered (" + d.Message + ")"
		d.Hint = "move the template logic into values, or migrate this file by hand"
		return nil, diag.List{d}
	}
	root := resolve(&doc)
	d := NewDecoder(NewSource(path, src, src, nil))
	if root == nil || root.Kind != yaml.MappingNode {
		d.Diags.Add(diag.Diagnostic{File: path, Line: 1, Message: "cannot migrate: the config is not a mapping"})
		return nil, d.Diags
	}
	upgradeV1(d, root, map[string]any{"pipeline_bucket": "{{ pipeline_bucket }}", "stage": "{{ stage }}"})
	mapDelete(root, "version")
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "version"}
	v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(Latest)}
	if len(root.Content) > 0 {
		// The file's opening comment stays at the top.
		k.HeadComment, root.Content[0].HeadComment = root.Content[0].HeadComment, ""
	}
	root.Content = append([]*yaml.Node{k, v}, root.Content...)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		d.Diags.Add(diag.Diagnostic{File: path, Message: "cannot migrate: " + err.Error()})
		return nil, d.Diags
	}
	return b.Bytes(), d.Diags
}
