package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestMaskKeepsLinesAndColumns(t *testing.T) {
	srcs := []string{
		"name: {{model_name}}_x\nentry: \"code/{{ m }}/fx\"\n",
		"a:\n  {% if stage == 'test' -%}\n  b: 1\n  {%- elif stage == 'prod' -%}\n  b: 2\n  {%- endif %}\n",
		"arn: {% if r == 'a' %}\n        \"x\"\n     {% elif r == 'b' %}\n        \"y\"\n     {% endif %}\nid: z\n",
		"{# a note #}\nk: {{ \"}}\" }}\n",
	}
	for _, src := range srcs {
		m, diags := maskTemplate("config.yaml", src)
		require.Empty(t, diags)
		assert.NotContains(t, m.masked, "{")
		// Everything outside the constructs stays at its line and column.
		ml, sl := strings.Split(m.masked, "\n"), strings.Split(src, "\n")
		require.Len(t, ml, len(sl), src)
		for _, c := range m.constructs {
			if c.mode != 'V' {
				p := placeholderPattern(m.marker).FindString(ml[c.line-1][c.col-1:])
				assert.Len(t, p, len(firstLineOf(c.text)), "%q", c.text)
			}
		}
		// Written YAML has no blank lines: the ones a span of lines left
		// behind go too.
		assert.Equal(t, noBlankLines(src), noBlankLines(m.restore(m.masked)), "restoring the masked text gives the template back")
	}
}

func firstLineOf(s string) string { return s[:firstLineLen(s)] }

func noBlankLines(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestMigrateCarriesTemplates(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // how the migrated file starts
	}{
		{"an unquoted expression stays unquoted",
			"name: p\ngroups:\n  - name: G\n    jobs:\n      - name: {{model_name}}_publish\n        type: sns_publish\n        config: {topic_name: T, message: m}\n",
			"version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: {{model_name}}_publish\n        type: sns_publish\n        config: {topic_name: T, message: m}\n    parallel: false\n"},
		{"statement lines around keys stay around them",
			"name: p\n{% if stage == 'prod' %}\naws_resources:\n  - {name: T, type: sns_topic}\n{% endif %}\ncomment: \"{{ owner }}\"\n",
			"version: 2\nname: p\n{% if stage == 'prod' %}\naws_resources:\n  - {name: T, type: sns_topic, physical_name: 'T-{{ env_var(\"PIPELINE_NAME\", \"p\")|aws_name }}', logical_id: TSNSD593500A}\n{% endif %}\ncomment: \"{{ owner }}\"\n"},
		{"a block after a key's colon is kept as written",
			"name: p\naws_resources:\n  - name: numpy\n    type: lambda_layer\n    config:\n        layer_arn:\n                arn: {% if stage == 'prod' %}\n                        \"arn:aws:lambda:eu-west-1:1:layer:a:1\"\n                     {% else %}\n                        \"arn:aws:lambda:eu-west-1:1:layer:b:2\"\n                     {% endif %}\n                id: \"scipynumpy\"\n",
			"version: 2\nname: p\naws_resources:\n  - name: numpy\n    type: lambda_layer\n    config:\n        layer_arn:\n                arn: {% if stage == 'prod' %}\n                        \"arn:aws:lambda:eu-west-1:1:layer:a:1\"\n                     {% else %}\n                        \"arn:aws:lambda:eu-west-1:1:layer:b:2\"\n                     {% endif %}\n                id: \"scipynumpy\"\nproperties:\n"},
		{"trimmed statements keep the indentation of the keys they lead",
			"name: p\naws_resources:\n  - name: q\n    type: sns_topic\n    config:\n        {% if stage == 'test' -%}\n        subscriber_accounts: [\"111111111111\"]\n        {%- else -%}\n        subscriber_accounts: [\"222222222222\"]\n        {%- endif %}\n",
			"version: 2\nname: p\naws_resources:\n  - name: q\n    type: sns_topic\n    config:\n        {% if stage == 'test' -%}\n        subscriber_accounts: [\"111111111111\"]\n        {%- else -%}\n        subscriber_accounts: [\"222222222222\"]\n        {%- endif %}\n    physical_name: q-{{ env_var(\"PIPELINE_NAME\", \"p\")|aws_name }}\n"},
		{"keys added to a mapping of keys in branches come after the branches",
			"name: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n        type: lambda_function\n        config:\n          {% if stage == 'prod' %}\n          entry: e\n          {% else %}\n          entry: f\n          {% endif %}\n",
			"version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n        type: lambda_function\n        config:\n          {% if stage == 'prod' %}\n          entry: e\n          {% else %}\n          entry: f\n          {% endif %}\n          index: lambda_function.py\n"},
		{"a group added after a block of groups stays out of it",
			"name: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n        type: sns_publish\n        config: {topic_name: T, message: m}\n{% if stage == 'prod' %}\n  - name: H\n    jobs:\n      - name: K\n        type: sns_publish\n        config: {topic_name: T, message: m}\n{% endif %}\n",
			"version: 2\nname: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n        type: sns_publish\n        config: {topic_name: T, message: m}\n    parallel: false\n{% if stage == 'prod' %}\n  - name: H\n    jobs:\n      - name: K\n        type: sns_publish\n        config: {topic_name: T, message: m}\n    parallel: false\n{% endif %}\nproperties:\n"},
		{"keys added to a mapping come after a block that closes inside it",
			"name: p\ngroups:\n  - name: H\n    jobs:\n      - name: K\n        type: sns_publish\n        config: {topic_name: T, message: m}\n{% if stage == 'prod' %}\n        comment: c\n{% endif %}\n",
			"version: 2\nname: p\ngroups:\n  - name: H\n    jobs:\n      - name: K\n        type: sns_publish\n        config: {topic_name: T, message: m}\n{% if stage == 'prod' %}\n        comment: c\n{% endif %}\n    parallel: false\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, diags := Migrate("config.yaml", []byte(tt.src))
			require.False(t, diags.HasErrors(), "%v", diags)
			// The rest of the file is what the version 1 rules write.
			assert.True(t, strings.HasPrefix(string(out), tt.want), "migrated:\n%s\nwant it to start with:\n%s", out, tt.want)
			for _, stage := range []string{"test", "prod"} {
				assert.Equal(t, loadedTree(t, tt.src, stage), loadedTree(t, string(out), stage), "stage %s", stage)
			}
		})
	}
}

