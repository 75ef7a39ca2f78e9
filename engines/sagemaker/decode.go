package sagemaker

import (
	"gopkg.in/yaml.v3"

	"github.com/blueprint-dev/blueprint/blueprint/config"
	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

type (
	decoder = *config.Decoder
	node    = *yaml.Node
)

func decodeImage(d decoder, n node, path string, im *Image) {
	if n.Kind == yaml.ScalarNode {
		im.URI = n.Value
		return
	}
	var v struct {
		Directory     string `yaml:"directory" validate:"required_without=ECRRepository"`
		File          string `yaml:"file"`
		URI           string `yaml:"uri"`
		ECRRepository bool   `yaml:"ecr_repository" validate:"excluded_with=Directory"`
		Tag           string `yaml:"tag"`
	}
	d.Decode(n, &v, path)
	d.Check(&v, path)
	im.Directory, im.File, im.URI, im.ECRRepository, im.Tag = v.Directory, v.File, v.URI, v.ECRRepository, v.Tag
}

func diagSuggest(got string, c []string) string { return diag.Suggest(got, c) }

// DecodeNode sets the defaults before decoding, so entries of a
// resources list get them too.
func (r *Resources) DecodeNode(d decoder, n node, path string) {
	type plain Resources
	*r = defaultResources()
	d.Decode(n, (*plain)(r), path)
}
