package kedro

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/config"
)

// Targets: where each job runs.
const (
	Lambda = "lambda"
	Batch  = "batch"
)

// Targets lists them, for usage messages.
var Targets = []string{Lambda, Batch}

// Markers delimit the part of config.yaml that a re-import replaces;
// everything outside them is the user's.
const (
	BeginMarker = "# >>> blueprint import kedro: generated, replaced by the next import; edit outside these markers >>>"
	EndMarker   = "# <<< blueprint import kedro <<<"
)

// Generated are the files an import owns whole: a re-import rewrites them.
// The other files it writes are the user's once written: a re-import
// writes them only when they are missing.
var Generated = []string{"tests/sfn/kedro.json"}

// Options say what repo to make.
type Options struct {
	// Name is the pipeline's name (the state machine's).
	Name string
	// Target is Lambda or Batch.
	Target string
	// Package is the Kedro project's Python package, "" when unknown.
	Package string
}

//go:embed files
var files embed.FS

// Files returns the repo files of an import, by slash path: config.yaml,
// variables.yaml, customcode/kedro/ (Dockerfile, handler), tests/sfn/kedro.json
// and README.md. config.yaml holds the generated block between the markers.
func Files(pl *Plan, o Options) map[string][]byte {
	out := map[string][]byte{
		"config.yaml":          []byte(configHead(pl, o) + BeginMarker + "\n" + Block(pl, o) + EndMarker + "\n"),
		"variables.yaml":       []byte(variables(pl, o)),
		"tests/sfn/kedro.json": cases(pl, o),
		"README.md":            []byte(readme(pl, o)),
	}
	for _, f := range []string{"Dockerfile", "lambda_handler.py", "dockerignore", "test_lambda_handler.py"} {
		b, err := files.ReadFile("files/" + f)
		if err != nil {
			panic("internal error: " + err.Error()) // embedded at build time
		}
		name := f
		if f == "dockerignore" {
			name = ".dockerignore"
		}
		out["customcode/kedro/"+name] = b
	}
	return out
}

func describe(pl *Plan, o Options) string {
	per := map[string]string{ByNode: "node", ByNamespace: "namespace", ByTag: "tag"}[pl.GroupBy]
	where := map[string]string{Lambda: "a Lambda function", Batch: "a Batch job"}[o.Target]
	return fmt.Sprintf("Kedro pipeline %s, %s per %s", pl.Pipeline.ID, where, per)
}

func configHead(pl *Plan, o Options) string {
	var b strings.Builder
	b.WriteString(formatLine)
	fmt.Fprintf(&b, "# Imported by blueprint import kedro from a kedro-viz export: pipeline %s,\n", pl.Pipeline.ID)
	fmt.Fprintf(&b, "# %d nodes in %d jobs (grouped by %s), %d groups run in sequence.\n", len(pl.Pipeline.Tasks), len(pl.Jobs), pl.GroupBy, len(pl.Waves))
	b.WriteString("# The block between the markers below is replaced by the next import; add\n")
	b.WriteString("# properties, triggers, retry and catch outside it (they are kept).\n")
	fmt.Fprintf(&b, "name: %s\n", yamlString(o.Name))
	fmt.Fprintf(&b, "description: %s\n\n", yamlString(describe(pl, o)))
	return b.String()
}

// Block is the generated part of config.yaml, between the markers.
func Block(pl *Plan, o Options) string {
	var b strings.Builder
	if o.Target == Batch {
		b.WriteString(`aws_resources:
  - name: KedroCompute
    type: batch_compute_environment
    properties:
      compute_resource_type: "{{ batch_compute_type }}"
      max_vcpus: {{ batch_max_vcpus }}
      subnet_from_cloudformation: "{{ subnet_export }}"
      vpc_from_cloudformation: "{{ vpc_export }}"

  - name: KedroQueue
    type: batch_job_queue
    properties:
      priority: 1
      compute_environment:
        compute_environment_ref: [KedroCompute]

  - name: KedroRun
    type: batch_job_definition
    job_definition:
      timeout: {{ timeout }}
      container_properties:
        image:
          assets:
            directory: customcode/kedro
        vcpus: {{ vcpus }}
        memory: {{ memory }}
        environment:
          KEDRO_DATA_BUCKET: "{{ pipeline_bucket }}"

`)
	}
	b.WriteString("groups:\n")
	for i, wave := range pl.Waves {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "  - name: %s\n    jobs:\n", GroupName(i))
		for _, j := range wave {
			job(&b, j, o)
		}
	}
	return b.String()
}

func job(b *strings.Builder, j *Job, o Options) {
	fmt.Fprintf(b, "      - name: %s\n", j.Name)
	what := "kedro node " + j.Nodes[0]
	switch {
	case j.Namespace != "":
		what = fmt.Sprintf("kedro namespace %s (%d nodes)", j.Namespace, len(j.Nodes))
	case j.Tag != "":
		what = fmt.Sprintf("kedro nodes tagged %s (%d)", j.Tag, len(j.Nodes))
	}
	if len(j.After) > 0 {
		what += "; after " + strings.Join(j.After, ", ")
	}
	fmt.Fprintf(b, "        comment: %s\n", yamlString(what))
	if o.Target == Batch {
		cmd := []string{"kedro", "run", "--env", "{{ kedro_env }}"}
		if j.Namespace != "" {
			cmd = append(cmd, "--namespace", j.Namespace)
		} else {
			cmd = append(cmd, "--nodes", strings.Join(j.Nodes, ","))
		}
		b.WriteString("        type: batch\n        job_queue_ref: KedroQueue\n        job_definition_ref: KedroRun\n        config:\n")
		fmt.Fprintf(b, "          command: %s\n", yamlList(cmd))
		return
	}
	b.WriteString(`        type: lambda_function
        config:
          image:
            directory: customcode/kedro
          memory: {{ memory }}
          timeout: {{ timeout }}
          data_bucket: "{{ pipeline_bucket }}"
          environment:
            KEDRO_ENV: "{{ kedro_env }}"
            KEDRO_PACKAGE: "{{ kedro_package }}"
            KEDRO_DATA_BUCKET: "{{ pipeline_bucket }}"
          payload:
`)
	if j.Namespace != "" {
		fmt.Fprintf(b, "            namespaces: %s\n", yamlList([]string{j.Namespace}))
	}
	fmt.Fprintf(b, "            node_names: %s\n", yamlList(j.Nodes))
}

