package render

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/yamlslip"
	"github.com/blueprint-dev/blueprint/blueprint/yamlvalue"
)

// Context is the template context.
type Context map[string]any

// ContextOptions say where the context comes from.
type ContextOptions struct {
	// LookupEnv reads the environment; os.LookupEnv in production.
	LookupEnv func(string) (string, bool)
	// RepoDir is the repo root; variables.yaml is read from it.
	RepoDir string
	// VariablesFile defaults to "variables.yaml", relative to RepoDir.
	VariablesFile string
	// Stage is the --stage flag; "" when not given.
	Stage string
	// Vars are the --var key=value flags.
	Vars map[string]string
	// PipelineName is the config's own name, the default pipeline_name.
	PipelineName string
	// V1 builds the context of a data.all (version 1) config, as
	// utils/task_group_reader.py:62-91 did: see v1EnvKeys; stage defaults
	// to "TEST", nothing defaults pipeline_name, and the stages key of
	// variables.yaml is an ordinary variable.
	V1 bool
}

// DefaultStageV1 is the template's stage of a version 1 config when STAGE
// is unset (task_group_reader.py:66). The stage of its AWS names is
// lowercase "test" (utils/stack_util.py:87).
const DefaultStageV1 = "TEST"

// v1EnvKeys are the variables task_group_reader.py:64-90 set, each when its
// environment variable is set, even to "". saml_group is apart: the old
// code tested SAML_GROUP but read the lowercase saml_group (:73-74).
var v1EnvKeys = []struct{ key, env string }{
	{"stage", "STAGE"},
	{"pipeline_bucket", "BUCKET_NAME"},
	{"environment_role_arn", "ENVROLEARN"},
	{"pipeline_name", "ORIGIN_PIPELINE_NAME"},
	{"aws_account_id", "AWSACCOUNTID"},
	{"aws_region", "AWSREGION"},
	{"sns_topic_arn", "SNS_TOPIC_ARN"},
	{"batch_instance_role", "BATCH_INSTANCE_ROLE"},
	{"environment_uri", "ENVIRONMENT_URI"},
	{"pipeline_uri", "PIPELINE_URI"},
	{"ec2_spot_fleet_role", "EC2_SPOT_FLEET_ROLE"},
	{"ecr_repository", "ECR_REPOSITORY"},
}

func v1Context(lookup func(string) (string, bool)) Context {
	ctx := Context{"stage": DefaultStageV1}
	for _, k := range v1EnvKeys {
		if v, ok := lookup(k.env); ok {
			ctx[k.key] = v
		}
	}
	if _, ok := lookup("SAML_GROUP"); ok {
		// os.environ.get("saml_group") was None when only SAML_GROUP was
		// set, and Jinja renders None as "None".
		ctx["saml_group"] = "None"
		if v, ok := lookup("saml_group"); ok {
			ctx["saml_group"] = v
		}
	}
	return ctx
}

// DefaultStage is the stage when neither STAGE nor --stage says one.
const DefaultStage = "test"

// envKeys maps the environment variables the Python blueprint read to
// context keys; the first variable set wins for a key.
var envKeys = []struct {
	key string
	env []string
}{
	{"stage", []string{"STAGE"}},
	{"aws_account_id", []string{"AWSACCOUNTID"}},
	{"aws_region", []string{"AWSREGION", "AWS_DEFAULT_REGION"}},
	{"pipeline_name", []string{"ORIGIN_PIPELINE_NAME", "PIPELINE_NAME"}},
	{"pipeline_bucket", []string{"BUCKET_NAME"}},
	{"saml_group", []string{"SAML_GROUP"}},
	{"environment_role_arn", []string{"ENVROLEARN"}},
	{"sns_topic_arn", []string{"SNS_TOPIC_ARN"}},
	// Set by data.all's CodeBuild for the pipeline's Batch and ECR jobs.
	{"batch_instance_role", []string{"BATCH_INSTANCE_ROLE"}},
	{"environment_uri", []string{"ENVIRONMENT_URI"}},
	{"pipeline_uri", []string{"PIPELINE_URI"}},
	{"ec2_spot_fleet_role", []string{"EC2_SPOT_FLEET_ROLE"}},
	{"ecr_repository", []string{"ECR_REPOSITORY"}},
}

// BuildContext assembles the context; later sources win: the environment,
// variables.yaml (flat keys, then the section of the stage under
// `stages:`), then the --stage and --var flags.
func BuildContext(opts ContextOptions) (Context, diag.List) {
	lookup := opts.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	ctx := Context{"stage": DefaultStage}
	if opts.V1 {
		ctx = v1Context(lookup)
	} else {
		if opts.PipelineName != "" {
			ctx["pipeline_name"] = opts.PipelineName
		}
		for _, k := range envKeys {
			for _, e := range k.env {
				if v, ok := lookup(e); ok && v != "" {
					ctx[k.key] = v
					break
				}
			}
		}
	}
	if opts.Stage != "" {
		ctx["stage"] = opts.Stage
	}
	file := opts.VariablesFile
	if file == "" {
		file = "variables.yaml"
	}
	vars, diags := readVariables(opts.RepoDir, file, fmt.Sprint(ctx["stage"]), opts.V1)
	for k, v := range vars {
		ctx[k] = v
	}
	if opts.Stage != "" {
		ctx["stage"] = opts.Stage
	}
	for k, v := range opts.Vars {
		ctx[k] = v
	}
	return ctx, diags
}

