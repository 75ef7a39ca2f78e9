package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func printed(t *testing.T, src string, ctx Context) (string, []string) {
	t.Helper()
	res, diags := Render("config.yaml", []byte(src), ctx, t.TempDir(), env("HOME_X", "/home/x"))
	var ds []string
	for _, d := range diags.Sorted() {
		ds = append(ds, d.String())
	}
	if res == nil {
		return "", ds
	}
	return string(res.Text), ds
}

func TestRender(t *testing.T) {
	ctx := Context{"stage": "dev", "owner_name": "data", "team": "O'Brien & <team>", "items": []any{"a", "b"},
		"cfg": map[string]any{"size": 3}}
	tests := []struct {
		name, src, want string
		diags           []string
	}{
		{"values are inserted without HTML escaping", "t: {{ team }}\n", "t: O'Brien & <team>\n", nil},
		{"runtime references pass through", "a: $.x\nb: $$.Execution.Id\nc: \"$[1:]\"\nd: \"$[0,-1]\"\ne: States.Format('{}', $.a)\n",
			"a: $.x\nb: $$.Execution.Id\nc: \"$[1:]\"\nd: \"$[0,-1]\"\ne: States.Format('{}', $.a)\n", nil},
		{"an undefined variable names itself and a near one", "owner: {{ owner }}\n", "owner: \n",
			[]string{`config.yaml:1:11: undefined variable "owner" (did you mean "owner_name"?)`}},
		{"an undefined variable with nothing near", "x: {{ zebra }}\n", "x: \n",
			[]string{`config.yaml:1:7: undefined variable "zebra" (set it in variables.yaml or with --var zebra=…)`}},
		{"every undefined variable is reported, and renders empty so the rest is checked", "a: {{ p }}\n{% if q %}\nb: 1\n{% endif %}\n", "a: \n\n",
			[]string{`config.yaml:1:7: undefined variable "p" (set it in variables.yaml or with --var p=…)`, `config.yaml:2:7: undefined variable "q" (set it in variables.yaml or with --var q=…)`}},
		{"a default filter makes a variable optional", "a: {{ missing|default:'x' }}\nb: {{ missing.deep|default:stage }}\n", "a: x\nb: dev\n", nil},
		{"loop and with variables are defined inside their block", "{% for i in items %}{{ i }}{{ forloop.Counter }}{% endfor %}\n{% with n=cfg.size %}{{ n }}{% endwith %}\n", "a1b2\n3\n", nil},
		{"a loop variable is undefined after the loop", "{% for i in items %}{% endfor %}{{ i }}\n", "\n",
			[]string{`config.yaml:1:36: undefined variable "i" (set it in variables.yaml or with --var i=…)`}},
		{"set defines a variable for the rest", "{% set x = stage %}v: {{ x }}\n", "v: dev\n", nil},
		{"attributes and filters are not variables", "v: {{ cfg.size|add:1 }} {{ stage|upper }}\n", "v: 4 DEV\n", nil},
		{"the yaml filter quotes what would break YAML", "v: {{ 'a: b # c'|yaml }}\nl: {{ items|yaml }}\n", "v: \"a: b # c\"\nl: [\"a\",\"b\"]\n", nil},
		{"env_var reads the environment", "h: {{ env_var('HOME_X') }}\nd: {{ env_var('NOPE', 'fallback') }}\n", "h: /home/x\nd: fallback\n", nil},
		{"env_var of an unset variable", "h: {{ env_var('NOPE') }}\n", "",
			[]string{`config.yaml:1:7: template: environment variable NOPE is not set; give a default with env_var("NOPE", "value")`}},
		{"s3_ls needs the network, so it is refused", "x: {{ s3_ls('bucket') }}\n", "",
			[]string{`config.yaml:1:7: template: s3_ls would list S3 at synth time, and synth is hermetic (no network): list the objects in variables.yaml instead`}},
		{"ls outside the repo", "x: {{ ls('../') }}\n", "",
			[]string{`config.yaml:1:7: template: ls("../"): the directory must be inside the repo`}},
		{"a syntax error is placed on its line", "a: 1\nb: {% if stage == 'dev' %}x\n", "",
			[]string{`config.yaml:2:4: template: {% if %} is never closed (add {% endif %})`}},
		{"a stray end tag", "a: 1\n{% endfor %}\n", "",
			[]string{`config.yaml:2:1: template: {% endfor %} closes nothing`}},
		{"a mismatched end tag", "{% for i in items %}\n{% endif %}\n", "",
			[]string{`config.yaml:2:1: template: {% endif %} closes {% for %} of line 1 (write {% endfor %})`}},
		{"an unknown tag", "a: {% frobnicate %}\n", "",
			[]string{`config.yaml:1:7: template: Tag 'frobnicate' not found (or beginning tag not provided)`}},
		{"a literal block tag is written with templatetag", "e: \"{% templatetag openblock %} $states.input {% templatetag closeblock %}\"\n", "e: \"{% $states.input %}\"\n", nil},
		{"a literal block tag inside verbatim", "e: \"{% verbatim %}{% $states.input %}{% endverbatim %}\"\n", "e: \"{% $states.input %}\"\n", nil},
		{"Jinja's raw block, as data.all configs write it", "e: \"{% raw %}{{ x }} {% $states.input %}{% endraw %}\"\n", "e: \"{{ x }} {% $states.input %}\"\n", nil},
		{"Jinja's filter call with one argument", "o: {{ owner | default('data') }}\nn: {{ cfg.size|default(1) }}\n", "o: data\nn: 3\n", nil},
		{"Jinja's loop variables", "l: {% for i in items %}{{ loop.index }}{{ i }}{% if not loop.last %},{% endif %}{% endfor %}\n", "l: 1a,2b\n", nil},
		{"Jinja's filter names", "t: {{ ' x '|trim }}{{ '7'|int }}{{ 3|string }}\n", "t: x73\n", nil},
		{"Jinja idioms inside raw are left alone", "r: \"{% raw %}{{ a | default('b') }} {{ loop.index }}{% endraw %}\"\n", "r: \"{{ a | default('b') }} {{ loop.index }}\"\n", nil},
		{"raw with whitespace control", "e: \"a  {%- raw -%}  {{ x }}  {%- endraw %} b\"\n", "e: \"a{{ x }} b\"\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := printed(t, tt.src, ctx)
			assert.Equal(t, tt.diags, diags)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestTheYAMLFilterRoundTrips(t *testing.T) {
	for _, v := range []string{"a: b", "# not a comment", "it's", `say "hi"`, "line\nbreak", "- dash", "@at", "{x}"} {
		got, diags := printed(t, "v: {{ value|yaml }}\n", Context{"value": v})
		require.Empty(t, diags)
		var back map[string]string
		require.NoError(t, yaml.Unmarshal([]byte(got), &back), got)
		assert.Equal(t, v, back["v"])
	}
}

func TestLineMapTracesRenderedLinesToTheTemplate(t *testing.T) {
	src := strings.Join([]string{
		"name: p",                   // 1
		"{% if stage == 'prod' %}",  // 2
		"big: true",                 // 3
		"{% elif stage == 'dev' %}", // 4
		"small: true",               // 5
		"{% endif %}",               // 6
		"items:",                    // 7
		"{% for i in items %}",      // 8
		"  - {{ i }}",               // 9
		"{% endfor %}",              // 10
		"last: 1",                   // 11
	}, "\n") + "\n"
	res, diags := Render("config.yaml", []byte(src), Context{"stage": "dev", "items": []any{"a", "b", "c"}}, ".", env())
	require.Empty(t, diags)
	plain := strings.ReplaceAll(string(res.Text), "\n\n", "\n")
	assert.Equal(t, "name: p\nsmall: true\nitems:\n  - a\n  - b\n  - c\nlast: 1\n", strings.TrimLeft(plain, "\n"))
	lines := strings.Split(strings.TrimSuffix(string(res.Text), "\n"), "\n")
	require.Len(t, res.LineMap, len(lines))
	for i, l := range lines {
		switch {
		case l == "small: true":
			assert.Equal(t, 5, res.LineMap[i])
		case strings.HasPrefix(l, "  - "):
			assert.Equal(t, 9, res.LineMap[i])
		case l == "last: 1":
			assert.Equal(t, 11, res.LineMap[i])
		}
	}
}

func TestMarkersDoNotChangeTheOutput(t *testing.T) {
	for _, src := range []string{
		"a: 1\n{%- if true %}\nb: 2\n{% endif -%}\n   c: 3\n",
		"{% comment %}\na {{ x }}\n{% endcomment %}\nz: 1\n",
	} {
		res, diags := Render("c.yaml", []byte(src), Context{"stage": "dev"}, ".", env())
		require.Empty(t, diags, src)
		configure()
		plain := mustPlain(t, src, Context{"stage": "dev"})
		assert.Equal(t, plain, string(res.Text), src)
	}
}

func TestBuildContext(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), []byte(
		"model_name: iris\ninstance: ml.m5.large\nstages:\n  dev: {}\n  prod:\n    instance: ml.m5.2xlarge\n  test:\n"), 0o644))
	ctx, diags := BuildContext(ContextOptions{RepoDir: dir, PipelineName: "my pipeline",
		LookupEnv: env("STAGE", "prod", "AWSREGION", "eu-west-1", "AWS_DEFAULT_REGION", "us-east-1", "SAML_GROUP", "team", "BUCKET_NAME", "b")})
	require.Empty(t, diags)
	assert.Equal(t, Context{"stage": "prod", "aws_region": "eu-west-1", "pipeline_name": "my pipeline", "saml_group": "team",
		"pipeline_bucket": "b", "model_name": "iris", "instance": "ml.m5.2xlarge"}, ctx)

	ctx, diags = BuildContext(ContextOptions{RepoDir: dir, Stage: "dev", Vars: map[string]string{"model_name": "other"},
		LookupEnv: env("STAGE", "prod", "PIPELINE_NAME", "from-env")})
	require.Empty(t, diags)
	assert.Equal(t, "dev", ctx["stage"], "--stage wins over STAGE")
	assert.Equal(t, "other", ctx["model_name"], "--var wins over variables.yaml")
	assert.Equal(t, "ml.m5.large", ctx["instance"])
	assert.Equal(t, "from-env", ctx["pipeline_name"])

	_, diags = BuildContext(ContextOptions{RepoDir: dir, Stage: "prd", LookupEnv: env()})
	require.Len(t, diags, 1)
	assert.Equal(t, `variables.yaml:3:1: stages: unknown stage "prd" (did you mean "prod"?)`, diags[0].String())
	_, diags = BuildContext(ContextOptions{RepoDir: dir, Stage: "qa", LookupEnv: env()})
	assert.Equal(t, `variables.yaml:3:1: stages: unknown stage "qa" (the stages are "dev", "prod" or "test")`, diags[0].String())

	ctx, diags = BuildContext(ContextOptions{RepoDir: t.TempDir(), LookupEnv: env()})
	assert.Empty(t, diags, "variables.yaml is optional")
	assert.Equal(t, Context{"stage": "test"}, ctx)
}

