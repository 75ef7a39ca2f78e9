package synthcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The quick path of a repeated synth: the full key needs the rendered
// configs, and rendering, validating and planning a large pipeline costs
// more than restoring its assembly. A quick key stamps what a load can
// read without reading it: the settings, the blueprint binary, and the
// path, size, mode and modification time of every file in the repo. A
// quick entry remembers which full key that stamp gave, every
// environment variable the load looked up (with its value), and what the
// load reported, so an unchanged repo reuses its assembly without loading
// it. Any file added, removed or written, or any looked-up variable
// changed, misses; a miss costs nothing but the stamp, and the full path
// then runs as before.

// quickFormat changes whenever a quick entry's content changes.
const quickFormat = "blueprint-synth-quick/1"

// keepQuick is how many quick entries a repo keeps.
const keepQuick = 16

func quickDir(repo string) string { return filepath.Join(Dir(repo), "quick") }

// QuickEntry is what one quick key gave.
type QuickEntry struct {
	Format string `json:"format"`
	// Key is the full key of the inputs.
	Key string `json:"key"`
	// Env holds every variable the load looked up; nil is unset.
	Env map[string]*string `json:"env"`
	// Stacks are the names of the stacks written, for the report.
	Stacks []string `json:"stacks"`
	// Report is what the load reported (its warnings), replayed on reuse.
	Report json.RawMessage `json:"report,omitempty"`
}

// QuickKey stamps the repo and the settings. Directories that are never
// inputs (.git, node_modules, cdk.out, .blueprint, and skip, the output
// directories of this synth) are left out, as the full key leaves them.
func QuickKey(repo string, settings map[string]any, skip ...string) (string, error) {
	h := sha256.New()
	raw, err := json.Marshal(settings)
	if err != nil {
		return "", fmt.Errorf("quick key: %w", err)
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", quickFormat, Version(), raw)
	skipped := map[string]bool{}
	for _, s := range skip {
		if abs, err := filepath.Abs(s); err == nil {
			skipped[abs] = true
		}
	}
	root, err := filepath.Abs(repo)
	if err != nil {
		return "", fmt.Errorf("quick key: %w", err)
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root {
			if neverInput(d.Name()) || skipped[p] {
				return filepath.SkipDir
			}
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			// A directory's time moves with every temporary file made
			// in it (the out directory's sibling, a lock); its name and
			// its files are what a load can read.
			fmt.Fprintf(h, "%s/\x00", filepath.ToSlash(rel))
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%o\x00%d\x00", filepath.ToSlash(rel), fi.Size(), fi.Mode(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("quick key: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// LookupQuick returns the entry of a quick key when its looked-up
// variables still have their values; anything unreadable or foreign is a
// miss.
func LookupQuick(repo, quick string, lookup func(string) (string, bool)) (QuickEntry, bool) {
	var e QuickEntry
	if !isKey(quick) {
		return e, false
	}
	raw, err := os.ReadFile(filepath.Join(quickDir(repo), quick+".json"))
	if err != nil || json.Unmarshal(raw, &e) != nil || e.Format != quickFormat || !isKey(e.Key) {
		return QuickEntry{}, false
	}
	for name, want := range e.Env {
		v, ok := lookup(name)
		if ok != (want != nil) || ok && v != *want {
			return QuickEntry{}, false
		}
	}
	now := time.Now()
	os.Chtimes(filepath.Join(quickDir(repo), quick+".json"), now, now)
	return e, true
}

// StoreQuick records what a quick key gave, and drops the oldest entries
// past keepQuick. A failure only costs the next synth its quick path.
func StoreQuick(repo, quick string, e QuickEntry) error {
	if !isKey(quick) || !isKey(e.Key) {
		return fmt.Errorf("quick entry: not a key")
	}
	e.Format = quickFormat
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	dir := quickDir(repo)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, quick+".json")); err != nil {
		return err
	}
	names, err := newestFirst(dir, func(e os.DirEntry) (string, bool) {
		n := e.Name()
		return n, !e.IsDir() && len(n) == 64+len(".json") && isKey(n[:64]) && strings.HasSuffix(n, ".json")
	})
	if err != nil {
		return err
	}
	for _, n := range names[min(keepQuick, len(names)):] {
		os.Remove(filepath.Join(dir, n))
	}
	return nil
}

func isKey(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// EnvRecorder wraps a lookup and remembers every name looked up, with
// what it gave: the environment a load depended on.
type EnvRecorder struct {
	Lookup func(string) (string, bool)
	mu     sync.Mutex
	seen   map[string]*string
}

// LookupEnv looks name up and records it.
func (r *EnvRecorder) LookupEnv(name string) (string, bool) {
	v, ok := r.Lookup(name)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]*string{}
	}
	if ok {
		r.seen[name] = &v
	} else {
		r.seen[name] = nil
	}
	return v, ok
}

// Seen returns the names looked up so far and their values.
func (r *EnvRecorder) Seen() map[string]*string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]*string, len(r.seen))
	for k, v := range r.seen {
		out[k] = v
	}
	return out
}
