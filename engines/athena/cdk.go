package athena

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsathena"
	"github.com/aws/aws-cdk-go/awscdk/v2/customresources"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

// BuildResource creates the workgroup. Deleting it deletes its saved
// queries and statements too (RecursiveDeleteOption), so a stack can be
// removed cleanly.
func (Workgroup) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*WorkgroupSpec)
	cfg := &spec.Config
	enc := &awsathena.CfnWorkGroup_EncryptionConfigurationProperty{EncryptionOption: jsii.String(engine.FirstNonEmpty(cfg.Encryption, "SSE_S3"))}
	if cfg.KMSKey != "" {
		enc.KmsKey = jsii.String(cfg.KMSKey)
	}
	wgc := &awsathena.CfnWorkGroup_WorkGroupConfigurationProperty{
		EnforceWorkGroupConfiguration:   jsii.Bool(cfg.EnforceSettings == nil || *cfg.EnforceSettings),
		PublishCloudWatchMetricsEnabled: jsii.Bool(true),
		ResultConfiguration: &awsathena.CfnWorkGroup_ResultConfigurationProperty{
			OutputLocation:          jsii.String(cfg.QueryResultLocation),
			EncryptionConfiguration: enc,
		},
	}
	if cfg.BytesScannedCutoff > 0 {
		wgc.BytesScannedCutoffPerQuery = jsii.Number(float64(cfg.BytesScannedCutoff))
	}
	wg := awsathena.NewCfnWorkGroup(s.Scope(), s.ID("Workgroup", it.Name), &awsathena.CfnWorkGroupProps{
		Name:                   jsii.String(s.NameOf(it)),
		Description:            jsii.String(engine.FirstNonEmpty(spec.Description, spec.Comment, "workgroup "+it.Name+" of pipeline "+s.Config.PipelineName())),
		RecursiveDeleteOption:  jsii.Bool(true),
		State:                  jsii.String("ENABLED"),
		WorkGroupConfiguration: wgc,
	})
	if err := s.Pin(wg, it); err != nil {
		return err
	}
	s.PublishItem(WorkgroupType, it, "name", wg.Ref())
	return nil
}

// BuildResource creates the statement in its workgroup; a workgroup of
// this config is referenced, so CloudFormation creates it first.
func (PreparedStatement) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*PreparedStatementSpec)
	name := spec.Config.Workgroup
	wg := jsii.String(workgroup(s.Config, s.Index, name))
	if name != "" && s.Index.Resources[name] != nil {
		if err := s.Need(name); err != nil {
			return err
		}
		v, err := s.Resolve(engine.Ref{Kind: WorkgroupType, Name: name, Attr: "name"}.String())
		if err != nil {
			return err
		}
		wg = jsii.String(v)
	}
	if spec.Config.CustomResource {
		return customStatement(s, it, wg)
	}
	props := &awsathena.CfnPreparedStatementProps{
		StatementName:  jsii.String(StatementName(s.Config, it)),
		QueryStatement: jsii.String(spec.statement),
		WorkGroup:      wg,
	}
	if d := engine.FirstNonEmpty(spec.Description, spec.Comment); d != "" {
		props.Description = jsii.String(d)
	}
	return s.Pin(awsathena.NewCfnPreparedStatement(s.Scope(), s.ID("PreparedStatement", it.Name), props), it)
}

// customStatement creates the statement as the data.all blueprint did
// (engine/athena/athena_prepared_statement.py:81-117): a custom resource
// of type Custom::Athena-Prepared-Statement calling Athena's
// create/update/deletePreparedStatement, with the same physical resource
// ID, so a stack the old tool deployed updates the statement in place.
func customStatement(s *synth.Stack, it *config.Item, wg *string) error {
	spec := it.Spec.(*PreparedStatementSpec)
	name := StatementName(s.Config, it)
	id := customresources.PhysicalResourceId_Of(awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("workgroup:"), wg, jsii.String("/prepared-statement:" + name)}))
	call := func(action string, withQuery bool) *customresources.AwsSdkCall {
		params := map[string]any{"StatementName": name, "WorkGroup": wg}
		if withQuery {
			params["QueryStatement"] = spec.statement
			if d := engine.FirstNonEmpty(spec.Description, spec.Comment); d != "" {
				params["Description"] = d
			}
		}
		return &customresources.AwsSdkCall{Service: jsii.String("Athena"), Action: jsii.String(action), Parameters: params, PhysicalResourceId: id}
	}
	cr := customresources.NewAwsCustomResource(s.Scope(), jsii.String(it.Name), &customresources.AwsCustomResourceProps{
		OnCreate:            call("createPreparedStatement", true),
		OnUpdate:            call("updatePreparedStatement", true),
		OnDelete:            call("deletePreparedStatement", false),
		Policy:              customresources.AwsCustomResourcePolicy_FromSdkCalls(&customresources.SdkCallsPolicyOptions{Resources: customresources.AwsCustomResourcePolicy_ANY_RESOURCE()}),
		ResourceType:        jsii.String("Custom::Athena-Prepared-Statement"),
		InstallLatestAwsSdk: jsii.Bool(false),
	})
	return s.Pin(cr, it)
}
