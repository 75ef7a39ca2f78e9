package batch

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsbatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecrassets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

// BuildResource creates the compute environment, with its security group
// and instance role when it needs them.
func (ComputeEnvironment) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*ComputeEnvironmentSpec)
	ce := buildCE(s, it.Name, &spec.Properties)
	s.PublishItem(ComputeEnvironmentType, it, "arn", ce)
	spec.publish(s, it, ce)
	return nil
}

// publish writes the ARN into the item's arn_parameter, when it has one.
// The parameter goes with the stack (RemovalPolicy.DESTROY), as data.all's
// did (engine/resource_task.py:744).
func (p *Published) publish(s *synth.Stack, it *config.Item, arn *string) {
	if p.ARNParameter == nil {
		return
	}
	param := awsssm.NewStringParameter(s.Scope(), s.ID("ArnParameter", it.Name), &awsssm.StringParameterProps{
		ParameterName: jsii.String(p.ARNParameter.Name),
		StringValue:   arn,
	})
	param.ApplyRemovalPolicy(awscdk.RemovalPolicy_DESTROY)
	if id := p.ARNParameter.LogicalID; id != "" {
		param.Node().DefaultChild().(awscdk.CfnElement).OverrideLogicalId(jsii.String(id))
	}
}

// buildCE creates a compute environment named after name (an item: a
// compute environment, or the job queue of an inline one) and returns its
// ARN.
func buildCE(s *synth.Stack, name string, p *CEProperties) *string {
	var subnets *[]*string
	if p.SubnetFromCloudformation != "" {
		subnets = awscdk.Fn_Split(jsii.String(","), awscdk.Fn_ImportValue(jsii.String(p.SubnetFromCloudformation)), nil)
	} else {
		subnets = jsii.Strings(p.SubnetIDs...)
	}
	groups := jsii.Strings(p.SecurityGroupIDs...)
	if len(p.SecurityGroupIDs) == 0 {
		vpc := jsii.String(p.VpcID)
		if p.VpcFromCloudformation != "" {
			vpc = awscdk.Fn_ImportValue(jsii.String(p.VpcFromCloudformation))
		}
		sg := awsec2.NewCfnSecurityGroup(s.Scope(), s.ID("ComputeSecurityGroup", name), &awsec2.CfnSecurityGroupProps{
			GroupDescription: jsii.String("Batch compute environment " + name + ": outbound only"),
			VpcId:            vpc,
			SecurityGroupEgress: []any{&awsec2.CfnSecurityGroup_EgressProperty{
				IpProtocol: jsii.String("-1"), CidrIp: jsii.String("0.0.0.0/0"), Description: jsii.String("jobs reach AWS APIs and registries"),
			}},
		})
		groups = &[]*string{sg.AttrGroupId()}
	}
	typ := p.ComputeResourceType
	if typ == "ON_DEMAND" {
		typ = "EC2"
	}
	res := &awsbatch.CfnComputeEnvironment_ComputeResourcesProperty{
		Type:             jsii.String(typ),
		MaxvCpus:         jsii.Number(float64(p.maxVCPUs())),
		Subnets:          subnets,
		SecurityGroupIds: groups,
	}
	if !p.fargate() {
		types := p.InstanceTypes
		if len(types) == 0 {
			types = []string{"optimal"}
		}
		res.InstanceTypes = jsii.Strings(types...)
		res.MinvCpus = jsii.Number(float64(p.MinVCPUs))
		if p.DesiredVCPUs != nil {
			res.DesiredvCpus = jsii.Number(float64(*p.DesiredVCPUs))
		}
		switch {
		case p.InstanceRole != "":
			res.InstanceRole = jsii.String(p.InstanceRole)
		case s.Config.Var("batch_instance_role") != "":
			res.InstanceRole = jsii.String(s.Config.Var("batch_instance_role"))
		default:
			res.InstanceRole = instanceProfile(s, name)
		}
		strategy := p.AllocationStrategy
		if strategy == "" {
			strategy = "BEST_FIT_PROGRESSIVE"
			if typ == "SPOT" {
				strategy = "SPOT_CAPACITY_OPTIMIZED"
			}
		}
		res.AllocationStrategy = jsii.String(strategy)
		if typ == "SPOT" {
			if p.BidPercentage > 0 {
				res.BidPercentage = jsii.Number(float64(p.BidPercentage))
			}
			switch {
			case p.SpotFleetRole != "":
				res.SpotIamFleetRole = jsii.String(p.SpotFleetRole)
			case strategy == "BEST_FIT":
				// Batch needs a spot fleet role for BEST_FIT.
				res.SpotIamFleetRole = jsii.String("arn:" + *awscdk.Aws_PARTITION() + ":iam::" + *awscdk.Aws_ACCOUNT_ID() +
					":role/aws-service-role/spotfleet.amazonaws.com/AWSServiceRoleForEC2SpotFleet")
			}
		}
		if lt := p.LaunchTemplate; lt != nil {
			spec := &awsbatch.CfnComputeEnvironment_LaunchTemplateSpecificationProperty{LaunchTemplateName: jsii.String(lt.Name)}
			if lt.Version != "" {
				spec.Version = jsii.String(lt.Version)
			}
			res.LaunchTemplate = spec
		}
		if p.PlacementGroup != "" {
			res.PlacementGroup = jsii.String(p.PlacementGroup)
		}
	}
	ce := awsbatch.NewCfnComputeEnvironment(s.Scope(), s.ID("ComputeEnvironment", name), &awsbatch.CfnComputeEnvironmentProps{
		Type:             jsii.String("MANAGED"),
		State:            jsii.String("ENABLED"),
		ComputeResources: res,
		// No ServiceRole: Batch uses its service-linked role.
	})
	return ce.Ref()
}

