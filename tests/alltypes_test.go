package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/graph"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// allTypes is the user's example of every type, with its customcode.
const allTypes = "testdata/all-types"

// codeBuild is the environment a CodeBuild synth runs with.
var codeBuild = testkit.Env("AWSREGION", "eu-west-1", "AWSACCOUNTID", "111111111111")

// TestAllTypesSynthesizes keeps ../shared/examples/all-types.yaml working
// unchanged: it validates (with only the warnings it deserves),
// synthesizes, and passes cfn-lint and asl-validator.
func TestAllTypesSynthesizes(t *testing.T) {
	stacks, diags := testkit.TryPlan(allTypes, testkit.Options{Env: codeBuild})
	require.False(t, diags.HasErrors(), "%v", diags)
	var printed []string
	for _, d := range diags.Sorted() {
		printed = append(printed, d.String())
	}
	assert.Equal(t, []string{
		"config.yaml:1: warning: read as a data.all blueprint config (version 1), since it has no version: key (blueprint migrate upgrades it to version 2; a config already written for this tool only needs version: 2 on its first line)",
		"config.yaml:21:5: warning: config.runtime: the data.all default runtime python3.7 is retired by AWS; deploying with python3.12 instead (write runtime: python3.12 to silence this)",
		"config.yaml:24:8: warning: config.cmd: the data.all blueprint ran cmd with bash in the Docker image amazon/aws-sam-cli-build-image-<runtime>; blueprint runs it on this machine with sh, in the layer folder, /asset-input and /asset-output standing for that folder and the layer output, so pip, python and compilers are this machine's: packages with compiled code must be installed for Lambda's Linux and python3.12 (e.g. pip install --platform manylinux2014_x86_64 --only-binary=:all: --python-version 3.12)",
		"config.yaml:28:5: warning: config.runtime: the data.all default runtime python3.7 is retired by AWS; deploying with python3.12 instead (write runtime: python3.12 to silence this)",
		"config.yaml:31:7: warning: config.cmd: the data.all blueprint ran cmd with bash in the Docker image amazon/aws-sam-cli-build-image-<runtime>; blueprint runs it on this machine with sh, in the layer folder, /asset-input and /asset-output standing for that folder and the layer output, so pip, python and compilers are this machine's: packages with compiled code must be installed for Lambda's Linux and python3.12 (e.g. pip install --platform manylinux2014_x86_64 --only-binary=:all: --python-version 3.12)",
		"config.yaml:45:16: warning: config.runtime: AWS retired python3.8, the data.all blueprint's runtime; deploying with python3.12 instead (write runtime: python3.12 to silence this)",
		"config.yaml:51:19: warning: aws_resources[4].config.subnet_id: \"subnet-xxx\" is not a subnet id (subnet- and 8 or 17 hexadecimal digits); CloudFormation will reject it",
		"config.yaml:53:14: warning: aws_resources[4].config.security_group_id[0]: \"sg-xxx\" is not a security group id (sg- and 8 or 17 hexadecimal digits); CloudFormation will reject it",
		"config.yaml:104:7: warning: config.query: the data.all blueprint crashed on a prepared statement without config.query.variables (it rendered the query with None, engine/athena/athena_prepared_statement.py:95-101); rendered with config.variables, the key the data.all blueprint's README showed",
		"config.yaml:114:7: warning: config.query: the data.all blueprint crashed on a prepared statement without config.query.variables (it rendered the query with None, engine/athena/athena_prepared_statement.py:95-101); rendered with no variables",
		"config.yaml:119:5: warning: aws_resources[12].config.resources: the data.all blueprint could not synthesize an API without config.resources (CDK refuses a REST API without methods, apigateway_mapper.py:16-20); here it answers GET / with a mock unless integrations route it",
		"config.yaml:157:6: warning: config.runtime: the data.all default runtime python3.7 is retired by AWS; deploying with python3.12 instead (write runtime: python3.12 to silence this)",
		"config.yaml:185:20: warning: config.runtime: AWS retired python3.7, the data.all blueprint's runtime; deploying with python3.12 instead (write runtime: python3.12 to silence this)",
		"config.yaml:196:9: warning: groups[0].jobs[1].type: the data.all blueprint ran this job's YAML with its own glue_main.py on Glue 2.0 (glue_task.py:52,80); it runs with blueprint's Glue runner on Glue 4.0 (glue_version in the job YAML chooses another)",
		"config.yaml:211:13: warning: config.retry.retry_attempts: the data.all blueprint did not read config.retry.retry_attempts (it read retry_attempt): the queries are tried 3 times",
		"config.yaml:222:11: warning: groups[1].jobs[1].config.environment_workgroup: the environment role (ENVROLEARN) is not set, so the team workgroup cannot be read from it; the queries run in \"primary\"",
		"config.yaml:232:23: warning: groups[2].jobs[0].config.topic_name: topic \"MySNSTopicName--TEST\" is not defined in aws_resources; it must already exist in the account",
		"config.yaml:232:40: warning: undefined variable \"pipeline_name\" renders as empty text, as it did in the data.all blueprint (set it in variables.yaml or with --var pipeline_name=…, or write {{ pipeline_name|default:'' }})",
		"config.yaml:243:11: warning: config.command: the data.all blueprint did not read config.command (only config.container_overrides.command and command_from_path reached the job, engine/batch/batch_task.py:90-113, 261-263); left out as it did",
		"config.yaml:370:46: warning: groups[6].jobs[0].choices[0].groups[0].jobs[0].config.instance_type: SageMaker instance types start with ml.; using ml.c5.2xlarge",
		"config.yaml:377:33: warning: groups[6].jobs[0].choices[0].groups[1].jobs[0].type: the data.all blueprint's tag Lambda for an endpoint had a syntax error (Tags=[ $.job_names.tags], endpoint_task.py:163-181) and failed the run once the endpoint was made; the endpoint is tagged with $.job_names.tags instead",
	}, printed)
	a := testkit.Synth(t, stacks, false)
	// The example's Glue connection names placeholder ids; blueprint warns,
	// and CloudFormation would reject them at deploy.
	check.Assembly(t, a.Dir,
		check.Allowed{Rule: "E1150", Why: "security group sg-xxx is a placeholder in the user's example"},
		check.Allowed{Rule: "E1154", Why: "subnet subnet-xxx is a placeholder in the user's example"})
	require.Equal(t, []string{"SampleDataProcessingPipeline"}, a.StackNames())
	testkit.Golden(t, filepath.Join("testdata", "golden", "all-types.template.json"), a.Templates["SampleDataProcessingPipeline"])

	// The old default Glue job YAML (a mock step, a variables file, the
	// queries/udfs/tests/nblines keys) runs on the runner blueprint ships:
	// the repo has none.
	_, err := os.Stat(filepath.Join(allTypes, "customcode", "glue", "runner"))
	require.True(t, os.IsNotExist(err), "the all-types repo must not carry a Glue runner")
	job := a.Resources(t, "SampleDataProcessingPipeline", "AWS::Glue::Job")["GlueJobMyGlueJob"]["Properties"].(map[string]any)
	args := job["DefaultArguments"].(map[string]any)
	assert.Contains(t, args, "--extra-py-files")
	doc, err := os.ReadFile(filepath.Join(a.Dir, "asset."+filepath.Base(args["--CONFIGPATH"].(string))))
	require.NoError(t, err)
	assert.Contains(t, string(doc), `"message": "This is an example glue step with a variable: variable_example"`)
}

// TestAllTypesGraph keeps the drawings of the all-types state machine.
func TestAllTypesGraph(t *testing.T) {
	stacks := testkit.Plan(t, allTypes, testkit.Options{Env: codeBuild})
	m := stacks[0].Machine
	testkit.Golden(t, filepath.Join("testdata", "golden", "all-types.mmd"), []byte(graph.Mermaid(m.Name, m.Definition)))
	testkit.Golden(t, filepath.Join("testdata", "golden", "all-types.dot"), []byte(graph.DOT(m.Name, m.Definition)))
	asl, err := graph.ReadableASL(m.Definition)
	require.NoError(t, err)
	testkit.Golden(t, filepath.Join("testdata", "golden", "all-types.asl.json"), asl)
}
