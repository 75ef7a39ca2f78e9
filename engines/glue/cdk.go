package glue

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsglue"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/blueprint/synth"
	"github.com/blueprint-dev/blueprint/engines/glue/runner"
)

// ReportPrefix is where the runner writes its run reports in the
// pipeline bucket: gluejobsreport/<job run id>/report.json.
const ReportPrefix = "gluejobsreport/"

// generatedAsset stages content as a file asset. CDK copies an asset into
// the assembly when it is created, so the temporary file can go at once.
func generatedAsset(s *synth.Stack, id *string, name string, content []byte) (awss3assets.Asset, error) {
	dir, err := os.MkdirTemp("", "blueprint-glue-")
	if err != nil {
		return nil, fmt.Errorf("stage %s: %w", name, err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		return nil, fmt.Errorf("stage %s: %w", name, err)
	}
	return awss3assets.NewAsset(s.Scope(), id, &awss3assets.AssetProps{Path: jsii.String(path)}), nil
}

// shippedCode is the repo's code the runner's zip carries: the udfs
// directory as the package udfs, and the custom handlers the job uses as
// the package blueprint_glue_custom.
func shippedCode(repo string, j *job) (map[string][]byte, error) {
	out := map[string][]byte{}
	if j.udfs != "" {
		root := filepath.Join(repo, filepath.FromSlash(j.udfs))
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) != ".py" {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			b, err := os.ReadFile(p)
			out["udfs/"+filepath.ToSlash(rel)] = b
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("read the udfs directory %s: %w", j.udfs, err)
		}
		if _, ok := out["udfs/__init__.py"]; !ok {
			out["udfs/__init__.py"] = []byte{}
		}
	}
	if len(j.custom) > 0 {
		out[customModulePrefix+"/__init__.py"] = []byte{}
		for _, m := range j.custom {
			b, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(m)))
			if err != nil {
				return nil, fmt.Errorf("read the handler %s: %w", m, err)
			}
			out[customModulePrefix+"/"+filepath.Base(m)] = b
		}
	}
	return out, nil
}

