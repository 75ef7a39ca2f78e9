package yamlvalue

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestDecodeGivesWhatYAMLv3Gives(t *testing.T) {
	docs := []string{
		"a: 1\nb: [x, 2.5, true, null]\nc: {d: e}\n",
		"- &x {a: 1}\n- *x\n- 0x1f\n- '007'\n",
		"1: one\ntrue: yes\nname: n\n",
		"base: &b {a: 1}\nuse:\n  <<: *b\n  c: 2\n",
		"t: 2024-01-02\n",
	}
	for _, src := range docs {
		t.Run(src, func(t *testing.T) {
			var n yaml.Node
			require.NoError(t, yaml.Unmarshal([]byte(src), &n))
			var want any
			require.NoError(t, n.Decode(&want))
			got, err := Decode(&n)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

func TestADuplicateKeyIsAnError(t *testing.T) {
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("a: 1\nb: {x: 1, x: 2}\n"), &n))
	_, err := Decode(&n)
	assert.EqualError(t, err, `duplicate key "x" on line 2 (first set on line 2)`)
}

// A mapping of a million keys: yaml.v3's pairwise check takes minutes.
func BenchmarkDecodeALargeMapping(b *testing.B) {
	var src strings.Builder
	for i := 0; i < 1_000_000; i++ {
		fmt.Fprintf(&src, "k%d: v\n", i)
	}
	var n yaml.Node
	require.NoError(b, yaml.Unmarshal([]byte(src.String()), &n))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := Decode(&n)
		require.NoError(b, err)
	}
}

func TestInvalidUTF8IsFoundOnItsLine(t *testing.T) {
	line, col, b := InvalidUTF8([]byte("a: é\nb: caf\xe9\n"))
	assert.Equal(t, []int{2, 7, 0xe9}, []int{line, col, int(b)})
	line, _, _ = InvalidUTF8([]byte("a: é\n"))
	assert.Zero(t, line)
}

func TestSecondDocument(t *testing.T) {
	for src, want := range map[string]int{
		"a: 1\n":                   0,
		"---\na: 1\n":              0,
		"a: 1\n---\n":              0,
		"a: 1\n---\nname: other\n": 3,
		"a: '---'\n":               0,
	} {
		assert.Equal(t, want, SecondDocument([]byte(src)), src)
	}
}
