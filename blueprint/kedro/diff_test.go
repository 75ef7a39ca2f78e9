package kedro

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDiffShowsChangedLinesWithContext(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	new := "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n"
	assert.Equal(t, `--- a/f.yaml
+++ b/f.yaml
@@ -1,10 +1,11 @@
 a
 b
 c
-d
+D
 e
 f
 g
 h
 i
 j
+k
`, Diff("f.yaml", []byte(old), []byte(new)))
}

func TestDiffSplitsDistantChangesIntoHunks(t *testing.T) {
	var a []string
	for i := 0; i < 30; i++ {
		a = append(a, string(rune('a'+i%26)))
	}
	b := append([]string(nil), a...)
	b[2], b[25] = "X", "Y"
	d := Diff("f", []byte(strings.Join(a, "\n")+"\n"), []byte(strings.Join(b, "\n")+"\n"))
	assert.Equal(t, 2, strings.Count(d, "@@ -"), d)
	assert.Contains(t, d, "@@ -1,6 +1,6 @@\n a\n b\n-c\n+X\n d\n e\n f\n")
	assert.Contains(t, d, "@@ -23,7 +23,7 @@\n")
}

func TestDiffOfEqualTextsIsEmptyAndOfANewFileIsAllAdded(t *testing.T) {
	assert.Equal(t, "", Diff("f", []byte("x\n"), []byte("x\n")))
	assert.Equal(t, "--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+x\n+y\n", Diff("f", nil, []byte("x\ny\n")))
}
