package athena

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

// JobFile is an Athena job YAML: steps run in sequence, the jobs of a
// step in parallel.
type JobFile struct {
	Description string     `yaml:"description" alias:"comment"`
	Steps       []*JobStep `yaml:"steps" validate:"required,min=1,dive"`
}

// JobStep runs its jobs in parallel.
type JobStep struct {
	Name string   `yaml:"name" validate:"required"`
	Jobs []*Query `yaml:"jobs" validate:"required,min=1,dive"`
}

// Query is one job of a step: a SQL file or a prepared statement.
type Query struct {
	Name   string `yaml:"name" validate:"required"`
	Type   string `yaml:"type" validate:"required"`
	Config struct {
		File string `yaml:"file"`
		// Files are several SQL files run as one query, joined with ";".
		Files             []string `yaml:"files"`
		PreparedStatement string   `yaml:"prepared_statement"`
		Database          string   `yaml:"database"`
		// Parameters are this query's execution parameters; they win over
		// a variables list.
		Parameters []any `yaml:"parameters"`
	} `yaml:"config"`

	planned
}

// planned is what Check works out for the plan.
type planned struct {
	sql       rendered // sql jobs
	statement string   // prepared_statement jobs: the statement's AWS name
	params    []param
	// writes is true when the query may change the catalog.
	writes bool
}

// Job types of an Athena job YAML.
const (
	SQLJob       = "sql"
	StatementJob = "prepared_statement"
)

var jobTypes = []string{StatementJob, SQLJob}

// Enums are the job types an Athena job YAML accepts.
func (Query) Enums() map[string][]string { return map[string][]string{"type": jobTypes} }

// load reads and checks the Athena job YAML of s; its diagnostics point
// into the YAML (and into the SQL files for template errors).
func (s *QuerySpec) load(c *engine.CheckContext, wg string) *JobFile {
	at := "config.config_file"
	if _, ok := c.RepoFile(at, s.Config.ConfigFile, false); !ok {
		return nil
	}
	repo := c.Stack.RepoDir
	rel := filepath.ToSlash(filepath.Clean(s.Config.ConfigFile))
	raw, err := os.ReadFile(filepath.Join(repo, rel))
	if err != nil {
		c.Errorf(at, "cannot read the Athena job YAML %s: %v", rel, err)
		return nil
	}
	var doc yaml.Node
	if s.Config.ConfigFileFormat == DataAll {
		n, text, diags := DataAllJobFile(rel, raw, s.Config.Variables.Map, repo)
		c.Item.Decoder.Diags.Add(diags...)
		if n == nil {
			return nil
		}
		doc, raw = *n, text
	} else if err := yaml.Unmarshal(raw, &doc); err != nil {
		c.Item.Decoder.Diags.Add(config.SyntaxError(rel, raw, err))
		return nil
	}
	if len(doc.Content) == 0 {
		c.Item.Decoder.Diags.Add(diag.Diagnostic{File: rel, Line: 1, Col: 1, Message: "the Athena job YAML is empty",
			Hint: "it needs steps: [{name, jobs: [{name, type, config}]}]"})
		return nil
	}
	d := config.NewDecoder(config.NewSource(rel, raw, raw, nil))
	jf := &JobFile{}
	d.Decode(&doc, jf, "")
	d.Check(jf, "")
	l := &loader{c: c, d: d, s: s, wg: wg, base: filepath.ToSlash(filepath.Dir(rel))}
	steps := map[string]string{}
	for i, st := range jf.Steps {
		if st == nil {
			continue
		}
		p := fmt.Sprintf("steps[%d]", i)
		if prev, dup := steps[st.Name]; dup && st.Name != "" {
			d.Errorf(d.Node(p+".name"), p+".name", "step name %q is already used by %s", st.Name, prev).Hint = "step names become state names and must be unique"
		} else {
			steps[st.Name] = p
			l.stateName(p, c.Item.Name, st.Name)
		}
		jobs := map[string]string{}
		for k, q := range st.Jobs {
			if q == nil {
				continue
			}
			jp := fmt.Sprintf("%s.jobs[%d]", p, k)
			if prev, dup := jobs[q.Name]; dup && q.Name != "" {
				d.Errorf(d.Node(jp+".name"), jp+".name", "job name %q is already used by %s", q.Name, prev).Hint = "the jobs of a step become state names and must be unique"
			} else if q.Name != "" {
				jobs[q.Name] = jp
				if len(st.Jobs) > 1 {
					l.stateName(jp, c.Item.Name, st.Name, q.Name)
				}
			}
			l.query(jp, q)
		}
	}
	c.Item.Decoder.Diags.Add(d.Diags...)
	if d.Diags.HasErrors() {
		return nil
	}
	return jf
}

