// Package yamlslip finds the line whose indentation broke a YAML text, and what would fix it.
package yamlslip
