package apigateway

import (
	"fmt"
	"regexp"
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
	// Proxy false is a Lambda custom (non-proxy) integration: the function
	// gets the request body and its return value is the response body.
	// Default true (Lambda proxy integration).
	Proxy *bool `yaml:"proxy"`
}

// Spec: without any method the API answers GET / with a mock, so it
// deploys and can be wired later.
type Spec struct {
	engine.Common `yaml:",inline"`
	// Named is physical_name, the API's name (default
	// <name>-<pipeline>-<stage>).
	engine.Named `yaml:",inline"`
	// ConstructID is the id of the API's construct in the stack: CDK
	// derives the logical IDs of the API and of everything under it (its
	// resources, methods, deployment and stage) from it, so the API of a
	// stack another CDK app deployed (data.all's <name>-<stage>) is
	// updated in place, keeping its ID and URL. Default: one of ours.
	ConstructID string `yaml:"construct_id" validate:"omitempty,max=200,excludes=/"`
	Config      struct {
		Integrations []*Integration `yaml:"integrations" validate:"dive"`
		// Paths are resources the API has without an integration of
		// their own (with cors, they answer OPTIONS).
		Paths []string `yaml:"paths" validate:"dive,startswith=/"`
		// CORS gives every resource below the root, and the root when it
		// has a method, an OPTIONS method: a mock answering 200 with
		// Access-Control-Allow-Headers, -Origin '*' and -Methods (OPTIONS
		// and the resource's own methods); each function's 200 response
		// carries Access-Control-Allow-Origin '*'.
		CORS bool `yaml:"cors"`
		// StageName is the name of the API's deployment stage; default the
		// pipeline stage.
		StageName string `yaml:"stage_name" validate:"omitempty,max=128"`
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
		if s.Config.CORS && in.Method == "OPTIONS" {
			c.Errorf(at+".method", "with cors: true every resource answers OPTIONS itself").Hint = "route another method, or set cors: false"
		}
	}
	for i, p := range s.Config.Paths {
		if strings.Contains(p, "//") {
			c.Errorf(fmt.Sprintf("config.paths[%d]", i), "path %q has an empty segment", p)
		}
	}
	if s.Config.StageName != "" && !stageName.MatchString(s.Config.StageName) {
		c.Errorf("config.stage_name", "stage name %q may hold only letters, digits, - and _", s.Config.StageName)
	}
}

var stageName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func trim(path string) string { return strings.Trim(path, "/") }

func errMissing(fn string) error {
	return fmt.Errorf("internal error: function %q was not built before the API", fn)
}

// tree is the API's resources: every path an integration or paths names,
// and every prefix of them, in the order they first appear ("" is the
// root), with the methods routed on each.
type tree struct {
	paths   []string
	methods map[string][]string
}

func newTree(s *Spec) *tree {
	t := &tree{methods: map[string][]string{}}
	seen := map[string]bool{}
	add := func(path string) string {
		p := trim(path)
		segs := strings.Split(p, "/")
		for i := range segs {
			prefix := strings.Join(segs[:i+1], "/")
			if prefix != "" && !seen[prefix] {
				seen[prefix] = true
				t.paths = append(t.paths, prefix)
			}
		}
		return p
	}
	for _, in := range s.Config.Integrations {
		if in == nil {
			continue
		}
		p := add(in.Path)
		if p == "" && !seen[""] {
			seen[""] = true
			t.paths = append([]string{""}, t.paths...)
		}
		t.methods[p] = append(t.methods[p], in.Method)
	}
	for _, p := range s.Config.Paths {
		add(p)
	}
	return t
}

// empty: the API would have no method (paths have one only with cors).
func (t *tree) empty(cors bool) bool { return len(t.methods) == 0 && !(cors && len(t.paths) > 0) }
