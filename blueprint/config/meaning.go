package config

import (
	"gopkg.in/yaml.v3"
)

// Translated is what a loaded stack means as plain data: its rendered
// tree, rewritten into version 2 when it is version 1, without its
// version key. A migrated config means the same as its original when the
// two are equal.
func (s *Stack) Translated() (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(s.Source.Rendered, &doc); err != nil {
		return nil, err
	}
	root := resolve(&doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, nil
	}
	if s.Pipeline != nil && s.Pipeline.Version.Number() == V1 {
		upgradeV1(NewDecoder(s.Source), root, s.v1Vals)
	}
	mapDelete(root, "version")
	var v any
	err := root.Decode(&v)
	return v, err
}