// loadedTree renders and loads a config as blueprint does, and returns the
// version 2 tree the engines read, without its version key.
func loadedTree(t *testing.T, src, stage string) any {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(src), 0o644))
	stacks, diags := Load(LoadOptions{RepoDir: dir, Stage: stage, Vars: map[string]string{"owner": "o", "model_name": "m"},
		LookupEnv: func(string) (string, bool) { return "", false }})
	require.False(t, diags.HasErrors(), "%v", diags)
	require.Len(t, stacks, 1)
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(stacks[0].Source.Rendered, &doc))
	root := resolve(&doc)
	if sniffVersion([]byte(src)) == V1 {
		upgradeV1(NewDecoder(stacks[0].Source), root, stacks[0].v1Vals)
	}
	mapDelete(root, "version")
	var v any
	require.NoError(t, root.Decode(&v))
	return v
}

func TestMigrateListsTheTemplateItCannotCarry(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"a statement with YAML after it", "name: p\n{% if x %}comment: a{% endif %}\n",
			"config.yaml:2:1: cannot migrate: a template statement with YAML after it on its line (put the statement on a line of its own, or migrate this file by hand)"},
		{"an unclosed expression", "name: p\ncomment: \"{{ owner\"\n", `config.yaml:2:11: cannot migrate: "{{" is not closed`},
		{"a key the rewrite would move out of its branch",
			"name: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n        type: lambda_function\n        config:\n          entry: e\n          runtime: python3.12\n          {% if stage == 'prod' %}\n          result_path: $.x\n          {% endif %}\n",
			"config.yaml:11:24: cannot migrate: what the rewrite writes here would land in another branch of the template's {% %} blocks than the text it stands for (migrate this part by hand, or move the statements so that they hold whole items)"},
		{"a key the rewrite drops with template statements inside",
			"name: p\ngroups:\n  - name: G\n    jobs:\n      - name: J\n        type: sns_publish\n        config: {topic_name: T, message: m}\n        properties:\n          {% if stage == 'prod' %}\n          owner: a\n          {% endif %}\n          team: b\n",
			"config.yaml:9:11: cannot migrate: the rewrite moves or drops the keys around this template statement (migrate this part by hand, or move the statements so that they hold whole items)"},
		{"an unclosed block after a key", "name: p\ncomment: {% if x %}a\n", "config.yaml:2:10: cannot migrate: {% if %} is not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, diags := Migrate("config.yaml", []byte(tt.src))
			assert.Nil(t, out)
			require.Len(t, diags, 1)
			assert.Equal(t, tt.want, diags[0].String())
		})
	}
}

