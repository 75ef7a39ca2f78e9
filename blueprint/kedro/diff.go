package kedro

import (
	"fmt"
	"strings"
)

// Diff is a unified diff of old and new (3 lines of context), "" when they
// are equal; an empty old reads as a new file.
func Diff(path string, old, new []byte) string {
	if string(old) == string(new) {
		return ""
	}
	a, b := lines(old), lines(new)
	ops := myers(a, b)
	var out strings.Builder
	from := "a/" + path
	if len(old) == 0 {
		from = "/dev/null"
	}
	fmt.Fprintf(&out, "--- %s\n+++ b/%s\n", from, path)
	const ctx = 3
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from ctx lines before this change to ctx lines after the
		// last change closer than 2*ctx to the one before it.
		start := i - ctx
		if start < 0 {
			start = 0
		}
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j
			} else if j-end > 2*ctx {
				break
			}
		}
		stop := end + ctx + 1
		if stop > len(ops) {
			stop = len(ops)
		}
		aStart, bStart, aLen, bLen := ops[start].a, ops[start].b, 0, 0
		for _, o := range ops[start:stop] {
			if o.kind != '+' {
				aLen++
			}
			if o.kind != '-' {
				bLen++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", span(aStart, aLen), span(bStart, bLen))
		for _, o := range ops[start:stop] {
			out.WriteByte(o.kind)
			out.WriteString(o.text)
			out.WriteByte('\n')
		}
		i = stop
	}
	return out.String()
}

func span(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func lines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

type op struct {
	kind byte // ' ', '-' or '+'
	text string
	a, b int // line index in old and new before this op
}

// myers is Myers' O((N+M)D) shortest edit script.
func myers(a, b []string) []op {
	n, m := len(a), len(b)
	max := n + m
	v := make([]int, 2*max+2)
	var trace [][]int
	for d := 0; d <= max; d++ {
		if d > maxEdits {
			return replaceAll(a, b)
		}
		// Step d reads v at k±1 for |k| ≤ d: keep that window.
		trace = append(trace, append([]int(nil), v[max-d:max+d+1]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[max+k-1] < v[max+k+1]) {
				x = v[max+k+1]
			} else {
				x = v[max+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[max+k] = x
			if x >= n && y >= m {
				return backtrack(trace, a, b, d, max)
			}
		}
	}
	return nil
}

// maxEdits bounds the work (and the trace, quadratic in it): files more
// different than this show as replaced whole.
const maxEdits = 4000

func replaceAll(a, b []string) []op {
	var out []op
	for i, l := range a {
		out = append(out, op{'-', l, i, 0})
	}
	for i, l := range b {
		out = append(out, op{'+', l, len(a), i})
	}
	return out
}

func backtrack(trace [][]int, a, b []string, d, _ int) []op {
	x, y := len(a), len(b)
	var rev []op
	for ; d >= 0; d-- {
		w := trace[d]
		at := func(k int) int { return w[k+d] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px, py := 0, 0
		if d > 0 {
			px = at(pk)
			py = px - pk
		}
		for x > px && y > py {
			x, y = x-1, y-1
			rev = append(rev, op{' ', a[x], x, y})
		}
		if d == 0 {
			break
		}
		if x == px {
			y--
			rev = append(rev, op{'+', b[y], x, y})
		} else {
			x--
			rev = append(rev, op{'-', a[x], x, y})
		}
		x, y = px, py
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
