package config

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

// Format versions of a config file.
const (
	// V1 is a data.all blueprint config: a config without `version:` means
	// what it meant to the old tool.
	V1 = 1
	// V2 is this tool's own format.
	V2 = 2
	// Latest is what `blueprint init` and `blueprint migrate` write.
	Latest = V2
)

// Version is the `version:` key; zero means the key is absent (version 1).
type Version int

// Number is the format the config is read with: 1 when the key is absent.
func (v Version) Number() int {
	if v == 0 {
		return V1
	}
	return int(v)
}

// DecodeNode accepts 1 and 2, written as numbers or strings.
func (v *Version) DecodeNode(d *Decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode {
		switch strings.TrimSpace(n.Value) {
		case "1":
			*v = V1
			return
		case "2":
			*v = V2
			return
		}
	}
	got := describe(n)
	d.Errorf(n, path, "unknown format version %s", got).Hint =
		"the versions are 1 (a data.all blueprint config, also what a config without version: is) and 2 (this tool's format, what blueprint init writes)"
	d.broken[path] = true
}

// versionNote is the one note a version 1 config gets, at its version key
// or at the top of the file.
func versionNote(d *Decoder, root *yaml.Node, p *Pipeline) {
	if p.Version.Number() != V1 || d.Broken("version") {
		return
	}
	at := d.Node("version")
	var dg diag.Diagnostic
	msg := "read as a data.all blueprint config (version 1)"
	if at == nil || at == root {
		msg += ", since it has no version: key"
		dg = diag.At(diag.Pos{File: d.Source.Path, Line: 1}, "", "%s", msg)
	} else {
		dg = d.at(at, "version", "%s", msg)
	}
	dg.Hint = fmt.Sprintf("blueprint migrate upgrades it to version %d; a config already written for this tool only needs version: %d on its first line", Latest, Latest)
	d.Diags.Add(dg.AsWarning())
}

var versionLine = regexp.MustCompile(`(?m)^version\s*:\s*["']?([^"'#\s]*)`)

// sniffVersion reads the version from the template text, before rendering:
// what happens before YAML is parsed depends on it. A value that is not a
// version is left to the decoder to report; it reads as version 2 here, so
// the config is not rendered leniently.
func sniffVersion(src []byte) int {
	m := versionLine.FindSubmatch(src)
	if m == nil {
		return V1
	}
	if string(m[1]) == "1" {
		return V1
	}
	return V2
}
