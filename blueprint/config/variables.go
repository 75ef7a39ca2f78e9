package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/render"
)

// variablesFile reads the file a config names with `variables: {file: X}`,
// as the data.all blueprint did (utils/task_group_reader.py:95-100): the
// config is rendered once with the variables known so far, to find X; X is
// rendered as a template with the same variables, and its keys are merged
// over them. --stage and --var still win.
func variablesFile(file string, src []byte, ctx render.Context, opts LoadOptions, renderer renderFunc) (render.Context, diag.List) {
	if !bytes.Contains(src, []byte("variables")) {
		return ctx, nil
	}
	res, _ := render.RenderV1(file, src, ctx, opts.RepoDir, opts.LookupEnv)
	if res == nil {
		return ctx, nil // the real rendering reports the problem
	}
	var doc yaml.Node
	if yaml.Unmarshal(res.Text, &doc) != nil {
		return ctx, nil
	}
	vf := mapGet(mapGet(resolve(&doc), "variables"), "file")
	if vf == nil || vf.Kind != yaml.ScalarNode || vf.Value == "" {
		return ctx, nil
	}
	at := NewSource(file, src, res.Text, res.LineMap).Pos(vf.Line, vf.Column)
	var diags diag.List
	rel := filepath.ToSlash(filepath.Clean(filepath.FromSlash(vf.Value)))
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		diags.Errorf(at, "variables.file", "%q is not a file of the repo", vf.Value)
		diags[len(diags)-1].Hint = "name it relative to the repo root, without .."
		return ctx, diags
	}
	full := filepath.Join(opts.RepoDir, filepath.FromSlash(rel))
	if real, err := filepath.EvalSymlinks(full); err == nil {
		root, _ := filepath.EvalSymlinks(opts.RepoDir)
		if r, err := filepath.Rel(root, real); err != nil || !filepath.IsLocal(r) {
			diags.Errorf(at, "variables.file", "%q leads out of the repo through a symbolic link", vf.Value)
			return ctx, diags
		}
	}
	raw, err := os.ReadFile(full)
	if err != nil {
		diags.Errorf(at, "variables.file", "variables file %q cannot be read: %s", vf.Value, cleanFSError(err))
		return ctx, diags
	}
	vr, vd := renderer(rel, raw, ctx, opts.RepoDir, opts.LookupEnv)
	diags.Add(vd...)
	if vr == nil || vd.HasErrors() {
		return ctx, diags
	}
	var vdoc yaml.Node
	if err := yaml.Unmarshal(vr.Text, &vdoc); err != nil {
		diags.Add(yamlSyntax(NewSource(rel, raw, vr.Text, vr.LineMap), err))
		return ctx, diags
	}
	vroot := resolve(&vdoc)
	if vroot == nil {
		return ctx, diags
	}
	if vroot.Kind != yaml.MappingNode {
		diags.Errorf(diag.Pos{File: rel, Line: vroot.Line, Col: vroot.Column}, "", "a variables file must be a mapping of variable names to values")
		return ctx, diags
	}
	out := render.Context{}
	for k, v := range ctx {
		out[k] = v
	}
	for i := 0; i+1 < len(vroot.Content); i += 2 {
		k, v := vroot.Content[i], vroot.Content[i+1]
		var val any
		if err := v.Decode(&val); err != nil {
			diags.Errorf(diag.Pos{File: rel, Line: v.Line, Col: v.Column}, k.Value, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
			continue
		}
		out[k.Value] = val
	}
	if opts.Stage != "" {
		out["stage"] = opts.Stage
	}
	for k, v := range opts.Vars {
		out[k] = v
	}
	return out, diags
}

type renderFunc func(file string, src []byte, ctx render.Context, repoDir string, lookupEnv func(string) (string, bool)) (*render.Result, diag.List)
