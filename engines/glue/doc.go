// Package glue is the glue_job step and the glueconnection resource.
//
// A glue_job step's config names a Glue job YAML (data.all's format): a
// repo path, or a file name under customcode/glue/<jobdir>/ (jobdir:
// glue_jobs unless the config sets it). The YAML is validated at synth
// time, each finding at its own line: steps[] with name, type (sql, udf or
// python) and config.file, which must exist (a repo path, or a path
// relative to the YAML); variables_file; script; connection; arguments.
//
// The script a job runs is the YAML's own `script:` (a .py file), else the
// pipeline repo's default runner customcode/glue/runner/runner.py; with
// neither, validation asks for one. blueprint ships no runner of its own:
// examples/glue-athena has a minimal one to copy.
//
// The job is "<pipeline_name>-<job name>-<stage>" (characters outside
// letters, digits, - and _ become -), a glueetl job with glue_version
// (4.0), worker_type (G.1X), number_of_workers (2), max_retries (0) and a
// timeout of properties.timeout (3600 s) rounded up to minutes. The script,
// the YAML and every file it names are S3 assets. Default arguments:
// --CONFIGPATH, the YAML's S3 URL; --FILES, a JSON object from each path as
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
// a role with AWSGlueServiceRole, read access to exactly its assets and
// read/write on its TempDir prefix. The state machine runs the job with
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
