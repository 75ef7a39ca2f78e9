package engine

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// AssetDir checks, like RepoFile, that value (found at rel) is a
// directory of the repo, and that every symlink under it stays inside the
// repo: synth copies the directory into the assembly following links,
// so a link out would copy a file of the machine (~/.aws/credentials)
// into a Lambda package or a Docker context.
func (c *CheckContext) AssetDir(rel, value string) (string, bool) {
	abs, ok := c.RepoFile(rel, value, true)
	if !ok {
		return "", false
	}
	for _, err := range AssetLinks(c.Stack.RepoDir, abs) {
		c.Errorf(rel, "%v", err).Hint = "an asset holds only files of the repo: copy the file into the directory, or point the link inside the repo"
		ok = false
	}
	return abs, ok
}

// AssetLinks lists the symlinks under dir that lead outside repo, lead
// nowhere, or loop back to a folder holding them.
func AssetLinks(repo, dir string) []error {
	root, err := filepath.EvalSymlinks(repo)
	if err != nil {
		return nil
	}
	var errs []error
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		name := p
		if r, err := filepath.Rel(repo, p); err == nil {
			name = filepath.ToSlash(r)
		}
		real, err := filepath.EvalSymlinks(p)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("symlink %q leads nowhere", name))
		case !within(root, real):
			errs = append(errs, fmt.Errorf("symlink %q leads outside the repo (to %s)", name, real))
		default:
			if parent, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil && within(real, parent) {
				errs = append(errs, fmt.Errorf("symlink %q loops back to a folder holding it", name))
			}
		}
		return nil
	})
	return errs
}

func within(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}
