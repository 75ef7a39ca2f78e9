package lambda

import "strings"

// Runtime lifecycle as Lambda publishes it, as of 2026-11-24: runtimes
// whose creation Lambda blocks can no longer be deployed. The table is
// data, not a clock, so the same config always synthesizes the same way.
var blocked = map[string]bool{
	"python2.7": true, "python3.6": true, "python3.7": true, "python3.8": true, "python3.9": true,
	"python3.10": true, "python3.11": true,
	"nodejs": true, "nodejs4.3": true, "nodejs4.3-edge": true, "nodejs6.10": true, "nodejs8.10": true,
	"nodejs10.x": true, "nodejs12.x": true, "nodejs14.x": true, "nodejs16.x": true, "nodejs18.x": true, "nodejs20.x": true,
	"java8": true, "java8.al2": true, "java11": true, "java17": true,
	"ruby2.5": true, "ruby2.7": true, "ruby3.2": true,
	"dotnetcore1.0": true, "dotnetcore2.0": true, "dotnetcore2.1": true, "dotnetcore3.1": true, "dotnet6": true,
	"go1.x": true, "provided": true, "provided.al2": true,
}

// supported are the runtimes Lambda creates functions with.
var supported = []string{
	"python3.12", "python3.13", "python3.14",
	"nodejs22.x", "nodejs24.x",
	"java21", "java25",
	"ruby3.3", "ruby3.4",
	"dotnet8", "dotnet10",
	"provided.al2023",
}

// DefaultRuntime is used when a function or layer names none.
const DefaultRuntime = "python3.12"

// successor is the closest supported runtime of the same family: the
// least change for code written for a blocked one.
func successor(runtime string) string {
	for _, fam := range []struct{ prefix, to string }{
		{"python", "python3.12"}, {"nodejs", "nodejs22.x"}, {"java", "java21"}, {"ruby", "ruby3.3"},
		{"dotnet", "dotnet8"}, {"go", "provided.al2023"}, {"provided", "provided.al2023"},
	} {
		if strings.HasPrefix(runtime, fam.prefix) {
			return fam.to
		}
	}
	return DefaultRuntime
}

func isKnown(runtime string) bool {
	if blocked[runtime] {
		return true
	}
	for _, r := range supported {
		if r == runtime {
			return true
		}
	}
	return false
}

// effectiveRuntime is the runtime a function is deployed with: its own,
// the successor of a blocked one, or the default.
func effectiveRuntime(runtime string) string {
	switch {
	case runtime == "":
		return DefaultRuntime
	case blocked[runtime]:
		return successor(runtime)
	}
	return runtime
}

// family names the CDK runtime family of a runtime.
func family(runtime string) string {
	for _, f := range []string{"python", "nodejs", "java", "ruby", "dotnet", "provided"} {
		if strings.HasPrefix(runtime, f) {
			return f
		}
	}
	return "other"
}
