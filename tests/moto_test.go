package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/sfntest"
	"github.com/blueprint-dev/blueprint/internal/moto"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

// TestPipelineCasesEndTheSameInMoto runs the state machine cases of the
// repo and of the examples (tests/sfn/*.json) through moto's Step
// Functions executor too: the planned definitions, the same inputs and
// mocked responses must end with the same status, error and output as in
// blueprint test. Where moto is installed; never in CI.
func TestPipelineCasesEndTheSameInMoto(t *testing.T) {
	if os.Getenv("CI") != "" {
		t.Skip("moto is not part of CI")
	}
	if err := moto.Available(); err != nil {
		t.Skipf("no moto here: %v", err)
	}
	var cases []moto.Case
	var ours []sfntest.CaseResult
	// Left out, for moto's sake: sagemaker (moto refuses the .sync
	// SageMaker integrations even when mocked), glue-athena (its SQL quotes
	// literals with \' in States.Format, which moto's parser does not
	// read: corpus case IntrinsicFormatEscapedQuote) and batch (a failed
	// job throws States.TaskFailed, which moto will not take as a mock) and
	// fan-out (moto's parser has no ItemBatcher, and it never applies a
	// distributed map's tolerated failures: corpus cases
	// DistributedMapItemBatcher and DistributedMapFailsPastItsTolerance).
	for _, dir := range []string{root, "../examples/starter", "../examples/container-lambda"} {
		stacks := testkit.Plan(t, dir, testkit.Options{Stage: "dev"})
		machines := sfntest.Machines(stacks)
		files := sfntest.Files(dir)
		require.NotEmpty(t, files, dir)
		for _, f := range files {
			suite, err := sfntest.Render(f, sfntest.Context(stacks), nil)
			require.NoError(t, err)
			results := suite.Run(machines)
			for i, c := range suite.Cases() {
				require.True(t, results[i].Passed, "%s %s: %v", f, c.Name, results[i].Problems)
				def, err := machines[c.Machine].Marshal()
				require.NoError(t, err)
				cases = append(cases, moto.Case{Name: filepath.Join(dir, c.Name), Definition: def, Input: c.Input, Mocks: c.Mocks})
				ours = append(ours, results[i])
			}
		}
	}
	require.GreaterOrEqual(t, len(cases), 8)
	live, err := moto.Run(cases)
	require.NoError(t, err)
	for i, m := range live {
		t.Run(cases[i].Name, func(t *testing.T) {
			r := ours[i].Result
			require.Equal(t, r.Status, m.Status, "%s: %s", m.Error, m.Cause)
			assert.Equal(t, r.Error, m.Error)
			if r.Status == "SUCCEEDED" {
				want, _ := json.Marshal(m.Output)
				got, _ := json.Marshal(r.Output)
				assert.JSONEq(t, string(want), string(got))
			}
		})
	}
}
