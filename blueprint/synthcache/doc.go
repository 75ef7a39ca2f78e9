// Package synthcache keeps synthesized assemblies under a digest of everything that reaches them.
package synthcache
