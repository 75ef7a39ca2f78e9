package lambda

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// bundler builds a layer on this machine instead of in Docker: CDK calls
// TryBundle back from node, and Docker is never started.
type bundler struct {
	layer      string
	dir        string
	bundleType string
	cmd        string
	progress   func(phase string, took time.Duration, detail string)
	// err records a failed build; a jsii callback cannot return one, so
	// the builder checks it once the asset is staged.
	err error
}

// command is what the Docker build would run; kept in the asset options
// so the intent is visible, and the same steps run locally.
func (b *bundler) command() string {
	if b.bundleType == "custom" {
		return b.cmd
	}
	return "pip install -r requirements.txt --target /asset-output/python --quiet && cp -r . /asset-output/python/"
}

// TryBundle runs the build with /asset-output mapped to outputDir and
// /asset-input to the layer directory.
func (b *bundler) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	out := *outputDir
	start := time.Now()
	if b.progress != nil {
		defer func() { b.progress("bundle layer "+b.layer, time.Since(start), b.bundleType) }()
	}
	var err error
	if b.bundleType == "custom" {
		err = b.custom(out)
	} else {
		err = b.simple(out)
	}
	if err != nil {
		b.err = fmt.Errorf("layer %s: bundling in %s failed: %w", b.layer, b.dir, err)
		// CDK throws on an empty output before we could report why; leave
		// it a note so our error is the one the user reads.
		_ = os.WriteFile(filepath.Join(out, "BUNDLING_FAILED"), []byte(b.err.Error()), 0o644)
	}
	return jsii.Bool(true)
}

func (b *bundler) custom(out string) error {
	cmd := strings.NewReplacer("/asset-output", out, "/asset-input", b.dir).Replace(b.cmd)
	return run(b.dir, "sh", "-c", cmd)
}

// simple copies the layer's files under python/ and installs the
// requirements there, skipping pip when requirements.txt lists nothing.
func (b *bundler) simple(out string) error {
	target := filepath.Join(out, "python")
	if err := os.MkdirAll(target, 0o755); err != nil {
		return err
	}
	if err := copyTree(b.dir, target, "requirements.txt"); err != nil {
		return err
	}
	req := filepath.Join(b.dir, "requirements.txt")
	if !hasRequirements(req) {
		return nil
	}
	return run(b.dir, "python3", "-m", "pip", "install", "-r", req, "--target", target, "--quiet", "--disable-pip-version-check", "--no-cache-dir")
}

func hasRequirements(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			return true
		}
	}
	return false
}

func run(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if len(msg) > 2000 {
			msg = "…" + msg[len(msg)-2000:]
		}
		return fmt.Errorf("%s: %v\n%s", strings.Join(append([]string{name}, args...), " "), err, msg)
	}
	return nil
}

// copyTree copies src into dst, skipping the named top-level files.
func copyTree(src, dst string, skip ...string) error {
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if rel == "." {
			return nil
		}
		for _, s := range skip {
			if rel == s {
				return nil
			}
		}
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		o, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
		if err != nil {
			return err
		}
		defer o.Close()
		_, err = io.Copy(o, in)
		return err
	})
}
