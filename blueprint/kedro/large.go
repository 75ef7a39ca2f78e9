package kedro

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
)

// Synthetic returns a kedro-viz api/main of a synthetic pipeline of n
// task nodes (current generation: full_name, node_extras) in four
// namespaces, each node reading the outputs of up to two earlier ones and
// a parameter: for tests and benchmarks of pipelines of any size.
func Synthetic(n int) []byte {
	id := func(s string) string { h := sha1.Sum([]byte(s)); return hex.EncodeToString(h[:])[:8] }
	spaces := []string{"ingest", "features", "training", "reporting"}
	type obj = map[string]any
	var nodes []obj
	var edges []obj
	mps := obj{"__root__": obj{"id": "__root__", "name": "__root__", "inputs": []string{}, "outputs": []string{}, "children": []obj{}}}
	children := map[string][]obj{}
	data := func(name, ns string) string {
		i := id(name)
		nodes = append(nodes, obj{"id": i, "name": name, "tags": []string{}, "pipelines": []string{"__default__"}, "type": "data",
			"modular_pipelines": []string{ns}, "layer": "primary", "dataset_type": "kedro_datasets.pandas.parquet_dataset.ParquetDataset", "node_extras": nil})
		return i
	}
	raw := data("raw_input", "")
	param := id("params:options")
	nodes = append(nodes, obj{"id": param, "name": "params:options", "tags": []string{}, "pipelines": []string{"__default__"}, "type": "parameters",
		"modular_pipelines": []string{}, "layer": nil, "dataset_type": nil})
	out := make([]string, n)
	for i := 0; i < n; i++ {
		ns := spaces[i*len(spaces)/n]
		name := fmt.Sprintf("step_%03d_node", i)
		full := ns + "." + name
		t := id(full)
		nodes = append(nodes, obj{"id": t, "name": name, "full_name": full, "tags": []string{fmt.Sprintf("t%d", i%5)}, "pipelines": []string{"__default__"},
			"type": "task", "modular_pipelines": []string{ns}, "parameters": obj{"options": obj{"seed": i}}, "node_extras": nil})
		children[ns] = append(children[ns], obj{"id": t, "type": "task"})
		ins := map[string]bool{}
		if i == 0 {
			ins[raw] = true
		} else {
			ins[out[i-1-i%3%i]] = true
			ins[out[i/2]] = true
		}
		for _, in := range sortedSet(ins) {
			edges = append(edges, obj{"source": in, "target": t})
		}
		edges = append(edges, obj{"source": param, "target": t})
		out[i] = data(fmt.Sprintf("%s.table_%03d", ns, i), ns)
		edges = append(edges, obj{"source": t, "target": out[i]})
	}
	for _, ns := range spaces {
		mps[ns] = obj{"id": ns, "name": ns, "inputs": []string{}, "outputs": []string{}, "children": children[ns]}
	}
	b, _ := json.Marshal(obj{"nodes": nodes, "edges": edges, "layers": []string{"primary"}, "tags": []obj{},
		"pipelines": []obj{{"id": "__default__", "name": "__default__"}}, "modular_pipelines": mps, "selected_pipeline": "__default__"})
	return b
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
