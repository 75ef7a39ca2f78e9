package scaffold

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/examples"
)

//go:embed all:files
var files embed.FS

// Options say what to write.
type Options struct {
	// Example is the examples/ pipeline to start from.
	Example string
	// WithEngine adds a step type of the repo's own (engines/pause) and a
	// cmd/blueprint that knows it.
	WithEngine bool
	// Module is the Go module path of the new repo.
	Module string
	// Replace points the new repo's go.mod at a local blueprint checkout.
	Replace string
	// Version is the blueprint release the new repo requires (with
	// Replace, a placeholder).
	Version string
	// Force writes into a non-empty directory, over existing files.
	Force bool
	// Files, by slash path, are the pipeline to write instead of an
	// example's (blueprint import kedro); a README.md among them replaces
	// the scaffold's. Example then only names where they came from.
	Files map[string][]byte
	// Schemas are the JSON Schemas written to schemas/, by kind
	// ("config"), for editors.
	Schemas map[string][]byte
}

// SchemaDir holds a new repo's JSON Schemas.
const SchemaDir = "schemas"

// schemaFiles says which files each schema is for, as editor globs.
var schemaFiles = map[string][]string{
	"config":     {"config.yaml", "configs/*.yaml", "configs/*.yml"},
	"variables":  {"variables.yaml"},
	"glue-job":   {"customcode/glue/glue_jobs/*.yaml"},
	"athena-job": {"customcode/athena/athena_jobs/*.yaml"},
}

// Command is how a scaffolded repo runs blueprint: the version its go.mod
// pins as a tool, or, with an engine of its own, its cmd/blueprint.
func Command(withEngine bool) string {
	if withEngine {
		return "go run ./cmd/blueprint"
	}
	return "go tool blueprint"
}

// NextSteps are the commands to run in a new repo, in order, each with
// what it does: they are printed by init and open the repo's README.
func NextSteps(withEngine bool) [][2]string {
	bp := Command(withEngine)
	return [][2]string{
		{"go mod tidy", "resolve blueprint into go.sum (once)"},
		{"go test ./tests/...", "validate, synthesize and run the state machine cases for every stage"},
		{bp + " synth --stage dev", "write cdk.out/ for the dev stage"},
	}
}

// UsageError is a mistake in what was asked (an unknown example).
type UsageError struct{ error }

// Write scaffolds a pipeline repo in dir. Files go to a temporary sibling
// directory first, so a failure leaves nothing half-written.
func Write(dir string, o Options) ([]string, error) {
	if o.Example == "" {
		o.Example = examples.Default
	}
	var src fs.FS
	if o.Files == nil {
		var err error
		if src, err = exampleFS(o.Example); err != nil {
			return nil, err
		}
	}
	if err := checkTarget(dir, o.Force); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(abs)
	if o.Module == "" {
		o.Module = "example.com/" + moduleSafe(name)
	}
	data := map[string]any{
		"Name": name, "Module": o.Module, "Replace": o.Replace, "Example": o.Example,
		"WithEngine": o.WithEngine, "Starter": o.Example == examples.Default,
		// The repo runs the blueprint its go.mod pins, with nothing
		// installed: the README, cdk.json and the build alike.
		"Blueprint": Command(o.WithEngine),
		"NextSteps": NextSteps(o.WithEngine),
		"RunTests":  config.RunTests,
		"Version":   engine.FirstNonEmpty(o.Version, "v0.0.0"),
	}
	tmp, err := os.MkdirTemp(filepath.Dir(abs), ".blueprint-init-")
	if err != nil {
		return nil, fmt.Errorf("cannot write next to %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	var written []string
	put := func(rel string, body []byte) error {
		p := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		written = append(written, rel)
		return os.WriteFile(p, body, 0o644)
	}
	if src != nil {
		err = fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || p == "README.md" {
				return err
			}
			b, err := fs.ReadFile(src, p)
			if err != nil {
				return err
			}
			return put(p, withSchema(p, customize(p, b, name, o), o))
		})
		if err != nil {
			return nil, err
		}
	}
	for _, p := range engine.SortedKeys(o.Files) {
		if err := put(p, withSchema(p, o.Files[p], o)); err != nil {
			return nil, err
		}
	}
	for tmpl, out := range map[string]string{
		"go.mod.tmpl": "go.mod", "tests/pipeline_test.go.tmpl": "tests/pipeline_test.go", "buildspec.yml.tmpl": "buildspec.yml",
		"tests/integration/pipeline_test.go.tmpl": "tests/integration/pipeline_test.go",
		"cdk.json.tmpl": "cdk.json", "README.md.tmpl": "README.md", "gitignore.tmpl": ".gitignore", "configs/README.md.tmpl": "configs/README.md",
	} {
		if _, own := o.Files[out]; own {
			continue
		}
		b, err := render(tmpl, data)
		if err != nil {
			return nil, err
		}
		if err := put(out, b); err != nil {
			return nil, err
		}
	}
	if err := writeSchemas(o.Schemas, put); err != nil {
		return nil, err
	}
	// The input of the stages the CI/CD pipeline tests once deployed.
	for _, stage := range []string{"dev", "test"} {
		if err := put("tests/integration/"+stage+".json", []byte(`{"source": "RunTests"}`+"\n")); err != nil {
			return nil, err
		}
	}
	if o.WithEngine {
		for tmpl, out := range map[string]string{
			"engine/pause.go.tmpl": "engines/pause/pause.go", "engine/engines.go.tmpl": "engines/engines.go", "engine/main.go.tmpl": "cmd/blueprint/main.go",
		} {
			b, err := render(tmpl, data)
			if err != nil {
				return nil, err
			}
			if err := put(out, b); err != nil {
				return nil, err
			}
		}
	}
	if err := move(tmp, abs); err != nil {
		return nil, err
	}
	return written, nil
}