// TestBuildContextOfVersion1 is the context task_group_reader.py:62-91 made.
func TestBuildContextOfVersion1(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), []byte("model_name: iris\nstages:\n  dev: {}\n"), 0o644))
	ctx, diags := BuildContext(ContextOptions{RepoDir: dir, PipelineName: "my pipeline", V1: true,
		LookupEnv: env("AWS_DEFAULT_REGION", "us-east-1", "PIPELINE_NAME", "p", "SAML_GROUP", "Team", "ECR_REPOSITORY", "")})
	require.Empty(t, diags)
	assert.Equal(t, Context{"stage": "TEST", "saml_group": "None", "ecr_repository": "", "model_name": "iris",
		"stages": map[string]any{"dev": map[string]any{}}}, ctx)

	ctx, diags = BuildContext(ContextOptions{RepoDir: dir, V1: true, Stage: "qa",
		LookupEnv: env("STAGE", "prod", "AWSREGION", "eu-west-1", "ORIGIN_PIPELINE_NAME", "o", "SAML_GROUP", "Team", "saml_group", "team")})
	require.Empty(t, diags, "a stage outside stages: is no error: stages is an ordinary variable")
	assert.Equal(t, "qa", ctx["stage"])
	assert.Equal(t, "eu-west-1", ctx["aws_region"])
	assert.Equal(t, "o", ctx["pipeline_name"])
	assert.Equal(t, "team", ctx["saml_group"])
}

