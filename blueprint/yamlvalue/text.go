package yamlvalue

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// InvalidUTF8 finds the first byte of raw that is not UTF-8: its line and
// column (from 1) and value; line is 0 when raw is valid.
func InvalidUTF8(raw []byte) (line, col int, b byte) {
	if utf8.Valid(raw) {
		return 0, 0, 0
	}
	line, col = 1, 1
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, col, raw[i]
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return 0, 0, 0
}

// SecondDocument returns the line where a second YAML document with
// content starts in raw (after ---), 0 when there is none: yaml.Unmarshal
// reads the first and drops the rest without a word.
func SecondDocument(raw []byte) int {
	if !bytes.Contains(raw, []byte("---")) && !bytes.Contains(raw, []byte("...")) {
		return 0
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var first yaml.Node
	if err := dec.Decode(&first); err != nil {
		return 0
	}
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if errors.Is(err, io.EOF) || err != nil {
			return 0
		}
		if len(next.Content) > 0 {
			if c := next.Content[0]; c.Kind != yaml.ScalarNode || c.Tag != "!!null" {
				return c.Line
			}
		}
	}
}
