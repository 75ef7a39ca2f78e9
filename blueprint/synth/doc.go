// Package synth is the CDK edge: it turns planned stacks into a cloud assembly.
package synth
