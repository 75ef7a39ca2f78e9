package kedro

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Node types of a kedro-viz export.
const (
	taskType       = "task"
	dataType       = "data"
	parametersType = "parameters"
	modularType    = "modularPipeline"
)

// export is what kedro-viz writes to api/main and api/pipelines/<id>:
// only the fields the import reads. Both export generations decode into
// it: stats under node_extras (kedro-viz 12.2 and later) or at the top of
// a data node, full_name on task nodes (12.4 and later) or not.
type export struct {
	Nodes            []node                     `json:"nodes"`
	Edges            []edge                     `json:"edges"`
	Pipelines        []named                    `json:"pipelines"`
	ModularPipelines map[string]modularPipeline `json:"modular_pipelines"`
	Selected         string                     `json:"selected_pipeline"`
}

type node struct {
	ID               string          `json:"id"`
	Name             *string         `json:"name"`
	FullName         string          `json:"full_name"`
	Type             string          `json:"type"`
	Tags             []string        `json:"tags"`
	Pipelines        []string        `json:"pipelines"`
	ModularPipelines []string        `json:"modular_pipelines"`
	Namespace        *string         `json:"namespace"`
	Parameters       json.RawMessage `json:"parameters"`
	NodeExtras       *struct {
		Stats json.RawMessage `json:"stats"`
	} `json:"node_extras"`
	Stats json.RawMessage `json:"stats"`
}

type edge struct {
	Source string `json:"source"`
	Target string `json:"target"`
}

type named struct {
	ID   string  `json:"id"`
	Name *string `json:"name"`
}

