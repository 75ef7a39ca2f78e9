package athena

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/render"
)

// Markers stand for runtime values while the SQL renders; they become {}
// of a States.Format afterwards.
const (
	markOpen  = "\x02"
	markClose = "\x03"
)

// renderSQL renders a SQL template with vars only (as data.all does). It
// returns the text, and a States.Format expression when some variables
// are runtime references.
func renderSQL(c *engine.CheckContext, file, sql string, vars map[string]any) (string, string, diag.List) {
	ctx := render.Context{}
	var refs []string
	for _, k := range sortedKeys(vars) {
		v := vars[k]
		if s, ok := v.(string); ok && engine.IsRuntimePath(s) {
			ctx[k] = fmt.Sprintf("%s%d%s", markOpen, len(refs), markClose)
			refs = append(refs, s)
			continue
		}
		ctx[k] = v
	}
	res, diags := render.Render(file, []byte(sql), ctx, c.Stack.RepoDir, func(string) (string, bool) { return "", false })
	if res == nil {
		return "", "", diags
	}
	text := string(res.Text)
	if !strings.Contains(text, markOpen) {
		return text, "", diags
	}
	// Build States.Format('…{}…', ref, …) with the references in the
	// order the query uses them.
	var b strings.Builder
	var args []string
	rest := text
	for {
		i := strings.Index(rest, markOpen)
		if i < 0 {
			b.WriteString(escapeFormat(rest))
			break
		}
		j := strings.Index(rest[i:], markClose)
		var n int
		fmt.Sscanf(rest[i+1:i+j], "%d", &n)
		b.WriteString(escapeFormat(rest[:i]))
		b.WriteString("{}")
		args = append(args, refs[n])
		rest = rest[i+j+1:]
	}
	// The plain text shows the references as they are, for graphs.
	plain := text
	for i, r := range refs {
		plain = strings.ReplaceAll(plain, fmt.Sprintf("%s%d%s", markOpen, i, markClose), r)
	}
	return plain, "States.Format('" + b.String() + "', " + strings.Join(args, ", ") + ")", diags
}

// escapeFormat escapes what States.Format reads as syntax in its template.
func escapeFormat(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`, `{`, `\{`, `}`, `\}`).Replace(s)
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
