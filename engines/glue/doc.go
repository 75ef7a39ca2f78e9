// Package glue is the glue_job step and the glueconnection resource.
//
// A glue_job step names a Glue job YAML (data.all's format): a repo path,
// or a file name under customcode/glue/<jobdir>/ (jobdir: glue_jobs by
// default). The YAML says which script runs the job: its own `script:`,
// else the repo's default runner customcode/glue/runner/runner.py. The
// script, the YAML and every file its steps name are uploaded as assets;
// the job gets the YAML's S3 location as --CONFIGPATH, and the files in its
// working directory through --extra-files (so the runner opens them by
// base name).
package glue
