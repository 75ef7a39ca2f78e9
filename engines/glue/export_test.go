package glue

import (
	"os"
	"path/filepath"
)

// JobBundle is what a glue_job step ships for the runner: the job document
// and each named file's text (rendered for templates), by its --FILES key.
func JobBundle(spec any, repo string) (doc []byte, files map[string]string, err error) {
	j := spec.(*JobSpec).job
	files = map[string]string{}
	for _, f := range j.files {
		text := f.Rendered
		if text == nil {
			if text, err = os.ReadFile(filepath.Join(repo, filepath.FromSlash(f.Path))); err != nil {
				return nil, nil, err
			}
		}
		files[f.Written] = string(text)
	}
	return j.doc, files, nil
}
