package render

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// secretHint is the safer way: a reference resolved by CloudFormation at
// deploy time, so the secret is never in the template.
const secretHint = "a synthesized template is stored and shown in plain text; keep the secret in SSM Parameter Store (SecureString) or Secrets Manager and pass its name, resolved at deploy time by a dynamic reference (resolve:ssm-secure:NAME or resolve:secretsmanager:NAME)"

var envCall = regexp.MustCompile(`\benv_var\(\s*(?:'([^']*)'|"([^"]*)")`)

// accessKey is the shape of an AWS access key id.
var accessKey = regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`)

// SecretName reports whether an environment variable's name looks like it
// holds a secret.
func SecretName(name string) bool {
	n := strings.ToUpper(name)
	return strings.Contains(n, "SECRET") || strings.Contains(n, "TOKEN") || strings.Contains(n, "PASSWORD") ||
		(strings.HasPrefix(n, "AWS_") && strings.Contains(n, "KEY"))
}

// secretWarnings warns where a template reads a secret-looking environment
// variable, and where its output holds what looks like an AWS access key.
func secretWarnings(file, text string, res *Result) diag.List {
	var out diag.List
	for _, t := range tags(text) {
		for _, m := range envCall.FindAllStringSubmatchIndex(t.body, -1) {
			var name string
			if m[2] >= 0 {
				name = t.body[m[2]:m[3]]
			} else {
				name = t.body[m[4]:m[5]]
			}
			if !SecretName(name) {
				continue
			}
			line, col := advance(t.body[:m[0]], t.line, t.col)
			out.Add(diag.Diagnostic{File: file, Line: line, Col: col, Severity: diag.Warning,
				Message: fmt.Sprintf("env_var(%q) writes a secret into the template", name), Hint: secretHint})
		}
	}
	if res == nil {
		return out
	}
	for i, l := range strings.Split(string(res.Text), "\n") {
		loc := accessKey.FindStringIndex(l)
		if loc == nil {
			continue
		}
		line := i + 1
		if i < len(res.LineMap) {
			line = res.LineMap[i]
		}
		out.Add(diag.Diagnostic{File: file, Line: line, Severity: diag.Warning,
			Message: fmt.Sprintf("%s…, an AWS access key id, is written into the template", l[loc[0]:loc[0]+8]), Hint: secretHint})
	}
	return out
}
