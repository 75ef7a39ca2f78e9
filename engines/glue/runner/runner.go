package runner

import (
	"archive/zip"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"time"
)

//go:embed main.py blueprint_glue/*.py blueprint_glue/handlers/*.py blueprint_glue/handlers.json
var files embed.FS

// Script is the Glue job's script.
func Script() []byte {
	b, err := files.ReadFile("main.py")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	return b
}

// Package returns the --extra-py-files zip: the blueprint_glue package and
// the extra files (zip path → content), e.g. the repo's udfs and custom
// handlers. The zip is the same bytes for the same content, so its asset
// hash changes exactly when the runner or the repo's code does.
func Package(extra map[string][]byte) ([]byte, error) {
	entries := map[string][]byte{}
	err := fs.WalkDir(files, "blueprint_glue", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		entries[p] = b
		return err
	})
	if err != nil {
		return nil, err
	}
	for p, b := range extra {
		if _, clash := entries[p]; clash {
			return nil, fmt.Errorf("%s is part of the runner", p)
		}
		entries[p] = b
	}
	names := make([]string, 0, len(entries))
	for p := range entries {
		names = append(names, p)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	stamp := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range names {
		f, err := w.CreateHeader(&zip.FileHeader{Name: p, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(entries[p]); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Handler is a step type's config schema.
type Handler struct {
	Doc string `json:"doc" yaml:"doc"`
	// OneOf lists groups of keys of which exactly one must be given.
	OneOf [][]string      `json:"one_of,omitempty" yaml:"one_of"`
	Keys  map[string]*Key `json:"keys" yaml:"keys"`
}

// Key is one config key of a handler.
type Key struct {
	// Type is string, bool, int, number, strings (a string or a list of
	// strings), list, map, file or any.
	Type     string   `json:"type" yaml:"type"`
	Required bool     `json:"required,omitempty" yaml:"required"`
	Default  any      `json:"default,omitempty" yaml:"default"`
	Enum     []string `json:"enum,omitempty" yaml:"enum"`
	Doc      string   `json:"doc,omitempty" yaml:"doc"`
	// Ext is the extension of a file key; Dir the job YAML's directory key
	// (queries, udfs) a bare file name is looked up under.
	Ext string `json:"ext,omitempty" yaml:"ext"`
	Dir string `json:"dir,omitempty" yaml:"dir"`
	// View marks a key naming the view of an earlier step (or a table).
	View bool `json:"view,omitempty" yaml:"view"`
	// Min bounds an int.
	Min *float64 `json:"min,omitempty" yaml:"min"`
	// Keys are a map's keys; Open lets it have others too.
	Keys  map[string]*Key `json:"keys,omitempty" yaml:"keys"`
	Open  bool            `json:"open,omitempty" yaml:"open"`
	Items *Key            `json:"items,omitempty" yaml:"items"`
}

// Types of Key.Type.
var Types = []string{"any", "bool", "file", "int", "list", "map", "number", "string", "strings"}

// Handlers returns the built-in handlers' schemas.
func Handlers() map[string]*Handler {
	raw, err := files.ReadFile(path.Join("blueprint_glue", "handlers.json"))
	if err != nil {
		panic(err)
	}
	out := map[string]*Handler{}
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(fmt.Sprintf("blueprint_glue/handlers.json: %v", err)) // a test guards it
	}
	return out
}
