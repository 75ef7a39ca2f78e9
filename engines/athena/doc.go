// Package athena is the athena_query step and the athena_workgroup and athena_prepared_statement resources.
//
// An athena_query step runs an Athena job YAML: steps in sequence, the
// jobs of a step in parallel. A job of type sql runs config.file, rendered
// with the step's variables (and only those, as in data.all); a job of
// type prepared_statement executes a prepared statement. Variables whose
// value is a runtime reference ($.x, $$.Execution.Id) are not rendered as
// text: the query becomes a States.Format expression taking them at run
// time. A variables list of runtime references becomes the query's
// ExecutionParameters, for ? placeholders.
package athena
