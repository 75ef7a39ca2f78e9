package kedro

import (
	"fmt"
	"strings"
)

func readme(pl *Plan, o Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", o.Name)
	fmt.Fprintf(&b, "%s, imported by `blueprint import kedro` from a kedro-viz export: %d nodes in %d jobs,\n", describe(pl, o), len(pl.Pipeline.Tasks), len(pl.Jobs))
	fmt.Fprintf(&b, "%d groups run in sequence (a job runs only after every job that produces one of its inputs;\n", len(pl.Waves))
	b.WriteString("the jobs of a group run in parallel).\n\n")
	b.WriteString("```sh\ngo mod tidy                              # resolve blueprint into go.sum (once)\ngo test ./tests/...                      # validate, synthesize and test every stage\ngo tool blueprint graph --stage dev      # draw the state machine\ngo tool blueprint test                   # run tests/sfn/*.json offline\n```\n\n")
	b.WriteString("## Before the first deploy\n\n")
	b.WriteString("Blueprint wrote the infrastructure; three things are the Kedro project's:\n\n")
	b.WriteString("1. **Package the project** and put it next to the Dockerfile. From the Kedro project's root:\n\n")
	b.WriteString("   ```sh\n   kedro package\n   cp dist/*.whl pyproject.toml <this repo>/customcode/kedro/\n   cp -r conf <this repo>/customcode/kedro/conf\n   ```\n\n")
	b.WriteString("   The image (`customcode/kedro/Dockerfile`) installs the wheel and `awslambdaric`; the CDK CLI\n   builds it at deploy. Set `kedro_package` in `variables.yaml` to the project's package.\n")
	if o.Package != "" {
		fmt.Fprintf(&b, "   (The export names it `%s`.)\n", o.Package)
	}
	b.WriteString("2. **Keep every dataset on S3.** The nodes no longer share memory: every dataset one job\n")
	b.WriteString("   writes and another reads, including `MemoryDataset`s, needs a catalog entry on S3. Write them\n")
	b.WriteString("   in `conf/aws/catalog.yml` (the `kedro_env` of `variables.yaml`), for example\n\n")
	b.WriteString("   ```yaml\n   model_input_table:\n     type: pandas.ParquetDataset\n     filepath: s3://<pipeline_bucket>/model_input_table.parquet\n   ```\n\n")
	b.WriteString("3. **Upload the raw data** to the bucket of `pipeline_bucket` (one per stage in `variables.yaml`).\n")
	if o.Target == Batch {
		b.WriteString("   The job definition's role reads and writes that bucket. Set `subnet_export` and\n   `vpc_export` to your network stack's CloudFormation exports.\n\n")
	} else {
		b.WriteString("   Each function's role reads and writes that bucket (`data_bucket`); with `ENVROLEARN`\n   set, that role must.\n\n")
	}
	b.WriteString("## Re-import\n\n")
	b.WriteString("Run `blueprint import kedro` again on a new export, with the same flags and `--out` this repo:\n")
	b.WriteString("it replaces the block of `config.yaml` between the `blueprint import kedro` markers and\n")
	b.WriteString("`tests/sfn/kedro.json`, prints what changed as a diff, and keeps everything else: the rest of\n")
	b.WriteString("`config.yaml` (add `properties`, `triggers`, `retry`, `catch` outside the markers),\n")
	b.WriteString("`variables.yaml`, `customcode/` and this README are yours once written.\n\n")
	b.WriteString("## Jobs\n\n| group | job | runs | after |\n|---|---|---|---|\n")
	for i, w := range pl.Waves {
		for _, j := range w {
			runs := strings.Join(j.Nodes, ", ")
			if j.Namespace != "" {
				runs = fmt.Sprintf("namespace `%s` (%d nodes)", j.Namespace, len(j.Nodes))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", GroupName(i), j.Name, mdCell(runs), mdCell(strings.Join(j.After, ", ")))
		}
	}
	return b.String()
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
