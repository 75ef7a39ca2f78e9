package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Defaults of data.all's Glue jobs (engine/glue/glue_task.py:20-81).
const (
	// v1GlueTimeout: the job's properties.timeout was written into the
	// Glue Timeout as it stood, which Glue counts in minutes; default
	// 3600 (glue_task.py:50,78).
	v1GlueTimeout = "3600"
	// The jobs named no worker type or capacity (glue_task.py:28-81), so
	// Glue gave each the 10 DPUs of a job that names none: ten G.1X
	// workers (1 DPU each).
	v1GlueWorkerType = "G.1X"
	v1GlueWorkers    = "10"
	// v1GlueJobs is where the job read its YAML when it ran, under the
	// stage's folder of the pipeline bucket (glue_task.py:41,69): jobdir
	// was never read there.
	v1GlueJobs = "customcode/glue/glue_jobs/"
	// v1GlueQueries is the SQL directory key the old runner read, and its
	// default (engine/glue/glue_utils/glue_config_reader.py:101).
	v1GlueQueries = "sql_queries"
)

// upgradeGlueJobs rewrites data.all's glue_job steps: the job-level
// properties (enable_bookmark, connection, timeout) become the step's job
// settings, the old defaults become explicit, and the YAML the job read
// from the bucket when it ran is where the job reads it when the repo has
// none. The top-level jobdir, which the old tool did not use, goes.
func upgradeGlueJobs(d *Decoder, root *yaml.Node, ctx map[string]any) {
	if k, v := mapEntry(root, "jobdir"); v != nil {
		if v.Kind != yaml.ScalarNode || v.Value != "glue_jobs" {
			d.Warnf(k, "jobdir", "the data.all blueprint did not use jobdir: its Glue jobs read their YAML from customcode/glue/glue_jobs/ (glue_task.py:41,69); it is ignored here too")
		}
		mapDelete(root, "jobdir")
	}
	stage := ""
	if s, ok := ctx["stage"]; ok && s != nil {
		stage, _ = s.(string)
	}
	glue := false
	eachJob(root, func(job *yaml.Node, path string) {
		if typ := mapGet(job, "type"); typ != nil && typ.Value == "glue_job" {
			upgradeGlueStep(d, job, path)
			glue = true
		}
	})
	if props := mapGet(root, "properties"); glue && props != nil && props.Kind == yaml.MappingNode {
		// A job read its YAML from the stage's folder of the bucket when
		// it ran (glue_task.py:41,69), so one the repo lacks synthesized.
		prefix := v1GlueJobs
		if stage != "" {
			prefix = stage + "/" + prefix
		}
		mapDefault(props, "glue_jobs_prefix", prefix)
	}
}

func upgradeGlueStep(d *Decoder, job *yaml.Node, path string) {
	k, props := mapEntry(job, "properties")
	if props != nil && props.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(props.Content); i += 2 {
			pk, pv := props.Content[i], props.Content[i+1]
			switch pk.Value {
			case "enable_bookmark":
				// The value was the option itself: job-bookmark-enable.
				v := *pv
				v.Value = strings.TrimPrefix(pv.Value, "job-bookmark-")
				mapSet(job, pk, "job_bookmark", &v)
			case "connection":
				mapSet(job, pk, "connection", pv)
			case "timeout":
				// The state machine read it too (upgradeMachine).
				mapSet(job, pk, "job_timeout", pv)
			default:
				d.Warnf(pk, path+".properties."+pk.Value, "the data.all blueprint read only enable_bookmark, connection and timeout of a Glue job's properties (glue_task.py:21-24,50); %s is ignored", pk.Value)
			}
		}
	}
	if k != nil {
		mapDelete(job, "properties")
	}
	mapDefault(job, "job_timeout", v1GlueTimeout)
	mapDefault(job, "worker_type", v1GlueWorkerType)
	mapDefault(job, "number_of_workers", v1GlueWorkers)
	at := job
	if t, _ := mapEntry(job, "type"); t != nil {
		at = t
	}
	version := "2.0"
	if c := mapGet(job, "connection"); c != nil && c.Value != "" {
		version = "3.0"
	}
	d.Warnf(at, path+".type", "the data.all blueprint ran this job's YAML with its own glue_main.py on Glue %s (glue_task.py:52,80); it runs with blueprint's Glue runner on Glue 4.0 (glue_version in the job YAML chooses another)", version)
}

