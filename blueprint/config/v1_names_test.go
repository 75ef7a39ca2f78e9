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
// names and logical IDs as physical_name and logical_id. Without
// PIPELINE_NAME the old stack.pipeline_name was the config's name
// (utils/stack_util.py:79-81), here made fit for AWS, and the stage is
// the table's only (engine/resource_task.py:515).
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
		{"alerts-Iris-pipeline", LogicalID("alerts-SNS", "Resource")},
		{"wg", "athenaworkgroupwg"},
		{"models", ""},
		{"fn-Iris-pipeline", ""},
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
	assert.Equal(t, "Iris-pipeline-Step", field(p.Groups[0].Jobs[0], "physical_name"))
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
	ctx := map[string]any{v1StackPipeline: strings.Repeat("p", 30) + "-test", "stage": "test"}
	assert.Equal(t, strings.Repeat("p", 30)+"-test-Job", v1StepFunctionName(ctx, "Job"))
	assert.Equal(t, strings.Repeat("p", 20)+"-test-"+strings.Repeat("j", 27), v1StepFunctionName(ctx, strings.Repeat("j", 27)))
}

// TestMigrateWritesNamesAsTemplates: migrate has no pipeline name or
// stage; the names it writes are the template expressions giving them.
func TestMigrateWritesNamesAsTemplates(t *testing.T) {
	out, diags := Migrate("config.yaml", []byte(namesV1))
	require.False(t, diags.HasErrors(), "%v", diags)
	for _, line := range []string{
		"physical_name: cycles_table-{{ stage|aws_name }}",
		`physical_name: alerts-{{ env_var("PIPELINE_NAME", "Iris pipeline")|aws_name }}`,
		`physical_name: '{% with p=env_var("PIPELINE_NAME", "Iris pipeline")|aws_name %}{% if p|length >= 58 %}{{ p|slice:":20" }}-{{ p|slice:"-4:" }}-Step{% else %}{{ p }}-Step{% endif %}{% endwith %}'`,
		`stack_name: '{{ env_var("PIPELINE_NAME", "SampleDataProcessingPipeline") }}'`,
		`pipeline_name: '{{ env_var("PIPELINE_NAME", "Iris pipeline") }}'`,
		"logical_id: " + LogicalID("alerts-SNS", "Resource"),
	} {
		assert.Contains(t, string(out), line)
	}
}

// dataAllEnv is the environment data.all's CodeBuild gave the blueprint
// in a stage (data.all backend/dataall/cdkproxy/stacks/pipeline.py at
// 32fef72e8): ORIGIN_PIPELINE_NAME the pipeline's name (:731-733),
// PIPELINE_NAME the name followed by "-<stage>", except in prod where it
// is the name alone (:725-727, 734), STAGE "test" or "prod" (:156, 755),
// BUCKET_NAME the pipeline's bucket (:735).
func dataAllEnv(name, stage string) func(string) (string, bool) {
	pipeline := name + "-" + stage
	if stage == "prod" {
		pipeline = name
	}
	env := map[string]string{"ORIGIN_PIPELINE_NAME": name, "PIPELINE_NAME": pipeline, "STAGE": stage,
		"BUCKET_NAME": name + "-bucket-abc123"}
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// TestV1StackNamesAsDataAllDeployedThem: in each stage data.all deployed,
// the stack is named PIPELINE_NAME (app.py:22-28), and its state machine,
// ARN parameter and resources use stack.pipeline_name, which is
// PIPELINE_NAME too (utils/stack_util.py:79-81; stack.py:250-269), never
// ORIGIN_PIPELINE_NAME; without PIPELINE_NAME the stack was
// SampleDataProcessingPipeline.
func TestV1StackNamesAsDataAllDeployedThem(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(namesV1), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "configs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "configs", "extra.yaml"), []byte("name: daily_extra\ngroups:\n  - name: G\n    jobs:\n      - {name: S, type: lambda_function, config: {entry: src}}\n"), 0o644))
	for _, tt := range []struct {
		stage, stack, extra, pipeline string
	}{
		{"test", "irispipe-test", "irispipe-test-daily-extra", "irispipe-test"},
		{"prod", "irispipe", "irispipe-daily-extra", "irispipe"},
		{"", "SampleDataProcessingPipeline", "SampleDataProcessingPipeline-daily-extra", "Iris pipeline"},
	} {
		env := dataAllEnv("irispipe", tt.stage)
		if tt.stage == "" {
			env = func(string) (string, bool) { return "", false }
		}
		stacks, diags := Load(LoadOptions{RepoDir: dir, LookupEnv: env})
		require.Len(t, stacks, 2, "%v", diags)
		st := stacks[0]
		assert.Equal(t, tt.stack, st.Name, tt.stage)
		assert.Equal(t, tt.extra, stacks[1].Name, tt.stage)
		assert.Equal(t, tt.pipeline, st.PipelineName(), tt.stage)
		props := st.Pipeline.Properties
		assert.Equal(t, LogicalID(tt.pipeline, "Resource"), props.StateMachineLogicalID, tt.stage)
		assert.Equal(t, LogicalID("stepfunction_arn_"+tt.pipeline, "Resource"), props.ArnParameterLogicalID, tt.stage)
		topic := st.Pipeline.Resources[1].Field("physical_name").Value
		assert.Equal(t, "alerts-"+strings.ReplaceAll(tt.pipeline, " ", "-"), topic, tt.stage)
	}
}

// TestMigratedNamesAreTheTranslations: the names migrate writes as
// templates render, in data.all's environment of each stage and without
// it, to the names the translation gives the version 1 file.
func TestMigratedNamesAreTheTranslations(t *testing.T) {
	out, diags := Migrate("config.yaml", []byte(namesV1))
	require.False(t, diags.HasErrors(), "%v", diags)
	v1, v2 := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(v1, "config.yaml"), []byte(namesV1), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(v2, "config.yaml"), out, 0o644))
	for _, stage := range []string{"test", "prod", ""} {
		env := dataAllEnv("irispipe", stage)
		if stage == "" {
			env = func(string) (string, bool) { return "", false }
		}
		a, da := Load(LoadOptions{RepoDir: v1, LookupEnv: env})
		b, db := Load(LoadOptions{RepoDir: v2, LookupEnv: env})
		require.Len(t, a, 1, "%v", da)
		require.Len(t, b, 1, "%v", db)
		assert.Equal(t, a[0].Name, b[0].Name, stage)
		assert.Equal(t, a[0].PipelineName(), b[0].PipelineName(), stage)
		assert.Equal(t, a[0].Pipeline.Properties, b[0].Pipeline.Properties, stage)
		for i, it := range a[0].Pipeline.Resources {
			for _, key := range []string{"physical_name", "logical_id"} {
				if n := it.Field(key); n != nil {
					assert.Equal(t, n.Value, b[0].Pipeline.Resources[i].Field(key).Value, "%s %s %s", stage, it.Name, key)
				}
			}
		}
		assert.Equal(t, a[0].Pipeline.Groups[0].Jobs[0].Field("physical_name").Value, b[0].Pipeline.Groups[0].Jobs[0].Field("physical_name").Value, stage)
	}
}
