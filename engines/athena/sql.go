package athena

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/render"
)

// Markers stand for runtime values while the SQL renders; they become the
// {} of a States.Format afterwards. Control characters cannot come from a
// SQL file, so a marker is never confused with text.
const (
	markOpen  = "\x02"
	markClose = "\x03"
)

var marker = regexp.MustCompile(markOpen + `(\d+)` + markClose)

// rendered is a SQL text rendered with a job's variables.
type rendered struct {
	// text is the SQL, with runtime references written as they are (for
	// graphs and checks).
	text string
	// format is a States.Format expression filling the references in at
	// run time, or "" when the text is constant.
	format string
}

// renderSQL renders a SQL template with vars and nothing else, as data.all
// does. Variables holding runtime references ($.x, $$.Execution.Id) turn
// the query into a States.Format expression. file is the display path.
func renderSQL(repo, file, sql string, vars map[string]any) (rendered, diag.List) {
	ctx := render.Context{}
	var refs []string
	for _, k := range engine.SortedKeys(vars) {
		v := vars[k]
		if s, ok := v.(string); ok && engine.IsRuntimePath(s) {
			ctx[k] = markOpen + strconv.Itoa(len(refs)) + markClose
			refs = append(refs, s)
			continue
		}
		ctx[k] = v
	}
	if d := misusedRuntime(file, sql, vars); d != nil {
		return rendered{}, diag.List{*d}
	}
	noEnv := func(string) (string, bool) { return "", false }
	res, diags := render.Render(file, []byte(sql), ctx, repo, noEnv)
	if res == nil {
		return rendered{}, diags
	}
	text := string(res.Text)
	if len(refs) == 0 {
		return rendered{text: text}, diags
	}
	var format strings.Builder
	var args []string
	rest := text
	for {
		loc := marker.FindStringSubmatchIndex(rest)
		if loc == nil {
			format.WriteString(escapeIntrinsic(rest))
			break
		}
		n, _ := strconv.Atoi(rest[loc[2]:loc[3]])
		format.WriteString(escapeIntrinsic(rest[:loc[0]]))
		format.WriteString("{}")
		args = append(args, refs[n])
		rest = rest[loc[1]:]
	}
	plain := marker.ReplaceAllStringFunc(text, func(m string) string {
		n, _ := strconv.Atoi(m[1 : len(m)-1])
		return refs[n]
	})
	if len(args) == 0 {
		return rendered{text: text}, diags
	}
	return rendered{text: plain, format: "States.Format('" + format.String() + "', " + strings.Join(args, ", ") + ")"}, diags
}

var (
	tag        = regexp.MustCompile(`(?s)\{\{.*?\}\}|\{%.*?%\}`)
	identifier = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	quoted     = regexp.MustCompile(`"[^"]*"|'[^']*'`)
)

// misusedRuntime finds a runtime variable used other than inserted as
// {{ name }}: filtered, tested or looped over, it would act on the
// placeholder, as its value only exists at run time.
func misusedRuntime(file, sql string, vars map[string]any) *diag.Diagnostic {
	runtime := map[string]bool{}
	for k, v := range vars {
		if s, ok := v.(string); ok && engine.IsRuntimePath(s) {
			runtime[k] = true
		}
	}
	if len(runtime) == 0 {
		return nil
	}
	for _, loc := range tag.FindAllStringIndex(sql, -1) {
		t := sql[loc[0]:loc[1]]
		body := strings.TrimSpace(strings.Trim(t[2:len(t)-2], "-"))
		if strings.HasPrefix(t, "{{") && runtime[body] {
			continue
		}
		for _, name := range identifier.FindAllString(stripStrings(body), -1) {
			if !runtime[name] {
				continue
			}
			line := 1 + strings.Count(sql[:loc[0]], "\n")
			col := loc[0] - strings.LastIndex(sql[:loc[0]], "\n")
			return &diag.Diagnostic{File: file, Line: line, Col: col,
				Message: fmt.Sprintf("%s uses the runtime variable %q (%s), whose value only exists at run time", t, name, vars[name]),
				Hint:    "insert it as it is, {{ " + name + " }}; Step Functions fills it in"}
		}
	}
	return nil
}

// stripStrings blanks the string literals of a tag body, so that words
// inside them are not taken for variables.
func stripStrings(s string) string {
	return quoted.ReplaceAllString(s, "")
}

// escapeIntrinsic escapes what an intrinsic function's string literal
// reads as syntax.
func escapeIntrinsic(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`, `{`, `\{`, `}`, `\}`).Replace(s)
}

// placeholders counts the ? parameters of a SQL text, skipping string
// literals, quoted identifiers and comments.
func placeholders(sql string) int {
	n := 0
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == '\'' || c == '"':
			for i++; i < len(sql); i++ {
				if sql[i] == c {
					if i+1 < len(sql) && sql[i+1] == c {
						i++ // a doubled quote is part of the literal
						continue
					}
					break
				}
			}
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return n
			}
			i += end + 3
		case c == '?':
			n++
		}
	}
	return n
}

// param is one execution parameter: a SQL literal, or a runtime reference
// whose value becomes a string literal.
type param struct {
	literal string
	ref     string
}

// paramOf turns a value written in a config into an execution parameter.
// Athena reads each parameter as a SQL literal: strings are quoted (unless
// written quoted already), numbers and booleans are not.
func paramOf(v any) param {
	switch x := v.(type) {
	case string:
		if engine.IsRuntimePath(x) {
			return param{ref: x}
		}
		if len(x) >= 2 && strings.HasPrefix(x, "'") && strings.HasSuffix(x, "'") {
			return param{literal: x}
		}
		return param{literal: "'" + strings.ReplaceAll(x, "'", "''") + "'"}
	case nil:
		return param{literal: "NULL"}
	}
	return param{literal: fmt.Sprint(v)}
}

// executionParameters writes parameters into a task's Parameters: a list
// of literals, or a States.Array when runtime values are among them.
func executionParameters(par map[string]any, params []param) {
	if len(params) == 0 {
		return
	}
	dynamic := false
	lits := make([]string, len(params))
	args := make([]string, len(params))
	for i, p := range params {
		if p.ref != "" {
			dynamic = true
			args[i] = `States.Format('\'{}\'', ` + p.ref + ")"
			continue
		}
		lits[i] = p.literal
		args[i] = "'" + escapeIntrinsic(p.literal) + "'"
	}
	if dynamic {
		par["ExecutionParameters.$"] = "States.Array(" + strings.Join(args, ", ") + ")"
		return
	}
	par["ExecutionParameters"] = lits
}

// writes reports whether a statement may change the catalog (DDL, CTAS,
// INSERT…): read-only queries need no catalog write permissions.
func writes(sql string) bool {
	for {
		sql = strings.TrimSpace(sql)
		switch {
		case strings.HasPrefix(sql, "--"):
			if i := strings.IndexByte(sql, '\n'); i >= 0 {
				sql = sql[i+1:]
				continue
			}
			return false
		case strings.HasPrefix(sql, "/*"):
			if i := strings.Index(sql, "*/"); i >= 0 {
				sql = sql[i+2:]
				continue
			}
			return false
		case strings.HasPrefix(sql, "("):
			sql = sql[1:]
			continue
		}
		break
	}
	words := strings.FieldsFunc(sql, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_')
	})
	if len(words) == 0 {
		return false
	}
	switch strings.ToUpper(words[0]) {
	case "SELECT", "WITH", "VALUES", "SHOW", "DESCRIBE", "EXPLAIN", "TABLE":
		return false
	}
	return true
}