// instanceProfile is the role EC2 instances of a compute environment run as.
func instanceProfile(s *synth.Stack, name string) *string {
	if r := s.EnvironmentRole(); r != nil {
		return s.ContextValue("batch_instance_profile_arn")
	}
	role := awsiam.NewRole(s.Scope(), s.ID("ComputeInstanceRole", name), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("ec2.amazonaws.com"), nil),
		ManagedPolicies: &[]awsiam.IManagedPolicy{
			awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AmazonEC2ContainerServiceforEC2Role")),
		},
	})
	profile := awsiam.NewCfnInstanceProfile(s.Scope(), s.ID("ComputeInstanceProfile", name), &awsiam.CfnInstanceProfileProps{
		Roles: &[]any{role.RoleName()},
	})
	return profile.AttrArn()
}

// BuildResource creates the queue over its compute environments, in order.
func (JobQueue) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*JobQueueSpec)
	ces := &spec.Properties.ComputeEnvironment
	var arns []*string
	for _, name := range ces.Refs {
		if err := s.Need(name); err != nil {
			return err
		}
		arn, err := s.Resolve(refOf(ComputeEnvironmentType, name))
		if err != nil {
			return fmt.Errorf("internal error: %w", err)
		}
		arns = append(arns, jsii.String(arn))
	}
	for _, arn := range ces.ARNs {
		arns = append(arns, jsii.String(arn))
	}
	for _, param := range ces.ARNParams {
		arns = append(arns, jsii.String("{{resolve:ssm:"+param+"}}"))
	}
	if ces.Properties != nil {
		arns = append(arns, buildCE(s, it.Name, ces.Properties))
	}
	var order []any
	for i, arn := range arns {
		order = append(order, &awsbatch.CfnJobQueue_ComputeEnvironmentOrderProperty{
			ComputeEnvironment: arn, Order: jsii.Number(float64(i + 1)),
		})
	}
	q := awsbatch.NewCfnJobQueue(s.Scope(), s.ID("JobQueue", it.Name), &awsbatch.CfnJobQueueProps{
		Priority:                jsii.Number(float64(spec.Properties.Priority)),
		State:                   jsii.String("ENABLED"),
		ComputeEnvironmentOrder: order,
	})
	s.PublishItem(JobQueueType, it, "arn", q.Ref())
	spec.publish(s, it, q.Ref())
	return nil
}