// BuildStep creates the Glue job, with its script, YAML and files as
// assets.
func (Job) BuildStep(s *synth.Stack, it *config.Item) error {
	spec := it.Spec.(*JobSpec)
	j := spec.job
	if j == nil {
		return fmt.Errorf("internal error: the job YAML of %q was not loaded", it.Name)
	}
	name := JobName(s.Config, it.Name)
	assets := map[string]awss3assets.Asset{}
	var ordered []awss3assets.Asset
	asset := func(rel string) awss3assets.Asset {
		if a, ok := assets[rel]; ok {
			return a
		}
		a := awss3assets.NewAsset(s.Scope(), s.ID("GlueAsset", it.Name, rel), &awss3assets.AssetProps{
			Path: jsii.String(filepath.Join(s.Config.RepoDir, filepath.FromSlash(rel))),
		})
		assets[rel] = a
		ordered = append(ordered, a)
		return a
	}
	generated := func(rel, name string, content []byte) (awss3assets.Asset, error) {
		a, err := generatedAsset(s, s.ID("GlueAsset", it.Name, rel), name, content)
		if err == nil {
			ordered = append(ordered, a)
		}
		return a, err
	}
	var script awss3assets.Asset
	if j.script != "" {
		script = asset(j.script)
	} else {
		var err error
		if script, err = generated("blueprint-glue-runner.py", "main.py", runner.Script()); err != nil {
			return err
		}
	}
	bucket := s.ContextValue("pipeline_bucket")
	jf := j.file
	if jf == nil {
		jf = &JobFile{} // the job document is read from the bucket at run time
	}
	var configPath *string
	if j.remote != "" {
		configPath = awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("s3://"), bucket, jsii.String("/" + j.remote)})
	} else {
		doc, err := generated(j.path+".json", "job.json", j.doc)
		if err != nil {
			return err
		}
		configPath = doc.S3ObjectUrl()
	}
	// The runner finds each file by the path its YAML gives, whatever the
	// asset's object key is.
	var files strings.Builder
	rendered := map[string]awss3assets.Asset{}
	files.WriteString("{")
	for i, f := range j.files {
		if i > 0 {
			files.WriteString(",")
		}
		key, _ := json.Marshal(f.Written)
		a := asset(f.Path)
		var err error
		if f.Rendered != nil {
			// A template is rendered the same way for every step naming it.
			if a = rendered[f.Path]; a == nil {
				if a, err = generated(f.Path+".rendered", filepath.Base(f.Path), f.Rendered); err != nil {
					return err
				}
				rendered[f.Path] = a
			}
		}
		files.WriteString(string(key) + `:"` + *a.S3ObjectUrl() + `"`)
	}
	files.WriteString("}")
	var pyFiles awss3assets.Asset
	if j.script == "" {
		extra, err := shippedCode(s.Config.RepoDir, j)
		if err != nil {
			return err
		}
		zipped, err := runner.Package(extra)
		if err != nil {
			return err
		}
		if pyFiles, err = generated("blueprint-glue-runner.zip", "blueprint_glue.zip", zipped); err != nil {
			return err
		}
	}

	tempPrefix := "glue-temp/" + name + "/"
	connection := engine.FirstNonEmpty(spec.Connection, jf.Connection)
	role := s.EnvironmentRole()
	if role == nil {
		r := jobRole(s, it.Name, ordered, bucket, tempPrefix, j.remote)
		if c := s.Index.Resources[connection]; c != nil && connection != "" {
			if secret := c.Spec.(*ConnectionSpec).Config.SecretID; secret != "" {
				// Glue reads the connection's secret with the job's role.
				r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
					Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
					Resources: &[]*string{secretARN(s, secret)},
				}))
			}
		}
		role = r
	}
	args := map[string]*string{
		ArgConfigPath:                        configPath,
		"--BUCKET_NAME":                      bucket,
		ArgFiles:                             jsii.String(files.String()),
		"--job-bookmark-option":              jsii.String("job-bookmark-" + engine.FirstNonEmpty(spec.JobBookmark, jf.JobBookmark, "disable")),
		"--enable-metrics":                   jsii.String("true"),
		"--enable-continuous-cloudwatch-log": jsii.String("true"),
		"--enable-glue-datacatalog":          jsii.String("true"),
		"--TempDir":                          awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("s3://"), bucket, jsii.String("/" + tempPrefix)}),
		"--STAGE":                            jsii.String(s.Config.Stage()),
	}
	if pyFiles != nil {
		args["--extra-py-files"] = pyFiles.S3ObjectUrl()
	}
	for _, k := range engine.SortedKeys(jf.Arguments) {
		v := jsii.String(jf.Arguments[k])
		if argName(k) == "--extra-py-files" && pyFiles != nil {
			v = awscdk.Fn_Join(jsii.String(","), &[]*string{pyFiles.S3ObjectUrl(), v})
		}
		args[argName(k)] = v
	}
	timeout := s.Config.Pipeline.Properties.Timeout
	if timeout == 0 {
		timeout = config.DefaultTimeout
	}
	minutes := (timeout + 59) / 60 // Glue counts minutes
	if spec.JobTimeout > 0 {
		minutes = spec.JobTimeout
	}
	workers := jf.NumberOfWorkers
	if spec.NumberOfWorkers > 0 {
		workers = spec.NumberOfWorkers
	}
	props := &awsglue.CfnJobProps{
		Name:        jsii.String(name),
		Description: jsii.String(engine.FirstNonEmpty(jf.Description, spec.Description, spec.Comment, "Glue job "+it.Name+" of pipeline "+s.Config.PipelineName())),
		Role:        role.RoleArn(),
		Command: &awsglue.CfnJob_JobCommandProperty{
			Name: jsii.String("glueetl"), PythonVersion: jsii.String("3"), ScriptLocation: script.S3ObjectUrl(),
		},
		GlueVersion:      jsii.String(engine.FirstNonEmpty(jf.GlueVersion, "4.0")),
		WorkerType:       jsii.String(engine.FirstNonEmpty(spec.WorkerType, jf.WorkerType, "G.1X")),
		NumberOfWorkers:  jsii.Number(float64(max(workers, 2))),
		Timeout:          jsii.Number(float64(minutes)),
		MaxRetries:       jsii.Number(float64(jf.MaxRetries)),
		DefaultArguments: args,
	}
	if conn := connection; conn != "" {
		ref := jsii.String(conn)
		if s.Index.Resources[conn] != nil {
			// The connection's own name token makes CloudFormation create
			// the connection before the job.
			if err := s.Need(conn); err != nil {
				return err
			}
			v, err := s.Resolve(engine.Ref{Kind: ConnectionType, Name: conn, Attr: "name"}.String())
			if err != nil {
				return err
			}
			ref = jsii.String(v)
		}
		props.Connections = &awsglue.CfnJob_ConnectionsListProperty{Connections: &[]*string{ref}}
	}
	awsglue.NewCfnJob(s.Scope(), s.ID("GlueJob", it.Name), props)
	return nil
}

