package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Suggest returns the candidate closest to got, or "" when none is close
// enough. Close means an edit distance of at most 2 to the whole name, to
// its first word ("lamda" → "lambda_function") or to its prefix of the same
// length; ties go to the alphabetically first candidate.
func Suggest(got string, candidates []string) string {
	lg := strings.ToLower(got)
	if lg == "" {
		return ""
	}
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestDist := "", 3
	for _, c := range sorted {
		lc := strings.ToLower(c)
		d := Distance(lg, lc)
		if len(lg) >= 4 {
			if w, _, ok := strings.Cut(lc, "_"); ok && len(w) >= 4 {
				d = min(d, Distance(lg, w)+1)
			}
			if len(lc) > len(lg) {
				d = min(d, Distance(lg, lc[:len(lg)])+1)
			}
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean formats a suggestion hint, or "" when there is none.
func DidYouMean(got string, candidates []string) string {
	if s := Suggest(got, candidates); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	return ""
}

// Distance is the Levenshtein distance between a and b.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// OneOf formats an allowed-values list: `"a", "b" or "c"`.
func OneOf(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
