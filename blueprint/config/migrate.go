package config

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// Migrate writes out the version 1 translation of one config file: the
// same rewrite the loader does, applied to the file as written (comments
// and key order kept, template text carried as written), with version: 2
// first. Values the translation takes from the environment are written as
// template variables. It returns src unchanged for a version 2 file, and
// lists what it cannot carry over.
func Migrate(path string, src []byte) ([]byte, diag.List) {
	if sniffVersion(src) != V1 {
		return src, nil
	}
	return migrateFile(path, src, true, func(d *Decoder, root *yaml.Node) {
		upgradeV1(d, root, map[string]any{"pipeline_bucket": "{{ pipeline_bucket }}", "stage": "{{ stage }}",
			"saml_group": "{{ saml_group|default:\"\" }}", "pipeline_uri": "{{ pipeline_uri|default:\"None\" }}"})
	})
}

// MigrateJobFile writes out a job file (a Glue or Athena job YAML) that a
// version 1 job reads, rewritten by upgrade, the rule its engine applies
// when it loads the file for a version 1 config. Job files have no
// version key: the config that names them says which rules read them.
func MigrateJobFile(path string, src []byte, upgrade func(d *Decoder, root *yaml.Node)) ([]byte, diag.List) {
	return migrateFile(path, src, false, upgrade)
}

func migrateFile(path string, src []byte, version bool, upgrade func(d *Decoder, root *yaml.Node)) ([]byte, diag.List) {
	mask, notes := maskTemplate(path, string(src))
	if notes.HasErrors() {
		return nil, notes
	}
	masked := []byte(mask.masked)
	var doc yaml.Node
	if err := yaml.Unmarshal(masked, &doc); err != nil {
		d := yamlSyntax(NewSource(path, masked, masked, nil), err)
		d.Message = "cannot migrate: the file is not YAML even with its template constructs set aside (" + d.Message + ")"
		d.Hint = "move the template logic into values, or migrate this file by hand"
		d.Source = ""
		return nil, diag.List{d}
	}
	root := resolve(&doc)
	d := NewDecoder(NewSource(path, masked, masked, nil))
	if version {
		// A config's template context; job files were rendered with
		// their job's config.variables (engine/athena/athena_task.py:38-44).
		d.Diags.Add(rewriteV1Variables(path, mask)...)
	}
	if root == nil || root.Kind != yaml.MappingNode {
		d.Diags.Add(diag.Diagnostic{File: path, Line: 1, Message: "cannot migrate: the file is not a mapping"})
		return nil, d.Diags
	}
	before, err := encode(&doc)
	if err != nil {
		d.Diags.Add(diag.Diagnostic{File: path, Message: "cannot migrate: " + err.Error()})
		return nil, d.Diags
	}
	old := nodes(&doc, map[*yaml.Node]bool{})
	snap := snapshots(&doc, map[*yaml.Node]snapshot{})
	upgrade(d, root)
	if version {
		mapDelete(root, "version")
		k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "version"}
		v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(Latest)}
		if len(root.Content) > 0 {
			// The file's opening comment stays at the top.
			k.HeadComment, root.Content[0].HeadComment = root.Content[0].HeadComment, ""
		}
		root.Content = append([]*yaml.Node{k, v}, root.Content...)
	}
	after, err := encode(&doc)
	if err != nil {
		d.Diags.Add(diag.Diagnostic{File: path, Message: "cannot migrate: " + err.Error()})
		return nil, d.Diags
	}
	if after == before {
		// Nothing to rewrite: the file stays as it is written.
		return src, d.Diags
	}
	if text, final, ok := layOut(string(src), mask.masked, mask, &doc, snap); ok && carried(mask, &doc, old, text) {
		return []byte(final), d.Diags
	}
	// Written whole by yaml.v3.
	if c := mask.lostStatement(after); c != nil {
		d.Diags.Add(diag.Diagnostic{File: path, Line: c.line, Col: c.col, Message: "cannot migrate: the rewrite moves or drops the keys around this template statement",
			Hint: "migrate this part by hand, or move the statements so that they hold whole items"})
		return nil, d.Diags
	}
	var written yaml.Node
	if err := yaml.Unmarshal([]byte(after), &written); err != nil {
		d.Diags.Add(diag.Diagnostic{File: path, Line: 1, Message: "cannot migrate: internal error: the rewritten file does not parse: " + err.Error()})
		return nil, d.Diags
	}
	if n := mask.misplaced(&doc, &written, old, mask.contexts(mask.masked), mask.contexts(after)); n != nil {
		d.Diags.Add(diag.Diagnostic{File: path, Line: n.Line, Col: n.Column,
			Message: "cannot migrate: what the rewrite writes here would land in another branch of the template's {% %} blocks than the text it stands for",
			Hint:    "migrate this part by hand, or move the statements so that they hold whole items"})
		return nil, d.Diags
	}
	return []byte(mask.restore(after)), d.Diags
}

func encode(doc *yaml.Node) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	err := enc.Encode(doc)
	return b.String(), err
}

// carried reports whether written, the masked text laid out from tree,
// holds tree and keeps each template statement where it belongs.
func carried(mask *templateMask, tree *yaml.Node, old map[*yaml.Node]bool, written string) bool {
	var back yaml.Node
	if err := yaml.Unmarshal([]byte(written), &back); err != nil || !sameTree(tree, &back) {
		return false
	}
	return mask.lostStatement(written) == nil && mask.misplaced(tree, &back, old, mask.contexts(mask.masked), mask.contexts(written)) == nil
}
