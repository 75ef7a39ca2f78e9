package glue

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// DefaultRunner is the script a job runs when its YAML names none.
const DefaultRunner = "customcode/glue/runner/runner.py"

// JobFile is a Glue job YAML.
type JobFile struct {
	Description     string            `yaml:"description" alias:"comment"`
	Script          string            `yaml:"script"`
	GlueVersion     string            `yaml:"glue_version" validate:"omitempty,oneof=3.0 4.0 5.0"`
	WorkerType      string            `yaml:"worker_type" validate:"omitempty,oneof=G.025X G.1X G.2X G.4X G.8X Z.2X"`
	NumberOfWorkers int               `yaml:"number_of_workers" alias:"workers" validate:"omitempty,min=2,max=299"`
	JobBookmark     string            `yaml:"job_bookmark" validate:"omitempty,oneof=enable disable pause"`
	Connection      string            `yaml:"connection"`
	MaxRetries      int               `yaml:"max_retries" validate:"min=0,max=10"`
	Arguments       map[string]string `yaml:"arguments"`
	Variables       map[string]any    `yaml:"variables"`
	VariablesFile   string            `yaml:"variables_file"`
	Steps           []*JobStep        `yaml:"steps" validate:"required,min=1,dive"`
}

// JobStep is one step the runner performs.
type JobStep struct {
	Name   string         `yaml:"name" validate:"required"`
	Type   string         `yaml:"type" validate:"required"`
	Config map[string]any `yaml:"config" validate:"required"`
}

// stepTypes are the steps the default runner knows, with the file
// extension their config.file must have.
var stepTypes = map[string]string{"sql": ".sql", "udf": ".py", "python": ".py"}

func stepTypeNames() []string {
	out := make([]string, 0, len(stepTypes))
	for k := range stepTypes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// job is a parsed and checked job YAML with the files it brings.
type job struct {
	file   *JobFile
	path   string   // repo path of the YAML
	script string   // repo path of the script
	files  []string // repo paths of the YAML and the files its steps name
}

// loadJob reads, decodes and checks a job YAML; its diagnostics carry the
// YAML's own file, line and column.
func loadJob(c *engine.CheckContext, at, ref string) *job {
	repo := c.Stack.RepoDir
	path, err := resolveJobPath(repo, c.Stack.Pipeline.JobDir, ref)
	if err != nil {
		c.Errorf(at, "%v", err)
		return nil
	}
	raw, err := os.ReadFile(filepath.Join(repo, path))
	if err != nil {
		c.Errorf(at, "cannot read the Glue job YAML %s: %v", path, err)
		return nil
	}
	src := config.NewSource(path, raw, raw, nil)
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		c.Item.Decoder.Diags.Add(config.SyntaxError(path, raw, err))
		return nil
	}
	d := config.NewDecoder(src)
	if len(doc.Content) == 0 {
		d.Diags.Add(diag.Diagnostic{File: path, Line: 1, Message: "the Glue job YAML is empty", Hint: "it needs steps: [{name, type, config}]"})
		c.Item.Decoder.Diags.Add(d.Diags...)
		return nil
	}
	jf := &JobFile{}
	d.Decode(&doc, jf, "")
	d.Check(jf, "")
	j := &job{file: jf, path: path, files: []string{path}}
	base := filepath.ToSlash(filepath.Dir(path))
	fileAt := func(p, value string) string {
		rel, err := engine.RepoPathNear(repo, base, value)
		if err != nil {
			d.Errorf(d.Node(p), p, "%v", err)
			return ""
		}
		return rel
	}
	for i, st := range jf.Steps {
		if st == nil || st.Config == nil {
			continue // reported by the validate tags
		}
		p := fmt.Sprintf("steps[%d]", i)
		ext, known := stepTypes[st.Type]
		if st.Type != "" && !known {
			d.Errorf(d.Node(p+".type"), p+".type", "unknown Glue job step type %q", st.Type).Hint = or(diag.DidYouMean(st.Type, stepTypeNames()), "one of "+diag.OneOf(stepTypeNames()))
			continue
		}
		file, _ := st.Config["file"].(string)
		if file == "" && known {
			d.Errorf(d.Node(p+".config"), p+".config.file", "a %s step needs config.file, the %s file it runs", st.Type, ext)
			continue
		}
		if file != "" {
			if rel := fileAt(p+".config.file", file); rel != "" {
				if !strings.EqualFold(filepath.Ext(rel), ext) {
					d.Errorf(d.Node(p+".config.file"), p+".config.file", "a %s step runs a %s file; %s is not one", st.Type, ext, file)
				}
				j.files = append(j.files, rel)
			}
		}
	}
	if jf.VariablesFile != "" {
		if rel := fileAt("variables_file", jf.VariablesFile); rel != "" {
			checkVariablesFile(d, repo, rel)
			j.files = append(j.files, rel)
		}
	}
	switch {
	case jf.Script != "":
		j.script = fileAt("script", jf.Script)
	default:
		if _, err := engine.RepoPath(repo, DefaultRunner, false); err == nil {
			j.script = DefaultRunner
		} else {
			d.Errorf(d.Node(""), "script", "names no script, and the repo has no default runner %s", DefaultRunner).Hint = "set script: to your job's PySpark script, or add the runner"
		}
	}
	seen := map[string]string{}
	for _, f := range j.files {
		b := filepath.Base(f)
		if prev, dup := seen[b]; dup && prev != f {
			d.Errorf(d.Node(""), "steps", "files %s and %s have the same name %s; the job receives its files by name, so names must differ", prev, f, b)
		}
		seen[b] = f
	}
	c.Item.Decoder.Diags.Add(d.Diags...)
	if d.Diags.HasErrors() {
		return nil
	}
	return j
}

func checkVariablesFile(d *config.Decoder, repo, rel string) {
	raw, err := os.ReadFile(filepath.Join(repo, rel))
	if err != nil {
		return
	}
	var m map[string]any
	if err := yaml.Unmarshal(raw, &m); err != nil {
		d.Diags.Add(diag.Diagnostic{File: rel, Message: "the variables file is not a YAML mapping: " + strings.TrimPrefix(err.Error(), "yaml: ")})
	}
}

// resolveJobPath finds the job YAML: a repo path, or a name under
// customcode/glue/<jobdir>/.
func resolveJobPath(repo, jobDir, ref string) (string, error) {
	if _, err := engine.RepoPath(repo, ref, false); err == nil {
		return filepath.ToSlash(filepath.Clean(ref)), nil
	}
	if jobDir == "" {
		jobDir = "glue_jobs"
	}
	alt := "customcode/glue/" + jobDir + "/" + ref
	if _, err := engine.RepoPath(repo, alt, false); err == nil && !strings.Contains(ref, "..") {
		return alt, nil
	}
	_, err := engine.RepoPath(repo, ref, false)
	if errors.Is(err, fs.ErrNotExist) || strings.Contains(fmt.Sprint(err), "does not exist") {
		return "", fmt.Errorf("Glue job YAML %q does not exist (looked for it as a repo path and as %s)", ref, alt)
	}
	return "", err
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
