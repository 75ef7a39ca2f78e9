package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/cmd"
	"github.com/blueprint-dev/blueprint/engines"
)

// compiled compiles one of blueprint's JSON Schemas with a real validator
// (santhosh-tekuri/jsonschema, draft 2020-12), which also checks that the
// schema itself is valid.
func compiled(t *testing.T, kind string, version int) *jsonschema.Schema {
	t.Helper()
	raw, err := cmd.Schema(engines.Registry(), kind, version)
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	url := "file:///" + kind + ".json"
	require.NoError(t, c.AddResource(url, doc))
	s, err := c.Compile(url)
	require.NoError(t, err, "the %s schema compiles", kind)
	return s
}

// asJSON turns YAML (or JSON) text into the validator's values.
func asJSON(t *testing.T, text []byte) any {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(text, &v))
	b, err := json.Marshal(v)
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	return doc
}

// repos are the pipelines the schema must accept: this repo, every
// example, the all-types config.
func repos(t *testing.T) []string {
	dirs := []string{".."}
	entries, err := os.ReadDir("../examples")
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join("..", "examples", e.Name()))
		}
	}
	return append(dirs, allTypes)
}

// TestEveryConfigValidatesAgainstTheSchema: the rendered config of every
// repo, for every stage it has, against the schema of its format version;
// its variables.yaml, job YAMLs and state machine cases against theirs.
func TestEveryConfigValidatesAgainstTheSchema(t *testing.T) {
	byVersion := map[int]*jsonschema.Schema{1: compiled(t, "config", 1), 2: compiled(t, "config", 2)}
	others := map[string]*jsonschema.Schema{}
	for _, k := range []string{"variables", "glue-job", "athena-job", "test-case"} {
		others[k] = compiled(t, k, 0)
	}
	n := 0
	for _, dir := range repos(t) {
		stacks, diags := config.Load(config.LoadOptions{RepoDir: dir, Stage: "dev", LookupEnv: codeBuild})
		require.False(t, diags.HasErrors(), "%s: %v", dir, diags)
		for _, st := range stacks {
			version := st.Pipeline.Version.Number()
			err := byVersion[version].Validate(asJSON(t, st.Source.Rendered))
			assert.NoError(t, err, "%s/%s", dir, st.Source.Path)
			n++
		}
		check := func(kind, pattern string, keep func([]byte) bool) {
			files, _ := filepath.Glob(filepath.Join(dir, pattern))
			for _, f := range files {
				raw, err := os.ReadFile(f)
				require.NoError(t, err)
				if keep != nil && !keep(raw) {
					continue
				}
				assert.NoError(t, others[kind].Validate(asJSON(t, raw)), f)
				n++
			}
		}
		jobYAML := func(b []byte) bool { return bytes.Contains(b, []byte("steps:")) }
		check("variables", "variables.yaml", nil)
		check("glue-job", "customcode/glue/glue_jobs/*.yaml", jobYAML)
		check("athena-job", "customcode/athena/athena_jobs/*.yaml", jobYAML)
		check("test-case", "tests/sfn/*.json", nil)
	}
	assert.Greater(t, n, 15)
}

