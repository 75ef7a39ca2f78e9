package dynamodb

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

var attributeTypes = map[string]awsdynamodb.AttributeType{
	"string": awsdynamodb.AttributeType_STRING, "number": awsdynamodb.AttributeType_NUMBER, "binary": awsdynamodb.AttributeType_BINARY,
}

// BuildResource creates the table; unless removal_policy says destroy, it
// is retained when the stack goes, as data should outlive a deployment.
func (Engine) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*Spec)
	cfg := &spec.Config
	props := &awsdynamodb.TableProps{
		TableName:                        jsii.String(s.NameOf(it)),
		PartitionKey:                     &awsdynamodb.Attribute{Name: jsii.String(cfg.PartitionKey.Name), Type: attributeTypes[cfg.PartitionKey.Type]},
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: jsii.Bool(true)},
		Encryption:                       awsdynamodb.TableEncryption_AWS_MANAGED,
		RemovalPolicy:                    awscdk.RemovalPolicy_RETAIN,
		BillingMode:                      awsdynamodb.BillingMode_PAY_PER_REQUEST,
	}
	if cfg.SortKey != nil {
		props.SortKey = &awsdynamodb.Attribute{Name: jsii.String(cfg.SortKey.Name), Type: attributeTypes[cfg.SortKey.Type]}
	}
	if cfg.ReadCapacity > 0 {
		props.BillingMode = awsdynamodb.BillingMode_PROVISIONED
		props.ReadCapacity = jsii.Number(float64(cfg.ReadCapacity))
		props.WriteCapacity = jsii.Number(float64(cfg.WriteCapacity))
	}
	if cfg.TimeToLive != "" {
		props.TimeToLiveAttribute = jsii.String(cfg.TimeToLive)
	}
	if cfg.RemovalPolicy == "destroy" {
		props.RemovalPolicy = awscdk.RemovalPolicy_DESTROY
	}
	table := awsdynamodb.NewTable(s.Scope(), s.ID("Table", it.Name), props)
	if err := s.Pin(table, it); err != nil {
		return err
	}
	s.PublishItem(Type, it, "arn", table.TableArn())
	s.PublishItem(Type, it, "name", table.TableName())
	return nil
}
