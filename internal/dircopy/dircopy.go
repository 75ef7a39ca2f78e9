// Package dircopy copies a folder's regular files into another folder.
package dircopy

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Copy copies the file or folder from into to, merging with what is there
// and creating the folders it needs. skip, when not nil, is asked about
// every path under from (relative, with slashes): a folder it skips is
// left out whole. Only regular files are copied (no links, devices…).
func Copy(from, to string, skip func(rel string, dir bool) bool) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if skip != nil && rel != "." && skip(filepath.ToSlash(rel), d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, raw, 0o644)
	})
}
