package apigateway_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// The API is declared before the functions it routes to: synth builds
// them on demand, so config order does not matter.
func TestAPISynthesizesWithRoutesAndAStagePerPipelineStage(t *testing.T) {
	stacks := testkit.Plan(t, "testdata/pipeline", testkit.Options{Stage: "prod"})
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	stages := a.Resources(t, "api-fixture", "AWS::ApiGateway::Stage")
	require.Len(t, stages, 2)
	for _, st := range stages {
		p := st["Properties"].(map[string]any)
		assert.Equal(t, "prod", p["StageName"])
		assert.Contains(t, p, "AccessLogSetting")
	}
	methods := a.Resources(t, "api-fixture", "AWS::ApiGateway::Method")
	assert.Len(t, methods, 4, "three routes and the mock GET of the empty API")
	testkit.Golden(t, "testdata/golden/api-fixture.template.json", a.Templates["api-fixture"])
}

func TestBadAPIs(t *testing.T) {
	tests := []struct{ name, cfg, want string }{
		{"a route to no function", "version: 2\nname: p\naws_resources:\n  - {name: A, type: apigateway, config: {integrations: [{path: /x, method: GET, function: Nope}]}}\n",
			`config.yaml:4:91: aws_resources[0].config.integrations[0].function: function "Nope" is not defined in aws_resources (add a resource of type "lambda_function")`},
		{"an unknown method", "version: 2\nname: p\naws_resources:\n  - {name: A, type: apigateway, config: {integrations: [{path: /x, method: FETCH, function: F}]}}\n",
			`config.yaml:4:76: aws_resources[0].config.integrations[0].method: must be one of "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" or "ANY"; got "FETCH"`},
		{"a route without function", "version: 2\nname: p\naws_resources:\n  - {name: A, type: apigateway, config: {integrations: [{path: /x, method: GET}]}}\n",
			`config.yaml:4:57: aws_resources[0].config.integrations[0].function: is required`},
		{"a relative path", "version: 2\nname: p\naws_resources:\n  - {name: F, type: lambda_function, config: {entry: ., index: config.yaml, handler: h}}\n  - {name: A, type: apigateway, config: {integrations: [{path: x, method: GET, function: F}]}}\n",
			`config.yaml:5:64: aws_resources[1].config.integrations[0].path: must start with "/"; got "x"`},
		{"a route given twice", "version: 2\nname: p\naws_resources:\n  - {name: F, type: lambda_function, config: {entry: ., index: config.yaml, handler: h}}\n  - {name: A, type: apigateway, config: {integrations: [{path: /x, method: GET, function: F}, {path: /x/, method: GET, function: F}]}}\n",
			`config.yaml:5:95: aws_resources[1].config.integrations[1]: GET /x/ is routed twice`},
		{"a data.all tree's integration without method", "name: p\naws_resources:\n  - name: A\n    type: apigateway\n    config:\n      resources:\n        - path: x\n          integrations:\n            - name: F\n              config: {entry: ., index: config.yaml}\n",
			`config.yaml:9:15: aws_resources[0].config.integrations[0].method: is required`},
		{"cors with an OPTIONS route", "version: 2\nname: p\naws_resources:\n  - {name: F, type: lambda_function, config: {entry: ., index: config.yaml, handler: h}}\n  - {name: A, type: apigateway, config: {cors: true, integrations: [{path: /x, method: OPTIONS, function: F}]}}\n",
			`config.yaml:5:88: aws_resources[1].config.integrations[0].method: with cors: true every resource answers OPTIONS itself (route another method, or set cors: false)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(tt.cfg), 0o644))
			got := testkit.Diagnostics(t, dir, testkit.Options{})
			lines := strings.Split(got, "\n")
			if strings.Contains(lines[0], "read as a data.all blueprint config") {
				lines = lines[1:] // the note of a version 1 config
			}
			assert.Equal(t, tt.want, lines[0], got)
		})
	}
}