// loader checks the jobs of one Athena job YAML.
type loader struct {
	c    *engine.CheckContext
	d    *config.Decoder
	s    *QuerySpec
	wg   string // the workgroup the queries run in
	base string // the YAML's directory
	// warnedUsing is set once the step's variables list was said to have
	// had one {} in data.all's EXECUTE … USING.
	warnedUsing bool
}

func (l *loader) errorf(path, format string, args ...any) *diag.Diagnostic {
	return l.d.Errorf(l.d.Node(path), path, format, args...)
}

// stateName checks the length of a state name made of names.
func (l *loader) stateName(path string, names ...string) {
	if n := strings.Join(names, ": "); len(n) > 80 {
		l.errorf(path+".name", "makes the state name %q, %d characters long; Step Functions allows 80", n, len(n))
	}
}

func (l *loader) query(p string, q *Query) {
	switch q.Type {
	case "":
		return // reported by the validate tags
	case SQLJob:
		l.sql(p, q)
	case StatementJob:
		l.statement(p, q)
	default:
		hint := diag.DidYouMean(q.Type, jobTypes)
		if hint == "" {
			hint = "one of " + diag.OneOf(jobTypes)
		}
		l.errorf(p+".type", "unknown Athena job type %q", q.Type).Hint = hint
	}
}

func (l *loader) sql(p string, q *Query) {
	files, at := q.Config.Files, p+".config.files"
	switch {
	case q.Config.File != "" && files != nil:
		l.errorf(p+".config", "a sql job takes config.file or config.files, not both")
		return
	case q.Config.File != "":
		files, at = []string{q.Config.File}, p+".config.file"
	case len(files) == 0:
		l.errorf(p+".config", "a sql job needs config.file, the SQL it runs")
		return
	}
	repo := l.c.Stack.RepoDir
	var r rendered
	for i, name := range files {
		f, err := engine.RepoPathNear(repo, l.base, name)
		if err != nil {
			l.errorf(at, "%v", err)
			return
		}
		b, err := os.ReadFile(filepath.Join(repo, f))
		if err != nil {
			l.errorf(at, "cannot read %s: %v", f, err)
			return
		}
		var one rendered
		var diags diag.List
		if l.s.Config.ConfigFileFormat == DataAll {
			one, diags = renderDataAllSQL(repo, f, string(b), l.s.Config.Variables.Map)
		} else {
			one, diags = renderSQL(repo, f, string(b), l.s.Config.Variables.Map)
		}
		l.d.Diags.Add(diags...)
		if diags.HasErrors() {
			return
		}
		if i == 0 {
			r = one
		} else {
			r = joinSQL(r, one)
		}
	}
	if l.s.Config.ConfigFileFormat == DataAll && strings.HasPrefix(r.text, "States.Format") {
		// The file is the intrinsic itself (athena_task.py:10-17).
		r.format = r.text
	}
	q.sql = r
	q.writes = writes(r.text)
	if l.s.Config.ConfigFileFormat != DataAll {
		// data.all gave a SQL job no execution parameters.
		l.params(p, q, placeholders(r.text), at)
	}
}

