package glue

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsglue"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

// BuildStep creates the Glue job with its script, YAML and files as
// assets.
func (Job) BuildStep(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*JobSpec)
	j := spec.job
	if j == nil {
		return fmt.Errorf("internal error: job YAML of %q was not loaded", it.Name)
	}
	asset := func(kind, rel string) awss3assets.Asset {
		return awss3assets.NewAsset(s.Scope(), s.ID("GlueAsset", it.Name, kind, rel), &awss3assets.AssetProps{
			Path: jsii.String(filepath.Join(s.Config.RepoDir, rel)),
		})
	}
	script := asset("script", j.script)
	var files []awss3assets.Asset
	var urls []*string
	for _, f := range j.files {
		a := asset("file", f)
		files = append(files, a)
		urls = append(urls, a.S3ObjectUrl())
	}
	role := s.EnvironmentRole()
	if role == nil {
		r := awsiam.NewRole(s.Scope(), s.ID("GlueJobRole", it.Name), &awsiam.RoleProps{
			AssumedBy: awsiam.NewServicePrincipal(jsii.String("glue.amazonaws.com"), nil),
			ManagedPolicies: &[]awsiam.IManagedPolicy{
				awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AWSGlueServiceRole")),
			},
		})
		script.GrantRead(r)
		for _, a := range files {
			a.GrantRead(r)
		}
		bucket := s.ContextValue("pipeline_bucket")
		r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"),
			Resources: jsii.Strings(
				*awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":s3:::"), bucket}),
				*awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":s3:::"), bucket, jsii.String("/*")}),
			),
		}))
		role = r
	}
	jf := j.file
	bookmark := jf.JobBookmark
	if bookmark == "" {
		bookmark = "disable"
	}
	args := map[string]*string{
		"--CONFIGPATH":                       files[0].S3ObjectUrl(),
		"--extra-files":                      awscdk.Fn_Join(jsii.String(","), &urls),
		"--job-bookmark-option":              jsii.String("job-bookmark-" + bookmark),
		"--enable-metrics":                   jsii.String("true"),
		"--enable-continuous-cloudwatch-log": jsii.String("true"),
		"--TempDir":                          awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("s3://"), s.ContextValue("pipeline_bucket"), jsii.String("/glue-temp/" + JobName(s.Config, it.Name) + "/")}),
		"--STAGE":                            jsii.String(s.Config.Stage()),
	}
	for k, v := range jf.Arguments {
		if !strings.HasPrefix(k, "--") {
			k = "--" + k
		}
		args[k] = jsii.String(v)
	}
	timeout := s.Config.Pipeline.Properties.Timeout
	if timeout == 0 {
		timeout = config.DefaultTimeout
	}
	props := &awsglue.CfnJobProps{
		Name:        jsii.String(JobName(s.Config, it.Name)),
		Description: jsii.String(firstNonEmpty(jf.Description, spec.Description, spec.Comment, "Glue job "+it.Name+" of pipeline "+s.Config.PipelineName())),
		Role:        role.RoleArn(),
		Command: &awsglue.CfnJob_JobCommandProperty{
			Name: jsii.String("glueetl"), PythonVersion: jsii.String("3"), ScriptLocation: script.S3ObjectUrl(),
		},
		GlueVersion:      jsii.String(firstNonEmpty(jf.GlueVersion, "4.0")),
		WorkerType:       jsii.String(firstNonEmpty(jf.WorkerType, "G.1X")),
		NumberOfWorkers:  jsii.Number(float64(max(jf.NumberOfWorkers, 2))),
		Timeout:          jsii.Number(float64((timeout + 59) / 60)),
		MaxRetries:       jsii.Number(float64(jf.MaxRetries)),
		DefaultArguments: args,
	}
	if jf.Connection != "" {
		name := jf.Connection
		if other := s.Index.Resources[name]; other != nil && (other.Type == ConnectionType || other.Type == "glue_connection") {
			if err := s.Need(name); err != nil {
				return err
			}
			name = ConnectionName(s.Config, name)
		}
		props.Connections = &awsglue.CfnJob_ConnectionsListProperty{Connections: jsii.Strings(name)}
	}
	awsglue.NewCfnJob(s.Scope(), s.ID("GlueJob", it.Name), props)
	return nil
}

// BuildResource creates the connection, resolving its secrets at deploy.
func (Connection) BuildResource(s *synth.Stack, it *config.Item) error {
	cfg := &it.Spec.(*ConnectionSpec).Config
	ssm := func(name string) *string { return jsii.String("{{resolve:ssm:" + name + "}}") }
	props := map[string]*string{"JDBC_CONNECTION_URL": ssm(cfg.JdbcURL)}
	if cfg.SecretID != "" {
		props["SECRET_ID"] = jsii.String(cfg.SecretID)
	} else {
		props["USERNAME"] = ssm(cfg.Username)
		props["PASSWORD"] = ssm(cfg.Password)
	}
	phys := &awsglue.CfnConnection_PhysicalConnectionRequirementsProperty{
		SubnetId:            jsii.String(cfg.SubnetID),
		SecurityGroupIdList: jsii.Strings(cfg.SecurityGroupIDs...),
	}
	if cfg.AvailabilityZone != "" {
		phys.AvailabilityZone = jsii.String(cfg.AvailabilityZone)
	}
	conn := awsglue.NewCfnConnection(s.Scope(), s.ID("GlueConnection", it.Name), &awsglue.CfnConnectionProps{
		CatalogId: awscdk.Aws_ACCOUNT_ID(),
		ConnectionInput: &awsglue.CfnConnection_ConnectionInputProperty{
			Name:                           jsii.String(ConnectionName(s.Config, it.Name)),
			ConnectionType:                 jsii.String("JDBC"),
			ConnectionProperties:           props,
			PhysicalConnectionRequirements: phys,
		},
	})
	s.PublishItem(ConnectionType, it, "name", conn.Ref())
	return nil
}