// readVariables reads the flat keys of variables.yaml and overlays the
// section of stage. A file with a stages section only knows those stages.
func readVariables(repo, file, stage string, v1 bool) (map[string]any, diag.List) {
	var diags diag.List
	raw, err := os.ReadFile(filepath.Join(repo, file))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		diags.Add(diag.Diagnostic{File: file, Message: "cannot read: " + err.Error()})
		return nil, diags
	}
	if l, c, b := yamlvalue.InvalidUTF8(raw); l > 0 {
		diags.Add(diag.Diagnostic{File: file, Line: l, Col: c, Message: fmt.Sprintf("byte 0x%02x is not UTF-8 text", b), Hint: "save the file as UTF-8"})
		return nil, diags
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		d := diag.Diagnostic{File: file, Message: "invalid YAML: " + trimYAML(err)}
		if m := yamlLine.FindStringSubmatch(trimYAML(err)); m != nil {
			d.Line, _ = strconv.Atoi(m[1])
			d.Message = "invalid YAML: " + m[2]
		}
		if l, c, ok := yamlslip.Fault(raw, yamlslip.Message(err), d.Line); ok {
			d.Line, d.Col = l, c
		}
		if s, ok := yamlslip.Find(raw); ok {
			d = diag.Diagnostic{File: file, Line: s.Line, Col: s.Col, Message: "invalid YAML: " + s.Message, Hint: s.Hint}
		}
		diags.Add(d)
		return nil, diags
	}
	if line := yamlvalue.SecondDocument(raw); line > 0 {
		diags.Add(diag.Diagnostic{File: file, Line: line, Col: 1, Message: "a second YAML document starts here, and only the first is read",
			Hint: "remove the --- before it, or move its variables into the first"})
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		diags.Add(diag.Diagnostic{File: file, Line: root.Line, Col: root.Column, Message: "must be a mapping of variable names to values"})
		return nil, diags
	}
	out := map[string]any{}
	var stages *yaml.Node
	var stagesKey *yaml.Node
	first := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if line, dup := first[k.Value]; dup {
			diags.Add(diag.Diagnostic{File: file, Line: k.Line, Col: k.Column, Path: k.Value,
				Message: fmt.Sprintf("duplicate variable %q", k.Value), Hint: fmt.Sprintf("first set on line %d; only one value can win", line)})
			continue
		}
		first[k.Value] = k.Line
		if k.Value == "stages" && !v1 {
			stagesKey, stages = k, v
			continue
		}
		val, err := yamlvalue.Decode(v)
		if err != nil {
			diags.Add(diag.Diagnostic{File: file, Line: v.Line, Col: v.Column, Path: k.Value, Message: trimYAML(err)})
			continue
		}
		out[k.Value] = val
	}
	if stages == nil {
		return out, diags
	}
	if stages.Kind != yaml.MappingNode {
		diags.Add(diag.Diagnostic{File: file, Line: stages.Line, Col: stages.Column, Path: "stages",
			Message: "must map each stage name to its variables, e.g. stages: {dev: {instance_type: ml.m5.large}}"})
		return out, diags
	}
	var known []string
	for i := 0; i+1 < len(stages.Content); i += 2 {
		name, section := stages.Content[i].Value, stages.Content[i+1]
		known = append(known, name)
		if name != stage {
			continue
		}
		if section.Tag == "!!null" {
			continue
		}
		val, err := yamlvalue.Decode(section)
		if err != nil {
			diags.Add(diag.Diagnostic{File: file, Line: section.Line, Col: section.Column, Path: "stages." + name, Message: trimYAML(err)})
			continue
		}
		vals, isMap := val.(map[string]any)
		if !isMap {
			diags.Add(diag.Diagnostic{File: file, Line: section.Line, Col: section.Column, Path: "stages." + name,
				Message: "must be a mapping of variable names to values"})
			continue
		}
		for k, v := range vals {
			out[k] = v
		}
	}
	sort.Strings(known)
	if !contains(known, stage) {
		d := diag.Diagnostic{File: file, Line: stagesKey.Line, Col: stagesKey.Column, Path: "stages",
			Message: fmt.Sprintf("unknown stage %q", stage)}
		if s := diag.Suggest(stage, known); s != "" {
			d.Hint = fmt.Sprintf("did you mean %q?", s)
		} else {
			d.Hint = "the stages are " + diag.OneOf(known)
		}
		diags.Add(d)
	}
	return out, diags
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

func trimYAML(err error) string {
	s := err.Error()
	if len(s) > 6 && s[:6] == "yaml: " {
		return s[6:]
	}
	return s
}
