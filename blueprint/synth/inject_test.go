package synth

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A template read and written back is byte for byte what CDK wrote: the
// injection changes nothing but what it adds and replaces.
func TestTemplatesRoundTripAsCDKWritesThem(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../../tests/testdata/golden/*.template.json", "../../tests/testdata/golden/*/*/*.template.json", "../../engines/*/testdata/golden/*.template.json"} {
		m, err := filepath.Glob(pattern)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		v, err := decodeOrdered(raw)
		require.NoError(t, err, f)
		var b bytes.Buffer
		writeJS(&b, v, 0)
		assert.Equal(t, string(raw), b.String(), f)
	}
}

func TestLogicalIDsAreCDKs(t *testing.T) {
	// From the templates CDK wrote for these construct paths.
	assert.Equal(t, "FunctionFn00000ServiceRole3D65D097", LogicalID("FunctionFn00000", "ServiceRole", "Resource"))
	assert.Equal(t, "FunctionFn00000ServiceRoleDefaultPolicy39362650", LogicalID("FunctionFn00000", "ServiceRole", "DefaultPolicy", "Resource"))
	assert.Equal(t, "FunctionFn00000DAEEE1EA", LogicalID("FunctionFn00000", "Resource"))
	assert.Equal(t, "FunctionLogsFn00000C57F29B0", LogicalID("FunctionLogsFn00000", "Resource"))
	assert.Equal(t, "StateMachineArn", LogicalID("StateMachineArn"))
}

func TestMarkersBecomeTheIntrinsicsCDKWrites(t *testing.T) {
	s := &Stack{}
	arn, name := *s.InjectedRef("Fn1", "Arn"), *s.InjectedRef("Fn1", "")
	tmpl := map[string]any{
		"Bare":   arn,
		"Suffix": arn + ":*",
		"Name":   name,
		"Join":   map[string]any{"Fn::Join": []any{"", []any{`{"A":"`, arn, `","B":"`, map[string]any{"Ref": "X"}, `"}`}}},
		"Comma":  map[string]any{"Fn::Join": []any{",", []any{"a", arn}}},
		"Plain":  "no marker",
		"Kept":   map[string]any{"Fn::Join": []any{"", []any{"a", map[string]any{"Ref": "X"}, ""}}},
	}
	var b bytes.Buffer
	writeJS(&b, replaceMarkers(toOrdered(tmpl)), 0)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &got))
	getAtt := map[string]any{"Fn::GetAtt": []any{"Fn1", "Arn"}}
	assert.Equal(t, getAtt, got["Bare"])
	assert.Equal(t, map[string]any{"Fn::Join": []any{"", []any{getAtt, ":*"}}}, got["Suffix"])
	assert.Equal(t, map[string]any{"Ref": "Fn1"}, got["Name"])
	assert.Equal(t, map[string]any{"Fn::Join": []any{"", []any{`{"A":"`, getAtt, `","B":"`, map[string]any{"Ref": "X"}, `"}`}}}, got["Join"])
	assert.Equal(t, map[string]any{"Fn::Join": []any{",", []any{"a", getAtt}}}, got["Comma"])
	assert.Equal(t, "no marker", got["Plain"])
	// A join CDK wrote without a marker stays as CDK wrote it.
	assert.Equal(t, map[string]any{"Fn::Join": []any{"", []any{"a", map[string]any{"Ref": "X"}, ""}}}, got["Kept"])
	// The marker is longer than what it becomes, so CDK's size estimates hold.
	suffix, err := json.Marshal(got["Suffix"])
	require.NoError(t, err)
	assert.Greater(t, len(arn+":*")+2, len(suffix))
}
