// Command twinbench synthesizes generated pipelines with blueprint and
// with their TypeScript CDK twin (tools/twin), side by side, and prints
// the medians of paired runs and their ratio:
//
//	go run ./internal/twinbench            # the four standard shapes, 5 paired runs
//	go run ./internal/twinbench -runs 7 -shapes 35x3x0
//
// Both write a cloud assembly of the same stacks (blueprint's layout, its
// nested stacks included, is handed to the twin); neither bundles assets
// or runs CDK's built-in CloudFormation validation. It installs the twin
// with npm ci the first time. Speed is reported here, never asserted.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/plan"
	"github.com/blueprint-dev/blueprint/engines"
	"github.com/blueprint-dev/blueprint/internal/bigpipe"
	"github.com/blueprint-dev/blueprint/internal/check"
)

// standard are the shapes of the table: one topic, 20 and 35
// groups of three Lambdas, and 2,000 jobs.
var standard = []bigpipe.Shape{
	{Groups: 1, Lambdas: 0, Publishes: 1},
	{Groups: 20, Lambdas: 3},
	{Groups: 35, Lambdas: 3},
	{Groups: 500, Lambdas: 1, Publishes: 3},
}

func main() {
	runs := flag.Int("runs", 5, "paired runs per shape")
	shapes := flag.String("shapes", "", "shapes as GROUPSxLAMBDASxPUBLISHES, comma-separated (default: the four standard ones)")
	flag.Parse()
	if err := run(*runs, *shapes); err != nil {
		fmt.Fprintln(os.Stderr, "twinbench:", err)
		os.Exit(1)
	}
}

func run(runs int, spec string) error {
	list := standard
	if spec != "" {
		list = nil
		for _, s := range strings.Split(spec, ",") {
			var sh bigpipe.Shape
			if _, err := fmt.Sscanf(s, "%dx%dx%d", &sh.Groups, &sh.Lambdas, &sh.Publishes); err != nil {
				return fmt.Errorf("shape %q: want GROUPSxLAMBDASxPUBLISHES: %v", s, err)
			}
			list = append(list, sh)
		}
	}
	root, err := check.RepoRoot()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "twinbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "blueprint")
	if err := sh(root, "go", "build", "-o", bin, "./cmd/blueprint"); err != nil {
		return err
	}
	twin, err := installTwin(filepath.Join(root, "tools", "twin"))
	if err != nil {
		return err
	}
	fmt.Printf("%-44s %10s %10s %7s %10s %10s\n", "pipeline", "blueprint", "twin", "ratio", "bp RSS", "twin RSS")
	for i, s := range list {
		repo := filepath.Join(work, fmt.Sprintf("p%d", i))
		if err := bigpipe.Write(repo, s); err != nil {
			return err
		}
		shapeFile := filepath.Join(work, fmt.Sprintf("p%d.json", i))
		if err := writeShape(repo, shapeFile, s); err != nil {
			return err
		}
		var ours, theirs []time.Duration
		var ourRSS, theirRSS int64
		for r := range runs {
			a := func() error {
				d, rss, err := timed(repo, bin, "synth", "--stage", "dev", "--out", filepath.Join(work, "out-bp"))
				ours, ourRSS = append(ours, d), max(ourRSS, rss)
				return err
			}
			b := func() error {
				d, rss, err := timed(repo, "node", twin, shapeFile, filepath.Join(work, "out-twin"))
				theirs, theirRSS = append(theirs, d), max(theirRSS, rss)
				return err
			}
			if r%2 == 1 { // alternate who goes first
				a, b = b, a
			}
			if err := a(); err != nil {
				return err
			}
			if err := b(); err != nil {
				return err
			}
		}
		mo, mt := median(ours), median(theirs)
		fmt.Printf("%-44s %9.2fs %9.2fs %6.2f× %8dMB %8dMB\n", s, mo.Seconds(), mt.Seconds(), mo.Seconds()/mt.Seconds(), ourRSS>>10, theirRSS>>10)
	}
	return nil
}

// writeShape hands blueprint's plan of the pipeline to the twin.
func writeShape(repo, file string, s bigpipe.Shape) error {
	stacks, diags := plan.Load(config.LoadOptions{RepoDir: repo, Stage: "dev", LookupEnv: func(string) (string, bool) { return "", false }}, engines.Registry())
	if diags.HasErrors() || len(stacks) != 1 {
		return fmt.Errorf("the generated pipeline does not plan: %v", diags)
	}
	st := stacks[0]
	type group struct {
		Name      string              `json:"name"`
		Lambdas   []string            `json:"lambdas"`
		Publishes []map[string]string `json:"publishes"`
	}
	type part struct {
		ID     string   `json:"id"`
		Name   string   `json:"name"`
		Groups []string `json:"groups"`
	}
	out := struct {
		Stack   string            `json:"stack"`
		Machine string            `json:"machine"`
		Stage   string            `json:"stage"`
		Repo    string            `json:"repo"`
		Timeout int               `json:"timeout"`
		Topic   string            `json:"topic,omitempty"`
		Groups  []group           `json:"groups"`
		Buckets map[string]string `json:"buckets,omitempty"`
		Parts   []part            `json:"parts,omitempty"`
	}{Stack: st.Config.Name, Machine: st.Machine.Name, Stage: "dev", Repo: repo, Timeout: st.Machine.Definition.TimeoutSeconds}
	if s.Publishes > 0 {
		out.Topic = "events"
	}
	for g := range s.Groups {
		gr := group{Name: fmt.Sprintf("Group%04d", g), Lambdas: []string{}, Publishes: []map[string]string{}}
		for j := range s.Lambdas {
			gr.Lambdas = append(gr.Lambdas, fmt.Sprintf("Fn%04d_%d", g, j))
		}
		for j := range s.Publishes {
			gr.Publishes = append(gr.Publishes, map[string]string{"name": fmt.Sprintf("Notify%04d_%d", g, j), "message": fmt.Sprintf("group %d step %d done", g, j)})
		}
		out.Groups = append(out.Groups, gr)
	}
	if st.Layout.Nested {
		out.Buckets = map[string]string{}
		for job, b := range st.Layout.Jobs {
			out.Buckets[job] = plan.BucketID(b)
		}
	}
	for _, p := range st.Machine.Parts {
		out.Parts = append(out.Parts, part{ID: plan.PartID(p), Name: p.Name, Groups: p.Groups})
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return os.WriteFile(file, raw, 0o644)
}

func installTwin(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "aws-cdk-lib")); err != nil {
		if err := sh(dir, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"); err != nil {
			return "", err
		}
	}
	if err := sh(dir, "npx", "--offline", "tsc", "-p", "."); err != nil {
		return "", err
	}
	return filepath.Join(dir, "dist", "twin.js"), nil
}

func sh(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// timed runs a command and returns its wall time and peak RSS in KB.
func timed(dir, name string, args ...string) (time.Duration, int64, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	// Every run synthesizes: the synth cache would skip CDK altogether.
	cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20", "BLUEPRINT_CACHE=off")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		return d, 0, fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	var rss int64
	if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = u.Maxrss
	}
	return d, rss, nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
