package yamlslip

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// maxFaultProbes bounds the prefixes Fault parses: it runs on the error
// path only, but a file of many thousand lines must not take seconds.
const maxFaultProbes = 400

// Fault finds the line and column (1-based, the column in characters)
// where text stops being YAML. yaml.v3 names the line where the construct
// it was reading began (0-based, so one line early), not the token it
// refused: ”x” in a block mapping is reported at the line before the
// mapping. The fault is the first line whose prefix fails with the same
// message, and in it the first character that makes it fail; from is the
// line the parser named, where the search starts. ok is false when no
// prefix reproduces the message (a stream error only the end shows).
func Fault(text []byte, msg string, from int) (line, col int, ok bool) {
	lines := strings.Split(string(text), "\n")
	if from < 1 {
		from = 1
	}
	probes := 0
	fails := func(prefix string) bool {
		probes++
		var n yaml.Node
		err := yaml.Unmarshal([]byte(prefix), &n)
		return err != nil && Message(err) == msg
	}
	for k := from; k <= len(lines) && probes < maxFaultProbes; k++ {
		before := strings.Join(lines[:k-1], "\n")
		if k > 1 {
			before += "\n"
		}
		if !fails(before + lines[k-1]) {
			continue
		}
		l := lines[k-1]
		c := 0
		for i := range l {
			c++
			_, size := utf8.DecodeRuneInString(l[i:])
			if probes < maxFaultProbes && fails(before+l[:i+size]) {
				return k, opener(l[:i+size], msg, c), true
			}
		}
		return k, 0, true
	}
	return 0, 0, false
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Message is a yaml.v3 error without its "yaml: line N: " prefix.
func Message(err error) string {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return m[2]
	}
	return strings.TrimPrefix(msg, "yaml: ")
}

// opener moves the column of a flow collection that never closes to its
// bracket: a prefix fails there as soon as the flow has content.
func opener(prefix, msg string, col int) int {
	var open string
	switch {
	case strings.HasSuffix(msg, "',' or ']'"):
		open = "["
	case strings.HasSuffix(msg, "',' or '}'"):
		open = "{"
	default:
		return col
	}
	if i := strings.LastIndex(prefix, open); i >= 0 {
		return utf8.RuneCountInString(prefix[:i]) + 1
	}
	return col
}
