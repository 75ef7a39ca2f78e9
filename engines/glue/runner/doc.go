// Package runner is the Glue job runner blueprint ships: a PySpark script
// (main.py) and its package (blueprint_glue), embedded in the binary and
// uploaded as each job's script and --extra-py-files zip, with the handler
// schemas (blueprint_glue/handlers.json) that both validation at synth and
// the runner read.
package runner
