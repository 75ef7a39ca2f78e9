package yamlvalue

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Decode returns the value of n as yaml.v3's Node.Decode into an `any`
// would (map[string]any, []any, scalars), a duplicate key being an error.
// yaml.v3 compares the keys of a mapping pairwise,
// which takes minutes on a mapping of a million keys; this is linear.
func Decode(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return Decode(n.Content[0])
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, nil
		}
		return Decode(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := Decode(c)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case yaml.MappingNode:
		return mapping(n)
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		return n.Value, nil
	}
	var x any
	err := n.Decode(&x)
	return x, err
}

func mapping(n *yaml.Node) (any, error) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			// Merge keys and complex keys: rare, and small in practice.
			var x any
			err := n.Decode(&x)
			return x, err
		}
	}
	first := make(map[string]int, len(n.Content)/2)
	strs := make(map[string]any, len(n.Content)/2)
	var general map[any]any
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if line, dup := first[k.Value]; dup {
			return nil, fmt.Errorf("duplicate key %q on line %d (first set on line %d)", k.Value, k.Line, line)
		}
		first[k.Value] = k.Line
		key, err := Decode(k)
		if err != nil {
			return nil, err
		}
		val, err := Decode(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		s, isStr := key.(string)
		if isStr && general == nil {
			strs[s] = val
			continue
		}
		if general == nil {
			general = make(map[any]any, len(strs)+1)
			for ks, v := range strs {
				general[ks] = v
			}
		}
		general[key] = val
	}
	if general != nil {
		return general, nil
	}
	return strs, nil
}