// TestS3LsIsRefusedAtItsPlaceInVersion1: the old helper listed S3 while
// rendering; synth is hermetic, so it is a diagnostic that says why.
func TestS3LsIsRefusedAtItsPlaceInVersion1(t *testing.T) {
	_, diags := RenderV1("config.yaml", []byte("a: 1\nparts: {{ s3_ls('bucket', 'raw') }}\n"), Context{}, t.TempDir(), env())
	require.Len(t, diags, 1)
	assert.Equal(t, `config.yaml:2:11: template: s3_ls would list S3 at synth time, and synth is hermetic (no network): list the objects in variables.yaml instead`, diags[0].String())
}

func TestBadVariablesFiles(t *testing.T) {
	for body, want := range map[string]string{
		"a: [1\n":               "variables.yaml:1:4: invalid YAML: did not find expected ',' or ']'",
		"- a\n":                 "variables.yaml:1:1: must be a mapping of variable names to values",
		"stages: [dev, prod]\n": "variables.yaml:1:9: stages: must map each stage name to its variables, e.g. stages: {dev: {instance_type: ml.m5.large}}",
		"stages:\n  dev:\n    size: 1\n     owner: data\n": `variables.yaml:4:6: invalid YAML: "owner" is indented 1 space more than "size" (line 3) (indentation: move it 1 space left, to column 5, with "size")`,
		"owner: a\nowner: b\n":                             "variables.yaml:2:1: owner: duplicate variable \"owner\" (first set on line 1; only one value can win)",
		"stages:\n  test: {x: 1, x: 2}\n":                  "variables.yaml:2:9: stages.test: duplicate key \"x\" on line 2 (first set on line 2)",
	} {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "variables.yaml"), []byte(body), 0o644))
		_, diags := BuildContext(ContextOptions{RepoDir: dir, LookupEnv: env()})
		require.Len(t, diags, 1, body)
		assert.Equal(t, want, diags[0].String())
	}
}

