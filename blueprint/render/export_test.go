package render

import "github.com/flosch/pongo2/v6"

var pongo2FromString = pongo2.FromString

func toPongo(ctx Context) pongo2.Context { return pongo2.Context(ctx) }
