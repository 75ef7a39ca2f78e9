package diag

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDiagnosticPrintedForm(t *testing.T) {
	tests := []struct {
		name string
		d    Diagnostic
		want string
	}{
		{"full position, path and hint", Diagnostic{File: "config.yaml", Line: 12, Col: 5, Path: "groups[1].jobs[0].type", Message: `unknown step type "lamda"`, Hint: `did you mean "lambda_function"?`},
			`config.yaml:12:5: groups[1].jobs[0].type: unknown step type "lamda" (did you mean "lambda_function"?)`},
		{"line without column", Diagnostic{File: "config.yaml", Line: 3, Message: "invalid YAML: x"}, "config.yaml:3: invalid YAML: x"},
		{"no position at all", Diagnostic{Message: "no config"}, "no config"},
		{"warning", Diagnostic{File: "c.yaml", Line: 1, Col: 2, Path: "a", Message: "m", Severity: Warning}, "c.yaml:1:2: warning: a: m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.d.String()) })
	}
}

func TestListSortsDeduplicatesAndSummarizes(t *testing.T) {
	var l List
	l.Errorf(Pos{File: "b.yaml", Line: 1, Col: 1}, "x", "late file")
	l.Errorf(Pos{File: "a.yaml", Line: 9, Col: 1}, "y", "later line")
	l.Errorf(Pos{File: "a.yaml", Line: 2, Col: 3}, "z", "first")
	l.Errorf(Pos{File: "a.yaml", Line: 2, Col: 3}, "z", "first")
	l.Warnf(Pos{File: "a.yaml", Line: 5, Col: 1}, "w", "careful")
	var b bytes.Buffer
	l.Print(&b)
	assert.Equal(t, `a.yaml:2:3: z: first
a.yaml:5:1: warning: w: careful
a.yaml:9:1: y: later line
b.yaml:1:1: x: late file
4 errors, 1 warning
`, b.String())
	assert.True(t, l.HasErrors())
}

func TestPrintShowsTheRenderedLineWithACaret(t *testing.T) {
	l := List{{File: "config.yaml", Line: 4, Col: 9, Message: "bad", Source: "  name: {oops"}}
	var b bytes.Buffer
	l.Print(&b)
	assert.Equal(t, "config.yaml:4:9: bad\n      name: {oops\n            ^\n1 error, 0 warnings\n", b.String())
}

func TestJSONOutputIsADocumentEvenWhenEmpty(t *testing.T) {
	var b bytes.Buffer
	assert.NoError(t, List(nil).PrintJSON(&b))
	assert.JSONEq(t, `{"diagnostics":[],"errors":0,"warnings":0}`, b.String())
	b.Reset()
	assert.NoError(t, List{{File: "c.yaml", Line: 1, Col: 2, Path: "p", Message: "m", Hint: "h"}}.PrintJSON(&b))
	assert.JSONEq(t, `{"diagnostics":[{"file":"c.yaml","line":1,"column":2,"path":"p","message":"m","hint":"h","severity":"error"}],"errors":1,"warnings":0}`, b.String())
}

func TestSuggest(t *testing.T) {
	types := []string{"lambda_function", "lambda_layer", "glue_job", "sns_publish"}
	tests := []struct{ got, want string }{
		{"lamda", "lambda_function"},
		{"lambda_fuction", "lambda_function"},
		{"glue_jbo", "glue_job"},
		{"sns_pub", "sns_publish"},
		{"completely_else", ""},
	}
	for _, tt := range tests {
		t.Run(tt.got, func(t *testing.T) { assert.Equal(t, tt.want, Suggest(tt.got, types)) })
	}
}

func TestOneOf(t *testing.T) {
	assert.Equal(t, `"a"`, OneOf([]string{"a"}))
	assert.Equal(t, `"a", "b" or "c"`, OneOf([]string{"a", "b", "c"}))
}

func TestPrintListsAtMostMaxPrintedThenCounts(t *testing.T) {
	var l List
	for i := 1; i <= 250; i++ {
		l.Errorf(Pos{File: "c.yaml", Line: i, Col: 1}, "p", "bad")
	}
	var b bytes.Buffer
	l.Print(&b)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	assert.Len(t, lines, MaxPrinted+2)
	assert.Equal(t, "c.yaml:100:1: p: bad", lines[MaxPrinted-1])
	assert.Equal(t, "… and 150 more", lines[MaxPrinted])
	assert.Equal(t, "250 errors, 0 warnings", lines[MaxPrinted+1])
}
