package athena

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsathena"
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
		Name:                   jsii.String(s.PhysicalName(it.Name)),
		Description:            jsii.String(engine.FirstNonEmpty(spec.Description, spec.Comment, "workgroup "+it.Name+" of pipeline "+s.Config.PipelineName())),
		RecursiveDeleteOption:  jsii.Bool(true),
		State:                  jsii.String("ENABLED"),
		WorkGroupConfiguration: wgc,
	})
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
	props := &awsathena.CfnPreparedStatementProps{
		StatementName:  jsii.String(StatementName(s.Config, it.Name)),
		QueryStatement: jsii.String(spec.statement),
		WorkGroup:      wg,
	}
	if d := engine.FirstNonEmpty(spec.Description, spec.Comment); d != "" {
		props.Description = jsii.String(d)
	}
	awsathena.NewCfnPreparedStatement(s.Scope(), s.ID("PreparedStatement", it.Name), props)
	return nil
}