func TestMisplacedFindsAKeyWrittenIntoABranch(t *testing.T) {
	m, diags := maskTemplate("config.yaml", "a: 1\n{% if x %}\nb: 2\n{% endif %}\n")
	require.Empty(t, diags)
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(m.masked), &doc))
	old := nodes(&doc, map[*yaml.Node]bool{})
	root := resolve(&doc)
	mapSet(root, root, "c", &yaml.Node{Kind: yaml.ScalarNode, Value: "3"})
	endif := strings.Split(m.masked, "\n")[3]
	inside := "a: 1\n" + strings.Split(m.masked, "\n")[1] + "\nb: 2\nc: 3\n" + endif + "\n"
	outside := "a: 1\n" + strings.Split(m.masked, "\n")[1] + "\nb: 2\n" + endif + "\nc: 3\n"
	for text, want := range map[string]string{inside: "c", outside: ""} {
		var written yaml.Node
		require.NoError(t, yaml.Unmarshal([]byte(text), &written))
		got := ""
		if n := m.misplaced(&doc, &written, old, m.contexts(m.masked), m.contexts(text)); n != nil {
			got = n.Value
		}
		assert.Equal(t, want, got, "%s", text)
	}
}

func TestMigrateWritesPipelineNameAsVersion1ReadIt(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"an expression", "name: p\ncomment: \"{{pipeline_name}}-{{ pipeline_name|lower }}\"\n",
			"comment: \"{{env_var(\"ORIGIN_PIPELINE_NAME\", \"\")}}-{{ env_var(\"ORIGIN_PIPELINE_NAME\", \"\")|lower }}\""},
		{"a condition", "name: p\n{% if pipeline_name == 'a' %}\ncomment: a\n{% endif %}\n",
			"{% if env_var(\"ORIGIN_PIPELINE_NAME\", \"\") == 'a' %}"},
		{"not a string, an attribute, another name or a comment",
			"name: p\ncomment: \"{{ 'pipeline_name' }}{{ x.pipeline_name }}{{ my_pipeline_name }}{# pipeline_name #}\"\n",
			"comment: \"{{ 'pipeline_name' }}{{ x.pipeline_name }}{{ my_pipeline_name }}{# pipeline_name #}\""},
		{"a template that sets it means its own value",
			"name: p\n{% set pipeline_name = 'x' %}\ncomment: \"{{ pipeline_name }}\"\n",
			"comment: \"{{ pipeline_name }}\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, diags := Migrate("config.yaml", []byte(tt.src))
			require.False(t, diags.HasErrors(), "%v", diags)
			assert.Contains(t, string(out), tt.want)
			n := strings.Count(tt.want, "env_var")
			assert.Len(t, diags, n, "one warning per reference: %v", diags)
		})
	}
	_, diags := Migrate("config.yaml", []byte("name: p\ncomment: \"a {{ pipeline_name }}\"\n"))
	require.Len(t, diags, 1)
	assert.Equal(t, "config.yaml:2:16: warning: pipeline_name of a data.all config was the environment variable ORIGIN_PIPELINE_NAME, empty when unset (utils/task_group_reader.py:70-72), and in version 2 it is the pipeline's name: written as env_var(\"ORIGIN_PIPELINE_NAME\", \"\") to keep the meaning (write pipeline_name if the pipeline's name is meant)", diags[0].String())
}

