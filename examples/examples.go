// Package examples embeds the example pipelines, so blueprint init can start a repo from any of them.
package examples

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed all:starter all:batch all:container-lambda all:fan-out all:glue-athena all:sagemaker
var files embed.FS

// Default is the example blueprint init starts from.
const Default = "starter"

// FS returns the files of one example, rooted at it.
func FS(name string) (fs.FS, error) { return fs.Sub(files, name) }

// Names lists the examples.
func Names() []string {
	entries, _ := files.ReadDir(".")
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Describe returns the first sentence of an example's README.
func Describe(name string) string {
	b, err := files.ReadFile(name + "/README.md")
	if err != nil {
		return ""
	}
	var para []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "#"):
			continue
		case l == "" && len(para) > 0:
			return firstSentence(strings.Join(para, " "))
		case l != "":
			para = append(para, l)
		}
	}
	return firstSentence(strings.Join(para, " "))
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}
