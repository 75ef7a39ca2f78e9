// Package schema reads the shape of config specs (keys, types, defaults, allowed values) for `blueprint list` and the JSON Schemas.
package schema
