package config

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// units are what a value written with a unit is worth, in each unit a
// key may take (its unit tag).
var units = map[string]map[string]float64{
	"MB":      {"k": 1.0 / 1024, "kb": 1.0 / 1024, "kib": 1.0 / 1024, "m": 1, "mb": 1, "mib": 1, "g": 1024, "gb": 1024, "gib": 1024, "t": 1 << 20, "tb": 1 << 20, "tib": 1 << 20},
	"MiB":     {"k": 1.0 / 1024, "kb": 1.0 / 1024, "kib": 1.0 / 1024, "m": 1, "mb": 1, "mib": 1, "g": 1024, "gb": 1024, "gib": 1024, "t": 1 << 20, "tb": 1 << 20, "tib": 1 << 20},
	"GB":      {"m": 1.0 / 1024, "mb": 1.0 / 1024, "mib": 1.0 / 1024, "g": 1, "gb": 1, "gib": 1, "t": 1024, "tb": 1024, "tib": 1024},
	"seconds": {"ms": 0.001, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600, "d": 86400, "day": 86400, "days": 86400},
}

var withUnit = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*$`)

// Convert says what a value written with a unit ("1GB") is in the key's
// unit, as a hint; "" when it cannot tell.
func Convert(value, unit, path string) string {
	m := withUnit.FindStringSubmatch(value)
	if m == nil {
		return fmt.Sprintf("the number of %s, without a unit", unit)
	}
	factor, ok := units[unit][strings.ToLower(m[2])]
	if !ok {
		return fmt.Sprintf("the number of %s, without a unit", unit)
	}
	n, _ := strconv.ParseFloat(m[1], 64)
	key := path[strings.LastIndexAny(path, ".]")+1:]
	return fmt.Sprintf("%s is %s %s: write %s: %s", strings.TrimSpace(value), strconv.FormatFloat(n*factor, 'f', -1, 64), unit, key, strconv.FormatFloat(n*factor, 'f', -1, 64))
}

// unitOf is the unit tag of the field a validator namespace names
// ("Spec.config.memory", by yaml names below the root), or "".
func unitOf(spec any, ns string) string {
	t := reflect.TypeOf(spec)
	parts := strings.Split(ns, ".")
	unit := ""
	for _, part := range parts[1:] {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return ""
		}
		part, _, _ = strings.Cut(part, "[")
		f, ok := yamlField(t, part)
		if !ok {
			return ""
		}
		t, unit = f.Type, f.Tag.Get("unit")
	}
	return unit
}

// yamlField finds a struct's field by its yaml name, inline structs
// included (they have the inline segment as their name).
func yamlField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		n, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if opts == "inline" {
			if name == inlineSegment {
				return sf, true
			}
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if f, ok := yamlField(ft, name); ok {
				return f, true
			}
			continue
		}
		if n == "" {
			n = strings.ToLower(sf.Name)
		}
		if n == name {
			return sf, true
		}
	}
	return reflect.StructField{}, false
}