// FuzzRender: whatever the template, Render returns a result or
// diagnostics, never a panic.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"name: {{ stage }}\n", "{% for i in items %}{{ i }}{% endfor %}", "{% if x %}", "{{ a|default:'b' }}",
		"{% with a=1 %}{{ a }}{% endwith %}", "{# c #}", "{% verbatim %}{{ x }}{% endverbatim %}", "{{ env_var('X') }}",
		"{% macro m(a, b=1) %}{{ a }}{% endmacro %}{{ m(1) }}", "\x1e3\x1f", "{{ ls('.') }}", "{%- set x = 1 -%}{{ x }}",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src string) {
		res, diags := Render("f.yaml", []byte(src), Context{"stage": "dev", "items": []any{1, 2}}, dir, env())
		if res == nil && !diags.HasErrors() {
			t.Fatalf("no result and no error for %q", src)
		}
		if res != nil && strings.ContainsAny(string(res.Text), markOpen+markClose) && !strings.ContainsAny(src, markOpen+markClose) {
			t.Fatalf("marker leaked into the output of %q", src)
		}
	})
}

func BenchmarkRender500Jobs(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("name: big-{{ stage }}\ngroups:\n")
	for g := 0; g < 100; g++ {
		sb.WriteString("  - name: G" + strings.Repeat("x", g%3) + "{{ forloop_none|default:'' }}\n    jobs:\n")
		for j := 0; j < 5; j++ {
			sb.WriteString("      - name: J\n        type: sns_publish\n        config: {topic_name: t-{{ stage }}, message: \"{{ stage }}\"}\n")
		}
	}
	src := []byte(sb.String())
	ctx := Context{"stage": "dev"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, d := Render("c.yaml", src, ctx, ".", env()); d.HasErrors() {
			b.Fatal(d)
		}
	}
}

// mustPlain renders src with pongo2 alone, for comparison.
func mustPlain(t *testing.T, src string, ctx Context) string {
	t.Helper()
	tpl, err := pongo2FromString(src)
	require.NoError(t, err)
	out, err := tpl.Execute(toPongo(ctx))
	require.NoError(t, err)
	return out
}

// TestTheLogicalIDFilterIsLogicalID: migrate writes logical IDs that
// depend on the pipeline name with the logical_id filter.
func TestTheLogicalIDFilterIsLogicalID(t *testing.T) {
	src := `id: {{ "jobdefinition"|add:pipeline_name|add:"/Resource"|logical_id }}`
	res, diags := Render("c.yaml", []byte(src), Context{"pipeline_name": "image_jobs"}, ".", env())
	require.False(t, diags.HasErrors(), "%v", diags)
	// CDK's id for jobdefinitionimage_jobs/Resource (tests check
	// LogicalID against CDK).
	assert.Equal(t, "id: jobdefinitionimagejobs0FF62B7C", string(res.Text))
}
