// Command blueprint turns a templated config.yaml into a deployable AWS data/ML pipeline.
package main

import (
	_ "github.com/blueprint-dev/blueprint/internal/jsiienv" // first: sets jsii's env before its init

	"os"

	"github.com/aws/jsii-runtime-go"

	"github.com/blueprint-dev/blueprint/cmd"
)

func main() {
	code := cmd.Main(os.Args[1:], os.Stdout, os.Stderr)
	// Close the node child process, or each run leaves a /tmp/jsii-runtime.* dir.
	jsii.Close()
	os.Exit(code)
}
