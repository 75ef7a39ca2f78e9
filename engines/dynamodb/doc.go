// Package dynamodb is the dynamodb resource: a table with point-in-time recovery and encryption.
package dynamodb
