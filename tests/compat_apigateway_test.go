package tests

import (
	"sort"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/blueprint/config"
)

// propsOfType maps the logical ID of each resource of type typ to its
// properties.
func propsOfType(tmpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			p, _ := res["Properties"].(map[string]any)
			out[id] = p
		}
	}
	return out
}

// TestCompatAPIGatewayTreeKeepsTheOldMeaning checks facts read from
// data.all's engine/apigateway/apigateway_mapper.py on the template of a
// resources tree.
func TestCompatAPIGatewayTreeKeepsTheOldMeaning(t *testing.T) {
	tmpl, _ := compatRepo(t, "apigateway")

	// The API: RestApi(stack, f"{name}-{stage}", rest_api_name=the same)
	// (engine/resource_task.py:570-572, apigateway_mapper.py:15). Its
	// construct id gives the logical IDs of the API and of what is under
	// it, so deploying over the old stack keeps the API (its ID, its URL)
	// and its stage "prod", which a new stage resource would clash with.
	apis := propsOfType(tmpl, "AWS::ApiGateway::RestApi")
	apiID := oldLogicalID(t, func(s constructs.Construct) constructs.IConstruct {
		api := awsapigateway.NewRestApi(s, jsii.String("shop-test"), nil)
		api.Root().AddMethod(jsii.String("GET"), nil, nil)
		return api
	})
	require.Contains(t, apis, apiID, "have %v", keysOf(apis))
	assert.Equal(t, "shop-test", apis[apiID]["Name"])
	assert.Contains(t, propsOfType(tmpl, "AWS::ApiGateway::Stage"), config.LogicalID("shop-test", "DeploymentStage.prod", "Resource"))
	assert.Contains(t, propsOfType(tmpl, "AWS::ApiGateway::Resource"), config.LogicalID("shop-test", "Default", "orders", "Resource"))

	// RestApi(stack, ...) with CDK's default deployment stage "prod"
	// (apigateway_mapper.py:16).
	for _, st := range propsOfType(tmpl, "AWS::ApiGateway::Stage") {
		assert.Equal(t, "prod", st["StageName"])
	}

	// Each resource of the tree, at every level (apigateway_mapper.py:25,
	// 63-64); health has no integration and is still created.
	parts := map[string]string{}
	for id, r := range propsOfType(tmpl, "AWS::ApiGateway::Resource") {
		parts[r["PathPart"].(string)] = id
	}
	require.ElementsMatch(t, []string{"orders", "{id}", "health"}, keysOf(parts))

	// Methods by resource: the integrations' and an OPTIONS mock on every
	// resource, listing OPTIONS and the resource's methods
	// (apigateway_mapper.py:62,69-98); nothing on the root.
	byResource := map[string][]string{}
	var get, getOrder, options map[string]any
	for _, m := range propsOfType(tmpl, "AWS::ApiGateway::Method") {
		ref, ok := m["ResourceId"].(map[string]any)["Ref"].(string)
		require.True(t, ok, "no method on the root: %v", m["ResourceId"])
		byResource[ref] = append(byResource[ref], m["HttpMethod"].(string))
		switch {
		case ref == parts["orders"] && m["HttpMethod"] == "GET":
			get = m
		case ref == parts["{id}"] && m["HttpMethod"] == "GET":
			getOrder = m
		case ref == parts["health"]:
			options = m
		}
	}
	for _, ms := range byResource {
		sort.Strings(ms)
	}
	assert.Equal(t, []string{"GET", "OPTIONS"}, byResource[parts["orders"]], "method: get is GET")
	assert.Equal(t, []string{"GET", "OPTIONS"}, byResource[parts["{id}"]])
	assert.Equal(t, []string{"OPTIONS"}, byResource[parts["health"]])

	// proxy defaults to False: a Lambda custom integration whose 200
	// response carries Access-Control-Allow-Origin (apigateway_mapper.py:38-49).
	require.NotNil(t, get)
	integ := get["Integration"].(map[string]any)
	assert.Equal(t, "AWS", integ["Type"])
	assert.Equal(t, []any{map[string]any{"StatusCode": "200",
		"ResponseParameters": map[string]any{"method.response.header.Access-Control-Allow-Origin": "'*'"}}}, integ["IntegrationResponses"])
	assert.Equal(t, []any{map[string]any{"StatusCode": "200",
		"ResponseParameters": map[string]any{"method.response.header.Access-Control-Allow-Origin": true}}}, get["MethodResponses"])
	require.NotNil(t, getOrder)
	assert.Equal(t, "AWS_PROXY", getOrder["Integration"].(map[string]any)["Type"], "proxy: true")

	require.NotNil(t, options)
	mock := options["Integration"].(map[string]any)
	assert.Equal(t, "MOCK", mock["Type"])
	assert.Equal(t, "WHEN_NO_MATCH", mock["PassthroughBehavior"])
	assert.Equal(t, map[string]any{"application/json": `{"statusCode":200}`}, mock["RequestTemplates"])
	assert.Equal(t, map[string]any{
		"method.response.header.Access-Control-Allow-Headers": "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
		"method.response.header.Access-Control-Allow-Origin":  "'*'",
		"method.response.header.Access-Control-Allow-Methods": "'OPTIONS'",
	}, mock["IntegrationResponses"].([]any)[0].(map[string]any)["ResponseParameters"])

	// One function per integration, from map_function_props alone
	// (lambda_mapper.py:30-38): index lambda_function.py, handler handler,
	// 900 s, and CDK's 128 MB: memory_size was not read.
	fns := functionsByDescription(t, tmpl)
	require.Len(t, fns, 2)
	list := findFunction(t, fns, "FunctionListOrders")
	assert.Equal(t, "lambda_function.handler", list["Handler"])
	assert.EqualValues(t, 900, list["Timeout"])
	assert.EqualValues(t, 128, list["MemorySize"])
	order := findFunction(t, fns, "FunctionGetOrder")
	assert.Equal(t, "orders.get", order["Handler"])
	assert.EqualValues(t, 128, order["MemorySize"], "memory_size was ignored by the old tool")
}