// writeSchemas writes the schemas and points VS Code's YAML and JSON
// support at them (.vscode/settings.json); config.yaml and variables.yaml
// name theirs in a yaml-language-server line too, for other editors.
func writeSchemas(schemas map[string][]byte, put func(string, []byte) error) error {
	if len(schemas) == 0 {
		return nil
	}
	yamlSchemas := map[string][]string{}
	var jsonSchemas []any
	for _, kind := range engine.SortedKeys(schemas) {
		file := SchemaDir + "/" + kind + ".schema.json"
		if err := put(file, schemas[kind]); err != nil {
			return err
		}
		if kind == "test-case" {
			jsonSchemas = append(jsonSchemas, map[string]any{"fileMatch": []string{"tests/sfn/*.json"}, "url": "./" + file})
		} else if globs, ok := schemaFiles[kind]; ok {
			yamlSchemas["./"+file] = globs
		}
	}
	settings, err := json.MarshalIndent(map[string]any{"yaml.schemas": yamlSchemas, "json.schemas": jsonSchemas}, "", "  ")
	if err != nil {
		return err
	}
	return put(".vscode/settings.json", append(settings, '\n'))
}

// withSchema starts a config with its format version when it has none,
// and names the schemas of config.yaml and variables.yaml on their first
// line.
func withSchema(p string, b []byte, o Options) []byte {
	if p == config.MainFile && !versioned.Match(b) {
		b = append([]byte("version: 2\n"), b...)
	}
	if kind := map[string]string{"config.yaml": "config", "variables.yaml": "variables"}[p]; kind != "" && o.Schemas[kind] != nil {
		b = append([]byte(Modeline(kind)), b...)
	}
	return b
}

// Modeline is the first line of a YAML file naming its schema for the
// YAML language server.
func Modeline(kind string) string {
	return "# yaml-language-server: $schema=./" + SchemaDir + "/" + kind + ".schema.json\n"
}

func exampleFS(name string) (fs.FS, error) {
	for _, n := range examples.Names() {
		if n == name {
			return examples.FS(name)
		}
	}
	msg := fmt.Sprintf("no example %q; the examples are %s", name, strings.Join(examples.Names(), ", "))
	if s := diag.Suggest(name, examples.Names()); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return nil, UsageError{errors.New(msg)}
}

// checkTarget refuses a file, and a non-empty directory unless forced.
func checkTarget(dir string, force bool) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("%s is a file; init writes a new directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 && !force {
		return fmt.Errorf("%s is not empty (%d entries); choose a new directory, or --force to write into it", dir, len(entries))
	}
	return nil
}

// move puts the scaffold in place: a rename when the target is new or
// empty, a copy over it when forced into a non-empty directory.
func move(tmp, dst string) error {
	if entries, err := os.ReadDir(dst); err == nil && len(entries) == 0 {
		if err := os.Remove(dst); err != nil {
			return err
		}
	}
	if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, dst); err != nil {
			return err
		}
		// MkdirTemp made it private; a repo is not.
		return os.Chmod(dst, 0o755)
	}
	return filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(tmp, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

func render(name string, data map[string]any) ([]byte, error) {
	raw, err := files.ReadFile("files/" + name)
	if err != nil {
		return nil, err
	}
	t, err := template.New(name).Delims("[[", "]]").Parse(string(raw))
	if err != nil {
		return nil, fmt.Errorf("internal error in template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("internal error in template %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// customize names the starter after its directory and, with an engine of
// its own, uses it in the pipeline.
func customize(p string, b []byte, name string, o Options) []byte {
	if o.Example != examples.Default {
		return b
	}
	s := string(b)
	switch p {
	case "variables.yaml":
		s = strings.Replace(s, "project_name: my-pipeline", "project_name: "+name, 1)
	case "config.yaml":
		if o.WithEngine {
			s = strings.Replace(s, "  - name: Notify\n", "  - name: Settle\n    jobs:\n      - name: LetItSettle\n        type: pause\n        config:\n          seconds: 30\n\n  - name: Notify\n", 1)
		}
	}
	return []byte(s)
}

// versioned matches a config that says its format version.
var versioned = regexp.MustCompile(`(?m)^version:`)

var moduleUnsafe = regexp.MustCompile(`[^a-z0-9._-]+`)

func moduleSafe(s string) string {
	s = strings.Trim(moduleUnsafe.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "pipeline"
	}
	return s
}
