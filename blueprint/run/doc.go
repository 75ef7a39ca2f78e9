// Package run starts and follows executions of a deployed pipeline's state machine with the AWS SDK: it finds the machine by the SSM parameter the stack publishes, prints the states as they run and returns how the execution ended.
package run
