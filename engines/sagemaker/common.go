package sagemaker

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Types of this package.
const (
	TrainingType       = "sagemaker_training"
	HPOType            = "sagemaker_hpo"
	ProcessingType     = "sagemaker_processing"
	TransformType      = "sagemaker_batch_transform"
	ModelType          = "sagemaker_model"
	EndpointConfigType = "sagemaker_endpoint_config"
	EndpointType       = "sagemaker_endpoint"
	PackageGroupType   = "sagemaker_model_package_group"
)

// roleRef is the placeholder of the stack's SageMaker execution role.
var roleRef = engine.Ref{Kind: "sagemaker", Name: "execution_role", Attr: "arn"}.String()

// Resources size a job.
type Resources struct {
	Name          string `yaml:"name"`
	InstanceCount int    `yaml:"instance_count" validate:"min=1,max=100"`
	InstanceType  string `yaml:"instance_type" validate:"required"`
	VolumeSize    int    `yaml:"volume_size" validate:"min=1,max=16384"`
}

func defaultResources() Resources { return Resources{InstanceCount: 1, VolumeSize: 30} }

func (r *Resources) asl() map[string]any {
	return map[string]any{"InstanceCount": r.InstanceCount, "InstanceType": r.InstanceType, "VolumeSizeInGB": r.VolumeSize}
}

// Algorithm picks a built-in image by name and version.
type Algorithm struct {
	Name    string `yaml:"name" validate:"required"`
	Version string `yaml:"version" validate:"required"`
}

// Image is a custom image: a URI, a Dockerfile in customcode, or
// {ecr_repository: true, tag: T}: the image T of the repository the
// ECR_REPOSITORY variable names, which data.all's CodeBuild built and
// pushed (the bare repository, its latest image, without tag).
type Image struct {
	URI           string
	Directory     string
	File          string
	ECRRepository bool
	Tag           string
}

// DecodeNode reads an image as a URI string or {directory, file}.
func (im *Image) DecodeNode(d decoder, n node, path string) { decodeImage(d, n, path, im) }

var mlInstance = regexp.MustCompile(`^ml\.[a-z0-9]+\.[a-z0-9]+$`)

// instanceType accepts data.all's bare EC2 names ("c5.2xlarge") with a
// warning, and returns the SageMaker name.
func instanceType(c *engine.CheckContext, at, t string) string {
	switch {
	case t == "" || mlInstance.MatchString(t):
		return t
	case regexp.MustCompile(`^[a-z0-9]+\.[a-z0-9]+$`).MatchString(t):
		c.Warnf(at, "SageMaker instance types start with ml.; using ml.%s", t)
		return "ml." + t
	}
	c.Errorf(at, "%q is not a SageMaker instance type, e.g. ml.m5.xlarge", t)
	return t
}

// path checks a field that must be a runtime reference.
func path(c *engine.CheckContext, at, p string) {
	if p == "" {
		return
	}
	if err := engine.CheckPath(p); err != nil {
		c.Errorf(at, "%v", err)
	}
}

// value writes key as a literal, or as key.$ when v is a runtime path.
func value(m map[string]any, key, v string) {
	if engine.IsRuntimePath(v) || strings.HasPrefix(v, "States.") {
		m[key+".$"] = v
	} else {
		m[key] = v
	}
}

