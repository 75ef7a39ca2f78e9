// Package diag holds the one diagnostic type every user-facing error is reported as.
package diag
