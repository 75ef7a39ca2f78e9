// Package check runs the real validators, cfn-lint and asl-validator, on synthesized output in tests.
package check
