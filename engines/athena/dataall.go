package athena

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/render"
)

// DataAll is the config_file_format of an Athena job YAML written for the
// data.all blueprint.
const DataAll = "dataall"

// DataAllJobFile reads an Athena job YAML written for the data.all
// blueprint as this tool's job YAML: the file is rendered with the step's
// config.variables, undefined ones empty with a warning, as Jinja did
// (engine/athena/athena_config_reader.py:193-199); a config.file listing
// several SQL files separated by commas becomes config.files
// (athena_config_reader.py:150-168); a job of any type other than sql is
// a prepared_statement (athena_config_reader.py:173). It returns the
// rewritten document, whose nodes keep their place in the rendered text,
// and that text. Encoding the document gives the job YAML in this tool's
// format, for those variables.
func DataAllJobFile(file string, src []byte, vars map[string]any, repo string) (*yaml.Node, []byte, diag.List) {
	ctx := render.Context{}
	for k, v := range vars {
		ctx[k] = v
	}
	noEnv := func(string) (string, bool) { return "", false }
	res, diags := render.RenderV1(file, src, ctx, repo, noEnv)
	if res == nil || diags.HasErrors() {
		return nil, nil, diags
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(res.Text, &doc); err != nil {
		diags.Add(config.SyntaxError(file, res.Text, err))
		return nil, nil, diags
	}
	if len(doc.Content) == 0 {
		return &doc, res.Text, diags
	}
	for _, st := range items(field(doc.Content[0], "steps")) {
		for _, q := range items(field(st, "jobs")) {
			t := field(q, "type")
			if t == nil || t.Kind != yaml.ScalarNode || t.Value == "" {
				continue
			}
			if t.Value != SQLJob {
				t.Value = StatementJob
				continue
			}
			cfg := field(q, "config")
			f := field(cfg, "file")
			if f == nil || f.Kind != yaml.ScalarNode || !strings.Contains(f.Value, ",") {
				continue
			}
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: f.Line, Column: f.Column}
			for _, name := range strings.Split(f.Value, ",") {
				seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name, Line: f.Line, Column: f.Column})
			}
			for i := 0; i+1 < len(cfg.Content); i += 2 {
				if cfg.Content[i].Value == "file" {
					cfg.Content[i].Value = "files"
					cfg.Content[i+1] = seq
				}
			}
		}
	}
	return &doc, res.Text, diags
}

func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func items(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// renderDataAllSQL renders a SQL file as data.all did: with the variables
// alone, each inserted as written (a runtime reference too), undefined
// ones empty with a warning (athena_config_reader.py:160-162).
func renderDataAllSQL(repo, file, sql string, vars map[string]any) (rendered, diag.List) {
	ctx := render.Context{}
	for k, v := range vars {
		ctx[k] = v
	}
	noEnv := func(string) (string, bool) { return "", false }
	res, diags := render.RenderV1(file, []byte(sql), ctx, repo, noEnv)
	if res == nil {
		return rendered{}, diags
	}
	return rendered{text: string(res.Text)}, diags
}

// joinSQL runs b after a in one query, as data.all joined a job's SQL
// files: with ";" (athena_config_reader.py:164-168).
func joinSQL(a, b rendered) rendered {
	out := rendered{text: a.text + ";" + b.text}
	if a.format == "" && b.format == "" {
		return out
	}
	// Both become one States.Format: the constant parts escaped, the
	// arguments of each in order.
	fa, argsA := formatParts(a)
	fb, argsB := formatParts(b)
	out.format = "States.Format('" + fa + ";" + fb + "'" + argsA + argsB + ")"
	return out
}

// formatParts splits a rendered text into the string of a States.Format
// and its arguments (", $.x, …").
func formatParts(r rendered) (string, string) {
	if r.format == "" {
		return escapeIntrinsic(r.text), ""
	}
	body := strings.TrimSuffix(strings.TrimPrefix(r.format, "States.Format('"), ")")
	end := strings.LastIndex(body, "', ")
	return body[:end], body[end+1:]
}

// executeFormat is the query data.all ran for a prepared statement with a
// list of variables: States.Format('EXECUTE s USING {}', v, …), one {} per
// variable (athena_config_reader.py:176-179, whose single {} only worked
// for one variable).
func executeFormat(statement string, list []param) string {
	holes := make([]string, len(list))
	args := make([]string, len(list))
	for i, p := range list {
		holes[i] = "{}"
		args[i] = p.ref
		if p.ref == "" {
			args[i] = "'" + escapeIntrinsic(strings.Trim(p.literal, "'")) + "'"
		}
	}
	return "States.Format('EXECUTE " + escapeIntrinsic(statement) + " USING " + strings.Join(holes, ", ") + "', " + strings.Join(args, ", ") + ")"
}