// eachJob calls fn on every job of the config, with its path: in groups,
// in the groups of choices and their default, and in the catch groups.
func eachJob(root *yaml.Node, fn func(job *yaml.Node, path string)) {
	var groups func(g *yaml.Node, path string)
	groups = func(g *yaml.Node, path string) {
		for i, grp := range seqItems(g) {
			for j, job := range seqItems(mapGet(grp, "jobs")) {
				if job == nil || job.Kind != yaml.MappingNode {
					continue
				}
				p := fmt.Sprintf("%s[%d].jobs[%d]", path, i, j)
				fn(job, p)
				for c, ch := range seqItems(mapGet(job, "choices")) {
					groups(mapGet(ch, "groups"), fmt.Sprintf("%s.choices[%d].groups", p, c))
				}
				if def := mapGet(job, "default"); def != nil && def.Kind == yaml.MappingNode {
					groups(mapGet(def, "groups"), p+".default.groups")
				}
			}
		}
	}
	groups(mapGet(root, "groups"), "groups")
	if c := mapGet(root, "catch"); c != nil && c.Kind == yaml.MappingNode {
		groups(mapGet(c, "groups"), "catch.groups")
	}
}

// UpgradeGlueJob rewrites the tree of a Glue job YAML that a version 1
// config names into the version 2 job YAML that means the same; a version
// 2 config's job YAMLs are left as they are. The Glue engine calls it on
// the YAML it loads; migrate calls RewriteGlueJobV1 to write the rewrite
// out.
func UpgradeGlueJob(st *Stack, d *Decoder, root *yaml.Node) {
	if st == nil || st.Pipeline == nil || st.Pipeline.Version >= 2 {
		return
	}
	RewriteGlueJobV1(d, root)
}

// RewriteGlueJobV1 rewrites, in place, the root mapping of a data.all Glue
// job YAML into version 2: of its directory keys the old runner read only
// sql_queries (for the SQL of query, assertion and metric steps) and
// variables_files (glue_config_reader.py:101-120, 148-153); queries, tests,
// udfs and glue_jobs were not read, so they go, with a warning where they
// named another directory than the default, and assertion files are looked
// up where the old runner looked: in the SQL directory. Nodes keep the
// positions of the text they stand for.
func RewriteGlueJobV1(d *Decoder, root *yaml.Node) {
	if root == nil || root.Kind != yaml.MappingNode {
		return
	}
	queries := mapGet(root, v1GlueQueries)
	dir := v1GlueQueries
	if queries != nil && queries.Kind == yaml.ScalarNode {
		dir = queries.Value
	}
	unread := []struct{ key, def, what string }{
		{"queries", dir, "its SQL files were read from the sql_queries directory"},
		{"tests", "tests", "assertion files were read from the sql_queries directory"},
		{"udfs", "udfs", "udf steps imported the udfs package shipped with the runner"},
		{"glue_jobs", "glue_jobs", "the job's YAML was read from customcode/glue/glue_jobs/"},
	}
	for _, u := range unread {
		k, v := mapEntry(root, u.key)
		if v == nil {
			continue
		}
		if v.Kind != yaml.ScalarNode || strings.Trim(v.Value, "/") != strings.Trim(u.def, "/") {
			d.Warnf(k, u.key, "the data.all Glue runner did not read %s (glue_config_reader.py:101-120): %s; it is ignored here too", u.key, u.what)
		}
		mapDelete(root, u.key)
	}
	// Assertions read their files from the SQL directory only.
	at := root
	if queries != nil {
		at = queries
	}
	mapSet(root, at, "tests", scalarAt(at, dir))
}
