package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// bomb is a document whose aliases nest: each level names the one
// below nine times, so seven levels write ~100 values and mean 9^7.
func bomb(levels int) string {
	var b strings.Builder
	b.WriteString("name: n\npayload:\n  - &l0 {name: J, type: sns_publish}\n")
	for lv := 1; lv <= levels; lv++ {
		fmt.Fprintf(&b, "  - &l%d [%s]\n", lv, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", lv-1), 9), ", "))
	}
	return b.String()
}

func TestBudgets(t *testing.T) {
	deep := "name: n\npayload: " + strings.Repeat("[", 150) + strings.Repeat("]", 150) + "\n"
	tests := []struct {
		name, src string
		want      []string
	}{
		{"an alias bomb is refused before decoding", bomb(7),
			[]string{`c.yaml:4:10: aliases expand the document past 100000 values (it writes 81) (an alias of an alias multiplies what it names; write the repeated part once, or expand fewer aliases ("*l0" is the first))`}},
		{"a few aliases are fine", bomb(2), nil},
		{"nesting past the depth limit", deep,
			[]string{`c.yaml:2:109: the document nests deeper than 100 levels (a config this deep cannot be deployed; flatten it (choices of choices are best split into groups))`}},
		{"a duplicate key in a free-form value", "name: n\npayload: {a: 1, b: {c: 1, c: 2}}\n",
			[]string{`c.yaml:2:10: x.payload: duplicate key "c" on line 2 (first set on line 2)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			require.NoError(t, yaml.Unmarshal([]byte(tt.src), &n))
			d := NewDecoder(NewSource("c.yaml", []byte(tt.src), []byte(tt.src), nil))
			d.Decode(&n, &spec{}, "x")
			var got []string
			for _, dg := range d.Diags.Sorted() {
				got = append(got, dg.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
