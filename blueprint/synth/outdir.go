package synth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// outDir is a --out directory held by one synth: checked safe to
// replace, locked against other synths, cleaned of what killed runs left.
type outDir struct {
	path   string // absolute
	unlock func()
}

// Prefixes of the folders a synth makes beside --out; only folders with
// them (and the out dir's own name) are ever removed.
const (
	buildPrefix = ".blueprint-synth-"
	oldPrefix   = ".blueprint-old-"
)

// openOut checks that dir may be replaced by a cloud assembly (it is
// absent, empty, or holds one), waits for any other synth into it, and
// removes what interrupted synths left beside it.
func openOut(dir string) (*outDir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("--out %s: %w", dir, err)
	}
	if err := replaceable(abs); err != nil {
		return nil, err
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", parent, err)
	}
	unlock, err := lock(parent, filepath.Base(abs))
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", abs, err)
	}
	// Checked again under the lock: another synth may have written it.
	if err := replaceable(abs); err != nil {
		unlock()
		return nil, err
	}
	o := &outDir{path: abs, unlock: unlock}
	o.cleanLeftovers()
	return o, nil
}

// replaceable refuses a directory that holds anything but a cloud
// assembly: --out was given a folder of the user's (or the repo itself).
func replaceable(dir string) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("--out %s is not a directory; nothing was written (give a new or empty directory, e.g. --out cdk.out)", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	for _, mine := range []string{".git", "config.yaml", "go.mod"} {
		if _, err := os.Lstat(filepath.Join(dir, mine)); err == nil {
			return fmt.Errorf("--out %s holds %s, so it is a repo, not a cloud assembly; nothing was written or removed (give a new or empty directory, e.g. --out cdk.out)", dir, mine)
		}
	}
	if isAssembly(dir) {
		return nil
	}
	return fmt.Errorf("--out %s holds files that are not a cloud assembly (no manifest.json of one); nothing was written or removed (give a new or empty directory, e.g. --out cdk.out)", dir)
}

// isAssembly reports whether dir holds a cloud assembly's manifest.json.
func isAssembly(dir string) bool {
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return false
	}
	var m struct {
		Version   *string         `json:"version"`
		Artifacts json.RawMessage `json:"artifacts"`
	}
	return json.Unmarshal(raw, &m) == nil && m.Version != nil && *m.Version != "" && (m.Artifacts == nil || m.Artifacts[0] == '{')
}

// cleanLeftovers removes the build and old folders of this out dir that
// interrupted synths left; the lock says none is in use.
func (o *outDir) cleanLeftovers() {
	parent, base := filepath.Dir(o.path), filepath.Base(o.path)
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() && (strings.HasPrefix(n, buildPrefix+base+"-") || strings.HasPrefix(n, oldPrefix+base+"-")) {
			_ = os.RemoveAll(filepath.Join(parent, n))
		}
	}
}

// build makes the folder the assembly is written to, beside the out dir
// so that moving it into place is a rename.
func (o *outDir) build() (string, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(o.path), buildPrefix+filepath.Base(o.path)+"-")
	if err != nil {
		return "", fmt.Errorf("create a temporary assembly dir: %w", err)
	}
	return tmp, nil
}

// replace swaps the built assembly in by renames: the previous one is
// moved aside, the new one moved in, and only then the old one removed.
// Killed at any point, the out dir is the old assembly, the new one, or
// absent, never a half-deleted mix.
func (o *outDir) replace(built string) error {
	parent, base := filepath.Dir(o.path), filepath.Base(o.path)
	var old string
	if _, err := os.Lstat(o.path); err == nil {
		tmp, err := os.MkdirTemp(parent, oldPrefix+base+"-")
		if err != nil {
			return fmt.Errorf("replace %s: %w", o.path, err)
		}
		old = filepath.Join(tmp, base)
		if err := os.Rename(o.path, old); err != nil {
			_ = os.Remove(tmp)
			return fmt.Errorf("replace %s: %w", o.path, err)
		}
		defer os.RemoveAll(tmp)
	}
	if err := os.Rename(built, o.path); err != nil {
		if old != "" {
			_ = os.Rename(old, o.path)
		}
		return fmt.Errorf("move the assembly into %s: %w", o.path, err)
	}
	return nil
}

func (o *outDir) close() { o.unlock() }
