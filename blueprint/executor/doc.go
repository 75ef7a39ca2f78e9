// Package executor runs an Amazon States Language definition in Go, with mocked tasks and no AWS calls.
package executor
