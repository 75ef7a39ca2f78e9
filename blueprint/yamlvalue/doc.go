// Package yamlvalue turns YAML nodes into plain Go values in linear time.
package yamlvalue
