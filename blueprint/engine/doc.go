// Package engine defines what a resource or step type implements and the one registry of them.
package engine
