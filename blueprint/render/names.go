package render

import (
	"crypto/md5"
	"fmt"
	"regexp"
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

// logicalIDFilter is the logical_id template filter: the logical ID of
// the construct path it is given, its ids joined by "/"
// ({{ "jobdefinition"|add:pipeline_name|add:"/Resource"|logical_id }}).
func logicalIDFilter(in *pongo2.Value, _ *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
	return pongo2.AsValue(LogicalID(strings.Split(in.String(), "/")...)), nil
}

var nonAlphanumeric = regexp.MustCompile(`[^A-Za-z0-9]`)

// LogicalID is the logical ID CDK (v1 and v2: makeUniqueId in
// core/lib/private/uniqueid) gives a CloudFormation resource whose
// construct path under its stack is path: a lone component without its
// non-alphanumeric characters; otherwise the components ("Default"
// dropped; "Resource" and components ending the one before left out of
// the readable part) and the first 8 hex digits of the MD5 of the path.
func LogicalID(path ...string) string {
	var parts []string
	for _, p := range path {
		if p != "Default" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if len(parts) == 1 {
		if id := nonAlphanumeric.ReplaceAllString(parts[0], ""); len(id) <= 255 {
			return id
		}
	}
	sum := md5.Sum([]byte(strings.Join(parts, "/")))
	var human strings.Builder
	var kept []string
	for _, p := range parts {
		if len(kept) == 0 || !strings.HasSuffix(kept[len(kept)-1], p) {
			kept = append(kept, p)
		}
	}
	for _, p := range kept {
		if p != "Resource" {
			human.WriteString(nonAlphanumeric.ReplaceAllString(p, ""))
		}
	}
	h := human.String()
	if len(h) > 240 {
		h = h[:240]
	}
	return h + strings.ToUpper(fmt.Sprintf("%x", sum)[:8])
}
