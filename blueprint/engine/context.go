package engine

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// Index finds the items of a stack by name, for references between them.
type Index struct {
	Resources map[string]*config.Item
	// Steps holds every job, nested ones included.
	Steps map[string]*config.Item
}

// CheckContext is what an engine's Check sees of the config around it.
type CheckContext struct {
	Item  *config.Item
	Kind  Kind
	Stack *config.Stack
	Index *Index
	// Registry lets a spec decode nested items of other types.
	Registry *Registry
}

func (c *CheckContext) decoder() *config.Decoder { return c.Item.Decoder }

func (c *CheckContext) path(rel string) string {
	if rel == "" {
		return c.Item.Path
	}
	if strings.HasPrefix(rel, "[") {
		return c.Item.Path + rel
	}
	return c.Item.Path + "." + rel
}

// Errorf reports an error at the item's key rel ("config.entry"), or at
// the closest key that exists.
func (c *CheckContext) Errorf(rel, format string, args ...any) *diag.Diagnostic {
	p := c.path(rel)
	return c.decoder().Errorf(c.decoder().Node(p), p, format, args...)
}

// CheckNameLength reports the AWS name an item gets (its name, the
// pipeline's and the stage) when it is longer than the service accepts.
func (c *CheckContext) CheckNameLength(what, physical string, max int) {
	if n, ok := c.Item.Spec.(AWSNamer); ok && n.AWSName() != "" && n.AWSName() == physical {
		if len(physical) > max {
			c.Errorf("physical_name", "the %s would be named %q, %d characters; AWS accepts at most %d", what, physical, len(physical), max)
		}
		return
	}
	if len(physical) > max {
		c.Errorf("name", "the %s would be named %q, %d characters; AWS accepts at most %d", what, physical, len(physical), max).Hint =
			"shorten the name; the pipeline's name and the stage are part of it"
	}
}

// Warnf reports a warning at the item's key rel.
func (c *CheckContext) Warnf(rel, format string, args ...any) {
	p := c.path(rel)
	c.decoder().Warnf(c.decoder().Node(p), p, format, args...)
}

// RepoFile checks that value, found at rel, names a file (or, when dir is
// true, a directory) inside the repo, and returns its absolute path.
func (c *CheckContext) RepoFile(rel, value string, dir bool) (string, bool) {
	abs, err := RepoPath(c.Stack.RepoDir, value, dir)
	if err != nil {
		d := c.Errorf(rel, "%v", err)
		if s := SuggestPath(c.Stack.RepoDir, value, dir); s != "" {
			d.Hint = fmt.Sprintf("did you mean %q?", s)
		}
		return "", false
	}
	return abs, true
}

// SuggestPath finds the repo path closest to a missing one, fixing one
// misspelt segment or more ("customcode/lambda_function/hello" →
// "customcode/lambda_functions/hello"); "" when nothing is close.
func SuggestPath(repo, value string, dir bool) string {
	clean := filepath.ToSlash(filepath.Clean(filepath.FromSlash(value)))
	if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") || filepath.IsAbs(value) {
		return ""
	}
	var found func(p string, wantDir bool) string
	found = func(p string, wantDir bool) string {
		if fi, err := os.Stat(filepath.Join(repo, filepath.FromSlash(p))); err == nil && fi.IsDir() == wantDir {
			return p
		}
		parent, base := path.Split(p)
		parent = strings.TrimSuffix(parent, "/")
		if parent != "" {
			if parent = found(parent, true); parent == "" {
				return ""
			}
		}
		entries, err := os.ReadDir(filepath.Join(repo, filepath.FromSlash(parent)))
		if err != nil {
			return ""
		}
		var names []string
		for _, e := range entries {
			if e.IsDir() == wantDir {
				names = append(names, e.Name())
			}
		}
		s := diag.Suggest(base, names)
		if s == "" {
			return ""
		}
		return path.Join(parent, s)
	}
	if s := found(clean, dir); s != clean {
		return s
	}
	return ""
}