// TestMigrateKeepsTheFileAsWritten: the lines the rewrite leaves alone
// stay byte for byte (comments, blank lines, a block scalar, 4-space
// indentation, odd spacing and quoting, key order); a renamed key changes
// in place; what the rewrite adds comes at its siblings' indentation.
func TestMigrateKeepsTheFileAsWritten(t *testing.T) {
	src := `# The team's pipeline: its comments, blank lines, indentation, quoting
# and key order stay as written.
name :  formatted
comment: |
    A block scalar

    with a blank line inside.

groups:

    # the one group
    - name: Prepare
      jobs:
          - name: prepare   # the first job
            type: lambda_function
            config:
                entry: 'customcode/lambda_functions/prepare'

                environment: {STAGE: "{{ stage }}"}

aws_resources:
    - name: queue_ce
      type: batch_compute_environment
      properties:
          compute_resource_type: SPOT
          subnet_id: ["subnet-0a1b2c3d4e5f60741",   "subnet-0a1b2c3d4e5f60742"]   # two subnets

          instance_types: [c5.large]

    - {name: alerts, type: sns_topic}
`
	want := strings.Join([]string{
		"# The team's pipeline: its comments, blank lines, indentation, quoting",
		"# and key order stay as written.",
		"version: 2",
		"name :  formatted",
		"comment: |",
		"    A block scalar",
		"",
		"    with a blank line inside.",
		"",
		"groups:",
		"",
		"    # the one group",
		"    - name: Prepare",
		"      jobs:",
		"          - name: prepare   # the first job",
		"            type: lambda_function",
		"            config:",
		"                entry: 'customcode/lambda_functions/prepare'",
		"",
		"                environment: {STAGE: \"{{ stage }}\"}",
		"                index: lambda_function.py",
		"                handler: handler",
		"                runtime: python3.12",
		"                timeout: 900",
		"                memory: 1028",
		"                task_timeout: 900",
		"                payload_response_only: true",
		`            physical_name: '{% with p=env_var("PIPELINE_NAME", "formatted")|aws_name %}{% if p|length >= 55 %}{{ p|slice:":20" }}-{{ p|slice:"-4:" }}-prepare{% else %}{{ p }}-prepare{% endif %}{% endwith %}'`,
		"      parallel: false",
		"",
		"aws_resources:",
		"    - name: queue_ce",
		"      type: batch_compute_environment",
		"      properties:",
		"          compute_resource_type: SPOT",
		"          subnet_ids: [\"subnet-0a1b2c3d4e5f60741\",   \"subnet-0a1b2c3d4e5f60742\"]   # two subnets",
		"",
		"          instance_types: [c5.large]",
		"          max_vcpus: 16",
		"          min_vcpus: 0",
		"          desired_vcpus: 0",
		"          allocation_strategy: BEST_FIT",
		"          bid_percentage: 100",
		"      arn_parameter:",
		"        name: /{{ env_var(\"ORIGIN_PIPELINE_NAME\", \"formatted\")|aws_name }}/{{ stage|aws_name }}/compute_environment/queue_ce",
		"        logical_id: cequeuece45930708",
		"",
		"    - {name: alerts, type: sns_topic, physical_name: 'alerts-{{ env_var(\"PIPELINE_NAME\", \"formatted\")|aws_name }}', logical_id: alertsSNS957EE9DF}",
		"properties:",
		"  stage_in_names: false",
		`  stack_name: '{{ env_var("PIPELINE_NAME", "SampleDataProcessingPipeline") }}'`,
		"  context_parameters:",
		`    ecr_repository: /{{ env_var("ORIGIN_PIPELINE_NAME", "formatted")|aws_name }}/{{ stage|aws_name }}/ecr_repository_uri`,
		`    pipeline_bucket: /{{ env_var("ORIGIN_PIPELINE_NAME", "formatted")|aws_name }}/{{ stage|aws_name }}/bucket_name`,
		`  pipeline_name: '{{ env_var("PIPELINE_NAME", "formatted") }}'`,
		`  state_machine_logical_id: '{{ env_var("PIPELINE_NAME", "formatted")|add:"/Resource"|logical_id }}'`,
		`  arn_parameter_logical_id: '{% with p=env_var("PIPELINE_NAME", "formatted") %}{{ "stepfunction_arn_"|add:p|add:"/Resource"|logical_id }}{% endwith %}'`,
		"  job_names: true",
		"  timeout: 3600",
		"  dataall_tags: true",
		"",
	}, "\n")
	out, diags := Migrate("config.yaml", []byte(src))
	require.False(t, diags.HasErrors(), "%v", diags)
	assert.Equal(t, want, string(out))
	for _, stage := range []string{"test", "prod"} {
		assert.Equal(t, loadedTree(t, src, stage), loadedTree(t, string(out), stage), "stage %s", stage)
	}
}

