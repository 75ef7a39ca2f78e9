package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSecretsInTemplatesAreWarnedAbout(t *testing.T) {
	const hint = " (" + secretHint + ")"
	tests := []struct {
		name, src string
		diags     []string
	}{
		{"a secret-looking environment variable", "k: {{ env_var('AWS_SECRET_ACCESS_KEY', 'x') }}\nt: {{ env_var(\"GITHUB_TOKEN\", '') }}\n",
			[]string{`config.yaml:1:7: warning: env_var("AWS_SECRET_ACCESS_KEY") writes a secret into the template` + hint,
				`config.yaml:2:7: warning: env_var("GITHUB_TOKEN") writes a secret into the template` + hint}},
		{"an access key id in a literal", "a: 1\np: \"{'key': 'AKIAABCDEFGHIJKLMNOP'}\"\n",
			[]string{`config.yaml:2: warning: AKIAABCD…, an AWS access key id, is written into the template` + hint}},
		{"ordinary names are fine", "r: {{ env_var('AWS_REGION', 'eu-west-1') }}\nk: {{ env_var('KEYBOARD', '') }}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := printed(t, tt.src, Context{})
			assert.Equal(t, tt.diags, diags)
		})
	}
	for name, want := range map[string]bool{"DB_PASSWORD": true, "aws_access_key_id": true, "AWS_SESSION_TOKEN": true, "MY_SECRET": true, "AWS_REGION": false, "STAGE": false} {
		assert.Equal(t, want, SecretName(name), name)
	}
}
