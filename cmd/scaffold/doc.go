// Package scaffold writes a new pipeline repo: an example pipeline plus the files around it.
package scaffold
