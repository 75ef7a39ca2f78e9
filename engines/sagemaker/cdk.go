package sagemaker

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecrassets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssagemaker"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
)

// prepare builds what a step's states refer to: the execution role, and
// the images of its algorithm or Dockerfile.
func prepare(s *synth.Stack, it *config.Item, algs []*Algorithm, images []*Image) {
	role(s)
	for _, a := range algs {
		if a != nil {
			algorithmImage(s, a)
		}
	}
	for _, im := range images {
		if im != nil && im.Directory != "" {
			file := engine.FirstNonEmpty(im.File, "Dockerfile")
			asset := awsecrassets.NewDockerImageAsset(s.Scope(), s.ID("SageMakerImage", it.Name), &awsecrassets.DockerImageAssetProps{
				Directory: jsii.String(filepath.Join(s.Config.RepoDir, im.Directory)),
				File:      jsii.String(file),
			})
			s.Publish(engine.Ref{Kind: "sagemaker_asset_image", Name: it.Name, Attr: "uri"}, asset.ImageUri())
			if r, ok := s.Get("sagemaker/role").(awsiam.Role); ok {
				asset.Repository().GrantPull(r)
			}
		}
	}
}

// role is the stack's one SageMaker execution role: the environment role,
// or a role with access to the pipeline bucket, ECR and its logs.
func role(s *synth.Stack) {
	if s.Get("sagemaker/role") != nil {
		return
	}
	if env := s.EnvironmentRole(); env != nil {
		s.Set("sagemaker/role", env)
		s.Publish(engine.Ref{Kind: "sagemaker", Name: "execution_role", Attr: "arn"}, env.RoleArn())
		return
	}
	r := awsiam.NewRole(s.Scope(), s.ID("SageMakerExecutionRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("sagemaker.amazonaws.com"), nil),
		Description: jsii.String("runs the SageMaker jobs of pipeline " + s.Config.PipelineName()),
	})
	bucket := s.ContextValue("pipeline_bucket")
	arn := func(suffix string) string {
		return *awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":s3:::"), bucket, jsii.String(suffix)})
	}
	r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketLocation"),
		Resources: jsii.Strings(arn(""), arn("/*")),
	}))
	// Pulling SageMaker's own images needs the token on "*"; the images
	// themselves live in AWS accounts.
	r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("ecr:GetAuthorizationToken"),
		Resources: jsii.Strings("*"),
	}))
	r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"),
		Resources: jsii.Strings("arn:aws:ecr:*:*:repository/*"),
	}))
	r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"),
		Resources: jsii.Strings(*awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":logs:"),
			awscdk.Aws_REGION(), jsii.String(":"), awscdk.Aws_ACCOUNT_ID(), jsii.String(":log-group:/aws/sagemaker/*")})),
	}))
	r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("cloudwatch:PutMetricData"),
		Resources: jsii.Strings("*"),
	}))
	s.Set("sagemaker/role", r)
	s.Publish(engine.Ref{Kind: "sagemaker", Name: "execution_role", Attr: "arn"}, r.RoleArn())
}

// algorithmImage publishes an algorithm's image: a literal for a known
// region, else a lookup in a mapping of every region, so the template
// stays region-agnostic.
func algorithmImage(s *synth.Stack, a *Algorithm) {
	ref := engine.Ref{Kind: "sagemaker_image", Name: a.Name + ":" + a.Version, Attr: "uri"}
	if region := s.Config.Var("aws_region"); region != "" {
		uri, err := imageURI(a.Name, a.Version, region)
		if err == nil {
			s.Publish(ref, jsii.String(uri))
		}
		return
	}
	alg := algorithms[a.Name]
	repo, accounts := alg.image(a.Version)
	key := "SageMakerImages" + strings.NewReplacer("-", "", ".", "").Replace(repo)
	mapping, _ := s.Get("sagemaker/mapping/" + key).(awscdk.CfnMapping)
	if mapping == nil {
		regions := make([]string, 0, len(accounts))
		for r := range accounts {
			regions = append(regions, r)
		}
		sort.Strings(regions)
		m := map[string]*map[string]any{}
		for _, r := range regions {
			m[r] = &map[string]any{"account": accounts[r]}
		}
		mapping = awscdk.NewCfnMapping(s.Scope(), jsii.String(key), &awscdk.CfnMappingProps{Mapping: &m})
		s.Set("sagemaker/mapping/"+key, mapping)
	}
	uri := awscdk.Fn_Join(jsii.String(""), &[]*string{
		mapping.FindInMap(awscdk.Aws_REGION(), jsii.String("account"), nil),
		jsii.String(".dkr.ecr."), awscdk.Aws_REGION(), jsii.String(".amazonaws.com/" + repo + ":" + alg.versions[a.Version]),
	})
	s.Publish(ref, uri)
}

// BuildStep prepares a training job.
func (Training) BuildStep(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*TrainingSpec)
	c := &spec.Config
	prepare(s, it, append([]*Algorithm{c.Algorithm}, modelAlgorithm(spec.Model)...), append([]*Image{c.TrainingImage}, modelImage(spec.Model)...))
	return nil
}

// BuildStep prepares a tuning job.
func (HPO) BuildStep(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*HPOSpec)
	c := &spec.Config
	prepare(s, it, append([]*Algorithm{c.Algorithm}, modelAlgorithm(spec.Model)...), append([]*Image{c.TrainingImage}, modelImage(spec.Model)...))
	return nil
}

func modelAlgorithm(m *AfterJob) []*Algorithm {
	if m == nil || m.Config == nil {
		return nil
	}
	return []*Algorithm{m.Config.PrimaryContainer.Algorithm}
}

func modelImage(m *AfterJob) []*Image {
	if m == nil || m.Config == nil {
		return nil
	}
	return []*Image{m.Config.PrimaryContainer.Image}
}

// BuildStep prepares a processing job.
func (Processing) BuildStep(s *synth.Stack, it *config.Item) error {
	c := &it.Spec.(*ProcessingSpec).Config
	prepare(s, it, []*Algorithm{c.Algorithm}, []*Image{c.Image})
	return nil
}

// BuildStep prepares a model.
func (Model) BuildStep(s *synth.Stack, it *config.Item) error {
	pc := &it.Spec.(*ModelSpec).Config.PrimaryContainer
	prepare(s, it, []*Algorithm{pc.Algorithm}, []*Image{pc.Image})
	return nil
}

// BuildResource creates the model package group.
func (PackageGroup) BuildResource(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*PackageGroupSpec)
	props := &awssagemaker.CfnModelPackageGroupProps{ModelPackageGroupName: jsii.String(s.NameOf(it))}
	if d := engine.FirstNonEmpty(spec.Config.Description, spec.Description, spec.Comment); d != "" {
		props.ModelPackageGroupDescription = jsii.String(d)
	}
	var tags []*awscdk.CfnTag
	for _, k := range engine.SortedKeys(spec.Config.Tags) {
		tags = append(tags, &awscdk.CfnTag{Key: jsii.String(k), Value: jsii.String(spec.Config.Tags[k])})
	}
	if tags != nil {
		props.Tags = &tags
	}
	g := awssagemaker.NewCfnModelPackageGroup(s.Scope(), s.ID("ModelPackageGroup", it.Name), props)
	if err := s.Pin(g, it); err != nil {
		return err
	}
	s.PublishItem(PackageGroupType, it, "arn", g.AttrModelPackageGroupArn())
	return nil
}
