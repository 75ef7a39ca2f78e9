package config

import "gopkg.in/yaml.v3"

// upgradeAthena reads an athena_query step as engine/athena/athena_task.py
// built it: the job YAML in data.all's format, the team workgroup by
// default, no result location of its own, the state replaced by each
// query's result, and config.retry with the old defaults.
func upgradeAthena(d *Decoder, it *yaml.Node) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	// Rendered with config.variables, comma-separated SQL files, any
	// other job type a prepared statement (athena_config_reader.py).
	mapDefault(cfg, "config_file_format", "dataall")
	if wg := mapGet(cfg, "workgroup"); wg == nil || wg.Kind == yaml.ScalarNode && (wg.Value == "" || isNull(wg)) {
		// athena_task.py:63-68: WG-<env_uri>-<ad_group> from ENVROLEARN.
		mapDelete(cfg, "workgroup")
		mapDefault(cfg, "environment_workgroup", "true")
	}
	// No ResultConfiguration: the workgroup's location (athena_task.py:9-25).
	mapDefault(cfg, "results_in_workgroup", "true")
	// No ResultPath: the state becomes the QueryExecution (athena_task.py:80-82).
	if k, v := mapEntry(it, "result_path"); v != nil {
		d.Warnf(k, "result_path", "the data.all blueprint did not read result_path on an athena_query step: each query's result replaces the state")
		mapDelete(it, "result_path")
	}
	mapSet(it, it, "result_path", scalarAt(it, "$"))

	k, r := mapEntry(cfg, "retry")
	if r == nil {
		return
	}
	if r.Kind != yaml.MappingNode || len(r.Content) == 0 {
		// An empty retry was false: no retrier (athena_task.py:47).
		mapDelete(cfg, "retry")
		return
	}
	// error_equals (default []), interval_seconds (1), retry_attempt (3),
	// backoff_rate (1.1) (athena_task.py:47-56).
	read := map[string]bool{"error_equals": true, "interval_seconds": true, "retry_attempt": true, "backoff_rate": true}
	for i := 0; i+1 < len(r.Content); {
		if rk := r.Content[i]; !read[rk.Value] {
			d.Warnf(rk, "config.retry."+rk.Value, "the data.all blueprint did not read config.retry.%s (it read retry_attempt): the queries are tried 3 times", rk.Value)
			r.Content = append(r.Content[:i:i], r.Content[i+2:]...)
			continue
		}
		i += 2
	}
	if e := mapGet(r, "error_equals"); e == nil || e.Kind == yaml.SequenceNode && len(e.Content) == 0 {
		d.Warnf(k, "config.retry", "the data.all blueprint wrote this retrier with an empty ErrorEquals, which Step Functions rejects; it retries States.ALL here")
		mapDelete(r, "error_equals")
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: r.Line, Column: r.Column,
			Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "States.ALL", Line: r.Line, Column: r.Column}}}
		mapSet(r, r, "error_equals", seq)
	}
	mapDefault(r, "retry_attempt", "3")
	mapDefault(r, "backoff_rate", "1.1")
}

// upgradePreparedStatement reads an athena_prepared_statement as
// make_athena_prepared_statement did: the query (query.file or
// query.query_string) rendered with Jinja, config.query.variables its only
// context (engine/athena/athena_prepared_statement.py:95-101).
func upgradePreparedStatement(d *Decoder, it *yaml.Node) {
	cfg := mapGet(it, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return
	}
	mapDefault(cfg, "query_format", "dataall")
	qk, q := mapEntry(cfg, "query")
	if q == nil || q.Kind != yaml.MappingNode {
		return
	}
	const where = "engine/athena/athena_prepared_statement.py:95-101"
	if k, vars := mapEntry(q, "variables"); vars != nil && !isNull(vars) {
		v1Unread(d, cfg, "config.", "the query was rendered with config.query.variables, "+where, "variables")
		mapDelete(q, "variables")
		mapSet(cfg, k, "variables", vars)
		return
	}
	mapDelete(q, "variables")
	// Jinja's Template.render(None) raised a TypeError.
	what := "no variables"
	if k, v := mapEntry(cfg, "variables"); v != nil {
		if v.Kind == yaml.MappingNode {
			what = "config.variables, the key the data.all blueprint's README showed"
		} else {
			d.Warnf(k, "config.variables", "config.variables is not a mapping of variables; left out")
			mapDelete(cfg, "variables")
		}
	}
	d.Warnf(qk, "config.query", "the data.all blueprint crashed on a prepared statement without config.query.variables (it rendered the query with None, %s); rendered with %s", where, what)
}
