// Package render fills a config template (pongo2, Jinja syntax) from its context, strictly.
//
// A literal "{%" or "{{" in data (a Step Functions JSONata expression, say)
// is written {% templatetag openblock %} / {% templatetag openvariable %},
// or inside a {% verbatim %}…{% endverbatim %} block.
package render