// BuildResource creates the job definition; a Dockerfile image becomes a
// Docker image asset that the CDK CLI builds at deploy.
func (JobDefinition) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*JobDefinitionSpec)
	jd := &spec.JobDefinition
	cp := &jd.ContainerProperties
	image := jsii.String(cp.Image.URI)
	if a := cp.Image.Assets; a != nil {
		file := a.File
		if file == "" {
			file = "Dockerfile"
		}
		props := &awsecrassets.DockerImageAssetProps{
			Directory: jsii.String(filepath.Join(s.Config.RepoDir, a.Directory)),
			File:      jsii.String(file),
		}
		if len(a.BuildArgs) > 0 {
			args := map[string]*string{}
			for k, v := range a.BuildArgs {
				args[k] = jsii.String(v)
			}
			props.BuildArgs = &args
		}
		if a.Target != "" {
			props.Target = jsii.String(a.Target)
		}
		asset := awsecrassets.NewDockerImageAsset(s.Scope(), s.ID("JobImage", it.Name), props)
		image = asset.ImageUri()
	}
	if r := cp.Image.ECRRepository; r != nil {
		tag := engine.FirstNonEmpty(r.Tag, "latest")
		if m := ecrARN.FindStringSubmatch(r.ARN); m != nil {
			suffix := "amazonaws.com"
			if strings.HasPrefix(m[1], "aws-cn") {
				suffix = "amazonaws.com.cn"
			}
			image = jsii.String(m[3] + ".dkr.ecr." + m[2] + "." + suffix + "/" + m[4] + ":" + tag)
		} else {
			// The pipeline's repository: ECR_REPOSITORY is its URI.
			image = awscdk.Fn_Join(jsii.String(""), &[]*string{s.ContextValue("ecr_repository"), jsii.String(":" + tag)})
		}
	}
	role := s.EnvironmentRole()
	if spec.Role != "" {
		role = awsiam.Role_FromRoleArn(s.Scope(), s.ID("JobRole", it.Name), jsii.String(spec.Role), &awsiam.FromRoleArnOptions{Mutable: jsii.Bool(false)})
	}
	if role == nil {
		r := awsiam.NewRole(s.Scope(), s.ID("JobRole", it.Name), &awsiam.RoleProps{
			AssumedBy: awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil),
		})
		bucket := s.ContextValue("pipeline_bucket")
		r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"),
			Resources: jsii.Strings(
				*awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":s3:::"), bucket}),
				*awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":s3:::"), bucket, jsii.String("/*")}),
			),
		}))
		role = r
	}
	var env []any
	for _, k := range engine.SortedKeys(cp.Environment) {
		env = append(env, &awsbatch.CfnJobDefinition_EnvironmentProperty{Name: jsii.String(k), Value: jsii.String(cp.Environment[k])})
	}
	container := &awsbatch.CfnJobDefinition_ContainerPropertiesProperty{
		Image: image,
		ResourceRequirements: []any{
			&awsbatch.CfnJobDefinition_ResourceRequirementProperty{Type: jsii.String("VCPU"), Value: jsii.String(fmt.Sprint(cp.VCPUs))},
			&awsbatch.CfnJobDefinition_ResourceRequirementProperty{Type: jsii.String("MEMORY"), Value: jsii.String(fmt.Sprint(cp.Memory))},
		},
		JobRoleArn:  role.RoleArn(),
		Environment: env,
	}
	if len(cp.Command) > 0 {
		container.Command = jsii.Strings(cp.Command...)
	}
	if cp.GPUCount > 0 {
		container.ResourceRequirements = append(container.ResourceRequirements.([]any),
			&awsbatch.CfnJobDefinition_ResourceRequirementProperty{Type: jsii.String("GPU"), Value: jsii.String(fmt.Sprint(cp.GPUCount))})
	}
	if lp := cp.LinuxParameters; lp != nil {
		linux := &awsbatch.CfnJobDefinition_LinuxParametersProperty{InitProcessEnabled: jsii.Bool(lp.InitProcessEnabled)}
		if lp.SharedMemorySize > 0 {
			linux.SharedMemorySize = jsii.Number(float64(lp.SharedMemorySize))
		}
		container.LinuxParameters = linux
	}
	platform := "EC2"
	if jd.Platform == "FARGATE" {
		platform = "FARGATE"
		exec := s.EnvironmentRole()
		if exec == nil {
			exec = awsiam.NewRole(s.Scope(), s.ID("JobExecutionRole", it.Name), &awsiam.RoleProps{
				AssumedBy: awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil),
				ManagedPolicies: &[]awsiam.IManagedPolicy{
					awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AmazonECSTaskExecutionRolePolicy")),
				},
			})
		}
		container.ExecutionRoleArn = exec.RoleArn()
		container.NetworkConfiguration = &awsbatch.CfnJobDefinition_NetworkConfigurationProperty{AssignPublicIp: jsii.String("ENABLED")}
	}
	props := &awsbatch.CfnJobDefinitionProps{
		Type:                 jsii.String("container"),
		ContainerProperties:  container,
		PlatformCapabilities: jsii.Strings(platform),
		RetryStrategy:        &awsbatch.CfnJobDefinition_RetryStrategyProperty{Attempts: jsii.Number(float64(jd.RetryAttempts))},
	}
	if jd.Timeout > 0 {
		props.Timeout = &awsbatch.CfnJobDefinition_TimeoutProperty{AttemptDurationSeconds: jsii.Number(float64(jd.Timeout))}
	}
	def := awsbatch.NewCfnJobDefinition(s.Scope(), s.ID("JobDefinition", it.Name), props)
	s.PublishItem(JobDefinitionType, it, "arn", def.Ref())
	spec.publish(s, it, def.Ref())
	return nil
}
