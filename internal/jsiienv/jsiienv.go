// Package jsiienv sets jsii's environment before the jsii runtime reads it.
package jsiienv

import "os"

// The runtime reads these at its own package init, so setting them in main
// is too late; importing this package first is not. Node 20 is what the
// machines have: its end-of-life banner would otherwise print on every run.
func init() {
	if _, ok := os.LookupEnv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"); !ok {
		os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	}
	if _, ok := os.LookupEnv("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION"); !ok {
		os.Setenv("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
	}
}
