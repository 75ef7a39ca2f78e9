// Package mapstep is the map step: its groups run once per item of a list in the state (inline Map) or of S3 objects and rows (Distributed Map).
package mapstep
