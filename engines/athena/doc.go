// Package athena is the athena_query step and the athena_workgroup and athena_prepared_statement resources.
//
// An athena_query step's config.config_file is an Athena job YAML (a repo
// path):
//
//	steps:
//	  - name: daily
//	    jobs:
//	      - {name: totals, type: sql, config: {file: ../sql/totals.sql}}
//	      - {name: top, type: prepared_statement, config: {prepared_statement: top_n, parameters: [10]}}
//
// Steps run in sequence; the jobs of a step run in parallel (a Parallel
// state). A sql job runs config.file (a repo path, or a path relative to
// the YAML; config.files lists several, run as one query joined with ";");
// a prepared_statement job runs EXECUTE on a statement: an
// athena_prepared_statement of this config by name, else an existing one.
// Each query runs with athena:startQueryExecution.sync, in config.workgroup
// (a workgroup resource of this config, or an existing workgroup by name;
// by default the athena_workgroup variable, else saml_group, the
// environment team's workgroup, else primary), with config.database as its
// QueryExecutionContext and config.retry (or the job's retry) on every
// query. Results are dropped unless result_path is set: the
// QueryExecution of job J of step S is then at <result_path>.S.J.
//
// config.variables, as in data.all, is either a mapping or a list:
//
//   - A mapping is the only template context of the SQL files: they are
//     rendered with it at synth time, and with nothing else (no stage, no
//     pipeline variables). A value that is a runtime reference ($.x,
//     $$.Execution.Id) cannot be rendered then: the query becomes
//     States.Format('…{}…', $.x) and Step Functions inserts the value at
//     run time. Such a variable can only be inserted ({{ name }}), not
//     filtered or tested.
//   - A list holds execution parameters, the values of ? placeholders, in
//     order. It goes to every query of the file that has placeholders: a
//     sql job whose text has ? outside literals and comments, a
//     prepared_statement job without config.parameters of its own. The
//     SQL files are then rendered with no variables at all.
//
// Athena reads execution parameters as SQL literals, so blueprint writes
// them as such: a string becomes a quoted literal ('EU'; one already in
// single quotes is kept), a number or boolean stays bare, and a runtime
// reference becomes a string literal at run time (cast it in the SQL for
// other types):
//
//	variables: ["$$.Execution.Id", "$.region", 2024]
//	→ "ExecutionParameters.$": "States.Array(States.Format('\\'{}\\'', $$.Execution.Id), States.Format('\\'{}\\'', $.region), '2024')"
//
// When the text of the query is known (a SQL file, a statement of this
// config), the number of parameters must match its placeholders: the
// list is then given only to queries that have some.
//
// The created state machine role may run queries in the workgroup, read
// the Glue catalog (and change it, for queries that are not SELECT-like),
// use the result location (and its KMS key, for a workgroup of this config
// that encrypts with one), and call lakeformation:GetDataAccess. The
// result location is the query_result_location of a workgroup of this
// config; otherwise each query sets s3://<pipeline_bucket>/athena-results/<job>/,
// which an existing workgroup that enforces its own location overrides:
// run those with the environment role. Table data in S3 is read through
// Lake Formation or the environment role; it is not granted here.
//
// config.config_file_format: dataall reads a job YAML written for the
// data.all blueprint (DataAllJobFile): rendered with config.variables, a
// comma-separated file as files, any job type but sql a prepared
// statement, SQL rendered as Jinja did (a file that is a States.Format is
// the query's expression) and a variables list written into
// States.Format('EXECUTE s USING {}', …). config.environment_workgroup
// runs the queries in data.all's team workgroup (TeamWorkgroup of
// ENVROLEARN) when config.workgroup is not set; config.results_in_workgroup
// sets no result location; result_path: $ makes each query's result the
// state.
//
// An athena_workgroup is named <name>-<pipeline>-<stage>; it writes to
// query_result_location (s3://…), encrypted SSE_S3 unless encryption says
// otherwise, enforces its configuration (enforce_settings: false relaxes
// it) and is deleted with its contents. An athena_prepared_statement
// (alias athena_prepare_statement) takes query.query_string or query.file
// (a repo path), rendered with its variables at synth time; its workgroup
// is a workgroup resource of this config or an existing one (e.g.
// primary); its AWS name is <name>_<pipeline>_<stage> (- becomes _), so
// stages sharing a workgroup do not collide, and jobs that name it run
// the right one. Jobs must run in the statement's workgroup. With
// config.query_format: dataall its text is rendered as the data.all
// blueprint rendered it: an undefined variable empty, with a warning, and a
// runtime reference inserted as written.
package athena
