package glue

import (
	"fmt"
	"os"
	"path/filepath"
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
	Script          string            `yaml:"script" alias:"handler"`
	GlueVersion     string            `yaml:"glue_version" validate:"omitempty,oneof=2.0 3.0 4.0 5.0"`
	WorkerType      string            `yaml:"worker_type" validate:"omitempty,oneof=Standard G.025X G.1X G.2X G.4X G.8X Z.2X"`
	NumberOfWorkers int               `yaml:"number_of_workers" alias:"workers" validate:"omitempty,min=2,max=299"`
	JobBookmark     string            `yaml:"job_bookmark" validate:"omitempty,oneof=enable disable pause"`
	Connection      string            `yaml:"connection"`
	MaxRetries      int               `yaml:"max_retries" validate:"min=0,max=10"`
	Arguments       map[string]string `yaml:"arguments"`
	Variables       map[string]any    `yaml:"variables"`
	VariablesFile   string            `yaml:"variables_file"`
	Steps           []*JobStep        `yaml:"steps" validate:"required,min=1,dive"`
}

// JobStep is one step the runner performs. Its config belongs to the
// runner; blueprint reads only config.file.
type JobStep struct {
	Name   string         `yaml:"name" validate:"required"`
	Type   string         `yaml:"type" validate:"required"`
	Config map[string]any `yaml:"config" validate:"required"`
}

// stepTypes are the step types of a Glue job YAML, with the extension
// their config.file must have.
var stepTypes = map[string]string{"sql": ".sql", "udf": ".py", "python": ".py"}

// job is a parsed and checked job YAML with the files it brings.
type job struct {
	file   *JobFile
	path   string      // repo path of the YAML
	script string      // repo path of the script
	files  []namedFile // the files the YAML names, in order
}

// namedFile is a file a job YAML names: as written there (the key the
// runner looks it up by) and as a repo path.
type namedFile struct {
	Written, Path string
}

// add records a file the YAML names, once per spelling.
func (j *job) add(written, path string) {
	for _, f := range j.files {
		if f.Written == written {
			return
		}
	}
	j.files = append(j.files, namedFile{Written: written, Path: path})
}

// loadJob reads, decodes and checks a job YAML; its diagnostics carry the
// YAML's own file, line and column. It returns nil when the YAML has
// errors.
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
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		c.Item.Decoder.Diags.Add(config.SyntaxError(path, raw, err))
		return nil
	}
	if len(doc.Content) == 0 {
		c.Item.Decoder.Diags.Add(diag.Diagnostic{File: path, Line: 1, Col: 1, Message: "the Glue job YAML is empty",
			Hint: "it needs steps: [{name, type, config: {file}}]"})
		return nil
	}
	d := config.NewDecoder(config.NewSource(path, raw, raw, nil))
	jf := &JobFile{}
	d.Decode(&doc, jf, "")
	d.Check(jf, "")
	j := &job{file: jf, path: path}
	base := filepath.ToSlash(filepath.Dir(path))
	// near resolves a file named in the YAML: a repo path, or a path
	// relative to the YAML.
	near := func(p, value string) string {
		rel, err := engine.RepoPathNear(repo, base, value)
		if err != nil {
			d.Errorf(d.Node(p), p, "%v", err)
			return ""
		}
		return rel
	}
	names := map[string]string{}
	for i, st := range jf.Steps {
		if st == nil {
			continue
		}
		p := fmt.Sprintf("steps[%d]", i)
		if prev, dup := names[st.Name]; dup && st.Name != "" {
			d.Errorf(d.Node(p+".name"), p+".name", "step name %q is already used by %s", st.Name, prev).Hint = "the runner names each step's result after it: names must be unique"
		} else {
			names[st.Name] = p
		}
		ext, known := stepTypes[st.Type]
		if st.Type != "" && !known {
			types := engine.SortedKeys(stepTypes)
			hint := diag.DidYouMean(st.Type, types)
			if hint == "" {
				hint = "one of " + diag.OneOf(types)
			}
			d.Errorf(d.Node(p+".type"), p+".type", "unknown Glue job step type %q", st.Type).Hint = hint
			continue
		}
		if st.Config == nil || !known {
			continue // reported by the validate tags
		}
		raw, ok := st.Config["file"]
		file, isString := raw.(string)
		switch {
		case !ok || raw == nil:
			d.Errorf(d.Node(p+".config"), p+".config.file", "a %s step needs config.file, the %s file it runs", st.Type, ext)
			continue
		case !isString || file == "":
			d.Errorf(d.Node(p+".config.file"), p+".config.file", "must be a file path")
			continue
		}
		rel := near(p+".config.file", file)
		if rel == "" {
			continue
		}
		if !strings.EqualFold(filepath.Ext(rel), ext) {
			d.Errorf(d.Node(p+".config.file"), p+".config.file", "a %s step runs a %s file; %s is not one", st.Type, ext, file)
			continue
		}
		j.add(file, rel)
	}
	if jf.VariablesFile != "" {
		if rel := near("variables_file", jf.VariablesFile); rel != "" {
			checkVariablesFile(d, repo, rel)
			j.add(jf.VariablesFile, rel)
		}
	}
	for _, k := range engine.SortedKeys(jf.Arguments) {
		if reserved(k) {
			d.Errorf(d.Node("arguments."+k), "arguments."+k, "%s is set by blueprint on every run", argName(k))
		}
	}
	if jf.Connection != "" {
		checkConnection(c, d, jf.Connection)
	}
	switch {
	case jf.Script != "":
		if j.script = near("script", jf.Script); j.script != "" && filepath.Ext(j.script) != ".py" {
			d.Errorf(d.Node("script"), "script", "%s is not a Python script; blueprint creates PySpark (glueetl) jobs, whose script is a .py file", jf.Script)
		}
	default:
		if _, err := engine.RepoPath(repo, DefaultRunner, false); err == nil {
			j.script = DefaultRunner
		} else {
			d.Errorf(d.Node(""), "script", "names no script, and the repo has no default runner %s", DefaultRunner).Hint = "set script: to your job's PySpark script, or add the runner"
		}
	}
	c.Item.Decoder.Diags.Add(d.Diags...)
	if d.Diags.HasErrors() {
		return nil
	}
	return j
}

