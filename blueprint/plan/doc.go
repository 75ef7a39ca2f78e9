// Package plan builds the state machine of a stack as plain Go, without CDK.
package plan
