// This module file only fences off tools/ (npm packages, some shipping Go
// templates) from the blueprint module, so `go test ./...` skips it.
module blueprint-tools

go 1.26
