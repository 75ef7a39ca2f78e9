package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repoWith writes files (path → content) into a new repo.
func repoWith(t *testing.T, files map[string]string) string {
	t.Helper()
	repo := t.TempDir()
	for p, c := range files {
		full := filepath.Join(repo, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(c), 0o644))
	}
	return repo
}

func renderIn(t *testing.T, repo, file, src string) (string, []string) {
	t.Helper()
	res, diags := Render(file, []byte(src), Context{"stage": "dev"}, repo, env())
	var ds []string
	for _, d := range diags.Sorted() {
		ds = append(ds, d.String())
	}
	if res == nil {
		return "", ds
	}
	return string(res.Text), ds
}

func TestTemplatesReadOnlyFilesOfTheRepo(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(outside, []byte("root:x:0:0\n"), 0o644))
	repo := repoWith(t, map[string]string{
		"parts/job.yaml":    "job: {% include \"name.txt\" %}",
		"parts/name.txt":    "{{ stage }}-etl",
		"parts/macros.yaml": "{% macro tag(n) export %}t-{{ n }}{% endmacro %}",
		"base.yaml":         "a: 1\n{% block rest %}{% endblock %}\n",
		"sql/q.sql":         "select {% include \"../parts/name.txt\" %}",
	})
	require.NoError(t, os.Symlink(outside, filepath.Join(repo, "parts", "link")))
	const hint = " (include, import, extends and ssi read files of the repo, by a path relative to the including file)"
	abs := func(at, p string) []string {
		return []string{at + ` template: "` + p + `" is an absolute path: a template may only read files of the repo, by a path relative to itself` + hint}
	}
	tests := []struct {
		name, file, src, want string
		diags                 []string
	}{
		{"an include is relative to the including file, and nests", "config.yaml", "{% include \"parts/job.yaml\" %}\n", "job: dev-etl\n", nil},
		{"a file in a folder includes relative to its folder", "sql/q.sql", "{% include \"q2.sql\" %}", "",
			[]string{`sql/q.sql:1:12: template: "sql/q2.sql": no such file in the repo` + hint}},
		{"import reads macros of the repo", "config.yaml", "{% import \"parts/macros.yaml\" tag %}x: {{ tag(stage) }}\n", "x: t-dev\n", nil},
		{"extends reads a base of the repo", "config.yaml", "{% extends \"base.yaml\" %}{% block rest %}b: 2{% endblock %}", "a: 1\nb: 2\n", nil},
		{"ssi reads a file of the repo", "config.yaml", "x: {% ssi \"parts/name.txt\" %}\n", "x: {{ stage }}-etl\n", nil},
		{"ssi parsed renders it", "config.yaml", "x: {% ssi \"parts/name.txt\" parsed %}\n", "x: dev-etl\n", nil},
		{"an absolute include is refused", "config.yaml", "a: 1\nb: {% include \"/etc/passwd\" %}\n", "", abs("config.yaml:2:15:", "/etc/passwd")},
		{"a home path is refused", "config.yaml", "b: {% include \"~/.aws/credentials\" %}\n", "", abs("config.yaml:1:15:", "~/.aws/credentials")},
		{"dot-dot out of the repo is refused", "config.yaml", "b: {% include \"../../../../etc/passwd\" %}\n", "",
			[]string{`config.yaml:1:15: template: "../../../../etc/passwd" leads outside the repo` + hint}},
		{"a symlink leading out is refused", "config.yaml", "b: {% include \"parts/link\" %}\n", "",
			[]string{`config.yaml:1:15: template: "parts/link" is a symlink leading outside the repo` + hint}},
		{"ssi of an absolute path is refused", "config.yaml", "b: {% ssi \"/etc/passwd\" %}\n", "", abs("config.yaml:1:11:", "/etc/passwd")},
		{"import of an absolute path is refused", "config.yaml", "{% import \"/etc/passwd\" x %}\n", "", abs("config.yaml:1:4:", "/etc/passwd")},
		{"extends of a path out of the repo is refused", "config.yaml", "{% extends \"../x.yaml\" %}\n", "",
			[]string{`config.yaml: template: "../x.yaml" leads outside the repo` + hint}},
		{"a refusal inside an included file is placed in that file", "config.yaml", "{% include \"parts/bad.yaml\" %}", "", abs("parts/bad.yaml:2:12:", "/etc/passwd")},
	}
	require.NoError(t, os.WriteFile(filepath.Join(repo, "parts", "bad.yaml"), []byte("\n{% include \"/etc/passwd\" %}"), 0o644))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := renderIn(t, repo, tt.file, tt.src)
			assert.Equal(t, tt.diags, diags)
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, "root:x")
		})
	}
}

