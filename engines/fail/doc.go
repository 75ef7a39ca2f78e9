// Package fail is the fail step: a Fail state that ends the execution (or, inside a group's Parallel, the group) as failed, with an error name and a cause.
package fail
