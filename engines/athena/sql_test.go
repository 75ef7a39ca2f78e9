package athena

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPlaceholdersSkipLiteralsAndComments(t *testing.T) {
	tests := []struct {
		sql  string
		want int
	}{
		{"SELECT 1", 0},
		{"SELECT * FROM t WHERE a = ? AND b = ?", 2},
		{"SELECT 'why?', \"odd?col\" FROM t WHERE a = ?", 1},
		{"SELECT 'it''s ?' FROM t", 0},
		{"SELECT a -- is it ?\nFROM t WHERE b = ?", 1},
		{"SELECT /* ? */ a FROM t WHERE b = ? /* unterminated ?", 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, placeholders(tt.sql), tt.sql)
	}
}

func TestParametersAreSQLLiterals(t *testing.T) {
	tests := []struct {
		in   any
		want param
	}{
		{"EU", param{literal: "'EU'"}},
		{"O'Brien", param{literal: "'O''Brien'"}},
		{"'EU'", param{literal: "'EU'"}},
		{5, param{literal: "5"}},
		{2.5, param{literal: "2.5"}},
		{true, param{literal: "true"}},
		{nil, param{literal: "NULL"}},
		{"$.region", param{ref: "$.region"}},
		{"$$.Execution.Id", param{ref: "$$.Execution.Id"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, paramOf(tt.in), "%v", tt.in)
	}
	par := map[string]any{}
	executionParameters(par, []param{{literal: "'{x}'"}, {ref: "$.y"}})
	assert.Equal(t, map[string]any{"ExecutionParameters.$": `States.Array('\'\{x\}\'', States.Format('\'{}\'', $.y))`}, par)
}

func TestOnlyStatementsThatAreNotQueriesChangeTheCatalog(t *testing.T) {
	tests := []struct {
		sql  string
		want bool
	}{
		{"SELECT 1", false},
		{"  -- totals\n/* by day */ (WITH x AS (SELECT 1) SELECT * FROM x)", false},
		{"show tables", false},
		{"CREATE TABLE t AS SELECT 1", true},
		{"INSERT INTO t SELECT 1", true},
		{"MSCK REPAIR TABLE t", true},
		{"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, writes(tt.sql), tt.sql)
	}
}
