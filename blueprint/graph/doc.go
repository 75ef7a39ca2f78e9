// Package graph draws a planned state machine as Mermaid, Graphviz DOT or readable ASL.
package graph