// RepoPath resolves a repo-relative path, refusing absolute paths and
// paths that leave the repo, and checks it exists with the right kind.
func RepoPath(repo, value string, dir bool) (string, error) {
	what := "file"
	if dir {
		what = "directory"
	}
	if value == "" {
		return "", fmt.Errorf("%s path is empty", what)
	}
	if filepath.IsAbs(value) || strings.HasPrefix(value, "/") {
		return "", fmt.Errorf("%s %q is an absolute path; paths are relative to the repo root, e.g. customcode/…", what, value)
	}
	clean := filepath.Clean(filepath.FromSlash(value))
	if clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s %q is outside the repo; paths must stay inside it", what, value)
	}
	abs := filepath.Join(repo, clean)
	// A symlink may still lead outside.
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		rootReal, _ := filepath.EvalSymlinks(repo)
		if r, err := filepath.Rel(rootReal, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return "", fmt.Errorf("%s %q leads outside the repo through a symlink", what, value)
		}
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("%s %q does not exist", what, value)
	}
	if dir && !fi.IsDir() {
		return "", fmt.Errorf("%q is a file; a directory is expected", value)
	}
	if !dir && fi.IsDir() {
		return "", fmt.Errorf("%q is a directory; a file is expected", value)
	}
	return abs, nil
}

// Resource looks up a resource of this stack by name, with one of types
// (any type when none given).
func (c *CheckContext) Resource(name string, types ...string) *config.Item {
	it := c.Index.Resources[name]
	if it == nil {
		return nil
	}
	if len(types) == 0 {
		return it
	}
	for _, t := range types {
		if c.canonical(it.Type) == t {
			return it
		}
	}
	return nil
}

func (c *CheckContext) canonical(t string) string {
	if c.Registry != nil {
		if e, ok := c.Registry.Lookup(t); ok {
			return e.Type()
		}
	}
	return t
}

// RequireResource reports an undefined reference at rel when no resource
// of types is named name, with a suggestion among those that exist.
func (c *CheckContext) RequireResource(rel, what, name string, types ...string) *config.Item {
	if it := c.Resource(name, types...); it != nil {
		return it
	}
	var candidates []string
	for n, it := range c.Index.Resources {
		if len(types) == 0 || contains(types, c.canonical(it.Type)) {
			candidates = append(candidates, n)
		}
	}
	d := c.Errorf(rel, "%s %q is not defined in aws_resources", what, name)
	if other := c.Index.Resources[name]; other != nil {
		d.Message = fmt.Sprintf("%s %q is a %s resource; expected %s", what, name, other.Type, diag.OneOf(types))
	} else if s := diag.Suggest(name, candidates); s != "" {
		d.Hint = fmt.Sprintf("did you mean %q?", s)
	} else if len(candidates) == 0 {
		d.Hint = fmt.Sprintf("add a resource of type %s", diag.OneOf(types))
	} else {
		sort.Strings(candidates)
		if len(candidates) > 5 {
			candidates = append(candidates[:5], "…")
		}
		d.Hint = "defined: " + strings.Join(candidates, ", ")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// RepoPathNear resolves a file named inside another file (a job YAML): a
// repo path, else a path relative to base, the naming file's directory.
// It returns the repo path.
func RepoPathNear(repo, base, value string) (string, error) {
	_, err := RepoPath(repo, value, false)
	if err == nil {
		return filepath.ToSlash(filepath.Clean(value)), nil
	}
	if filepath.IsAbs(value) || strings.HasPrefix(value, "/") {
		return "", err
	}
	rel := filepath.ToSlash(filepath.Join(base, value))
	_, relErr := RepoPath(repo, rel, false)
	if relErr == nil {
		return rel, nil
	}
	// Report the reading the user most likely meant: next to the naming
	// file when that stays inside the repo.
	if !strings.Contains(relErr.Error(), "outside the repo") {
		if strings.Contains(relErr.Error(), "does not exist") {
			looked := rel
			if strings.Contains(err.Error(), "does not exist") {
				looked += " and " + filepath.ToSlash(filepath.Clean(value))
			}
			return "", fmt.Errorf("file %q does not exist (looked for %s)", value, looked)
		}
		return "", relErr
	}
	return "", err
}