type modularPipeline struct {
	Children []struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"children"`
}

// Task is one Kedro node to run.
type Task struct {
	ID string
	// Name is the node's name as kedro run --nodes takes it, namespace
	// included.
	Name string
	// Namespace is the node's top-level namespace, "" for none.
	Namespace string
	Tags      []string
	// Inputs and Outputs are dataset names, transcoding stripped
	// (x@pandas and x@spark are one dataset x to the pipeline's order).
	Inputs, Outputs []string
}

// Pipeline is a Kedro pipeline as read from an export.
type Pipeline struct {
	// ID is the pipeline's id (__default__, data_science, …).
	ID string
	// File is the export file the pipeline was read from, as given.
	File  string
	Tasks []*Task
	// Datasets counts the data and parameters nodes.
	Datasets int
	// Package is the project's Python package when the export names it.
	Package string
}

// Read reads a kedro-viz export: a build folder (kedro viz build), a
// --save-file folder, a Kedro project holding build/, the api folder, or
// api/main itself. pipeline chooses api/pipelines/<id>; "" reads the
// selected pipeline of api/main.
func Read(path, pipeline string) (*Pipeline, diag.List) {
	var d diag.List
	main, err := mainFile(path)
	if err != nil {
		d.Add(diag.Diagnostic{File: path, Message: err.Error()})
		return nil, d
	}
	ex, derr := decode(main)
	if derr != nil {
		d.Add(*derr)
		return nil, d
	}
	file, id := main, ex.Selected
	if pipeline != "" && pipeline != ex.Selected {
		known := ex.pipelineIDs()
		file = filepath.Join(filepath.Dir(main), "pipelines", pipeline)
		if _, err := os.Stat(file); err != nil {
			at := diag.Diagnostic{File: main, Path: "pipelines", Message: fmt.Sprintf("no pipeline %q in this export; it has %s", pipeline, strings.Join(quoteAll(known), ", "))}
			if s := diag.Suggest(pipeline, known); s != "" {
				at.Hint = fmt.Sprintf("did you mean %q?", s)
			} else if len(known) > 0 && !slices.Contains(known, pipeline) {
				at.Hint = "--pipeline takes a pipeline id of the export"
			} else {
				at.Message = fmt.Sprintf("pipeline %q is listed but %s is missing: the export is incomplete (run kedro viz build again)", pipeline, file)
			}
			d.Add(at)
			return nil, d
		}
		if ex, derr = decode(file); derr != nil {
			d.Add(*derr)
			return nil, d
		}
		id = pipeline
	}
	if id == "" {
		id = "__default__"
	}
	p, d := ex.pipeline(file, id)
	if p != nil {
		p.Package = packageName(filepath.Dir(main), p.Tasks)
	}
	return p, d
}

// packageName reads the project's package from a task's api/nodes/<id>
// file (filepath src/<package>/pipelines/…), "" when no file says.
func packageName(api string, tasks []*Task) string {
	for _, t := range tasks {
		raw, err := os.ReadFile(filepath.Join(api, "nodes", t.ID))
		if err != nil {
			continue
		}
		var meta struct {
			Filepath string `json:"filepath"`
		}
		if json.Unmarshal(raw, &meta) != nil {
			continue
		}
		parts := strings.Split(filepath.ToSlash(meta.Filepath), "/")
		for i := 1; i < len(parts); i++ {
			if parts[i] == "pipelines" && pyIdent.MatchString(parts[i-1]) {
				return parts[i-1]
			}
		}
	}
	return ""
}

// generatedName is the name Kedro gives a node without one:
// func([in1,in2]) -> [out].
var generatedName = regexp.MustCompile(`^[^(]*\(\[.*\]\) -> \[.*\]$`)

var pyIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

// mainFile finds api/main under path.
func mainFile(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", errors.New("no such file or directory")
		}
		return "", err
	}
	if !fi.IsDir() {
		return path, nil
	}
	for _, c := range []string{"api/main", "main", "build/api/main"} {
		p := filepath.Join(path, filepath.FromSlash(c))
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("not a kedro-viz export: no api/main in this folder (write one with kedro viz build, or kedro viz run --save-file DIR)")
}

func decode(file string) (*export, *diag.Diagnostic) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, &diag.Diagnostic{File: file, Message: fmt.Sprintf("cannot read: %v", err)}
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, &diag.Diagnostic{File: file, Line: lineOf(raw, err), Message: "not a kedro-viz export: " + jsonError(err)}
	}
	var missing []string
	for _, k := range []string{"nodes", "edges"} {
		if _, ok := probe[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, &diag.Diagnostic{File: file, Message: fmt.Sprintf("not a kedro-viz export: no %s (an export's api/main holds nodes, edges, pipelines, modular_pipelines)", strings.Join(missing, " or "))}
	}
	var ex export
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&ex); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, &diag.Diagnostic{File: file, Line: lineAt(raw, te.Offset), Path: te.Field,
				Message: fmt.Sprintf("not a kedro-viz export: %s must be %s, got a JSON %s", te.Field, kind(te.Type.String()), te.Value)}
		}
		return nil, &diag.Diagnostic{File: file, Message: "not a kedro-viz export: " + jsonError(err)}
	}
	return &ex, nil
}

func kind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "map") || strings.HasPrefix(goType, "kedro.") || strings.HasPrefix(goType, "struct"):
		return "an object"
	case goType == "string" || goType == "*string":
		return "a string"
	}
	return goType
}

func jsonError(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

func lineOf(raw []byte, err error) int {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return lineAt(raw, se.Offset)
	}
	return 0
}

func lineAt(raw []byte, off int64) int {
	if off > int64(len(raw)) {
		off = int64(len(raw))
	}
	return bytes.Count(raw[:off], []byte("\n")) + 1
}

func (ex *export) pipelineIDs() []string {
	var out []string
	for _, p := range ex.Pipelines {
		out = append(out, p.ID)
	}
	sort.Strings(out)
	return out
}

// pipeline checks the graph and turns it into tasks with named inputs and
// outputs.
func (ex *export) pipeline(file, id string) (*Pipeline, diag.List) {
	var d diag.List
	errf := func(path, format string, args ...any) {
		d.Add(diag.Diagnostic{File: file, Path: path, Message: fmt.Sprintf(format, args...)})
	}
	byID := map[string]int{}
	// nsOf maps a task id to its modular pipeline, from the tree, for
	// exports whose nodes carry no modular_pipelines.
	nsOf := map[string]string{}
	for _, mp := range engine.SortedKeys(ex.ModularPipelines) {
		if mp == "__root__" {
			continue
		}
		for _, c := range ex.ModularPipelines[mp].Children {
			if c.Type == taskType && len(mp) > len(nsOf[c.ID]) {
				nsOf[c.ID] = mp
			}
		}
	}
	p := &Pipeline{ID: id, File: file}
	taskAt := map[string]*Task{}
	dataName := map[string]string{}
	names := map[string]string{}
	for i, n := range ex.Nodes {
		at := fmt.Sprintf("nodes[%d]", i)
		if n.ID == "" {
			errf(at+".id", "node has no id")
			continue
		}
		if prev, dup := byID[n.ID]; dup {
			errf(at+".id", "id %q is already used by nodes[%d]", n.ID, prev)
			continue
		}
		byID[n.ID] = i
		switch n.Type {
		case taskType:
			name := ""
			if n.Name != nil {
				name = strings.TrimSpace(*n.Name)
			}
			if name == "" {
				v := "null"
				if n.Name != nil {
					v = fmt.Sprintf("%q", *n.Name)
				}
				d.Add(diag.Diagnostic{File: file, Path: at + ".name", Message: fmt.Sprintf("task node %q has no name (name: %s)", n.ID, v),
					Hint: "give the Kedro node a name: node(func, inputs, outputs, name=\"...\"); kedro run --nodes needs it"})
				continue
			}
			ns := namespace(n, name, nsOf[n.ID])
			t := &Task{ID: n.ID, Name: engine.FirstNonEmpty(n.FullName, qualified(ns, name)), Tags: append([]string(nil), n.Tags...)}
			t.Namespace, _, _ = strings.Cut(ns, ".")
			sort.Strings(t.Tags)
			if generatedName.MatchString(t.Name) {
				d.Add(diag.Diagnostic{File: file, Path: at + ".full_name", Severity: diag.Warning,
					Message: fmt.Sprintf("task node %q has no name of its own: Kedro calls it %q after its function and datasets, and renames it when they change", n.ID, t.Name),
					Hint:    "give the Kedro node a name: node(func, inputs, outputs, name=\"...\"), so re-imports keep its job"})
			}
			if prev, dup := names[t.Name]; dup {
				errf(at+".name", "task node %q is named %q like %s; kedro run --nodes could not tell them apart", n.ID, t.Name, prev)
				continue
			}
			names[t.Name] = at
			taskAt[n.ID] = t
			p.Tasks = append(p.Tasks, t)
		case dataType, parametersType:
			name := ""
			if n.Name != nil {
				name = *n.Name
			}
			if name == "" {
				name = n.ID
			}
			dataName[n.ID] = baseDataset(name)
			p.Datasets++
		case modularType:
		default:
			errf(at+".type", "unknown node type %q (a kedro-viz export has task, data, parameters and modularPipeline nodes)", n.Type)
		}
	}
	for i, e := range ex.Edges {
		at := fmt.Sprintf("edges[%d]", i)
		for _, end := range []struct{ key, id string }{{"source", e.Source}, {"target", e.Target}} {
			if _, ok := byID[end.id]; !ok {
				msg := fmt.Sprintf("edge %s %q is no node of the export", end.key, end.id)
				dd := diag.Diagnostic{File: file, Path: at + "." + end.key, Message: msg}
				if s := diag.Suggest(end.id, engine.SortedKeys(byID)); s != "" {
					dd.Hint = fmt.Sprintf("did you mean %q?", s)
				}
				d.Add(dd)
			}
		}
	}
	if d.HasErrors() {
		return nil, d
	}
	for _, e := range ex.Edges {
		src, dst := ex.Nodes[byID[e.Source]], ex.Nodes[byID[e.Target]]
		switch {
		case src.Type == taskType && (dst.Type == dataType || dst.Type == parametersType):
			t := taskAt[src.ID]
			t.Outputs = appendNew(t.Outputs, dataName[dst.ID])
		case (src.Type == dataType || src.Type == parametersType) && dst.Type == taskType:
			t := taskAt[dst.ID]
			t.Inputs = appendNew(t.Inputs, dataName[src.ID])
		case src.Type == taskType && dst.Type == taskType:
			// No export writes these; read one as a dataset between the two.
			ds := "\x00" + src.ID + ">" + dst.ID
			taskAt[src.ID].Outputs = appendNew(taskAt[src.ID].Outputs, ds)
			taskAt[dst.ID].Inputs = appendNew(taskAt[dst.ID].Inputs, ds)
		}
		// Edges to or from modularPipeline nodes are the collapsed view of
		// edges the export also holds node by node.
	}
	for _, t := range p.Tasks {
		sort.Strings(t.Inputs)
		sort.Strings(t.Outputs)
	}
	return p, d
}

func appendNew(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// namespace is the node's deepest namespace: its own (namespace), the
// longest of its modular_pipelines, the modular pipeline tree's, or the
// one full_name puts before its name.
func namespace(n node, name, treeNS string) string {
	if n.Namespace != nil {
		return *n.Namespace
	}
	ns := treeNS
	for _, m := range n.ModularPipelines {
		if len(m) > len(ns) {
			ns = m
		}
	}
	if before, ok := strings.CutSuffix(n.FullName, "."+name); ns == "" && ok {
		ns = before
	}
	return ns
}

// qualified is a node's name as Kedro knows it (kedro run --nodes), for
// exports without full_name: its name under its namespace.
func qualified(ns, name string) string {
	if ns == "" || strings.HasPrefix(name, ns+".") {
		return name
	}
	return ns + "." + name
}

// baseDataset strips the transcoding suffix: x@pandas and x@spark are the
// same dataset to the order of the pipeline.
func baseDataset(name string) string {
	if i := strings.LastIndex(name, "@"); i > 0 {
		return name[:i]
	}
	return name
}
