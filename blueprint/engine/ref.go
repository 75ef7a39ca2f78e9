package engine

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Ref names a value that only exists at deploy time (an ARN, a generated
// name). The plan writes it into the definition as a placeholder string;
// synth replaces each placeholder with the CDK token of the resource it
// built, and `blueprint graph` with a readable fake value.
type Ref struct {
	Kind string // an engine type ("lambda_function") or "aws" for pseudo parameters
	Name string // the item name; for "aws": region, account, partition
	Attr string // "arn", "name", …
}

// ContextKind refs name a template-context value (pipeline_bucket, …):
// synth writes it, or a deploy-time SSM reference when the context lacks it.
const ContextKind = "context"

// ContextRef is the placeholder of a template-context value.
func ContextRef(key string) string { return Ref{Kind: ContextKind, Name: key}.String() }

// SSMKind refs name an SSM String parameter of the account, read at
// deploy: synth writes a CloudFormation parameter of type
// AWS::SSM::Parameter::Value<String>, as CDK's
// StringParameter.valueForStringParameter does.
const SSMKind = "ssm"

// SSMRef is the placeholder of the value of the SSM parameter name.
func SSMRef(name string) string { return Ref{Kind: SSMKind, Name: name}.String() }

// Pseudo parameters of the deploying account.
var (
	Region    = Ref{Kind: "aws", Name: "region"}
	Account   = Ref{Kind: "aws", Name: "account"}
	Partition = Ref{Kind: "aws", Name: "partition"}
)

// String is the placeholder written into the definition.
func (r Ref) String() string {
	return "${bp:" + r.Kind + ":" + escape(r.Name) + ":" + r.Attr + "}"
}

// escape percent-encodes every byte outside [A-Za-z0-9_.-] so any item
// name fits between the placeholder's colons.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

var placeholder = regexp.MustCompile(`\$\{bp:([^:}]*):([^:}]*):([^:}]*)\}`)

// Refs returns the refs written in s, in order of appearance.
func Refs(s string) []Ref {
	var out []Ref
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		name, err := url.PathUnescape(m[2])
		if err != nil {
			name = m[2]
		}
		out = append(out, Ref{Kind: m[1], Name: name, Attr: m[3]})
	}
	return out
}

// ReplaceRefs replaces every placeholder in s by fn's value for it.
func ReplaceRefs(s string, fn func(Ref) string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		return fn(Refs(m)[0])
	})
}

// ARN builds an ARN string for service and resource in the deploying
// account and region, with placeholders for both.
func ARN(service, resource string) string {
	return "arn:" + Partition.String() + ":" + service + ":" + Region.String() + ":" + Account.String() + ":" + resource
}

// Readable renders a ref as a plausible literal, for graphs and offline
// validation: arn:aws:lambda:eu-west-1:123456789012:function:MyLambda.
func Readable(r Ref) string {
	switch r.Kind {
	case ContextKind:
		return "example-" + strings.ReplaceAll(r.Name, "_", "-")
	case SSMKind:
		return "{{resolve:ssm:" + r.Name + "}}"
	case "aws":
		switch r.Name {
		case "region":
			return "eu-west-1"
		case "account":
			return "123456789012"
		case "partition":
			return "aws"
		}
	}
	name := strings.ReplaceAll(r.Name, " ", "-")
	if r.Attr != "arn" {
		return name
	}
	if shape, ok := arnShapes[r.Kind]; ok {
		return "arn:aws:" + shape.service + ":eu-west-1:123456789012:" + fmt.Sprintf(shape.resource, name)
	}
	return "arn:aws:" + serviceOf(r.Kind) + ":eu-west-1:123456789012:" + r.Kind + "/" + name
}

// arnShapes gives the ARN layout of the types whose ARNs appear in plans.
var arnShapes = map[string]struct{ service, resource string }{
	"lambda_function":           {"lambda", "function:%s"},
	"lambda_layer":              {"lambda", "layer:%s:1"},
	"sns_topic":                 {"sns", "%s"},
	"glue_job":                  {"glue", "job/%s"},
	"athena_workgroup":          {"athena", "workgroup/%s"},
	"batch_job_queue":           {"batch", "job-queue/%s"},
	"batch_job_definition":      {"batch", "job-definition/%s:1"},
	"batch_compute_environment": {"batch", "compute-environment/%s"},
	"dynamodb":                  {"dynamodb", "table/%s"},
	StateMachineKind:            {"states", "stateMachine:%s"},
}

// StateMachineKind refs name a child state machine of a split pipeline.
const StateMachineKind = "state_machine"

func serviceOf(kind string) string {
	if i := strings.IndexByte(kind, '_'); i > 0 {
		return kind[:i]
	}
	return kind
}
