//go:build !unix

package synth

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// lock creates a lock file beside the out dir exclusively, waiting while
// another synth holds it; a lock older than an hour is taken to be left
// by a killed run.
func lock(parent, base string) (func(), error) {
	path := filepath.Join(parent, "."+base+".blueprint-lock")
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			f.Close()
			return func() { _ = os.Remove(path) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if fi, err := os.Stat(path); err == nil && time.Since(fi.ModTime()) > time.Hour {
			_ = os.Remove(path)
			continue
		}
		time.Sleep(200 * time.Millisecond)
	}
}
