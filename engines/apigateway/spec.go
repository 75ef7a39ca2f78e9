package apigateway

import (
	"fmt"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/engine"
)

// Type is the resource type.
const Type = "apigateway"

// functionType names the Lambda resources integrations call.
const functionType = "lambda_function"

// Engine is the apigateway resource.
type Engine struct{}

// Integration routes a path and method to a function of this config.
type Integration struct {
	Path     string `yaml:"path" validate:"required,startswith=/"`
	Method   string `yaml:"method" validate:"required,oneof=GET POST PUT PATCH DELETE HEAD OPTIONS ANY"`
	Function string `yaml:"function" validate:"required"`
}

// Spec: without integrations the API answers GET / with a mock, so it
// deploys and can be wired later.
type Spec struct {
	engine.Common `yaml:",inline"`
	Config        struct {
		Integrations []*Integration `yaml:"integrations" validate:"dive"`
	} `yaml:"config"`
}

func (Engine) Type() string       { return Type }
func (Engine) Kinds() engine.Kind { return engine.Resource }
func (Engine) NewSpec() any       { return &Spec{} }
func (Engine) Describe() string {
	return "a REST API with a stage named after the pipeline stage and access logs; config.integrations route paths to lambda_function resources"
}

// Check requires each function to be a lambda_function resource here and
// each path and method to be routed once.
func (Engine) Check(spec any, c *engine.CheckContext) {
	s := spec.(*Spec)
	seen := map[string]bool{}
	for i, in := range s.Config.Integrations {
		if in == nil {
			continue
		}
		at := fmt.Sprintf("config.integrations[%d]", i)
		if in.Function != "" {
			c.RequireResource(at+".function", "function", in.Function, functionType)
		}
		key := strings.TrimRight(in.Path, "/") + " " + in.Method
		if seen[key] {
			c.Errorf(at, "%s %s is routed twice", in.Method, in.Path)
		}
		seen[key] = true
		if strings.Contains(in.Path, "//") {
			c.Errorf(at+".path", "path %q has an empty segment", in.Path)
		}
	}
}

func trim(path string) string { return strings.Trim(path, "/") }

func errMissing(fn string) error {
	return fmt.Errorf("internal error: function %q was not built before the API", fn)
}