func TestMigrateWritesAnewOnlyWhatHasNoPlaceInTheText(t *testing.T) {
	// The first key of an item goes (state_machine_arn, read from the
	// last job only): that item is written by yaml.v3, the rest as it is.
	src := "name: p\n\ngroups:\n  - name: G\n    jobs:\n      - state_machine_arn: arn:aws:states:eu-west-1:111111111111:stateMachine:x\n        name: J   # job\n        type: sns_publish\n\n        config: {topic_name: T, message: m}\n\n  - name: H\n    jobs:\n      - {name: K, type: sns_publish, config: {topic_name: T, message: m}}\n"
	out, diags := Migrate("config.yaml", []byte(src))
	require.False(t, diags.HasErrors(), "%v", diags)
	assert.True(t, strings.HasPrefix(string(out), "version: 2\nname: p\n\ngroups:\n  - name: G\n    jobs:\n      - name: J # job\n        type: sns_publish\n        config: {topic_name: T, message: m}\n    parallel: false\n\n  - name: H\n    jobs:\n      - {name: K, type: sns_publish, config: {topic_name: T, message: m}}\n    parallel: false\nproperties:\n"), "%s", out)
	assert.Equal(t, loadedTree(t, src, "test"), loadedTree(t, string(out), "test"))
}

func TestMigrateKeepsBranchEndsAndTheLastBlankLine(t *testing.T) {
	// bid_percentage (read for SPOT only) goes from both branches; the
	// keys the rewrite adds come after the branch's end, and the file's
	// last blank line stays last.
	src := "name: p\naws_resources:\n  - name: ce\n    type: batch_compute_environment\n    properties:\n      vpc_id: vpc-1\n      {% if stage == 'prod' %}\n      subnet_id: [subnet-1]\n      bid_percentage: 60\n      {% else %}\n      subnet_id: [subnet-2]\n      bid_percentage: 40\n      {% endif %}\n\n"
	out, diags := Migrate("config.yaml", []byte(src))
	require.False(t, diags.HasErrors(), "%v", diags)
	assert.Contains(t, string(out), "      {% if stage == 'prod' %}\n      subnet_ids: [subnet-1]\n      {% else %}\n      subnet_ids: [subnet-2]\n      {% endif %}\n      compute_resource_type: ON_DEMAND\n")
	assert.True(t, strings.HasSuffix(string(out), "\n\n") && !strings.HasSuffix(string(out), "\n\n\n"), "%q", out)
	for _, stage := range []string{"test", "prod"} {
		assert.Equal(t, loadedTree(t, src, stage), loadedTree(t, string(out), stage), "stage %s", stage)
	}
}

func TestMigrateAppendsItemsAfterTheOldOnes(t *testing.T) {
	// An API tree's functions become resources of their own
	// (engine/apigateway/apigateway_mapper.py:29-35): appended after the
	// old items, the blank lines around those kept.
	src := "name: p\n\naws_resources:\n\n  - name: api\n    type: apigateway\n    config:\n      resources:\n        - path: hello\n          integrations:\n            - name: hello_fx\n              config:\n                entry: customcode/hello\n              method: GET\n\n  - name: alerts\n    type: sns_topic\n"
	out, diags := Migrate("config.yaml", []byte(src))
	require.False(t, diags.HasErrors(), "%v", diags)
	assert.True(t, strings.HasPrefix(string(out), "version: 2\nname: p\n\naws_resources:\n\n  - name: api\n    type: apigateway\n"), "%s", out)
	assert.Contains(t, string(out), "\n\n  - name: alerts\n    type: sns_topic\n")
	assert.Regexp(t, `(?s)  - name: alerts\n.*\n  - name: hello_fx\n    type: lambda_function\n`, string(out))
	assert.Equal(t, loadedTree(t, src, "test"), loadedTree(t, string(out), "test"))
}