// jobName names a job uniquely per run: the given path, else the step
// name (cut to fit) and the execution name.
func jobName(m map[string]any, key, given, step string, max int) {
	if given != "" {
		value(m, key, given)
		return
	}
	prefix := safeName(step)
	// The execution name is a UUID unless the caller named it: 36 chars.
	if room := max - 37; len(prefix) > room {
		prefix = prefix[:room]
	}
	m[key+".$"] = fmt.Sprintf("States.Format('%s-{}', $$.Execution.Name)", prefix)
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9-]+`)

func safeName(s string) string {
	s = strings.Trim(unsafeChars.ReplaceAllString(s, "-"), "-")
	if s == "" {
		return "job"
	}
	return s
}

// imageRef is the placeholder of an algorithm's image for the stack's region.
func imageRef(a *Algorithm) string {
	return engine.Ref{Kind: "sagemaker_image", Name: a.Name + ":" + a.Version, Attr: "uri"}.String()
}

// assetImageRef is the placeholder of a Dockerfile image of a step.
func assetImageRef(step string) string {
	return engine.Ref{Kind: "sagemaker_asset_image", Name: step, Attr: "uri"}.String()
}

// checkAlgorithm checks the name, the version and, when the stack's region
// is known, that the image exists there.
func checkAlgorithm(c *engine.CheckContext, at string, a *Algorithm) {
	alg, ok := algorithms[a.Name]
	if !ok {
		d := c.Errorf(at+".name", "unknown algorithm %q", a.Name)
		d.Hint = "known: " + strings.Join(algorithmNames(), ", ")
		if s := diagSuggest(a.Name, algorithmNames()); s != "" {
			d.Hint = fmt.Sprintf("did you mean %q?", s)
		}
		return
	}
	v, ok := alg.resolve(a.Version)
	if !ok {
		c.Errorf(at+".version", "%s has no image for version %q", a.Name, a.Version).Hint = "versions: " + strings.Join(alg.versionList(), ", ")
		return
	}
	a.Version = v
	if region := c.Stack.Var("aws_region"); region != "" {
		if _, err := imageURI(a.Name, a.Version, region); err != nil {
			c.Errorf(at, "%v", err)
		}
	}
}

// checkImage checks a Dockerfile image's files, and that the ECR
// repository of an ecr_repository image is known.
func checkImage(c *engine.CheckContext, at string, im *Image) {
	if im != nil && im.ECRRepository {
		if c.Stack.Var("ecr_repository") == "" {
			c.Errorf(at, "the image is in the pipeline's ECR repository, which is not known").Hint = "set ECR_REPOSITORY (data.all's CodeBuild does) or the template variable ecr_repository"
		}
		return
	}
	if im == nil || im.Directory == "" {
		return
	}
	if _, ok := c.AssetDir(at+".directory", im.Directory); ok {
		file := im.File
		if file == "" {
			file = "Dockerfile"
		}
		c.RepoFile(at+".file", filepath.ToSlash(filepath.Join(im.Directory, file)), false)
	}
}

// imageOf returns what to write as a job's image.
func imageOf(stack *config.Stack, step string, a *Algorithm, im *Image) string {
	switch {
	case a != nil:
		return imageRef(a)
	case im != nil && im.ECRRepository:
		if im.Tag == "" {
			return stack.Var("ecr_repository")
		}
		return stack.Var("ecr_repository") + ":" + im.Tag
	case im != nil && im.Directory != "":
		return assetImageRef(step)
	case im != nil:
		return im.URI
	}
	return ""
}

// Tagging is what a step tags the job, model, endpoint configuration or
// endpoint it makes with.
type Tagging struct {
	// TagsPath is a $. path to the tags, a list of {Key, Value}, read when
	// the step runs ($.job_names.tags, which properties.job_names writes).
	TagsPath string `yaml:"tags_path"`
	// StackTags tags with the stack's data.all tags, fixed at synth (the
	// ones $.job_names.tags holds, without ExecutionID).
	StackTags bool `yaml:"stack_tags"`
}

func (t *Tagging) checkTags(c *engine.CheckContext, at string) {
	path(c, at+"tags_path", t.TagsPath)
	if t.TagsPath != "" && t.StackTags {
		c.Errorf(at+"stack_tags", "give tags_path or stack_tags, not both")
	}
}

// tagged reports whether the step tags what it makes.
func (t *Tagging) tagged() bool { return t.TagsPath != "" || t.StackTags }

// applyTags writes Tags (or Tags.$) into a create call's parameters.
func (t *Tagging) applyTags(p *engine.PlanContext, params map[string]any) {
	switch {
	case t.TagsPath != "":
		params["Tags.$"] = t.TagsPath
	case t.StackTags:
		var tags []map[string]any
		for _, tg := range p.Stack.DataAllTags() {
			tags = append(tags, map[string]any{"Key": tg.Key, "Value": tg.Value})
		}
		params["Tags"] = tags
	}
}

// syncRule is the EventBridge rule Step Functions manages for a .sync job.
func syncRule(p *engine.PlanContext, name string) {
	p.Allow([]string{"events:PutTargets", "events:PutRule", "events:DescribeRule"}, engine.ARN("events", "rule/"+name))
}

// passRole lets the state machine hand the execution role to SageMaker.
func passRole(p *engine.PlanContext) {
	p.Allow([]string{"iam:PassRole"}, roleRef)
}

func task(resource string, params map[string]any, comment string) *asl.State {
	return &asl.State{Type: asl.Task, Resource: "arn:aws:states:::sagemaker:" + resource, Parameters: params,
		ResultPath: asl.Discard(), Comment: comment}
}

func resultPath(st *asl.State, p string) {
	if p != "" {
		st.ResultPath = asl.Path(p)
	}
}
