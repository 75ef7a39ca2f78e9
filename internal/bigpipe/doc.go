// Package bigpipe generates pipelines of any size, for split tests and benchmarks.
package bigpipe
