package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// writeRepo writes a pipeline repo of files into a temp dir.
func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

const fn = "customcode/lambda_functions/fn/handler.py"
const fnBody = "def handler(event, context):\n    return event\n"

// lambdaJob is a valid lambda step to build bad configs around.
const lambdaJob = `      - name: Run
        type: lambda_function
        config:
          entry: customcode/lambda_functions/fn
          index: handler.py
          handler: handler
`

// mapStep is a map step around a valid body, with its items keys.
func mapStep(items string) string {
	return "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: M\n        type: map\n" + items +
		"        groups:\n          - name: Each\n            jobs:\n              - {name: N, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: m}}\n"
}

// TestBadInputs is the catalogue of mistakes users make, each with the
// exact diagnostic they get. The printed form is the product.
func TestBadInputs(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		stage string
		want  string
	}{
		{"malformed YAML", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n   jobs: []\n"}, "",
			"config.yaml:5:4: invalid YAML: \"jobs\" is at column 4, between the dashes of the list at line 4 (column 3) and the keys of \"name\" at line 4 (column 5) (indentation: indent it 1 space more, to column 5, with \"name\" (line 4))\n1 error, 0 warnings"},
		{"a tab for indentation", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n\t- name: G\n"}, "",
			"config.yaml:4:1: invalid YAML: a tab in the indentation (indentation: YAML indents with spaces only; replace the tab with spaces)\n1 error, 0 warnings"},
		{"a value with ': ' unquoted", map[string]string{"config.yaml": "version: 2\nname: p\ncomment: note: this breaks\n"}, "",
			"config.yaml:3:14: invalid YAML: mapping values are not allowed in this context (a value containing \": \" must be quoted; in a template, {{ value|yaml }} quotes it)\n1 error, 0 warnings"},
		{"a template syntax error", map[string]string{"config.yaml": "version: 2\nname: p\n{% if stage == 'dev' %}\ncomment: x\n"}, "",
			"config.yaml:3:1: template: {% if %} is never closed (add {% endif %})\n1 error, 0 warnings"},
		{"an undefined variable", map[string]string{"config.yaml": "version: 2\nname: p\ncomment: owned by {{ owner }}\n", "variables.yaml": "owner_name: data\n"}, "",
			"config.yaml:3:22: undefined variable \"owner\" (did you mean \"owner_name\"?)\n1 error, 0 warnings"},
		{"an unknown step type", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n        type: lamda\n"}, "",
			"config.yaml:7:15: groups[0].jobs[0].type: unknown step type \"lamda\" (did you mean \"lambda_function\"?)\n1 error, 0 warnings"},
		{"an unknown resource type", map[string]string{"config.yaml": "version: 2\nname: p\naws_resources:\n  - name: T\n    type: sns_topik\n"}, "",
			"config.yaml:5:11: aws_resources[0].type: unknown resource type \"sns_topik\" (did you mean \"sns_topic\"?)\n1 error, 0 warnings"},
		{"a step type under aws_resources", map[string]string{"config.yaml": "version: 2\nname: p\naws_resources:\n  - name: T\n    type: sns_publish\n"}, "",
			"config.yaml:5:11: aws_resources[0].type: \"sns_publish\" cannot be used as a resource; it is a step type (aws_resources takes resource types: blueprint list shows them)\n1 error, 0 warnings"},
		{"a misspelt key", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n" + lambdaJob + "          handlr: x\n", fn: fnBody}, "",
			"config.yaml:12:11: groups[0].jobs[0].config.handlr: unknown key \"handlr\" (did you mean \"handler\"?)\n1 error, 0 warnings"},
		{"a misspelt top-level key", map[string]string{"config.yaml": "version: 2\nname: p\naws_resource: []\n"}, "",
			"config.yaml:3:1: aws_resource: unknown key \"aws_resource\" (did you mean \"aws_resources\"?)\n1 error, 0 warnings"},
		{"a missing pipeline name", map[string]string{"config.yaml": "version: 2\ncomment: no name\n"}, "",
			"config.yaml:1:1: name: is required\n1 error, 0 warnings"},
		{"a job without a name", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - type: sns_publish\n        config: {topic_name: t, message: m}\n"}, "",
			"config.yaml:6:9: groups[0].jobs[0].name: is required\nconfig.yaml:7:30: warning: groups[0].jobs[0].config.topic_name: topic \"t\" is not defined in aws_resources; it must already exist in the account\n1 error, 1 warning"},
		{"a handler the index does not define", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n" + strings.Replace(lambdaJob, "handler: handler", "handler: lambda_handler", 1), fn: fnBody}, "",
			"config.yaml:11:20: groups[0].jobs[0].config.handler: customcode/lambda_functions/fn/handler.py defines no function \"lambda_handler\"; Lambda would fail every call with Runtime.HandlerNotFound (its functions: handler)\n1 error, 0 warnings"},
		{"a trigger's handler misspelt", map[string]string{"config.yaml": "version: 2\nname: p\ntriggers:\n  - name: T\n    type: lambda_function\n    config: {entry: customcode/lambda_functions/fn, index: handler.py, handler: handlr}\n", fn: fnBody}, "",
			"config.yaml:6:81: triggers[0].config.handler: customcode/lambda_functions/fn/handler.py defines no function \"handlr\"; Lambda would fail every call with Runtime.HandlerNotFound (did you mean \"handler\"?)\n1 error, 0 warnings"},
		{"a misspelt entry folder", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n" + strings.Replace(lambdaJob, "lambda_functions/fn", "lambda_function/fn", 1), fn: fnBody}, "",
			"config.yaml:9:18: groups[0].jobs[0].config.entry: directory \"customcode/lambda_function/fn\" does not exist (did you mean \"customcode/lambda_functions/fn\"?)\n1 error, 0 warnings"},
		{"a size with a unit", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n" + lambdaJob + "          memory: 1GB\n", fn: fnBody}, "",
			"config.yaml:12:19: groups[0].jobs[0].config.memory: must be a whole number of MB; got \"1GB\" (1GB is 1024 MB: write memory: 1024)\n1 error, 0 warnings"},
		{"a group without a name", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - jobs:\n" + lambdaJob, fn: fnBody}, "",
			"config.yaml:4:5: groups[0].name: is required\n1 error, 0 warnings"},
		{"a layer_ref to nothing", map[string]string{"config.yaml": "version: 2\nname: p\naws_resources:\n  - name: pandas_layer\n    type: lambda_layer\n    config: {layer_arn: {arn: 'arn:aws:lambda:eu-west-1:111111111111:layer:x:1', id: x}}\ngroups:\n  - name: G\n    jobs:\n" + lambdaJob + "          layer_ref: [panda_layer]\n", fn: fnBody}, "",
			"config.yaml:16:23: groups[0].jobs[0].config.layer_ref[0]: layer \"panda_layer\" is not defined in aws_resources (did you mean \"pandas_layer\"?)\n1 error, 0 warnings"},
		{"an entry outside the repo", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: Run\n        type: lambda_function\n        config: {entry: ../../etc, index: passwd, handler: h}\n"}, "",
			"config.yaml:8:25: groups[0].jobs[0].config.entry: directory \"../../etc\" is outside the repo; paths must stay inside it\n1 error, 0 warnings"},
		{"an absolute entry", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: Run\n        type: lambda_function\n        config: {entry: /etc, index: passwd, handler: h}\n"}, "",
			"config.yaml:8:25: groups[0].jobs[0].config.entry: directory \"/etc\" is an absolute path; paths are relative to the repo root, e.g. customcode/…\n1 error, 0 warnings"},
		{"a missing customcode dir", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: Run\n        type: lambda_function\n        config: {entry: customcode/lambda_functions/nope, index: h.py, handler: h}\n"}, "",
			"config.yaml:8:25: groups[0].jobs[0].config.entry: directory \"customcode/lambda_functions/nope\" does not exist\n1 error, 0 warnings"},
		{"a broken cron", map[string]string{"config.yaml": "version: 2\nname: p\nproperties:\n  schedulers:\n    - cron: \"cron(0 22 * *)\"\n"}, "",
			"config.yaml:5:13: properties.schedulers[0].cron: cron(0 22 * *) has 4 fields; EventBridge needs 6: minutes hours day-of-month month day-of-week year, e.g. cron(0 22 * * ? *)\n1 error, 0 warnings"},
		{"an empty groups list", map[string]string{"config.yaml": "version: 2\nname: p\ngroups: []\n"}, "",
			"config.yaml:3:1: groups: is empty (add a group with jobs, or remove groups for a stack of resources only)\n1 error, 0 warnings"},
		{"an unknown stage", map[string]string{"config.yaml": "version: 2\nname: p\n", "variables.yaml": "stages:\n  dev: {}\n  prod: {}\n"}, "prd",
			"variables.yaml:1:1: stages: unknown stage \"prd\" (did you mean \"prod\"?)\n1 error, 0 warnings"},
		{"duplicate job names", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n" + lambdaJob + lambdaJob, fn: fnBody}, "",
			"config.yaml:12:15: groups[0].jobs[1].name: name \"Run\" is already used by groups[0].jobs[0] (first used on line 6; group and job names become state names and must be unique)\n1 error, 0 warnings"},
		{"a timeout beyond Lambda's limit", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n" + lambdaJob + "          timeout: 901\n", fn: fnBody}, "",
			"config.yaml:12:20: groups[0].jobs[0].config.timeout: must be at most 900 seconds; got 901\n1 error, 0 warnings"},
		{"a word where a number belongs", map[string]string{"config.yaml": "version: 2\nname: p\nproperties:\n  timeout: an hour\n"}, "",
			"config.yaml:4:12: properties.timeout: must be a whole number of seconds; got \"an hour\" (the number of seconds, without a unit)\n1 error, 0 warnings"},
		{"a choice's default indented into its choice", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: C\n        type: choice\n        choices:\n          - input: $.x\n            condition: {IsPresent: true}\n            groups:\n              - name: I\n                jobs:\n                  - {name: N, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: m}}\n            default:\n              groups:\n                - name: D\n                  jobs:\n                    - {name: M, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: m}}\n"}, "",
			"config.yaml:15:13: groups[0].jobs[0].choices[0].default: unknown key \"default\" (indentation: \"default\" is a key of groups[0].jobs[0], whose keys are at column 9 (line 6): move it 4 spaces left)\n1 error, 0 warnings"},
		{"a choice without branches", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: C\n        type: choice\n"}, "",
			"config.yaml:6:9: groups[0].jobs[0].choices: is required\n1 error, 0 warnings"},
		{"map items that are not a path", map[string]string{"config.yaml": mapStep("        items: partitions\n")}, "",
			"config.yaml:8:16: groups[0].jobs[0].items: items must be a path to a list in the state: path \"partitions\" must start with \"$\" (the state input) or \"$$\" (the context object) (write items: $.partitions)\n1 error, 0 warnings"},
		{"a map with both items and items_from_s3", map[string]string{"config.yaml": mapStep("        items: $.partitions\n        items_from_s3: {bucket: b, prefix: raw/}\n")}, "",
			"config.yaml:9:24: groups[0].jobs[0].items_from_s3: give either items or items_from_s3, not both (items reads a list from the state; items_from_s3 reads objects or records from S3)\n1 error, 0 warnings"},
		{"distributed-only keys on an inline map", map[string]string{"config.yaml": mapStep("        items: $.partitions\n        tolerated_failure_percentage: 5\n        tolerated_failure_count: 1\n        batch: {max_items: 10}\n        results_to_s3: {bucket: b}\n")}, "",
			"config.yaml:9:39: groups[0].jobs[0].tolerated_failure_percentage: tolerated_failure_percentage is for a distributed map; an inline map fails at the first failed iteration (these run only in a distributed map: set mode: distributed, or read the items with items_from_s3)\nconfig.yaml:10:34: groups[0].jobs[0].tolerated_failure_count: tolerated_failure_count is for a distributed map; an inline map fails at the first failed iteration (these run only in a distributed map: set mode: distributed, or read the items with items_from_s3)\nconfig.yaml:11:16: groups[0].jobs[0].batch: batch is for a distributed map (these run only in a distributed map: set mode: distributed, or read the items with items_from_s3)\nconfig.yaml:12:24: groups[0].jobs[0].results_to_s3: results_to_s3 is for a distributed map (these run only in a distributed map: set mode: distributed, or read the items with items_from_s3)\n4 errors, 0 warnings"},
		{"an inline map's max_concurrency over 40", map[string]string{"config.yaml": mapStep("        items: $.partitions\n        max_concurrency: 100\n")}, "",
			"config.yaml:9:26: groups[0].jobs[0].max_concurrency: max_concurrency must be between 1 and 40; got 100 (an inline map runs at most 40 iterations at once; for more, set mode: distributed)\n1 error, 0 warnings"},
		{"a distributed map's max_concurrency of 0", map[string]string{"config.yaml": mapStep("        items_from_s3: {bucket: b, prefix: raw/}\n        max_concurrency: 0\n")}, "",
			"config.yaml:9:26: groups[0].jobs[0].max_concurrency: max_concurrency must be between 1 and 10000; got 0 (a distributed map runs at most 10,000 child executions at once; leave it out for no limit)\n1 error, 0 warnings"},
		{"a map without groups", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: M\n        type: map\n        items: $.partitions\n"}, "",
			"config.yaml:6:9: groups[0].jobs[0].groups: map \"M\" has no groups (a map runs its groups once per item: add groups: [{name: Each, jobs: [...]}])\n1 error, 0 warnings"},
		{"an S3 format with keys it does not take", map[string]string{"config.yaml": mapStep("        items_from_s3: {bucket: b, prefix: raw/, format: jsonl, csv_headers: [a]}\n")}, "",
			"config.yaml:8:24: groups[0].jobs[0].items_from_s3: format jsonl reads one object; key is missing (add key: the object to read, e.g. key: input/items.jsonl)\nconfig.yaml:8:44: groups[0].jobs[0].items_from_s3.prefix: format jsonl does not take prefix (format jsonl reads the one object named by key; format objects lists the objects under a prefix)\nconfig.yaml:8:78: groups[0].jobs[0].items_from_s3.csv_headers: format jsonl does not take csv_headers (format jsonl takes bucket, key, format, max_items)\n3 errors, 0 warnings"},
		{"an S3 bucket given as a path", map[string]string{"config.yaml": mapStep("        items_from_s3: {bucket: $.bucket}\n")}, "",
			"config.yaml:8:33: groups[0].jobs[0].items_from_s3.bucket: must be a fixed name, not the path \"$.bucket\" (the state machine's role is granted exactly this bucket and prefix; use a template variable such as {{ pipeline_bucket }})\n1 error, 0 warnings"},
		{"a malformed $. path", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: C\n        type: choice\n        choices:\n          - input: $..x\n            condition: {IsPresent: true}\n            groups:\n              - name: I\n                jobs:\n                  - {name: N, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: m}}\n"}, "",
			"config.yaml:9:20: groups[0].jobs[0].choices[0].input: path \"$..x\": deep scan \"..\" is not allowed in Step Functions paths\n1 error, 0 warnings"},
		{"a topic reference with a typo", map[string]string{"config.yaml": "version: 2\nname: p\naws_resources:\n  - {name: Alerts, type: sns_topic}\ngroups:\n  - name: G\n    jobs:\n      - {name: N, type: sns_publish, config: {topic_name: Alert, message: m}}\n"}, "",
			"config.yaml:8:59: groups[0].jobs[0].config.topic_name: topic \"Alert\" is not a topic of this config (did you mean \"Alerts\"?)\n1 error, 0 warnings"},
		{"a malformed scheduler payload", map[string]string{"config.yaml": "version: 2\nname: p\nproperties:\n  schedulers:\n    - cron: rate(1 day)\n      payload: \"{'a' 1}\"\n"}, "",
			"config.yaml:6:16: properties.schedulers[0].payload: payload \"{'a' 1}\" is neither JSON nor a Python dict literal: at character 6: expected \":\" after key \"a\"\n1 error, 0 warnings"},
		{"a pipeline name too long for a state machine", map[string]string{"config.yaml": "version: 2\nname: nightly-sales-and-inventory-forecast-for-every-store-region-and-product-family-weekly\ngroups:\n  - name: G\n    jobs:\n      - {name: N, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: m}}\n"}, "dev",
			"config.yaml:2:7: name: the state machine would be named \"nightly-sales-and-inventory-forecast-for-every-store-region-and-product-family-weekly-dev\", 89 characters; Step Functions accepts at most 80 (a shorter name, or PIPELINE_NAME)\n1 error, 0 warnings"},
		{"a model package group name too long", map[string]string{"config.yaml": "version: 2\nname: forecasting\naws_resources:\n  - {name: store-demand-forecast-models-by-region-and-family, type: sagemaker_model_package_group}\n"}, "prod",
			"config.yaml:4:12: aws_resources[0].name: the model package group would be named \"store-demand-forecast-models-by-region-and-family-forecasting-prod\", 66 characters; AWS accepts at most 63 (shorten the name; the pipeline's name and the stage are part of it)\n1 error, 0 warnings"},
		{"an undefined variable hides no other mistake", map[string]string{"config.yaml": "version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n" +
			"      - {name: A, type: lamda}\n" +
			"      - {name: B, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t'}}\n" +
			"      - {name: C, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: m}, result_path: nope}\n" +
			"      - {name: D, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: m, colour: red}}\n" +
			"      - {name: E, type: sns_publish, config: {topic_name: 'arn:aws:sns:eu-west-1:111111111111:t', message: {{ greeting }}}}\n"}, "",
			// E's empty message is not reported again as missing.
			"config.yaml:6:25: groups[0].jobs[0].type: unknown step type \"lamda\" (did you mean \"lambda_function\"?)\n" +
				"config.yaml:7:46: groups[0].jobs[1].config.message: is required\n" +
				"config.yaml:8:125: groups[0].jobs[2].result_path: path \"nope\" must start with \"$\" (the state input) or \"$$\" (the context object)\n" +
				"config.yaml:9:111: groups[0].jobs[3].config.colour: unknown key \"colour\" (known keys: message, subject, topic_name)\n" +
				"config.yaml:10:111: undefined variable \"greeting\" (set it in variables.yaml or with --var greeting=…)\n5 errors, 0 warnings"},
		{"Jinja's is defined", map[string]string{"config.yaml": "version: 2\nname: p\n{% if owner is defined %}\ncomment: x\n{% endif %}\n"}, "",
			"config.yaml:3:7: undefined variable \"owner\" (set it in variables.yaml or with --var owner=…)\n" +
				"config.yaml:3:16: Jinja's \"is defined\" test does not exist in pongo2 (every variable must be defined; for an optional one write {{ x|default:'' }} or give it a value in variables.yaml)\n2 errors, 0 warnings"},
		{"Jinja's ~", map[string]string{"config.yaml": "version: 2\nname: p\ncomment: \"{{ 'run-' ~ stage }}\"\n"}, "",
			"config.yaml:3:21: template: '}}' expected (Jinja's ~ joins strings; in pongo2 write {{ a }}{{ b }})\n1 error, 0 warnings"},
		{"a Jinja list literal", map[string]string{"config.yaml": "version: 2\nname: p\n{% if stage in ['dev', 'test'] %}\ncomment: x\n{% endif %}\n"}, "",
			"config.yaml:3:16: template: Expected either a number, string, keyword or identifier. (near \"[\") (pongo2 has no list literals; compare one by one: {% if stage == 'dev' or stage == 'test' %})\n1 error, 0 warnings"},
		{"a data.all config naming a variables file that is not there", map[string]string{"config.yaml": "name: p\nvariables:\n  file: vars.yaml\n"}, "",
			"config.yaml:3:9: variables.file: variables file \"vars.yaml\" cannot be read: no such file or directory\n1 error, 0 warnings"},
		{"a data.all config with an undefined layer", map[string]string{"config.yaml": "name: p\ngroups:\n  - name: G\n    jobs:\n      - name: F\n        type: lambda_function\n        config: {entry: customcode/lambda_functions/fn, layer_ref: [nope]}\n",
			"customcode/lambda_functions/fn/lambda_function.py": fnBody}, "",
			"config.yaml:1: warning: read as a data.all blueprint config (version 1), since it has no version: key (blueprint migrate upgrades it to version 2; a config already written for this tool only needs version: 2 on its first line)\nconfig.yaml:7:9: warning: config.runtime: the data.all default runtime python3.7 is retired by AWS; deploying with python3.12 instead (write runtime: python3.12 to silence this)\nconfig.yaml:7:69: groups[0].jobs[0].config.layer_ref[0]: layer \"nope\" is not defined in aws_resources (add a resource of type \"lambda_layer\")\n1 error, 2 warnings"},
		{"a format version that does not exist", map[string]string{"config.yaml": "version: 3\nname: p\n"}, "",
			"config.yaml:1:10: version: unknown format version 3 (the versions are 1 (a data.all blueprint config, also what a config without version: is) and 2 (this tool's format, what blueprint init writes))\n1 error, 0 warnings"},
		{"a format version that is a word", map[string]string{"config.yaml": "version: banana\nname: p\n"}, "",
			"config.yaml:1:10: version: unknown format version \"banana\" (the versions are 1 (a data.all blueprint config, also what a config without version: is) and 2 (this tool's format, what blueprint init writes))\n1 error, 0 warnings"},
		{"a format version that is a list", map[string]string{"config.yaml": "version: [2]\nname: p\n"}, "",
			"config.yaml:1:10: version: unknown format version a list (the versions are 1 (a data.all blueprint config, also what a config without version: is) and 2 (this tool's format, what blueprint init writes))\n1 error, 0 warnings"},
	}
	require.GreaterOrEqual(t, len(tests), 25)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeRepo(t, tt.files)
			got := testkit.Diagnostics(t, dir, testkit.Options{Stage: tt.stage})
			assert.Equal(t, tt.want, got)
		})
	}
}
