// Package tests holds the end-to-end, golden and guard tests of the whole tool.
package tests