func (l *loader) statement(p string, q *Query) {
	name := q.Config.PreparedStatement
	at := p + ".config.prepared_statement"
	if name == "" {
		l.errorf(p+".config", "a prepared_statement job needs config.prepared_statement, the statement's name")
		return
	}
	if list := l.s.Config.Variables.List; l.s.Config.ConfigFileFormat == DataAll && len(list) > 0 {
		// data.all executed the statement with its variables written
		// into the query (athena_config_reader.py:173-179).
		q.statement, q.writes = name, true
		if it := l.c.Resource(name, PreparedStatementType); it != nil {
			q.statement = StatementName(l.c.Stack, it)
			q.writes = writes(it.Spec.(*PreparedStatementSpec).statement)
		}
		q.sql.format = executeFormat(q.statement, list)
		if len(list) > 1 && !l.warnedUsing {
			l.warnedUsing = true
			l.c.Warnf("config.variables", "the data.all blueprint wrote one {} for these %d variables (EXECUTE %s USING {}, engine/athena/athena_config_reader.py:88-93), and Step Functions refuses a States.Format with more arguments than {}; each variable gets its own {} here", len(list), name)
		}
		return
	}
	if it := l.c.Resource(name, PreparedStatementType); it != nil {
		ps := it.Spec.(*PreparedStatementSpec)
		q.statement = StatementName(l.c.Stack, it)
		if swg := workgroup(l.c.Stack, l.c.Index, ps.Workgroup()); swg != l.wg {
			l.errorf(at, "prepared statement %q is in workgroup %q, and this job runs in %q", name, swg, l.wg).Hint =
				"a statement can only be executed in its own workgroup: set the same workgroup on both"
		}
		if !ps.checked {
			return
		}
		q.writes = writes(ps.statement)
		l.params(p, q, placeholders(ps.statement), at)
		return
	}
	if other := l.c.Index.Resources[name]; other != nil {
		l.errorf(at, "prepared statement %q is a %s resource; expected %q", name, other.Type, PreparedStatementType)
		return
	}
	var candidates []string
	for n := range l.c.Index.Resources {
		if l.c.Resource(n, PreparedStatementType) != nil {
			candidates = append(candidates, n)
		}
	}
	if s := diag.Suggest(name, candidates); s != "" {
		l.errorf(at, "prepared statement %q is not defined in aws_resources", name).Hint = fmt.Sprintf("did you mean %q?", s)
		return
	}
	if !statementName.MatchString(name) {
		l.errorf(at, "%q is not a prepared statement name (letters, digits and _, not starting with a digit)", name)
		return
	}
	// An existing statement: its text, and so its placeholders, are
	// unknown here.
	q.statement = name
	q.writes = true
	l.params(p, q, -1, at)
}

// params chooses a query's execution parameters and checks them against
// its n ? placeholders (n < 0: unknown).
func (l *loader) params(p string, q *Query, n int, at string) {
	list := l.s.Config.Variables.List
	source := "the step's config.variables"
	if q.Config.Parameters != nil {
		list = make([]param, len(q.Config.Parameters))
		for i, v := range q.Config.Parameters {
			switch v.(type) {
			case map[string]any, []any:
				l.errorf(fmt.Sprintf("%s.config.parameters[%d]", p, i), "an execution parameter must be a single value")
				return
			}
			list[i] = paramOf(v)
			if list[i].ref != "" {
				if err := engine.CheckPath(list[i].ref); err != nil {
					l.errorf(fmt.Sprintf("%s.config.parameters[%d]", p, i), "%v", err)
					return
				}
			}
		}
		source, at = "config.parameters", p+".config.parameters"
	} else if n == 0 {
		return // a variables list only fills queries with placeholders
	}
	switch {
	case n > 0 && len(list) == 0:
		l.errorf(at, "the query has %s and gets no execution parameters", plural(n, "? placeholder")).Hint =
			"give their values as a list in the step's config.variables, or in this job's config.parameters"
	case n >= 0 && len(list) != n:
		l.errorf(at, "the query has %s and gets %s from %s", plural(n, "? placeholder"), plural(len(list), "execution parameter"), source)
	default:
		q.params = list
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
