package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

type inner struct {
	Entry   string            `yaml:"entry" validate:"required"`
	Timeout int               `yaml:"timeout" validate:"omitempty,min=1,max=900"`
	Env     map[string]string `yaml:"environment"`
}

type common struct {
	Name string `yaml:"name" validate:"required"`
}

type spec struct {
	common   `yaml:",inline"`
	Kind     string   `yaml:"kind" validate:"omitempty,oneof=SPOT ON_DEMAND"`
	Attempts *int     `yaml:"retry_attempts" alias:"retry_attempt"`
	Ratio    float64  `yaml:"ratio"`
	On       bool     `yaml:"on"`
	Layers   []string `yaml:"layer_ref"`
	Config   inner    `yaml:"config"`
	Any      any      `yaml:"payload"`
}

func decode(t *testing.T, src string, out any) []string {
	t.Helper()
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(src), &n))
	d := NewDecoder(NewSource("c.yaml", []byte(src), []byte(src), nil))
	d.Decode(&n, out, "x")
	d.Check(out, "x")
	var got []string
	for _, dg := range d.Diags.Sorted() {
		got = append(got, dg.String())
	}
	return got
}

func TestDecodeReportsEveryProblemAtItsPosition(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"a valid spec decodes without findings", "name: a\nconfig:\n  entry: e\n  timeout: 30\n", nil},
		{"an unknown key gets a suggestion", "name: a\nconfig:\n  entyr: e\n  entry: e\n",
			[]string{`c.yaml:3:3: x.config.entyr: unknown key "entyr" (did you mean "entry"?)`}},
		{"an unknown key without a near one lists the known keys", "name: a\nzzz: 1\nconfig: {entry: e}\n",
			[]string{`c.yaml:2:1: x.zzz: unknown key "zzz" (known keys: config, kind, layer_ref, name, on, payload, ratio, retry_attempts)`}},
		{"a duplicate key is reported with the first line", "name: a\nname: b\nconfig: {entry: e}\n",
			[]string{`c.yaml:2:1: x.name: duplicate key "name" (first set on line 1)`}},
		{"a missing required key is reported at its parent", "name: a\nconfig:\n  timeout: 3\n",
			[]string{`c.yaml:3:3: x.config.entry: is required`}},
		{"a word where a number belongs", "name: a\nconfig: {entry: e, timeout: soon}\n",
			[]string{`c.yaml:2:29: x.config.timeout: must be a whole number; got "soon"`}},
		{"a number out of range", "name: a\nconfig: {entry: e, timeout: 901}\n",
			[]string{`c.yaml:2:29: x.config.timeout: must be at most 900; got 901`}},
		{"a value outside an enum", "name: a\nkind: spot\nconfig: {entry: e}\n",
			[]string{`c.yaml:2:7: x.kind: must be one of "SPOT" or "ON_DEMAND"; got "spot"`}},
		{"a list where a mapping belongs", "name: a\nconfig: [1]\n",
			[]string{`c.yaml:2:9: x.config: must be a mapping of keys to values; got a list`}},
		{"a mapping where a list belongs", "name: a\nlayer_ref: {a: b}\nconfig: {entry: e}\n",
			[]string{`c.yaml:2:12: x.layer_ref: must be a list; got a mapping`}},
		{"a word where a boolean belongs", "name: a\non: perhaps\nconfig: {entry: e}\n",
			[]string{`c.yaml:2:5: x.on: must be true or false; got "perhaps"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s spec
			assert.Equal(t, tt.want, decode(t, tt.src, &s))
		})
	}
}

func TestDecodeFillsValuesAndKeepsDefaults(t *testing.T) {
	s := spec{Config: inner{Timeout: 60}}
	got := decode(t, "name: a\nretry_attempt: 4\nratio: 1.5\non: \"true\"\nlayer_ref: [x, y]\npayload: {k: [1, 2]}\nconfig:\n  entry: e\n  environment: {A: \"1\"}\n", &s)
	assert.Nil(t, got)
	assert.Equal(t, "a", s.Name)
	require.NotNil(t, s.Attempts)
	assert.Equal(t, 4, *s.Attempts)
	assert.Equal(t, 1.5, s.Ratio)
	assert.True(t, s.On)
	assert.Equal(t, []string{"x", "y"}, s.Layers)
	assert.Equal(t, map[string]any{"k": []any{1, 2}}, s.Any)
	assert.Equal(t, 60, s.Config.Timeout, "an absent key keeps its default")
	assert.Equal(t, map[string]string{"A": "1"}, s.Config.Env)
}

func TestDecodeAcceptsNumbersWhereStringsAreExpected(t *testing.T) {
	var s struct {
		Version string `yaml:"version"`
	}
	assert.Nil(t, decode(t, "version: 1.2\n", &s))
	assert.Equal(t, "1.2", s.Version)
}

func TestPositionsMapToTheTemplateLine(t *testing.T) {
	tmpl := "{% if x %}\nname: a\n{% endif %}\nbad: 1\n"
	rendered := "name: a\nbad: 1\n"
	src := NewSource("c.yaml", []byte(tmpl), []byte(rendered), []int{2, 4})
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(rendered), &n))
	d := NewDecoder(src)
	var s struct {
		Name string `yaml:"name"`
	}
	d.Decode(&n, &s, "")
	require.Len(t, d.Diags, 1)
	assert.Equal(t, `c.yaml:4:1: bad: unknown key "bad" (known keys: name)`, d.Diags[0].String())
	assert.Empty(t, d.Diags[0].Source, "the template line reads the same, so no source line is shown")
}

func TestKeyPathsListsNestedKeys(t *testing.T) {
	assert.Equal(t, []string{"config.entry", "config.environment", "config.timeout", "kind", "layer_ref", "name", "on", "payload", "ratio", "retry_attempts"}, KeyPaths(&spec{}))
}

func TestAnEmptyListEntryIsReported(t *testing.T) {
	var p Pipeline
	assert.Equal(t, []string{`c.yaml:3:4: x.groups[0]: is an empty entry (remove the "-" or fill in the entry)`}, decode(t, "name: n\ngroups:\n  -\n", &p))
}