// TestTheSchemaRejectsKeyTypeAndEnumMistakes: the mistakes of the
// bad-input table that a schema can see, each in the default pipeline.
func TestTheSchemaRejectsKeyTypeAndEnumMistakes(t *testing.T) {
	s := compiled(t, "config", 2)
	stacks, diags := config.Load(config.LoadOptions{RepoDir: "..", Stage: "dev", LookupEnv: codeBuild})
	require.False(t, diags.HasErrors(), "%v", diags)
	good := string(stacks[0].Source.Rendered)
	require.NoError(t, s.Validate(asJSON(t, []byte(good))))
	tests := []struct{ name, from, to, want string }{
		{"an unknown top-level key", "properties:\n", "propertys: {}\nproperties:\n", "propertys"},
		{"an unknown key of a step's config", "          index: handler.py\n", "          indx: handler.py\n", "indx"},
		{"an unknown step type", "        type: sns_publish\n", "        type: sns_publsh\n", "value must be one of 'athena_query', 'batch'"},
		{"a number where a whole number goes", "  timeout: 1800\n", "  timeout: 18.5\n", "integer"},
		{"a string where a number goes", "  timeout: 1800\n", "  timeout: half an hour\n", "integer"},
		{"a value out of range", "                      memory: 1024\n", "                      memory: 64\n", "minimum"},
		{"a value outside its enum", "      bundle_type: custom\n", "      bundle_type: docker\n", "docker"},
		{"a job without its name", "      - name: AnnounceStart\n        type: sns_publish\n", "      - type: sns_publish\n", "name"},
		{"a choice's unknown key", "        default:\n", "        otherwise:\n", "otherwise"},
		{"the wrong format version", "version: 2\n", "version: 3\n", "version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, good, tt.from)
			err := s.Validate(asJSON(t, []byte(strings.Replace(good, tt.from, tt.to, 1))))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestTemplatedValuesPassTheSchema: an editor sees the config before it
// is rendered; a templated value stands for whatever it renders to.
func TestTemplatedValuesPassTheSchema(t *testing.T) {
	s := compiled(t, "config", 2)
	config := `version: 2
name: "{{ pipeline_name }}"
properties:
  timeout: "{{ timeout }}"
aws_resources:
  - name: layer
    type: lambda_layer
    config:
      layer_entry: customcode/lambda_layers/x
      bundle_type: "{{ bundle }}"
groups:
  - name: G
    jobs:
      - name: F
        type: lambda_function
        config:
          entry: customcode/lambda_functions/f
          memory: "{{ memory }}"
          layer_ref: "{{ layers|yaml }}"
          environment:
            STAGE: "{{ stage }}"
`
	assert.NoError(t, s.Validate(asJSON(t, []byte(config))))
	bad := strings.Replace(config, `memory: "{{ memory }}"`, `memory: "lots"`, 1)
	assert.Error(t, s.Validate(asJSON(t, []byte(bad))), "a plain string is not a template")
}

// TestAScaffoldedRepoNamesItsSchemas: init writes the schemas and points
// the editor at them, and the new repo's files, templates unrendered,
// pass them.
func TestAScaffoldedRepoNamesItsSchemas(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "orders")
	code, out := blueprint(t, "init", dir)
	require.Equal(t, 0, code, out)
	settings, err := os.ReadFile(filepath.Join(dir, ".vscode", "settings.json"))
	require.NoError(t, err)
	assert.Contains(t, string(settings), `"./schemas/config.schema.json": [`)
	for file, kind := range map[string]string{"config.yaml": "config", "variables.yaml": "variables", "tests/sfn/pipeline.json": "test-case"} {
		raw, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err)
		if kind != "test-case" {
			first, _, _ := strings.Cut(string(raw), "\n")
			require.Equal(t, "# yaml-language-server: $schema=./schemas/"+kind+".schema.json", first)
		}
		schemaFile := filepath.Join(dir, "schemas", kind+".schema.json")
		doc, err := os.ReadFile(schemaFile)
		require.NoError(t, err)
		parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
		require.NoError(t, err)
		c := jsonschema.NewCompiler()
		require.NoError(t, c.AddResource("file:///"+kind+".json", parsed))
		s, err := c.Compile("file:///" + kind + ".json")
		require.NoError(t, err)
		assert.NoError(t, s.Validate(asJSON(t, raw)), file)
	}
}

// TestTheGlueJobSchemaChecksEachHandlersConfig: a built-in handler's
// config is held to its keys; a repo's own handler's is left open.
func TestTheGlueJobSchemaChecksEachHandlersConfig(t *testing.T) {
	s := compiled(t, "glue-job", 0)
	ok := "steps:\n  - {name: q, type: sql, config: {file: q.sql, output: db.t}}\n  - {name: c, type: my_handler, config: {anything: 1}}\n"
	assert.NoError(t, s.Validate(asJSON(t, []byte(ok))))
	for _, bad := range []string{
		"steps:\n  - {name: q, type: sql, config: {file: q.sql, outptu: db.t}}\n",
		"steps:\n  - {name: q, type: sql, config: {output: db.t}}\n",
		"steps:\n  - {name: a, type: assertion, config: {sql: select 1, sign: sometimes}}\n",
	} {
		assert.Error(t, s.Validate(asJSON(t, []byte(bad))), bad)
	}
}
