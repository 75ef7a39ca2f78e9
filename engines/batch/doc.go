// Package batch is the AWS Batch types: compute environments, job queues, job definitions and the batch step.
package batch
