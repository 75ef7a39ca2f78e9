package choice_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/graph"
	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const fixture = "testdata/pipeline"

func TestChoicePlanRoutesEachBranchAndJoins(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	def := stacks[0].Machine.Definition
	branch := def.States["Decide"].Branches[0]
	route := branch.States["Route"]
	require.Len(t, route.Choices, 2)
	assert.Equal(t, "Big", route.Choices[0].Next)
	assert.Equal(t, "Flagged", route.Choices[1].Next)
	assert.Equal(t, "Normal", route.Default)
	assert.Equal(t, "AfterFlagged", branch.States["Flagged"].Next)
	assert.Equal(t, "Route: end", branch.States["AfterFlagged"].Next)
	assert.Equal(t, "Done", def.States["Decide"].Next)
	testkit.Golden(t, "testdata/golden/plan.mmd", []byte(graph.Mermaid(stacks[0].Machine.Name, def)))
}

func TestChoiceSynthesizes(t *testing.T) {
	stacks := testkit.Plan(t, fixture, testkit.Options{Stage: "dev"})
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	testkit.Golden(t, "testdata/golden/choice-fixture.template.json", a.Templates["choice-fixture"])
}
