// Package choice is the choice step: branches of groups picked by a condition on the input.
package choice
