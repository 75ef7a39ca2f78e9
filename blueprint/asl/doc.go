// Package asl is the Amazon States Language data model the planner writes and the executor and graph read.
package asl
