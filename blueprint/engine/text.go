package engine

import "sort"

// FirstNonEmpty returns the first of s that is not empty, e.g. a comment
// from description, then comment, then a default.
func FirstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// SortedKeys returns the keys of m in order, so output built from maps is
// the same on every run.
func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
