// Package succeed is the succeed step: a Succeed state that ends the execution (or, inside a group's Parallel, its branch) as succeeded.
package succeed
