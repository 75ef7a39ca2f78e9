package executor_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/executor"
	"github.com/blueprint-dev/blueprint/internal/moto"
)

// corpusFile holds small ASL definitions, each with an input and mocked
// task responses, and how moto's Step Functions executor ended each one.
// Where moto departs from the service, Differs says how and what AWS
// documents instead; our executor must then match AWS.
const corpusFile = "testdata/differential.json"

type corpusCase struct {
	moto.Case
	Moto    *moto.Result `json:"moto,omitempty"`
	Differs *struct {
		Reason string      `json:"reason"`
		AWS    moto.Result `json:"aws"`
	} `json:"differs,omitempty"`
}

func loadCorpus(t *testing.T) []corpusCase {
	t.Helper()
	raw, err := os.ReadFile(corpusFile)
	require.NoError(t, err)
	var cases []corpusCase
	require.NoError(t, json.Unmarshal(raw, &cases))
	require.GreaterOrEqual(t, len(cases), 30)
	return cases
}

// ours runs a case in blueprint's executor, as moto reports it.
func ours(t *testing.T, c moto.Case) moto.Result {
	t.Helper()
	sm, err := asl.Parse(c.Definition)
	require.NoError(t, err, c.Name)
	var unmocked []string
	r, err := executor.Run(sm, c.Input, executor.Options{Tasks: c.Tasks(&unmocked), Name: "run"})
	require.NoError(t, err, c.Name)
	require.Empty(t, unmocked, c.Name)
	out := moto.Result{Name: c.Name, Status: r.Status, Error: r.Error, Cause: r.Cause}
	if r.Status == executor.Succeeded {
		out.Output = r.Output
	}
	return out
}

// same compares how two executions ended: status, output (as JSON) and,
// for a failure, the error and cause.
func same(t *testing.T, want, got moto.Result, msg string) {
	t.Helper()
	assert.Equal(t, want.Status, got.Status, msg)
	w, _ := json.Marshal(want.Output)
	g, _ := json.Marshal(got.Output)
	assert.JSONEq(t, string(w), string(g), msg)
	assert.Equal(t, want.Error, got.Error, msg)
	// moto words the causes of runtime and query errors in Python terms
	// (class names, event ids), and AWS documents no wording for a Map Run
	// over its tolerance; only the error name is the contract.
	if want.Status == executor.Failed && want.Error != asl.ErrRuntime && want.Error != asl.ErrQueryEvaluation && want.Error != asl.ErrToleratedFailure {
		assert.Equal(t, want.Cause, got.Cause, msg)
	}
}

// TestExecutorMatchesMotoOnTheCorpus runs everywhere, CI included: our
// executor against moto's recorded results (or AWS's, where moto departs).
func TestExecutorMatchesMotoOnTheCorpus(t *testing.T) {
	for _, c := range loadCorpus(t) {
		t.Run(c.Name, func(t *testing.T) {
			require.NotNil(t, c.Moto, "no moto result recorded; run TestCorpusAgainstLiveMoto with BLUEPRINT_UPDATE_GOLDEN=1")
			got := ours(t, c.Case)
			if c.Differs != nil {
				same(t, c.Differs.AWS, got, "AWS: "+c.Differs.Reason)
				return
			}
			same(t, *c.Moto, got, "moto")
		})
	}
}

// TestCorpusAgainstLiveMoto runs the corpus through moto itself, where it
// is installed and never in CI: moto must still end each case as recorded
// and, unless a difference is declared, as our executor does.
// BLUEPRINT_UPDATE_GOLDEN=1 records moto's results.
func TestCorpusAgainstLiveMoto(t *testing.T) {
	if os.Getenv("CI") != "" {
		t.Skip("moto is not part of CI")
	}
	if err := moto.Available(); err != nil {
		t.Skipf("no moto here: %v", err)
	}
	cases := loadCorpus(t)
	in := make([]moto.Case, len(cases))
	for i, c := range cases {
		in[i] = c.Case
	}
	results, err := moto.Run(in)
	require.NoError(t, err)
	if os.Getenv("BLUEPRINT_UPDATE_GOLDEN") == "1" {
		for i := range cases {
			r := results[i]
			cases[i].Moto = &r
		}
		raw, err := json.MarshalIndent(cases, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.FromSlash(corpusFile), append(raw, '\n'), 0o644))
	}
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			live := results[i]
			require.NotNil(t, c.Moto)
			// moto refuses some definitions AWS runs (ItemBatcher, JSONL
			// readers): allowed only as a declared difference.
			if live.Status == "REFUSED" && (c.Differs == nil || c.Moto.Status != "REFUSED") {
				require.Fail(t, "moto refuses the definition", live.Cause)
			}
			same(t, *c.Moto, live, "moto no longer ends the case as recorded")
			if c.Differs == nil {
				same(t, live, ours(t, c.Case), "our executor and moto differ")
			}
		})
	}
}
