package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefinitionsResolveIntrinsics(t *testing.T) {
	raw, err := os.ReadFile("testdata/good.template.json")
	require.NoError(t, err)
	defs, err := Definitions(raw)
	require.NoError(t, err)
	require.Contains(t, defs, "Machine")
	assert.JSONEq(t, `{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
		"Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:Fn9270CBC0","Payload.$":"$"},"End":true}}}`, string(defs["Machine"]))
}

func TestDefinitionsResolveSub(t *testing.T) {
	defs, err := Definitions([]byte(`{"Resources":{"T":{"Type":"AWS::SNS::Topic"},"M":{"Type":"AWS::StepFunctions::StateMachine","Properties":{
		"DefinitionString":{"Fn::Sub":["{\"Comment\":\"${AWS::Region} ${T} ${x}\"}",{"x":{"Ref":"AWS::AccountId"}}]}}}}}`))
	require.NoError(t, err)
	assert.Equal(t, `{"Comment":"us-east-1 arn:aws:sns:us-east-1:123456789012:T 123456789012"}`, string(defs["M"]))
}

func TestDefinitionsRefuseS3Locations(t *testing.T) {
	_, err := Definitions([]byte(`{"Resources":{"M":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"DefinitionS3Location":{}}}}}`))
	assert.EqualError(t, err, "M: DefinitionS3Location is not supported; only inline definitions can be checked")
}

func TestASLAcceptsGoodAndReportsBadDefinitions(t *testing.T) {
	if _, err := EnsureASLValidator(); err != nil {
		unavailable(t, err.Error())
	}
	good := []byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`)
	assert.NoError(t, ASL(map[string][]byte{"good": good}))
	err := ASL(map[string][]byte{"good": good, "bad": []byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}`)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MISSING_TRANSITION_TARGET")
}

func TestCFNLintFindsRealErrorsOnly(t *testing.T) {
	if _, err := CFNLint(); err != nil {
		t.Fatal(err)
	}
	findings, err := CFNLint("testdata/good.template.json")
	if err != nil {
		unavailable(t, err.Error())
	}
	assert.Empty(t, findings, "W3005 is ignored, nothing else is wrong")

	raw, err := os.ReadFile("testdata/good.template.json")
	require.NoError(t, err)
	bad := filepath.Join(t.TempDir(), "bad.template.json")
	require.NoError(t, os.WriteFile(bad, []byte(strings.Replace(string(raw), `"python3.12"`, `"python2.1"`, 1)), 0o644))
	findings, err = CFNLint(bad)
	require.NoError(t, err)
	require.NotEmpty(t, findings)
	assert.Equal(t, "Error", findings[0].Level)
	assert.Equal(t, "E3030", findings[0].Rule)
}

func TestAssemblyChecksADirectory(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile("testdata/good.template.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s.template.json"), raw, 0o644))
	Assembly(t, dir)
}
