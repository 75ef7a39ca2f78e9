package synthcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// format changes whenever what an entry holds changes: an entry of another
// format is foreign and never used.
const format = "blueprint-synth-cache/1"

// keep is how many assemblies a repo's cache holds; older ones go.
const keep = 4

// Dir is where a repo's cache lives.
func Dir(repo string) string { return filepath.Join(repo, ".blueprint", "cache", "synth") }

// Stack is one rendered config and the template context it was rendered
// with.
type Stack struct {
	Path     string
	Rendered []byte
	Context  map[string]any
}

// Inputs is everything that reaches an assembly.
type Inputs struct {
	Repo   string
	Stacks []Stack
	// Settings are the other inputs: CDK context, the environment that
	// becomes tags, bundling, the CI/CD section.
	Settings map[string]any
	// Files are read whole besides those the configs name (variables.yaml).
	Files []string
}

// Cache is one repo's cache, at one key.
type Cache struct {
	Root string
	Key  string
	// Hit is set once Restore gave an assembly back.
	Hit bool
	// Refresh makes Restore miss, so the next Store replaces the entry.
	Refresh bool
}

// New computes the key of the inputs; the cache lives under the repo.
func New(in Inputs) (*Cache, error) {
	h := sha256.New()
	write := func(parts ...string) {
		for _, p := range parts {
			fmt.Fprintf(h, "%d:%s", len(p), p)
		}
	}
	write(format, Version())
	settings, err := json.Marshal(in.Settings)
	if err != nil {
		return nil, fmt.Errorf("cache key: %w", err)
	}
	write("settings", string(settings))
	named := map[string]bool{}
	for _, f := range in.Files {
		named[f] = true
	}
	for _, s := range in.Stacks {
		ctx, err := json.Marshal(s.Context)
		if err != nil {
			return nil, fmt.Errorf("cache key: %w", err)
		}
		write("stack", s.Path, string(s.Rendered), string(ctx))
		for _, p := range namedPaths(in.Repo, "", s.Rendered) {
			named[p] = true
		}
	}
	files, err := expand(in.Repo, named)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		sum, err := fileSum(filepath.Join(in.Repo, f))
		if err != nil {
			return nil, fmt.Errorf("cache key: %w", err)
		}
		write("file", f, sum)
	}
	return &Cache{Root: Dir(in.Repo), Key: hex.EncodeToString(h.Sum(nil))}, nil
}

