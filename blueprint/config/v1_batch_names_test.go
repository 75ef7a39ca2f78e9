package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestV1BatchParameterNames: the parameters keep the item's name as
// written (a "." too, which SSM takes), a definition's sanitized
// (engine/resource_task.py:577-578, 759, 839); a queue's or definition's
// logical ID goes to the first of each type; an arn_parameter written in
// the config wins.
func TestV1BatchParameterNames(t *testing.T) {
	const cfg = `name: ml.jobs
aws_resources:
  - name: gpu.ce
    type: batch_compute_environment
    properties: {subnet_id: [subnet-0a1b2c3d], vpc_id: vpc-0a1b2c3d}
  - name: main q
    type: batch_job_queue
    properties: {compute_environment: {compute_environment_ref: [gpu.ce]}}
  - name: own
    type: batch_job_queue
    arn_parameter: {name: /mine/own}
    properties: {compute_environment: {compute_environment_ref: [gpu.ce]}}
  - name: Train_Model.v2
    type: batch_job_definition
    job_definition: {container_properties: {image: {repository_name: busybox}}}
`
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644))
	env := map[string]string{"ORIGIN_PIPELINE_NAME": "ml", "STAGE": "int"}
	stacks, diags := Load(LoadOptions{RepoDir: dir, LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	require.Len(t, stacks, 1, "%v", diags)
	want := []struct{ name, id string }{
		{"/ml/int/compute_environment/gpu.ce", LogicalID("cegpu.ce", "Resource")},
		{"/ml/int/job_queue/main-q", LogicalID("jobqueue-param", "Resource")},
		{"/mine/own", ""},
		{"/ml/int/job_definition/job-trainmodelv2", LogicalID("jobdefinitionml", "Resource")},
	}
	for i, w := range want {
		p := stacks[0].Pipeline.Resources[i].Field("arn_parameter")
		require.NotNil(t, p, w.name)
		assert.Equal(t, w.name, mapGet(p, "name").Value)
		if id := mapGet(p, "logical_id"); w.id == "" {
			assert.Nil(t, id, w.name)
		} else {
			assert.Equal(t, w.id, id.Value, w.name)
		}
	}
}
