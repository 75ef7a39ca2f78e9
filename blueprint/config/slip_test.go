package config

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// shift indents lines first..last (1-based) by n spaces (left when n < 0).
func shift(src string, first, last, n int) string {
	lines := strings.Split(src, "\n")
	for i := first - 1; i < last; i++ {
		if n > 0 {
			lines[i] = strings.Repeat(" ", n) + lines[i]
		} else {
			lines[i] = lines[i][-n:]
		}
	}
	return strings.Join(lines, "\n")
}

// TestIndentationSlipsArePlacedOnTheLineThatSlipped applies the common
// indentation slips to the repo's default config: the parser's own line is
// often lines away and its hint is about quoting.
func TestIndentationSlipsArePlacedOnTheLineThatSlipped(t *testing.T) {
	raw, err := os.ReadFile("../../config.yaml")
	require.NoError(t, err)
	src := string(raw)
	require.Contains(t, strings.Split(src, "\n")[48], "- name: ValidateInput", "the table's line numbers follow config.yaml")
	tests := []struct {
		name, config, want string
	}{
		{"type indented one space too far", shift(src, 50, 50, 1),
			`config.yaml:50:10: invalid YAML: "type" is indented 1 space more than "name" (line 49) (indentation: move it 1 space left, to column 9, with "name")`},
		{"result_path moved left to the dashes", shift(src, 59, 59, -2),
			`config.yaml:59:7: invalid YAML: "result_path" is at column 7, where the items of the list at line 49 have their dashes (indentation: indent it 2 spaces more, to column 9, with "name" (line 49))`},
		{"result_path moved left to the group's keys", shift(src, 59, 59, -4),
			`config.yaml:59:5: invalid YAML: "result_path" is indented less than the lines around it: line 61 goes on with the block of "name" (line 49) (indentation: indent it 4 spaces more, to column 9, with "name")`},
		{"a config key one space too far", shift(src, 53, 53, 1),
			`config.yaml:53:12: invalid YAML: "index" is indented 1 space more than "entry" (line 52) (indentation: move it 1 space left, to column 11, with "entry")`},
		{"a config key moved left to the job's keys", shift(src, 54, 54, -2),
			`config.yaml:54:9: invalid YAML: "handler" is indented less than the lines around it: line 55 goes on with the block of "entry" (line 52) (indentation: indent it 2 spaces more, to column 11, with "entry")`},
		{"a job's dash moved left", shift(src, 61, 61, -2),
			`config.yaml:61:5: invalid YAML: a list item at column 5, where the keys of the mapping at line 47 are (indentation: the item's next key (line 62) is at column 9, so its dash belongs at column 7, with the items of the list at line 49)`},
		{"a group's dash moved right", shift(src, 67, 67, 2),
			`config.yaml:67:5: invalid YAML: a list item at column 5, where the keys of the mapping at line 47 are (indentation: the item's next key (line 68) is at column 5, so its dash belongs at column 3, with the items of the list at line 47)`},
		{"a tab for indentation", strings.Replace(src, "        type: lambda_function\n        config:\n          entry: customcode/lambda_functions/validate_input", "\ttype: lambda_function\n        config:\n          entry: customcode/lambda_functions/validate_input", 1),
			`config.yaml:50:1: invalid YAML: a tab in the indentation (indentation: YAML indents with spaces only; replace the tab with spaces)`},
		{"the first key of a block one space short of its siblings", shift(src, 113, 113, -1),
			`config.yaml:113:10: invalid YAML: "topic_name" is indented 1 space less than "subject" and the lines after it (line 114) (indentation: indent it 1 space more, to column 11)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			err := yaml.Unmarshal([]byte(tt.config), &doc)
			require.Error(t, err, "the slip breaks the YAML")
			d := yamlSyntax(NewSource(MainFile, []byte(tt.config), []byte(tt.config), nil), err)
			assert.Equal(t, tt.want, d.String())
		})
	}
}

// TestYAMLFaultsAreAtTheirToken: yaml.v3 names the line before the
// mapping it was reading; the diagnostic names the token it refused.
// The first case is data.all's trigger_athena example once BUCKET_NAME is
// set: ”{{pipeline_bucket}}” renders as ”my-bucket”.
func TestYAMLFaultsAreAtTheirToken(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"text after a quoted scalar", "name: p\ngroups:\n  - name: g\n    jobs:\n      - name: j\n        config:\n          variables:\n            bucket_name: ''my-bucket'' # from the environment\n            model_name: m\n",
			"config.yaml:8:28: invalid YAML: did not find expected key (a '-quoted value ends just before this text; quote the whole value once ('' is an empty string))"},
		{"a value with ': ' unquoted", "version: 2\nname: p\ncomment: note: this breaks\n",
			"config.yaml:3:14: invalid YAML: mapping values are not allowed in this context (a value containing \": \" must be quoted; in a template, {{ value|yaml }} quotes it)"},
		{"an unclosed flow sequence", "version: 2\nname: p\ncomment: x\ntags: [a, b\nother: 1\n",
			"config.yaml:4:7: invalid YAML: did not find expected ',' or ']'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			err := yaml.Unmarshal([]byte(tt.text), &doc)
			require.Error(t, err)
			d := yamlSyntax(NewSource(MainFile, []byte(tt.text), []byte(tt.text), nil), err)
			assert.Equal(t, tt.want, d.String())
		})
	}
}
