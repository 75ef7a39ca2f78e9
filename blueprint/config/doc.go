// Package config decodes rendered pipeline YAML strictly into Go structs, keeping every value's position.
package config
