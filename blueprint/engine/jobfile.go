package engine

import (
	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
)

// JobFileUpgrader is implemented by step engines whose jobs read a file
// of their own (Glue and Athena job YAMLs) that a data.all (version 1)
// config reads with other rules. blueprint migrate rewrites each such file
// with UpgradeJobFile; the engine applies the same rule when it loads the
// file for a version 1 config, so the translation and the written-out
// migration never differ.
type JobFileUpgrader interface {
	// JobFiles are the repo paths (slash-separated) of the files job
	// reads; job is a job of the loaded (rendered and translated) version
	// 1 stack st.
	JobFiles(st *config.Stack, job *yaml.Node) []string
	// UpgradeJobFile rewrites a job file's version 1 tree into version 2,
	// in place; d places its notes.
	UpgradeJobFile(d *config.Decoder, root *yaml.Node)
}
