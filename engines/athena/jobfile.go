package athena

import (
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// JobFile is an Athena job YAML.
type JobFile struct {
	Description string     `yaml:"description" alias:"comment"`
	Steps       []*JobStep `yaml:"steps" validate:"required,min=1,dive"`
}

// JobStep runs its jobs in parallel.
type JobStep struct {
	Name string   `yaml:"name" validate:"required"`
	Jobs []*Query `yaml:"jobs" validate:"required,min=1,dive"`
}

// Query is one query of a step.
type Query struct {
	Name   string `yaml:"name" validate:"required"`
	Type   string `yaml:"type" validate:"required,oneof=sql prepared_statement"`
	Config struct {
		File              string   `yaml:"file"`
		PreparedStatement string   `yaml:"prepared_statement"`
		Database          string   `yaml:"database"`
		Parameters        []string `yaml:"parameters"`
	} `yaml:"config" validate:"required"`

	sql string // the file's text, for sql jobs
}

// loadJob reads and checks an Athena job YAML; diagnostics point into it.
func loadJob(c *engine.CheckContext, at, path string) *JobFile {
	if _, ok := c.RepoFile(at, path, false); !ok {
		return nil
	}
	rel := filepath.ToSlash(filepath.Clean(path))
	raw, err := os.ReadFile(filepath.Join(c.Stack.RepoDir, rel))
	if err != nil {
		c.Errorf(at, "cannot read the Athena job YAML %s: %v", rel, err)
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		c.Item.Decoder.Diags.Add(config.SyntaxError(rel, raw, err))
		return nil
	}
	d := config.NewDecoder(config.NewSource(rel, raw, raw, nil))
	if len(doc.Content) == 0 {
		c.Item.Decoder.Diags.Add(diag.Diagnostic{File: rel, Line: 1, Message: "the Athena job YAML is empty", Hint: "it needs steps: [{name, jobs: [{name, type, config}]}]"})
		return nil
	}
	jf := &JobFile{}
	d.Decode(&doc, jf, "")
	d.Check(jf, "")
	base := filepath.ToSlash(filepath.Dir(rel))
	for i, st := range jf.Steps {
		if st == nil {
			continue
		}
		for k, q := range st.Jobs {
			if q == nil {
				continue
			}
			p := fmt.Sprintf("steps[%d].jobs[%d]", i, k)
			switch q.Type {
			case "sql":
				if q.Config.File == "" {
					d.Errorf(d.Node(p+".config"), p+".config.file", "a sql job needs config.file, the SQL it runs")
					continue
				}
				f, err := engine.RepoPathNear(c.Stack.RepoDir, base, q.Config.File)
				if err != nil {
					d.Errorf(d.Node(p+".config.file"), p+".config.file", "%v", err)
					continue
				}
				b, err := os.ReadFile(filepath.Join(c.Stack.RepoDir, f))
				if err != nil {
					d.Errorf(d.Node(p+".config.file"), p+".config.file", "cannot read %s: %v", f, err)
					continue
				}
				q.Config.File = f
				q.sql = string(b)
			case "prepared_statement":
				name := q.Config.PreparedStatement
				if name == "" {
					d.Errorf(d.Node(p+".config"), p+".config.prepared_statement", "a prepared_statement job needs config.prepared_statement, the statement's name")
					continue
				}
				if c.Index.Resources[name] == nil && !statementName.MatchString(name) {
					d.Errorf(d.Node(p+".config.prepared_statement"), p+".config.prepared_statement", "%q is not a statement name", name)
				} else if c.Index.Resources[name] == nil {
					if s := diag.Suggest(name, preparedStatements(c)); s != "" {
						d.Errorf(d.Node(p+".config.prepared_statement"), p+".config.prepared_statement",
							"prepared statement %q is not defined in aws_resources", name).Hint = fmt.Sprintf("did you mean %q?", s)
					}
				}
			}
		}
	}
	c.Item.Decoder.Diags.Add(d.Diags...)
	if d.Diags.HasErrors() {
		return nil
	}
	return jf
}

func preparedStatements(c *engine.CheckContext) []string {
	var out []string
	for n, it := range c.Index.Resources {
		if it.Type == PreparedStatementType || it.Type == "athena_prepare_statement" {
			out = append(out, n)
		}
	}
	return out
}
