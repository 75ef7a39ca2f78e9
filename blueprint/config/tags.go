package config

import (
	"sort"
	"strings"
)

// Tag is one resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// EnvTagPrefix starts the environment variables whose rest is a tag key:
// ENVTAG_Owner=me tags resources Owner: me.
const EnvTagPrefix = "ENVTAG_"

// EnvTags returns the tags the ENVTAG_ variables of environ give, sorted
// by key.
func EnvTags(environ []string) []Tag {
	var tags []Tag
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(k, EnvTagPrefix) && len(k) > len(EnvTagPrefix) {
			tags = append(tags, Tag{Key: strings.TrimPrefix(k, EnvTagPrefix), Value: v})
		}
	}
	sort.SliceStable(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return tags
}

// DataAllTags are the tags data.all's stack gave its resources and its
// jobs (utils/stack_util.py:383-414): the ENVTAG_ variables, then
// Application: data.all, PipelineInfo: <stage>/<ORIGIN_PIPELINE_NAME or
// the config's name>, BuildID (CODEBUILD_BUILD_ID), CommitID
// (CODEBUILD_RESOLVED_SOURCE_VERSION), EnvironmentRole (ENVROLEARN),
// samlgroup (SAML_GROUP, lowercased), PipelineURI (PIPELINE_URI) and
// EnvironmentURI (ENVIRONMENT_URI), each of the last six when set. A key
// set twice keeps its first place and its last value, as a Python dict.
func (s *Stack) DataAllTags() []Tag {
	tags := EnvTags(s.environ)
	set := func(k, v string) {
		for i := range tags {
			if tags[i].Key == k {
				tags[i].Value = v
				return
			}
		}
		tags = append(tags, Tag{Key: k, Value: v})
	}
	env := func(name string) (string, bool) {
		if s.lookupEnv == nil {
			return "", false
		}
		return s.lookupEnv(name)
	}
	origin := ""
	if s.Pipeline != nil {
		origin = s.Pipeline.Name
	}
	if v, ok := env("ORIGIN_PIPELINE_NAME"); ok {
		origin = v // stack_util.py:76-78: set, even to ""
	}
	set("Application", "data.all")
	set("PipelineInfo", s.Stage()+"/"+origin)
	for _, t := range []struct{ key, env string }{
		{"BuildID", "CODEBUILD_BUILD_ID"},
		{"CommitID", "CODEBUILD_RESOLVED_SOURCE_VERSION"},
		{"EnvironmentRole", "ENVROLEARN"},
		{"samlgroup", "SAML_GROUP"},
	} {
		if v, _ := env(t.env); v != "" {
			if t.key == "samlgroup" {
				v = strings.ToLower(v)
			}
			set(t.key, v)
		}
	}
	// Always set by data.all's CodeBuild; a tag only when set here.
	for _, t := range []struct{ key, env string }{{"PipelineURI", "PIPELINE_URI"}, {"EnvironmentURI", "ENVIRONMENT_URI"}} {
		if v, ok := env(t.env); ok {
			set(t.key, v)
		}
	}
	return tags
}
