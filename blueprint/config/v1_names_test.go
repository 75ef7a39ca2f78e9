package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const namesV1 = `name: Iris pipeline
aws_resources:
  - name: cycles_table
    type: dynamodb
    config:
      partition_key: {name: id, type: string}
  - name: alerts
    type: sns_topic
  - name: wg
    type: athena_workgroup
    config: {query_result_location: "s3://b/r/"}
  - name: models
    type: sagemaker_model_package_group
  - name: fn
    type: lambda_function
    config: {entry: src}
groups:
  - name: G
    jobs:
      - name: Step
        type: lambda_function
        config: {entry: src}
      - name: a_lambda_step_name_longer_than_38_chars
        type: lambda_function
        config: {entry: src}
`

// TestV1Names: the translation writes the data.all blueprint's physical
// names and logical IDs as physical_name and logical_id, from the names
// the stack is synthesized with: the pipeline name with the stage, as
// data.all set PIPELINE_NAME (here the config's name, made fit for AWS).
func TestV1Names(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(namesV1), 0o644))
	stacks, diags := Load(LoadOptions{RepoDir: dir, Stage: "dev", LookupEnv: func(string) (string, bool) { return "", false }})
	require.Len(t, stacks, 1, "%v", diags)
	p := stacks[0].Pipeline
	field := func(it *Item, key string) string {
		if n := it.Field(key); n != nil {
			return n.Value
		}
		return ""
	}
	want := []struct{ physical, logical string }{
		{"cycles_table-dev", LogicalID("dynamodbtablecycles_table", "Resource")},
		{"alerts-Iris-pipeline-dev", LogicalID("alerts-SNS", "Resource")},
		{"wg", "athenaworkgroupwg"},
		{"models", ""},
		{"fn-Iris-pipeline-dev", ""},
	}
	for i, w := range want {
		it := p.Resources[i]
		assert.Equal(t, w.physical, field(it, "physical_name"), it.Name)
		assert.Equal(t, w.logical, field(it, "logical_id"), it.Name)
	}
	table := p.Resources[0].Field("config")
	for key, v := range map[string]string{"removal_policy": "destroy", "read_capacity": "5", "write_capacity": "5"} {
		assert.Equal(t, v, mapGet(table, key).Value, key)
	}
	assert.Equal(t, "Iris-pipeline-dev-Step", field(p.Groups[0].Jobs[0], "physical_name"))
	assert.Equal(t, "", field(p.Groups[0].Jobs[1], "physical_name"))

	var got []string
	for _, d := range stacks[0].Decoder.Diags.Sorted() {
		got = append(got, d.String())
	}
	assert.Contains(t, got, "config.yaml:12:11: warning: aws_resources[3].name: the data.all blueprint gave a model package group a new random logical ID at each synth (models followed by 4 random characters, engine/resource_task.py:937-940); set logical_id: to the one in the deployed stack so that deploying over it updates the group instead of failing on its name")
	assert.Contains(t, got, "config.yaml:23:15: warning: groups[0].jobs[1].name: the data.all blueprint refused a Lambda step name longer than 38 characters (engine/lambdafx/lambda_task.py:21-24); CloudFormation names this function")
}

// TestV1StepFunctionNameIsCut: get_function_name keeps the first 20 and
// last 4 characters of a pipeline name when the name would reach 62.
func TestV1StepFunctionNameIsCut(t *testing.T) {
	ctx := map[string]any{"pipeline_name": strings.Repeat("p", 30), "stage": "prod"}
	assert.Equal(t, strings.Repeat("p", 30)+"-prod-Job", v1StepFunctionName(ctx, "Job"))
	assert.Equal(t, strings.Repeat("p", 20)+"-prod-"+strings.Repeat("j", 27), v1StepFunctionName(ctx, strings.Repeat("j", 27)))
}

// TestMigrateWritesNamesAsTemplates: migrate has no pipeline name or
// stage; the names it writes are the template expressions giving them.
func TestMigrateWritesNamesAsTemplates(t *testing.T) {
	out, diags := Migrate("config.yaml", []byte(namesV1))
	require.False(t, diags.HasErrors(), "%v", diags)
	for _, line := range []string{
		"physical_name: cycles_table-{{ stage|aws_name }}",
		"physical_name: alerts-{{ pipeline_name|aws_name }}-{{ stage|aws_name }}",
		`physical_name: '{% with p=pipeline_name|add:"-"|add:stage|aws_name %}{% if p|length >= 58 %}{{ p|slice:":20" }}-{{ p|slice:"-4:" }}-Step{% else %}{{ p }}-Step{% endif %}{% endwith %}'`,
		"logical_id: " + LogicalID("alerts-SNS", "Resource"),
	} {
		assert.Contains(t, string(out), line)
	}
}