// yamlString quotes s for YAML and for the template renderer: a JSON
// string is a YAML double-quoted scalar, and escaping { keeps a node
// named with {{ from being read as a template expression.
func yamlString(s string) string {
	q, _ := json.Marshal(s)
	return strings.ReplaceAll(string(q), "{", `\u007b`)
}

func yamlList(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		if strings.HasPrefix(s, "{{ ") {
			parts[i] = `"` + s + `"`
			continue
		}
		parts[i] = yamlString(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func variables(pl *Plan, o Options) string {
	pkg := o.Package
	pkgNote := "# the Kedro project's Python package (configure_project)"
	if pkg == "" {
		pkg = config.SafeName(o.Name)
		pkgNote = "# CHANGE: the Kedro project's Python package; the export did not name it"
	}
	bucket := strings.ToLower(config.SafeName(o.Name)) + "-data"
	var b strings.Builder
	b.WriteString("# Variables of the imported Kedro pipeline; a stage's section wins over the\n# top-level values. blueprint import kedro writes this file once and keeps it.\n")
	fmt.Fprintf(&b, "kedro_package: %s %s\n", yamlString(pkg), pkgNote)
	b.WriteString("kedro_env: aws            # the conf/ environment whose catalog points at S3\n")
	fmt.Fprintf(&b, "pipeline_bucket: %s   # the data bucket the catalog reads and writes\n", yamlString(bucket+"-dev"))
	if o.Target == Batch {
		b.WriteString(`memory: 2048              # MB per job
vcpus: 1
timeout: 3600             # seconds per job
batch_compute_type: ON_DEMAND
batch_max_vcpus: 16
subnet_export: vpc-private-cf-SubnetTier2List   # CloudFormation exports of the network stack
vpc_export: vpc-private-cf-VpcId
stages:
  dev:
    memory: 2048
  test:
    pipeline_bucket: ` + yamlString(bucket+"-test") + `
  prod:
    pipeline_bucket: ` + yamlString(bucket+"-prod") + `
    memory: 8192
    vcpus: 4
    batch_max_vcpus: 64
`)
		return b.String()
	}
	b.WriteString(`memory: 1024              # MB per function (Lambda: 128 to 10240)
timeout: 900              # seconds per node run (Lambda: at most 900)
stages:
  dev:
    memory: 1024
  test:
    pipeline_bucket: ` + yamlString(bucket+"-test") + `
  prod:
    pipeline_bucket: ` + yamlString(bucket+"-prod") + `
    memory: 3008
`)
	return b.String()
}

// cases is a blueprint test file: every job succeeds and the run does; the
// first job failing fails the run before the second group.
func cases(pl *Plan, o Options) []byte {
	machine := config.SafeName(o.Name)
	ok := map[string]string{}
	fail := map[string]string{}
	var all []string
	for _, j := range pl.Jobs {
		ok[j.Name] = "Succeeded"
		all = append(all, j.Name)
	}
	first := pl.Waves[0][0]
	for _, j := range pl.Waves[0] {
		fail[j.Name] = "Succeeded"
	}
	fail[first.Name] = "Failed"
	success := map[string]any{"StatusCode": 200, "Payload": map[string]any{"node_names": first.Nodes}}
	failure := map[string]any{"Error": "Runtime.ExitError", "Cause": "the node raised an exception"}
	if o.Target == Batch {
		success = map[string]any{"Status": "SUCCEEDED", "JobId": "00000000-0000-4000-8000-000000000001"}
		failure = map[string]any{"Error": "States.TaskFailed", "Cause": "Essential container in task exited"}
	}
	// No Error: a pipeline split into child machines fails with the
	// child's States.TaskFailed, not the node's error.
	failExp := map[string]any{"Status": "FAILED", "Visited": []string{first.Name}}
	if len(pl.Waves) > 1 {
		failExp["NotVisited"] = []string{GroupName(1)}
	}
	doc := map[string]any{
		"StateMachines": map[string]any{machine: map[string]any{"TestCases": map[string]any{
			"EveryNodeSucceeds": ok, "AFailedNodeStopsTheRun": fail}}},
		"MockedResponses": map[string]any{
			"Succeeded": map[string]any{"0": map[string]any{"Return": success}},
			"Failed":    map[string]any{"0": map[string]any{"Throw": failure}},
		},
		"Expectations": map[string]any{machine: map[string]any{
			"EveryNodeSucceeds":      map[string]any{"Status": "SUCCEEDED", "Visited": all},
			"AFailedNodeStopsTheRun": failExp,
		}},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n')
}

// formatLine starts every config the import writes.
const formatLine = "version: 2\n"
