package config

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestVersion1APITreeIsWrittenOutAsIntegrations: the tree becomes routes
// and one function per integration, each node at the line of the text it
// stands for, so a mistake in the tree is still reported there.
func TestVersion1APITreeIsWrittenOutAsIntegrations(t *testing.T) {
	src := `name: p
aws_resources:
  - name: api
    type: apigateway
    config:
      resources:
        - path: a
          integrations:
            - name: fa
              method: get
              config: {entry: code/a, memory_size: 512}
          resources:
            - path: b
              proxy: true
        - path: c
          resources:
            - path: d
              integrations:
                - {name: fd, method: POST, config: {entry: code/d}}
`
	out, notes := Migrate(MainFile, []byte(src))
	require.False(t, notes.HasErrors(), "%v", notes)
	assert.Equal(t, `version: 2
name: p
aws_resources:
  - name: api
    type: apigateway
    config:
      integrations:
        - path: /a
          method: GET
          function: fa
          proxy: false
        - path: /c/d
          method: POST
          function: fd
          proxy: false
      paths:
        - /a/b
      cors: true
      stage_name: prod
    physical_name: api-{{ stage|aws_name }}
    construct_id: api-{{ stage|aws_name }}
  - name: fa
    type: lambda_function
    config: {entry: code/a, index: lambda_function.py, handler: handler, timeout: 900, memory_size: 128, runtime: python3.7}
  - name: fd
    type: lambda_function
    config: {entry: code/d, index: lambda_function.py, handler: handler, timeout: 900, memory_size: 128, runtime: python3.7}
properties:
  stage_in_names: false
  stack_name: '{{ env_var("PIPELINE_NAME", "SampleDataProcessingPipeline") }}'
  pipeline_name: '{{ env_var("PIPELINE_NAME", "p") }}'
  dataall_tags: true
`, string(out))
	require.Len(t, notes, 1)
	assert.Equal(t, "config.yaml:11:39: warning: aws_resources[0].config.resources[0].integrations[0].config.memory_size: the data.all blueprint ignored memory_size for the functions of an API tree (lambda_mapper.py:30-38); it is ignored here too", notes[0].String())

}

// TestVersion1GlueJobsAreWrittenOutWithTheOldSettings: job-level
// properties become the step's settings, the old defaults explicit.
func TestVersion1GlueJobsAreWrittenOutWithTheOldSettings(t *testing.T) {
	src := `name: p
jobdir: elsewhere
groups:
  - name: g
    jobs:
      - name: j
        type: glue_job
        config: j.yaml
        properties: {enable_bookmark: job-bookmark-pause, timeout: 30, connection: c, workers: 3}
`
	out, notes := Migrate(MainFile, []byte(src))
	require.False(t, notes.HasErrors(), "%v", notes)
	assert.Equal(t, `version: 2
name: p
groups:
  - name: g
    jobs:
      - name: j
        type: glue_job
        config: j.yaml
        job_bookmark: pause
        job_timeout: 30
        connection: c
        worker_type: G.1X
        number_of_workers: 10
    parallel: false
properties:
  stage_in_names: false
  stack_name: '{{ env_var("PIPELINE_NAME", "SampleDataProcessingPipeline") }}'
  context_parameters:
    ecr_repository: /{{ env_var("ORIGIN_PIPELINE_NAME", "p")|aws_name }}/{{ stage|aws_name }}/ecr_repository_uri
    pipeline_bucket: /{{ env_var("ORIGIN_PIPELINE_NAME", "p")|aws_name }}/{{ stage|aws_name }}/bucket_name
  pipeline_name: '{{ env_var("PIPELINE_NAME", "p") }}'
  state_machine_logical_id: '{{ env_var("PIPELINE_NAME", "p")|add:"/Resource"|logical_id }}'
  arn_parameter_logical_id: '{% with p=env_var("PIPELINE_NAME", "p") %}{{ "stepfunction_arn_"|add:p|add:"/Resource"|logical_id }}{% endwith %}'
  timeout: 30
  glue_jobs_prefix: '{{ stage }}/customcode/glue/glue_jobs/'
  dataall_tags: true
`, string(out), "the state machine's timeout is the last job's (upgradeMachine); the Glue job's is minutes")
	var msgs []string
	for _, n := range notes {
		msgs = append(msgs, n.String())
	}
	assert.Contains(t, msgs, "config.yaml:2:1: warning: jobdir: the data.all blueprint did not use jobdir: its Glue jobs read their YAML from customcode/glue/glue_jobs/ (glue_task.py:41,69); it is ignored here too")
	assert.Contains(t, msgs, "config.yaml:9:87: warning: groups[0].jobs[0].properties.workers: the data.all blueprint read only enable_bookmark, connection and timeout of a Glue job's properties (glue_task.py:21-24,50); workers is ignored")
}

// TestVersion1GlueJobYAMLKeepsTheOldDirectories: of the directory keys the
// old runner read sql_queries and variables_files only.
func TestVersion1GlueJobYAMLKeepsTheOldDirectories(t *testing.T) {
	src := "queries: mine\nudfs: udfs\ntests: checks\nsteps: []\n"
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(src), &doc))
	d := NewDecoder(NewSource("job.yaml", []byte(src), []byte(src), nil))
	RewriteGlueJobV1(d, doc.Content[0])
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	require.NoError(t, enc.Encode(&doc))
	assert.Equal(t, "steps: []\ntests: sql_queries\n", buf.String())
	var msgs []string
	for _, n := range d.Diags {
		msgs = append(msgs, n.String())
	}
	assert.Equal(t, []string{
		"job.yaml:1:1: warning: queries: the data.all Glue runner did not read queries (glue_config_reader.py:101-120): its SQL files were read from the sql_queries directory; it is ignored here too",
		"job.yaml:3:1: warning: tests: the data.all Glue runner did not read tests (glue_config_reader.py:101-120): assertion files were read from the sql_queries directory; it is ignored here too",
	}, msgs)
}