// Version identifies the running blueprint: its module version and
// commit, and the executable's size and time, so a rebuilt binary never
// reuses an assembly of the one before.
func Version() string {
	var b strings.Builder
	if bi, ok := debug.ReadBuildInfo(); ok {
		b.WriteString(bi.Main.Path + "@" + bi.Main.Version)
		for _, s := range bi.Settings {
			if strings.HasPrefix(s.Key, "vcs.") {
				b.WriteString(" " + s.Key + "=" + s.Value)
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			fmt.Fprintf(&b, " exe=%d@%d", fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return b.String()
}

// namedPaths lists the repo paths a YAML document names: every scalar
// that is the relative path of an existing file or directory in the repo,
// from the repo root or from base (the document's own directory).
func namedPaths(repo, base string, doc []byte) []string {
	var root yaml.Node
	if yaml.Unmarshal(doc, &root) != nil {
		return nil
	}
	var out []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			for _, dir := range []string{"", base} {
				if p, ok := inRepo(repo, filepath.Join(dir, n.Value)); ok {
					out = append(out, p)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	return out
}

// inRepo returns p relative to the repo when it names something inside it.
func inRepo(repo, p string) (string, bool) {
	if p == "" || len(p) > 1024 || strings.ContainsAny(p, "\n\x00") || filepath.IsAbs(p) {
		return "", false
	}
	p = filepath.Clean(p)
	if p == "." || p == ".." || strings.HasPrefix(p, ".."+string(filepath.Separator)) {
		return "", false
	}
	if _, err := os.Lstat(filepath.Join(repo, p)); err != nil {
		return "", false
	}
	return filepath.ToSlash(p), true
}

// expand turns named paths into the sorted files they stand for:
// directories whole, and YAML or JSON files with the paths they name.
func expand(repo string, named map[string]bool) ([]string, error) {
	files := map[string]bool{}
	var add func(p string) error
	add = func(p string) error {
		full := filepath.Join(repo, filepath.FromSlash(p))
		fi, err := os.Lstat(full)
		if err != nil {
			return nil
		}
		if !fi.IsDir() {
			if files[p] {
				return nil
			}
			files[p] = true
			switch strings.ToLower(filepath.Ext(p)) {
			case ".yaml", ".yml", ".json":
				raw, err := os.ReadFile(full)
				if err == nil && len(raw) < 4<<20 {
					for _, q := range namedPaths(repo, filepath.Dir(p), raw) {
						if err := add(q); err != nil {
							return err
						}
					}
				}
			}
			return nil
		}
		return filepath.WalkDir(full, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if q != full && neverInput(d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			rel, err := filepath.Rel(repo, q)
			if err != nil {
				return err
			}
			files[filepath.ToSlash(rel)] = true
			return nil
		})
	}
	for p := range named {
		if err := add(p); err != nil {
			return nil, fmt.Errorf("cache key: %w", err)
		}
	}
	out := make([]string, 0, len(files))
	for f := range files {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

// neverInput names the directories that are never inputs of a synth:
// git's, npm's, assemblies and the cache itself.
func neverInput(dir string) bool {
	switch dir {
	case ".git", "node_modules", "cdk.out", ".blueprint":
		return true
	}
	return false
}

func fileSum(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(path)
		return "symlink:" + target, err
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return fmt.Sprintf("%o:%x", fi.Mode().Perm()&0o100, h.Sum(nil)), nil
}

type manifest struct {
	Format string            `json:"format"`
	Key    string            `json:"key"`
	Files  map[string]string `json:"files"`
}

func (c *Cache) entry() string { return filepath.Join(c.Root, c.Key) }

// Restore copies the cached assembly into out (an empty directory) and
// reports whether it did. An entry that is missing, foreign or damaged
// is a miss: out is left empty and the caller synthesizes.
func (c *Cache) Restore(out string) bool {
	if c.Refresh {
		return false
	}
	raw, err := os.ReadFile(filepath.Join(c.entry(), "manifest.json"))
	if err != nil {
		return false
	}
	var m manifest
	if json.Unmarshal(raw, &m) != nil || m.Format != format || m.Key != c.Key || len(m.Files) == 0 {
		return false
	}
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	var written []string
	ok := func() bool {
		for _, n := range names {
			if _, safe := inside(n); !safe {
				return false
			}
			src := filepath.Join(c.entry(), "assembly", filepath.FromSlash(n))
			dst := filepath.Join(out, filepath.FromSlash(n))
			if os.MkdirAll(filepath.Dir(dst), 0o755) != nil {
				return false
			}
			written = append(written, dst)
			sum, err := copyFile(src, dst)
			if err != nil || sum != m.Files[n] {
				return false
			}
		}
		return true
	}()
	if !ok {
		for _, w := range written {
			os.Remove(w)
		}
		removeEmptyDirs(out)
		return false
	}
	now := time.Now()
	os.Chtimes(c.entry(), now, now)
	c.Hit = true
	return true
}

// Store keeps the assembly at dir under the key, replacing what was
// there, and drops the oldest entries past keep. A failure to store
// only costs the next synth its reuse.
func (c *Cache) Store(dir string) error {
	if err := os.MkdirAll(c.Root, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(c.Root, ".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	m := manifest{Format: format, Key: c.Key, Files: map[string]string{}}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(tmp, "assembly", rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		sum, err := copyFile(p, dst)
		m.Files[filepath.ToSlash(rel)] = sum
		return err
	})
	if err != nil {
		return err
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "manifest.json"), raw, 0o644); err != nil {
		return err
	}
	if err := c.drop(c.Key); err != nil {
		return err
	}
	if err := os.Rename(tmp, c.entry()); err != nil {
		return err
	}
	return c.prune()
}

// drop removes an entry of ours: a directory named by a key, inside the
// cache root.
func (c *Cache) drop(key string) error {
	if !isKey(key) {
		return errors.New("not a cache key: " + key)
	}
	return os.RemoveAll(filepath.Join(c.Root, key))
}

func (c *Cache) prune() error {
	keys, err := newestFirst(c.Root, func(e os.DirEntry) (string, bool) {
		return e.Name(), e.IsDir() && isKey(e.Name())
	})
	if err != nil {
		return err
	}
	for i := keep; i < len(keys); i++ {
		if err := c.drop(keys[i]); err != nil {
			return err
		}
	}
	return nil
}

// newestFirst lists the entries of dir that pick accepts, newest
// modification time first, as pick names them; both caches keep their
// newest entries and drop the rest.
func newestFirst(dir string, pick func(os.DirEntry) (string, bool)) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type aged struct {
		name string
		t    int64
	}
	var list []aged
	for _, e := range entries {
		if name, ok := pick(e); ok {
			if fi, err := e.Info(); err == nil {
				list = append(list, aged{name, fi.ModTime().UnixNano()})
			}
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].t > list[j].t })
	names := make([]string, len(list))
	for i, a := range list {
		names[i] = a.name
	}
	return names, nil
}

// inside reports whether a manifest path stays within the assembly.
func inside(rel string) (string, bool) {
	p := filepath.Clean(filepath.FromSlash(rel))
	if filepath.IsAbs(p) || p == ".." || strings.HasPrefix(p, ".."+string(filepath.Separator)) {
		return "", false
	}
	return p, true
}

// copyFile copies src to dst and returns the content's sha256.
func copyFile(src, dst string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", src)
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, fi.Mode().Perm()|0o200)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(out, h), in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return hex.EncodeToString(h.Sum(nil)), err
}

func removeEmptyDirs(root string) {
	var dirs []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != root {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i]) // only empty ones go
	}
}