// checkConnection accepts a glueconnection resource of this config or the
// name of an existing connection; a name close to a resource's is taken
// for a typo.
func checkConnection(c *engine.CheckContext, d *config.Decoder, name string) {
	if c.Resource(name, ConnectionType) != nil {
		return
	}
	if other := c.Index.Resources[name]; other != nil {
		d.Errorf(d.Node("connection"), "connection", "connection %q is a %s resource; expected %q", name, other.Type, ConnectionType)
		return
	}
	var conns []string
	for n := range c.Index.Resources {
		if c.Resource(n, ConnectionType) != nil {
			conns = append(conns, n)
		}
	}
	if s := diag.Suggest(name, conns); s != "" {
		d.Errorf(d.Node("connection"), "connection", "connection %q is not defined in aws_resources", name).Hint = fmt.Sprintf("did you mean %q?", s)
	}
}

// checkVariablesFile requires a YAML mapping, reporting problems in the
// variables file itself.
func checkVariablesFile(d *config.Decoder, repo, rel string) {
	raw, err := os.ReadFile(filepath.Join(repo, rel))
	if err != nil {
		d.Diags.Add(diag.Diagnostic{File: rel, Message: fmt.Sprintf("cannot read the variables file: %v", err)})
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		d.Diags.Add(config.SyntaxError(rel, raw, err))
		return
	}
	if len(doc.Content) == 0 {
		return // an empty file defines no variables
	}
	if root := doc.Content[0]; root.Kind != yaml.MappingNode {
		d.Diags.Add(diag.Diagnostic{File: rel, Line: root.Line, Col: root.Column, Message: "the variables file must be a mapping of names to values"})
	}
}

// resolveJobPath finds the job YAML: a repo path, or a name under
// customcode/glue/<jobdir>/.
func resolveJobPath(repo, jobDir, ref string) (string, error) {
	_, err := engine.RepoPath(repo, ref, false)
	if err == nil {
		return filepath.ToSlash(filepath.Clean(ref)), nil
	}
	if jobDir == "" {
		jobDir = "glue_jobs"
	}
	alt := "customcode/glue/" + jobDir + "/" + ref
	if strings.Contains(err.Error(), "does not exist") {
		if _, altErr := engine.RepoPath(repo, alt, false); altErr == nil {
			return alt, nil
		}
		return "", fmt.Errorf("Glue job YAML %q does not exist (looked for it as a repo path and as %s)", ref, alt)
	}
	return "", err
}
