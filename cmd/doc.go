// Package cmd is the blueprint command line, runnable in-process for tests.
package cmd
