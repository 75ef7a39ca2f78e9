package dynamodb_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blueprint-dev/blueprint/internal/check"
	"github.com/blueprint-dev/blueprint/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func TestTablesSynthesize(t *testing.T) {
	stacks := testkit.Plan(t, "testdata/pipeline", testkit.Options{Stage: "dev"})
	a := testkit.Synth(t, stacks, false)
	check.Assembly(t, a.Dir)
	tables := a.Resources(t, "tables", "AWS::DynamoDB::Table")
	require.Len(t, tables, 2)
	for _, tb := range tables {
		p := tb["Properties"].(map[string]any)
		assert.Equal(t, map[string]any{"PointInTimeRecoveryEnabled": true}, p["PointInTimeRecoverySpecification"])
		assert.Equal(t, map[string]any{"SSEEnabled": true}, p["SSESpecification"])
		assert.Equal(t, "Retain", tb["DeletionPolicy"])
		switch p["TableName"] {
		case "Provisioned-tables-dev":
			assert.Equal(t, map[string]any{"ReadCapacityUnits": float64(5), "WriteCapacityUnits": float64(5)}, p["ProvisionedThroughput"])
		case "OnDemand-tables-dev":
			assert.Equal(t, "PAY_PER_REQUEST", p["BillingMode"])
		default:
			t.Errorf("unexpected table %v", p["TableName"])
		}
	}
	testkit.Golden(t, "testdata/golden/tables.template.json", a.Templates["tables"])
}

func TestBadTables(t *testing.T) {
	tests := []struct{ name, cfg, want string }{
		{"a key type outside string, number and binary", "version: 2\nname: p\naws_resources:\n  - {name: T, type: dynamodb, config: {partition_key: {name: id, type: int}}}\n",
			`config.yaml:4:72: aws_resources[0].config.partition_key.type: must be one of "string", "number" or "binary"; got "int"`},
		{"a table without partition key", "version: 2\nname: p\naws_resources:\n  - {name: T, type: dynamodb, config: {read_capacity: 1, write_capacity: 1}}\n",
			`config.yaml:4:39: aws_resources[0].config.partition_key: is required`},
		{"only one capacity", "version: 2\nname: p\naws_resources:\n  - {name: T, type: dynamodb, config: {read_capacity: 5, partition_key: {name: id, type: string}}}\n",
			`config.yaml:4:39: aws_resources[0].config: give both read_capacity and write_capacity for a provisioned table, or neither for on-demand billing`},
		{"a negative capacity", "version: 2\nname: p\naws_resources:\n  - {name: T, type: dynamodb, config: {read_capacity: 2, write_capacity: -1, partition_key: {name: id, type: string}}}\n",
			`config.yaml:4:74: aws_resources[0].config.write_capacity: must be at least 1; got -1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(tt.cfg), 0o644))
			got := testkit.Diagnostics(t, dir, testkit.Options{})
			assert.Equal(t, tt.want, strings.Split(got, "\n")[0], got)
		})
	}
}
