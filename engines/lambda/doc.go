// Package lambda is the lambda_function (resource, step and trigger) and lambda_layer types.
package lambda
