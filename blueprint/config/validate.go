package config

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"

	"github.com/blueprint-dev/blueprint/blueprint/diag"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// Validator returns the one validator, naming fields by their yaml keys.
func Validator() *validator.Validate {
	validateOnce.Do(func() {
		validate = validator.New(validator.WithRequiredStructEnabled())
		validate.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if opts == "inline" {
				return inlineSegment
			}
			if name == "-" {
				return ""
			}
			if name == "" {
				return strings.ToLower(f.Name)
			}
			return name
		})
	})
	return validate
}

// inlineSegment names inline structs in validator namespaces, to be cut.
const inlineSegment = "\x00"

// Check runs the validate tags of spec, decoded at path, and reports each
// failure at the position of the value (or of its parent when missing).
func (d *Decoder) Check(spec any, path string) {
	err := Validator().Struct(spec)
	if err == nil {
		return
	}
	verrs, ok := err.(validator.ValidationErrors)
	if !ok {
		d.Errorf(d.Node(path), path, "%v", err)
		return
	}
	for _, fe := range verrs {
		// Namespace is "Spec.config.entry": drop the root type name.
		ns := fe.Namespace()
		if i := strings.IndexByte(ns, '.'); i >= 0 {
			ns = ns[i+1:]
		} else {
			ns = ""
		}
		// Inline structs have no yaml name of their own.
		ns = strings.ReplaceAll(ns+".", inlineSegment+".", "")
		ns = strings.TrimSuffix(ns, ".")
		p := join(path, ns)
		if d.Broken(p) {
			continue
		}
		msg := Sentence(fe)
		if u := unitOf(spec, fe.Namespace()); u != "" && (fe.Tag() == "min" || fe.Tag() == "max" || fe.Tag() == "gte" || fe.Tag() == "lte") {
			// "must be at most 900; got 1000" → "… 900 seconds; …"
			msg = strings.Replace(msg, " "+fe.Param()+";", " "+fe.Param()+" "+u+";", 1)
		}
		d.Errorf(d.Node(p), p, "%s", msg)
	}
}

// Sentence turns a validator failure into a human sentence.
func Sentence(fe validator.FieldError) string {
	got := fmt.Sprintf("%v", fe.Value())
	if fe.Kind() == reflect.String {
		got = fmt.Sprintf("%q", fe.Value())
	}
	p := fe.Param()
	switch fe.Tag() {
	case "required":
		return "is required"
	case "required_without":
		return fmt.Sprintf("is required when %s is not set", yamlName(p))
	case "required_with":
		return fmt.Sprintf("is required when %s is set", yamlName(p))
	case "excluded_with":
		return fmt.Sprintf("cannot be set together with %s", yamlName(p))
	case "oneof":
		return fmt.Sprintf("must be one of %s; got %s", diag.OneOf(strings.Fields(p)), got)
	case "min", "gte":
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			return fmt.Sprintf("must have at least %s entries", p)
		}
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("must be at least %s characters long", p)
		}
		return fmt.Sprintf("must be at least %s; got %s", p, got)
	case "max", "lte":
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			return fmt.Sprintf("must have at most %s entries", p)
		}
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("must be at most %s characters long", p)
		}
		return fmt.Sprintf("must be at most %s; got %s", p, got)
	case "gt":
		return fmt.Sprintf("must be more than %s; got %s", p, got)
	case "lt":
		return fmt.Sprintf("must be less than %s; got %s", p, got)
	case "startswith":
		return fmt.Sprintf("must start with %q; got %s", p, got)
	case "alphanum":
		return fmt.Sprintf("must contain only letters and digits; got %s", got)
	case "numeric":
		return fmt.Sprintf("must be a number; got %s", got)
	case "url", "uri":
		return fmt.Sprintf("must be a URL; got %s", got)
	case "dive":
		return "has an invalid entry"
	}
	return fmt.Sprintf("fails the %q check; got %s", fe.Tag(), got)
}

// yamlName turns a Go field name parameter (validator keeps those in
// params) into the snake_case key users write.
func yamlName(goName string) string {
	var b strings.Builder
	for i, r := range goName {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
