package render

import (
	"strings"

	"github.com/flosch/pongo2/v6"
)

// AWSName replaces each character AWS refuses in the name of a function,
// topic or table (anything but A-Z, a-z, 0-9, _ and -) with "-", one for
// one, so the name keeps its length: "Iris pipeline" → "Iris-pipeline".
// It is the aws_name template filter.
func AWSName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

func awsNameFilter(in *pongo2.Value, _ *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
	return pongo2.AsValue(AWSName(in.String())), nil
}
