package apigateway

import (
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
	api := awsapigateway.NewRestApi(s.Scope(), s.ID("Api", it.Name), &awsapigateway.RestApiProps{
		RestApiName:                 jsii.String(s.PhysicalName(it.Name)),
		Description:                 jsii.String(desc),
		CloudWatchRole:              jsii.Bool(true),
		CloudWatchRoleRemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            jsii.String(s.Config.Stage()),
			AccessLogDestination: awsapigateway.NewLogGroupLogDestination(logs),
			AccessLogFormat:      awsapigateway.AccessLogFormat_JsonWithStandardFields(nil),
			TracingEnabled:       jsii.Bool(true),
			MetricsEnabled:       jsii.Bool(true),
		},
	})
	if len(spec.Config.Integrations) == 0 {
		api.Root().AddMethod(jsii.String("GET"), awsapigateway.NewMockIntegration(&awsapigateway.IntegrationOptions{
			RequestTemplates:     &map[string]*string{"application/json": jsii.String(`{"statusCode": 200}`)},
			IntegrationResponses: &[]*awsapigateway.IntegrationResponse{{StatusCode: jsii.String("200")}},
		}), &awsapigateway.MethodOptions{MethodResponses: &[]*awsapigateway.MethodResponse{{StatusCode: jsii.String("200")}}})
	}
	for _, in := range spec.Config.Integrations {
		if err := s.Need(in.Function); err != nil {
			return err
		}
		fn, ok := s.Get(functionType + "/" + in.Function).(awslambda.IFunction)
		if !ok {
			return errMissing(in.Function)
		}
		res := api.Root()
		if p := trim(in.Path); p != "" {
			res = api.Root().ResourceForPath(jsii.String(p))
		}
		res.AddMethod(jsii.String(in.Method), awsapigateway.NewLambdaIntegration(fn, nil), nil)
	}
	s.PublishItem(Type, it, "url", api.Url())
	s.PublishItem(Type, it, "id", api.RestApiId())
	return nil
}
