package check

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Placeholder values for deploy-time references.
const (
	region  = "us-east-1"
	account = "123456789012"
)

// Definitions extracts each state machine of a template (logical id →
// definition), resolving intrinsic functions to plausible literals.
func Definitions(template []byte) (map[string][]byte, error) {
	var tpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(template, &tpl); err != nil {
		return nil, err
	}
	types := map[string]string{}
	for id, r := range tpl.Resources {
		types[id] = r.Type
	}
	r := &resolver{types: types}
	out := map[string][]byte{}
	ids := make([]string, 0, len(tpl.Resources))
	for id := range tpl.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		res := tpl.Resources[id]
		if res.Type != "AWS::StepFunctions::StateMachine" {
			continue
		}
		if _, ok := res.Properties["DefinitionS3Location"]; ok {
			return nil, fmt.Errorf("%s: DefinitionS3Location is not supported; only inline definitions can be checked", id)
		}
		def, ok := res.Properties["DefinitionString"]
		if !ok {
			if body, ok := res.Properties["Definition"]; ok {
				b, err := json.Marshal(body)
				if err != nil {
					return nil, err
				}
				out[id] = b
				continue
			}
			return nil, fmt.Errorf("%s: no definition", id)
		}
		s, err := r.resolve(def)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		if subs, ok := res.Properties["DefinitionSubstitutions"].(map[string]any); ok {
			for k, v := range subs {
				val, err := r.resolve(v)
				if err != nil {
					return nil, err
				}
				s = strings.ReplaceAll(s, "${"+k+"}", val)
			}
		}
		out[id] = []byte(s)
	}
	return out, nil
}

type resolver struct {
	types map[string]string
}

func (r *resolver) resolve(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64, bool:
		return fmt.Sprint(x), nil
	case map[string]any:
		if len(x) != 1 {
			return "", fmt.Errorf("unexpected object %v", x)
		}
		for fn, arg := range x {
			return r.intrinsic(fn, arg)
		}
	}
	return "", fmt.Errorf("unexpected value %v", v)
}

func (r *resolver) intrinsic(fn string, arg any) (string, error) {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		return r.ref(name), nil
	case "Fn::GetAtt":
		parts, ok := arg.([]any)
		if !ok || len(parts) != 2 {
			return "", fmt.Errorf("bad Fn::GetAtt %v", arg)
		}
		return r.getAtt(fmt.Sprint(parts[0]), fmt.Sprint(parts[1])), nil
	case "Fn::Join":
		parts, ok := arg.([]any)
		if !ok || len(parts) != 2 {
			return "", fmt.Errorf("bad Fn::Join %v", arg)
		}
		list, ok := parts[1].([]any)
		if !ok {
			return "", fmt.Errorf("bad Fn::Join list %v", parts[1])
		}
		vals := make([]string, len(list))
		for i, p := range list {
			s, err := r.resolve(p)
			if err != nil {
				return "", err
			}
			vals[i] = s
		}
		return strings.Join(vals, fmt.Sprint(parts[0])), nil
	case "Fn::Sub":
		text, vars := "", map[string]any{}
		switch a := arg.(type) {
		case string:
			text = a
		case []any:
			if len(a) != 2 {
				return "", fmt.Errorf("bad Fn::Sub %v", arg)
			}
			text, _ = a[0].(string)
			vars, _ = a[1].(map[string]any)
		}
		var err error
		out := subVar.ReplaceAllStringFunc(text, func(m string) string {
			name := m[2 : len(m)-1]
			if v, ok := vars[name]; ok {
				s, e := r.resolve(v)
				if e != nil {
					err = e
				}
				return s
			}
			if res, attr, ok := strings.Cut(name, "."); ok {
				return r.getAtt(res, attr)
			}
			return r.ref(name)
		})
		return out, err
	case "Fn::ImportValue":
		return "imported-value", nil
	case "Fn::Select":
		return "selected-value", nil
	case "Fn::FindInMap":
		return "mapped-value", nil
	}
	return "", errors.New("unsupported intrinsic " + fn)
}

var subVar = regexp.MustCompile(`\$\{[^!}][^}]*\}`)

func (r *resolver) ref(name string) string {
	switch name {
	case "AWS::Region":
		return region
	case "AWS::AccountId":
		return account
	case "AWS::Partition":
		return "aws"
	case "AWS::URLSuffix":
		return "amazonaws.com"
	case "AWS::StackName":
		return "stack"
	}
	switch r.types[name] {
	case "AWS::SNS::Topic", "AWS::Batch::JobQueue", "AWS::Batch::JobDefinition", "AWS::Batch::ComputeEnvironment":
		return r.arn(name)
	}
	return name
}

func (r *resolver) getAtt(name, attr string) string {
	if strings.HasSuffix(attr, "Arn") {
		return r.arn(name)
	}
	return name + "-" + attr
}

// arn forms an ARN of the right shape for the resource's type.
func (r *resolver) arn(id string) string {
	typ := r.types[id]
	parts := strings.Split(typ, "::")
	service := "unknown"
	if len(parts) == 3 {
		service = strings.ToLower(parts[1])
	}
	prefix := fmt.Sprintf("arn:aws:%s:%s:%s:", service, region, account)
	switch typ {
	case "AWS::Lambda::Function":
		return prefix + "function:" + id
	case "AWS::Lambda::LayerVersion":
		return prefix + "layer:" + id + ":1"
	case "AWS::SNS::Topic":
		return prefix + id
	case "AWS::IAM::Role":
		return "arn:aws:iam::" + account + ":role/" + id
	case "AWS::Batch::JobQueue":
		return prefix + "job-queue/" + id
	case "AWS::Batch::JobDefinition":
		return prefix + "job-definition/" + id + ":1"
	case "AWS::StepFunctions::StateMachine":
		return prefix + "stateMachine:" + id
	}
	return prefix + strings.ToLower(parts[len(parts)-1]) + "/" + id
}
