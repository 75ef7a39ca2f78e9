package bigpipe

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Shape is the size of a generated pipeline: Groups groups in sequence,
// each running Lambdas Lambda steps and Publishes SNS publishes in
// parallel; Publishes > 0 adds the one topic they publish to.
type Shape struct {
	Groups, Lambdas, Publishes int
}

// Jobs is the number of jobs of the pipeline.
func (s Shape) Jobs() int { return s.Groups * (s.Lambdas + s.Publishes) }

func (s Shape) String() string {
	return fmt.Sprintf("%d groups × (%d Lambda + %d SNS publish) = %d jobs", s.Groups, s.Lambdas, s.Publishes, s.Jobs())
}

// Config is the config.yaml of the pipeline; every Lambda step runs the
// one handler Write puts under customcode/.
func Config(s Shape) string {
	var b strings.Builder
	b.WriteString("version: 2\nname: big\n")
	if s.Publishes > 0 {
		b.WriteString("aws_resources:\n  - name: events\n    type: sns_topic\n")
	}
	b.WriteString("groups:\n")
	for g := range s.Groups {
		fmt.Fprintf(&b, "  - name: Group%04d\n    jobs:\n", g)
		for j := range s.Lambdas {
			fmt.Fprintf(&b, "      - name: Fn%04d_%d\n        type: lambda_function\n        config:\n          entry: customcode/fn\n          index: handler.py\n          handler: handler\n", g, j)
		}
		for j := range s.Publishes {
			fmt.Fprintf(&b, "      - name: Notify%04d_%d\n        type: sns_publish\n        config:\n          topic_name: events\n          message: \"group %d step %d done\"\n", g, j, g, j)
		}
	}
	return b.String()
}

// Write writes the pipeline repo (config.yaml and the handler) into dir.
func Write(dir string, s Shape) error {
	fn := filepath.Join(dir, "customcode", "fn")
	if err := os.MkdirAll(fn, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(fn, "handler.py"), []byte("def handler(event, context):\n    return event\n"), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(Config(s)), 0o644)
}
