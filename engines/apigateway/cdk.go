package apigateway

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

// BuildResource creates the API, its stage and its routes. Access logs
// need the account's API Gateway CloudWatch role: the API creates it
// (CloudWatchRole), which is account-wide and harmless to set twice.
func (Engine) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*Spec)
	logs := awslogs.NewLogGroup(s.Scope(), s.ID("ApiAccessLogs", it.Name), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	desc := spec.Description
	if desc == "" {
		desc = spec.Comment
	}
	if desc == "" {
		desc = "API " + it.Name + " of pipeline " + s.Config.PipelineName()
	}
	stage := spec.Config.StageName
	if stage == "" {
		stage = s.Config.Stage()
	}
	id := s.ID("Api", it.Name)
	if spec.ConstructID != "" {
		id = jsii.String(spec.ConstructID)
	}
	api := awsapigateway.NewRestApi(s.Scope(), id, &awsapigateway.RestApiProps{
		RestApiName:                 jsii.String(s.NameOf(it)),
		Description:                 jsii.String(desc),
		CloudWatchRole:              jsii.Bool(true),
		CloudWatchRoleRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            jsii.String(stage),
			AccessLogDestination: awsapigateway.NewLogGroupLogDestination(logs),
			AccessLogFormat:      awsapigateway.AccessLogFormat_JsonWithStandardFields(nil),
			TracingEnabled:       jsii.Bool(true),
			MetricsEnabled:       jsii.Bool(true),
		},
	})
	routes := newTree(spec)
	if routes.empty(spec.Config.CORS) {
		api.Root().AddMethod(jsii.String("GET"), awsapigateway.NewMockIntegration(&awsapigateway.IntegrationOptions{
			RequestTemplates:     &map[string]*string{"application/json": jsii.String(`{"statusCode": 200}`)},
			IntegrationResponses: &[]*awsapigateway.IntegrationResponse{{StatusCode: jsii.String("200")}},
		}), &awsapigateway.MethodOptions{MethodResponses: &[]*awsapigateway.MethodResponse{{StatusCode: jsii.String("200")}}})
	}
	resource := func(p string) awsapigateway.IResource {
		if p == "" {
			return api.Root()
		}
		return api.Root().ResourceForPath(jsii.String(p))
	}
	for _, in := range spec.Config.Integrations {
		if err := s.Need(in.Function); err != nil {
			return err
		}
		fn, ok := s.Get(functionType + "/" + in.Function).(awslambda.IFunction)
		if !ok {
			return errMissing(in.Function)
		}
		opts := &awsapigateway.LambdaIntegrationOptions{Proxy: jsii.Bool(in.Proxy == nil || *in.Proxy)}
		var mopts *awsapigateway.MethodOptions
		if spec.Config.CORS {
			opts.IntegrationResponses = &[]*awsapigateway.IntegrationResponse{{StatusCode: jsii.String("200"),
				ResponseParameters: &map[string]*string{allowOrigin: jsii.String("'*'")}}}
			mopts = &awsapigateway.MethodOptions{MethodResponses: &[]*awsapigateway.MethodResponse{{StatusCode: jsii.String("200"),
				ResponseParameters: &map[string]*bool{allowOrigin: jsii.Bool(true)}}}}
		}
		resource(trim(in.Path)).AddMethod(jsii.String(in.Method), awsapigateway.NewLambdaIntegration(fn, opts), mopts)
	}
	for _, p := range routes.paths {
		r := resource(p)
		if spec.Config.CORS && (p != "" || len(routes.methods[p]) > 0) {
			addOptions(r, routes.methods[p])
		}
	}
	s.PublishItem(Type, it, "url", api.Url())
	s.PublishItem(Type, it, "id", api.RestApiId())
	return nil
}

const (
	allowOrigin  = "method.response.header.Access-Control-Allow-Origin"
	allowHeaders = "method.response.header.Access-Control-Allow-Headers"
	allowMethods = "method.response.header.Access-Control-Allow-Methods"
)

// addOptions answers OPTIONS on r with the CORS headers, listing OPTIONS
// and r's methods.
func addOptions(r awsapigateway.IResource, methods []string) {
	allowed := "'" + strings.Join(append([]string{"OPTIONS"}, methods...), ",") + "'"
	r.AddMethod(jsii.String("OPTIONS"), awsapigateway.NewMockIntegration(&awsapigateway.IntegrationOptions{
		IntegrationResponses: &[]*awsapigateway.IntegrationResponse{{StatusCode: jsii.String("200"),
			ResponseParameters: &map[string]*string{
				allowHeaders: jsii.String("'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'"),
				allowOrigin:  jsii.String("'*'"),
				allowMethods: jsii.String(allowed),
			}}},
		PassthroughBehavior: awsapigateway.PassthroughBehavior_WHEN_NO_MATCH,
		RequestTemplates:    &map[string]*string{"application/json": jsii.String(`{"statusCode":200}`)},
	}), &awsapigateway.MethodOptions{MethodResponses: &[]*awsapigateway.MethodResponse{{StatusCode: jsii.String("200"),
		ResponseParameters: &map[string]*bool{allowHeaders: jsii.Bool(true), allowMethods: jsii.Bool(true), allowOrigin: jsii.Bool(true)}}}})
}
