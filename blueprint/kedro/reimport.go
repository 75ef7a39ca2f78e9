package kedro

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Change is a file an import writes: its old content (nil for a new
// file) and its new.
type Change struct {
	Path     string
	Old, New []byte
}

// ErrNotImported refuses to write into a repo that no import made: its
// config.yaml has no markers.
var ErrNotImported = errors.New("holds a pipeline repo that blueprint import kedro did not make (its config.yaml has no import markers); choose a new --out, or --force to write the import over its files")

// Update works out what a re-import into the repo at dir changes: the
// block between the markers of config.yaml, the Generated files, and the
// other files only where they are missing. With force, a repo without
// markers gets every file replaced.
func Update(dir string, files map[string][]byte, force bool) ([]Change, error) {
	cfgPath := filepath.Join(dir, "config.yaml")
	cur, err := os.ReadFile(cfgPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	imported := err == nil && (bytes.Contains(cur, []byte(BeginMarker)) || bytes.Contains(cur, []byte(EndMarker)))
	if err == nil && !imported && !force {
		return nil, ErrNotImported
	}
	var out []Change
	for _, p := range engine.SortedKeys(files) {
		want := files[p]
		old, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		exists := err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		switch {
		case p == "config.yaml" && imported:
			merged, err := replaceBlock(old, want)
			if err != nil {
				return nil, fmt.Errorf("config.yaml: %w", err)
			}
			want = merged
		case !exists, force && !imported, slices.Contains(Generated, p):
		default:
			continue // the user's once written
		}
		if !bytes.Equal(old, want) {
			out = append(out, Change{Path: p, Old: old, New: want})
		}
	}
	return out, nil
}

// replaceBlock puts the generated block of fresh into cur, keeping what
// surrounds cur's markers.
func replaceBlock(cur, fresh []byte) ([]byte, error) {
	_, curEnd, ok, err := block(cur)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("no import markers")
	}
	newStart, newEnd, _, err := block(fresh)
	if err != nil {
		return nil, fmt.Errorf("internal error: %w", err)
	}
	curStart, _, _, _ := block(cur)
	var b bytes.Buffer
	b.Write(cur[:curStart])
	b.Write(fresh[newStart:newEnd])
	b.Write(cur[curEnd:])
	return b.Bytes(), nil
}

// block finds the generated block, markers included: [start, end).
func block(text []byte) (start, end int, ok bool, err error) {
	s := string(text)
	b := strings.Index(s, BeginMarker)
	if b < 0 {
		if strings.Contains(s, EndMarker) {
			return 0, 0, false, errors.New("the end marker has no begin marker before it: put back the line " + BeginMarker)
		}
		return 0, 0, false, nil
	}
	if strings.Count(s, BeginMarker) > 1 {
		return 0, 0, false, errors.New("the begin marker is there twice; keep one generated block")
	}
	e := strings.Index(s[b:], EndMarker)
	if e < 0 {
		return 0, 0, false, errors.New("the begin marker has no end marker after it: put back the line " + EndMarker)
	}
	end = b + e + len(EndMarker)
	if end < len(s) && s[end] == '\n' {
		end++
	}
	return b, end, true, nil
}

// Apply writes the changes under dir, each file through a temporary one
// renamed over it, so a crash leaves each file old or new, never half.
func Apply(dir string, changes []Change) error {
	for _, c := range changes {
		p := filepath.Join(dir, filepath.FromSlash(c.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		tmp, err := os.CreateTemp(filepath.Dir(p), ".import-*")
		if err != nil {
			return err
		}
		_, werr := tmp.Write(c.New)
		cerr := tmp.Close()
		if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
			os.Remove(tmp.Name())
			return err
		}
		if err := os.Rename(tmp.Name(), p); err != nil {
			os.Remove(tmp.Name())
			return err
		}
	}
	return nil
}
