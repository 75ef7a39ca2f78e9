package sns

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

// BuildResource creates the topic and its access policy.
func (Topic) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*TopicSpec)
	props := &awssns.TopicProps{TopicName: jsii.String(s.NameOf(it)), EnforceSSL: jsii.Bool(true)}
	if spec.Config.DisplayName != "" {
		props.DisplayName = jsii.String(spec.Config.DisplayName)
	}
	topic := awssns.NewTopic(s.Scope(), s.ID("Topic", it.Name), props)
	if err := s.Pin(topic, it); err != nil {
		return err
	}
	topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AccountPublishSubscribe"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewAccountRootPrincipal()},
		Actions:    jsii.Strings("sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"),
		Resources:  jsii.Strings(*topic.TopicArn()),
	}))
	if accounts := spec.Config.SubscriberAccounts; len(accounts) > 0 {
		principals := make([]awsiam.IPrincipal, len(accounts))
		for i, a := range accounts {
			principals[i] = awsiam.NewAccountPrincipal(jsii.String(a))
		}
		topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("SubscriberAccounts"),
			Principals: &principals,
			Actions:    jsii.Strings("sns:Subscribe"),
			Resources:  jsii.Strings(*topic.TopicArn()),
		}))
	}
	s.PublishItem(TopicType, it, "arn", topic.TopicArn())
	s.PublishItem(TopicType, it, "name", topic.TopicName())
	return nil
}
