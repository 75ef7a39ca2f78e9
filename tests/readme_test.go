package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/graph"
	"github.com/blueprint-dev/blueprint/blueprint/sfntest"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// TestTheREADMECaseRuns keeps the test-case example of the README true
// for the default pipeline.
func TestTheREADMECaseRuns(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	const open = "```json\n{\n  \"StateMachines\""
	i := strings.Index(string(readme), open)
	require.GreaterOrEqual(t, i, 0, "the README has no test case example")
	body := string(readme)[i+len("```json\n"):]
	body = body[:strings.Index(body, "```")]
	p := filepath.Join(t.TempDir(), "readme.json")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))

	stacks := testkit.Plan(t, root, testkit.Options{Stage: "dev"})
	suite, err := sfntest.Render(p, sfntest.Context(stacks), nil)
	require.NoError(t, err)
	results := suite.Run(sfntest.Machines(stacks))
	require.Len(t, results, 1)
	assert.True(t, results[0].Passed, "%v", results[0].Problems)
}

// TestTheREADMEGraphIsTheDefaultPipelines keeps the Mermaid drawing of
// the README what blueprint graph draws.
func TestTheREADMEGraphIsTheDefaultPipelines(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	const open = "```mermaid\n"
	i := strings.Index(string(readme), open)
	require.GreaterOrEqual(t, i, 0, "the README has no Mermaid drawing")
	body := string(readme)[i+len(open):]
	body = body[:strings.Index(body, "```")]

	stacks := testkit.Plan(t, root, testkit.Options{Stage: "dev"})
	m := stacks[0].Machine
	assert.Equal(t, graph.Mermaid(m.Name, m.Definition), body, "redraw it with: go run ./cmd/blueprint graph --stage dev")
}