// jobRole creates the job's role when there is no environment role: the
// Glue service policy, read access to exactly the job's assets, and its
// temporary directory. Access to the data the job reads and writes is the
// environment role's business (ENVROLEARN).
func jobRole(s *synth.Stack, job string, assets []awss3assets.Asset, bucket *string, tempPrefix, remote string) awsiam.Role {
	r := awsiam.NewRole(s.Scope(), s.ID("GlueJobRole", job), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("glue.amazonaws.com"), nil),
		ManagedPolicies: &[]awsiam.IManagedPolicy{
			awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AWSGlueServiceRole")),
		},
	})
	objects := make([]*string, len(assets))
	for i, a := range assets {
		objects[i] = a.Bucket().ArnForObjects(a.S3ObjectKey())
	}
	bucketARN := awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":s3:::"), bucket})
	if remote != "" {
		// The job document it reads at run time (properties.glue_jobs_prefix).
		objects = append(objects, awscdk.Fn_Join(jsii.String(""), &[]*string{bucketARN, jsii.String("/" + remote)}))
	}
	r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("s3:GetObject"), Resources: &objects,
	}))
	r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
		Resources: &[]*string{awscdk.Fn_Join(jsii.String(""), &[]*string{bucketARN, jsii.String("/" + tempPrefix + "*")})},
	}))
	// The runner writes its run report under gluejobsreport/.
	r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:PutObject"),
		Resources: &[]*string{awscdk.Fn_Join(jsii.String(""), &[]*string{bucketARN, jsii.String("/" + ReportPrefix + "*")})},
	}))
	r.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:    jsii.Strings("s3:ListBucket"),
		Resources:  &[]*string{bucketARN},
		Conditions: &map[string]any{"StringLike": map[string]any{"s3:prefix": []string{tempPrefix + "*"}}},
	}))
	return r
}

// secretARN is the ARN of a secret given by name or ARN; a name matches
// the random suffix Secrets Manager appends.
func secretARN(s *synth.Stack, secret string) *string {
	if strings.HasPrefix(secret, "arn:") {
		return jsii.String(secret)
	}
	return awscdk.Stack_Of(s.Scope()).FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("secretsmanager"), Resource: jsii.String("secret"), ResourceName: jsii.String(secret + "-??????"),
		ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
}

// BuildResource creates the connection. Its URL, user and password are
// CloudFormation dynamic references to SSM String parameters, resolved at
// deploy: the template holds their names only. (CloudFormation resolves
// ssm-secure references for a fixed list of properties, and Glue
// connection properties are not among them; secret_id uses Glue's own
// Secrets Manager support instead.)
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
			Name:                           jsii.String(s.NameOf(it)),
			Description:                    descriptionOf(it),
			ConnectionType:                 jsii.String("JDBC"),
			ConnectionProperties:           props,
			PhysicalConnectionRequirements: phys,
		},
	})
	if err := s.Pin(conn, it); err != nil {
		return err
	}
	s.PublishItem(ConnectionType, it, "name", conn.Ref())
	return nil
}

func descriptionOf(it *config.Item) *string {
	spec := it.Spec.(*ConnectionSpec)
	if d := engine.FirstNonEmpty(spec.Description, spec.Comment); d != "" {
		return jsii.String(d)
	}
	return nil
}