func TestTemplatesStopWithinBudget(t *testing.T) {
	defer func(n int) { MaxSteps = n }(MaxSteps)
	MaxSteps = 10_000
	repo := repoWith(t, map[string]string{"self.yaml": "x{% include \"self.yaml\" %}",
		"m.yaml": "{% macro a(n) export %}{{ a(n) }}{% endmacro %}"})
	tests := []struct {
		name, src string
		diags     []string
	}{
		{"a macro calling itself forever", "a: 1\n{% macro r(n) %}{{ r(n) }}{% endmacro %}{{ r(1) }}\n",
			[]string{`config.yaml:2:1: template: macro r nests deeper than 100 calls (a macro that calls itself must stop: call it again only inside an {% if %} that becomes false)`}},
		{"an imported macro calling itself", "{% import \"m.yaml\" a %}\nx: {{ a(1) }}\n",
			[]string{`m.yaml:1:1: template: macro a nests deeper than 100 calls (a macro that calls itself must stop: call it again only inside an {% if %} that becomes false)`}},
		{"a macro calling itself twice per call", "{% macro r(n) %}{% if n < 90 %}{{ r(n+1) }}{{ r(n+1) }}{% endif %}{% endmacro %}{{ r(1) }}\n",
			[]string{`config.yaml:1:1: template: more than 10000 loop iterations and macro calls (a config template should do far less work; compute large lists in variables.yaml)`}},
		{"nested loops past the budget", "{% with l=\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" %}\n{% for a in l %}{% for b in l %}{% for c in l %}{% endfor %}{% endfor %}{% endfor %}{% endwith %}\n",
			[]string{`config.yaml:2:17: template: more than 10000 loop iterations and macro calls (a config template should do far less work; compute large lists in variables.yaml)`}},
		{"the template including itself", "a: {% include \"config.yaml\" %}",
			[]string{`config.yaml:1:15: template: more than 1000 includes, imports and extends in one template (does a file include itself?) (include, import, extends and ssi read files of the repo, by a path relative to the including file)`}},
		{"an expression nested past the parser's depth", "a: {{ " + strings.Repeat("(", 200000) + "1" + strings.Repeat(")", 200000) + " }}\n",
			[]string{`config.yaml:1:107: template: an expression nests deeper than 100 parentheses`}},
		{"a file including itself", "{% include \"self.yaml\" %}",
			[]string{`self.yaml:1:13: template: more than 1000 includes, imports and extends in one template (does a file include itself?) (include, import, extends and ssi read files of the repo, by a path relative to the including file)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := renderIn(t, repo, "config.yaml", tt.src)
			assert.Equal(t, tt.diags, diags)
		})
	}
}

func TestBoundedRecursionStillWorks(t *testing.T) {
	got, diags := renderIn(t, t.TempDir(), "config.yaml", "{% macro r(n) -%}\n{% if n < 5 %}{{ n }}{{ r(n+1) }}{% endif %}\n{%- endmacro %}x: {{ r(1) }}\n{% for i in \"ab\" -%}\n  {{ i }}\n{%- endfor %}\n")
	assert.Empty(t, diags)
	assert.Equal(t, "x: 1234\nab\n", got)
}

func TestGuardsKeepErrorColumns(t *testing.T) {
	_, diags := renderIn(t, t.TempDir(), "config.yaml", "{% for i in \"ab\" %}{{ i|nofilter }}{% endfor %}\n")
	require.Len(t, diags, 1)
	assert.True(t, strings.HasPrefix(diags[0], "config.yaml:1:25:"), diags[0])
}
