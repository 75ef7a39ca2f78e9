package moto

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/executor"
	"github.com/blueprint-dev/blueprint/blueprint/sfntest"
)

//go:embed driver.py
var driver []byte

// Case is one execution: a definition, its input and the mocked task
// responses by state.
type Case struct {
	Name       string          `json:"name"`
	Definition json.RawMessage `json:"definition"`
	Input      any             `json:"input"`
	Mocks      sfntest.Mocks   `json:"mocks,omitempty"`
	// S3 holds the objects of each bucket (key → body) that item readers
	// read: moto puts them in its S3, Tasks serves them to our executor.
	S3 map[string]map[string]string `json:"s3,omitempty"`
}

// Tasks answers item readers from the case's S3 objects, as S3 would
// (ListObjectsV2 in key order; GetObject the body), and tasks from its
// mocks.
func (c Case) Tasks(unmocked *[]string) executor.TaskHandler {
	mocked := c.Mocks.Tasks(unmocked)
	return executor.TaskFunc(func(tc executor.TaskContext) (any, *executor.Error) {
		in, _ := tc.Input.(map[string]any)
		bucket, _ := in["Bucket"].(string)
		objects, ok := c.S3[bucket]
		switch {
		case !ok:
			return mocked.Invoke(tc)
		case strings.HasSuffix(tc.Resource, ":s3:listObjectsV2"):
			prefix, _ := in["Prefix"].(string)
			var list []any
			for _, k := range slices.Sorted(maps.Keys(objects)) {
				if strings.HasPrefix(k, prefix) {
					list = append(list, map[string]any{"Key": k, "Size": len(objects[k]), "StorageClass": "STANDARD"})
				}
			}
			return list, nil
		case strings.HasSuffix(tc.Resource, ":s3:getObject"):
			key, _ := in["Key"].(string)
			body, ok := objects[key]
			if !ok {
				return nil, &executor.Error{Error: "S3.NoSuchKey", Cause: "no object " + key}
			}
			return body, nil
		}
		return mocked.Invoke(tc)
	})
}

// Result is how an execution ended. Status REFUSED means moto would not
// create the state machine; Cause then says why.
type Result struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Output any    `json:"output,omitempty"`
	Error  string `json:"error,omitempty"`
	Cause  string `json:"cause,omitempty"`
}

// Available returns nil when python3 can import moto and boto3: moto (a
// Python library of AWS fakes) is on the development machines, not in CI.
func Available() error {
	out, err := exec.Command("python3", "-c", "import moto, boto3; print(moto.__version__)").CombinedOutput()
	if err != nil {
		return fmt.Errorf("python3 with moto: %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// Run runs the cases in moto, each in a fresh mock account, in order.
func Run(cases []Case) ([]Result, error) {
	dir, err := os.MkdirTemp("", "blueprint-moto-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script, input := filepath.Join(dir, "driver.py"), filepath.Join(dir, "cases.json")
	raw, err := json.Marshal(cases)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(script, driver, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(input, raw, 0o644); err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("python3", script, input)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("moto driver: %v\n%s", err, stderr.String())
	}
	var results []Result
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		return nil, fmt.Errorf("moto driver output: %v", err)
	}
	if len(results) != len(cases) {
		return nil, fmt.Errorf("moto driver: %d results for %d cases", len(results), len(cases))
	}
	return results, nil
}
