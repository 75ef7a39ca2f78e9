// Package glue is the glue_job step and the glueconnection resource.
//
// A glue_job step's config names a Glue job YAML (data.all's format): a
// repo path, or a file name under customcode/glue/<jobdir>/ (jobdir:
// glue_jobs unless the config sets it).
//
// The YAML is a template, rendered at synth like config.yaml, with the
// stage, stage_ ("" in prod), the environment and variables.yaml, the keys
// of its variables file (data.all's variables: {file: X}, read from
// customcode/glue/<variables_files>/X, or variables_file: next to the
// YAML) and the run's arguments, which stay {{ name }} for the runner to
// fill in. An undefined variable is an error in a version 2 config; in a
// data.all (version 1) config it renders empty, with a warning, as Jinja did. Its steps[] each have a name, a type and a config checked
// against the type's schema (engines/glue/runner/blueprint_glue/handlers.json,
// or customcode/glue/handlers/<type>.yaml for the repo's own handlers):
// required keys, types, enums, files that must exist, each at its line.
// SQL files are rendered the same way; ref("view") names a view and makes
// it an input of the step in the run report. A bare file name is looked
// up under data.all's directory keys (queries or sql_queries, tests,
// udfs: under customcode/glue/, or repo paths), then as a repo path, then
// next to the YAML.
//
// The script a job runs is the YAML's own `script:` (a .py file), else the
// runner blueprint ships (package runner): its main.py, and the zip of its
// blueprint_glue package with the repo's udfs directory and custom
// handlers as --extra-py-files. Both are content-hashed assets, so a new
// blueprint or a changed handler re-deploys the job.
//
// The job is "<pipeline_name>-<job name>-<stage>" (characters outside
// letters, digits, - and _ become -), a glueetl job with glue_version
// (4.0), worker_type (G.1X), number_of_workers (2), max_retries (0) and a
// timeout of properties.timeout (3600 s) rounded up to minutes. The step's
// own job_timeout (minutes), job_bookmark, connection, worker_type and
// number_of_workers win over the YAML's. With properties.glue_jobs_prefix,
// a step whose config names no file of the repo gets a warning, and its
// job reads the job document (JSON, or YAML without templates) from
// <prefix><config> of the pipeline bucket when it runs. The script,
// the YAML and every file it names are S3 assets. Default arguments:
// --CONFIGPATH, the S3 URL of the rendered YAML as JSON (which YAML
// readers read too), with what blueprint found out under __blueprint__;
// --BUCKET_NAME, the pipeline bucket (the runner writes its run report to
// gluejobsreport/<job run id>/report.json there); --FILES, a JSON object from each path as
// the YAML writes it to the file's S3 URL (asset keys are content hashes,
// so the runner cannot guess them); --TempDir, s3://<pipeline_bucket>/glue-temp/<job>/
// (pipeline_bucket from the context, else the SSM parameter
// /<pipeline_name>/<stage>/pipeline_bucket, as for every context value);
// --job-bookmark-option from job_bookmark (disable); --enable-metrics,
// --enable-continuous-cloudwatch-log, --enable-glue-datacatalog; --STAGE;
// then the YAML's arguments, which may override all but --CONFIGPATH,
// --FILES and --execution_id.
//
// The job's role is the environment role (ENVROLEARN) when set; otherwise
// a role with AWSGlueServiceRole, read access to exactly its assets,
// read/write on its TempDir prefix and write on gluejobsreport/. The state machine runs the job with
// glue:startJobRun.sync, passing --execution_id ($$.Execution.Id) and the
// step's arguments ($. paths resolved at run time).
//
// A glueconnection (alias glue_connection) is a JDBC connection whose
// jdbc_url, username and password are SSM parameter names, written into
// the template as {{resolve:ssm:NAME}} and resolved by CloudFormation at
// deploy: no value is ever in the template. They must be String
// parameters: CloudFormation resolves ssm-secure only for a fixed list of
// properties that does not include Glue connections. For a real password,
// set secret_id (a Secrets Manager secret with username and password)
// instead, which Glue reads itself.
package glue
