package check

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// ignoredRules are cfn-lint rules CDK's own output trips; every other
// finding, warnings included, fails the test.
var ignoredRules = []string{
	// CDK writes DependsOn that cfn-lint also infers from Ref/GetAtt.
	"W3005",
}

// Finding is one cfn-lint result.
type Finding struct {
	Rule    string
	Level   string
	File    string
	Line    int
	Message string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s %s: %s", f.File, f.Line, f.Level, f.Rule, f.Message)
}

// CFNLint runs cfn-lint once over all paths.
func CFNLint(paths ...string) ([]Finding, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		return nil, fmt.Errorf("cfn-lint is not installed: %w", err)
	}
	args := []string{"--format", "json", "--ignore-checks", strings.Join(ignoredRules, ","), "--"}
	cmd := exec.Command(bin, append(args, paths...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var raw []struct {
		Rule     struct{ Id string } `json:"Rule"`
		Level    string
		Filename string
		Message  string
		Location struct {
			Start struct{ LineNumber int }
		}
	}
	if stdout.Len() > 0 {
		if err := json.Unmarshal(stdout.Bytes(), &raw); err != nil {
			return nil, fmt.Errorf("cfn-lint output is not JSON: %v: %s%s", err, stdout.String(), stderr.String())
		}
	} else if runErr != nil {
		return nil, fmt.Errorf("cfn-lint failed: %v: %s", runErr, stderr.String())
	}
	out := make([]Finding, len(raw))
	for i, r := range raw {
		out[i] = Finding{Rule: r.Rule.Id, Level: r.Level, File: r.Filename, Line: r.Location.Start.LineNumber, Message: r.Message}
	}
	return out, nil
}

var (
	installOnce sync.Once
	installBin  string
	installErr  error
)

// RepoRoot finds the module root from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// EnsureASLValidator installs tools/node_modules from the lock file once,
// under a file lock so parallel test binaries do not race, and returns the
// validator's path.
func EnsureASLValidator() (string, error) {
	installOnce.Do(func() {
		root, err := RepoRoot()
		if err != nil {
			installErr = err
			return
		}
		tools := filepath.Join(root, "tools")
		bin := filepath.Join(tools, "node_modules", ".bin", "asl-validator")
		if _, err := os.Stat(bin); err == nil {
			installBin = bin
			return
		}
		if _, err := exec.LookPath("npm"); err != nil {
			installErr = fmt.Errorf("npm is not installed: %w", err)
			return
		}
		lock, err := os.OpenFile(filepath.Join(tools, ".install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			installErr = err
			return
		}
		defer lock.Close()
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
			installErr = err
			return
		}
		defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
		if _, err := os.Stat(bin); err == nil { // another process installed it meanwhile
			installBin = bin
			return
		}
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = tools
		if out, err := cmd.CombinedOutput(); err != nil {
			installErr = fmt.Errorf("npm ci in %s: %v: %s", tools, err, out)
			return
		}
		installBin = bin
	})
	return installBin, installErr
}

// ASL validates definitions (name → JSON) with one asl-validator run and
// returns its complaints; nil when all are valid.
func ASL(defs map[string][]byte) error {
	if len(defs) == 0 {
		return nil
	}
	bin, err := EnsureASLValidator()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "asl-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	names := make([]string, 0, len(defs))
	for n := range defs {
		names = append(names, n)
	}
	sort.Strings(names)
	var args []string
	for i, n := range names {
		p := filepath.Join(dir, fmt.Sprintf("%d-%s.json", i, safe.ReplaceAllString(n, "_")))
		if err := os.WriteFile(p, defs[n], 0o644); err != nil {
			return err
		}
		args = append(args, "--json-path", p)
	}
	cmd := exec.Command(bin, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("asl-validator: %s", strings.TrimSpace(string(out)))
	}
	return nil
}

var safe = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// Allowed is a cfn-lint finding a test expects, by rule id, with why.
type Allowed struct {
	Rule, Why string
}

// Assembly lints every template of a cdk.out dir and validates every state
// machine in it. Without the tools it skips, except in CI, where a missing
// tool fails the test. Findings of allowed rules are expected and pass.
func Assembly(t testing.TB, dir string, allowed ...Allowed) {
	t.Helper()
	templates, err := filepath.Glob(filepath.Join(dir, "*.template.json"))
	// Stages of a CI/CD pipeline are nested assemblies.
	nested, _ := filepath.Glob(filepath.Join(dir, "assembly-*", "*.template.json"))
	templates = append(templates, nested...)
	if err != nil || len(templates) == 0 {
		t.Fatalf("no templates in %s", dir)
	}
	if _, err := exec.LookPath("cfn-lint"); err != nil {
		unavailable(t, "cfn-lint is not installed")
		return
	}
	findings, err := CFNLint(templates...)
	if err != nil {
		t.Fatalf("cfn-lint: %v", err)
	}
	seen := map[string]bool{}
	for _, f := range findings {
		ok := false
		for _, a := range allowed {
			ok = ok || a.Rule == f.Rule
		}
		seen[f.Rule] = true
		if !ok {
			t.Errorf("cfn-lint: %s", f)
		}
	}
	for _, a := range allowed {
		if !seen[a.Rule] {
			t.Errorf("cfn-lint no longer reports %s (%s): remove it from the allowed findings", a.Rule, a.Why)
		}
	}
	defs := map[string][]byte{}
	for _, tp := range templates {
		raw, err := os.ReadFile(tp)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := Definitions(raw)
		if err != nil {
			t.Fatalf("%s: %v", tp, err)
		}
		for id, d := range ds {
			defs[filepath.Base(filepath.Dir(tp))+"-"+filepath.Base(tp)+"-"+id] = d
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		unavailable(t, "node is not installed, so asl-validator cannot run")
		return
	}
	if err := ASL(defs); err != nil {
		t.Errorf("%v", err)
	}
}

func unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s, and CI must run every output check", why)
	}
	t.Skip(why)
}
