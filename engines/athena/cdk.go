package athena

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsathena"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

// BuildResource creates the workgroup; deleting it deletes its query
// history too (RecursiveDeleteOption), so a stack can be removed cleanly.
func (Workgroup) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*WorkgroupSpec)
	cfg := &spec.Config
	enc := &awsathena.CfnWorkGroup_EncryptionConfigurationProperty{EncryptionOption: jsii.String(firstNonEmpty(cfg.Encryption, "SSE_S3"))}
	if cfg.KMSKey != "" {
		enc.KmsKey = jsii.String(cfg.KMSKey)
	}
	enforce := cfg.EnforceSettings == nil || *cfg.EnforceSettings
	wgc := &awsathena.CfnWorkGroup_WorkGroupConfigurationProperty{
		EnforceWorkGroupConfiguration:   jsii.Bool(enforce),
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
		Description:            jsii.String(firstNonEmpty(spec.Description, spec.Comment, "workgroup "+it.Name+" of pipeline "+s.Config.PipelineName())),
		RecursiveDeleteOption:  jsii.Bool(true),
		State:                  jsii.String("ENABLED"),
		WorkGroupConfiguration: wgc,
	})
	s.PublishItem(WorkgroupType, it, "name", wg.Ref())
	return nil
}

// BuildResource creates the statement in its workgroup.
func (PreparedStatement) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*PreparedStatementSpec)
	wg := jsii.String(workgroup(s.Config, s.Index, spec.Config.Workgroup))
	if other := s.Index.Resources[spec.Config.Workgroup]; other != nil && other.Type == WorkgroupType {
		if err := s.Need(other.Name); err != nil {
			return err
		}
		v, err := s.Resolve(refOf(WorkgroupType, other.Name, "name"))
		if err != nil {
			return err
		}
		wg = jsii.String(v)
	}
	props := &awsathena.CfnPreparedStatementProps{
		StatementName:  jsii.String(it.Name),
		QueryStatement: jsii.String(spec.statement),
		WorkGroup:      wg,
	}
	if d := firstNonEmpty(spec.Description, spec.Comment); d != "" {
		props.Description = jsii.String(d)
	}
	awsathena.NewCfnPreparedStatement(s.Scope(), s.ID("PreparedStatement", it.Name), props)
	return nil
}
