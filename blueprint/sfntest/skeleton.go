package sfntest

import (
	"bytes"
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
)

// typical answers a task of an integration gives when all goes well.
var typical = []struct {
	resource, name string
	ret            any
}{
	{":::lambda:invoke", "LambdaReturns", map[string]any{"StatusCode": 200, "Payload": map[string]any{}}},
	{":::glue:startJobRun", "GlueJobSucceeds", map[string]any{"JobRunState": "SUCCEEDED"}},
	{":::athena:startQueryExecution", "QuerySucceeds", map[string]any{"QueryExecution": map[string]any{"Status": map[string]any{"State": "SUCCEEDED"}}}},
	{":::sns:publish", "Published", map[string]any{"MessageId": "00000000-0000-4000-8000-000000000000"}},
	{":::batch:submitJob", "BatchJobSucceeds", map[string]any{"Status": "SUCCEEDED"}},
	{":::aws-sdk:sagemaker:describeEndpoint", "EndpointInService", map[string]any{"EndpointStatus": "InService"}},
	{":::aws-sdk:sagemaker:describeTrainingJob", "TrainingJobDescribed", map[string]any{"TrainingJobName": "best-training-job",
		"AlgorithmSpecification": map[string]any{"TrainingImage": "training-image"}, "ModelArtifacts": map[string]any{"S3ModelArtifacts": "s3://bucket/model.tar.gz"}}},
	{":::sagemaker:createHyperParameterTuningJob", "TuningSucceeds", map[string]any{"HyperParameterTuningJobStatus": "Completed",
		"BestTrainingJob": map[string]any{"TrainingJobName": "best-training-job"}}},
	{":::sagemaker:", "SageMakerSucceeds", map[string]any{}},
}

// Skeleton writes a test file to start from: for each machine a case
// HappyPath that mocks every Task state with a typical success of its
// integration, and expects the run to succeed. The input and the
// responses are the user's to fill in.
func Skeleton(machines map[string]*asl.StateMachine) ([]byte, error) {
	type file struct {
		StateMachines   map[string]map[string]map[string]map[string]string `json:"StateMachines"`
		MockedResponses map[string]map[string]Response                     `json:"MockedResponses"`
		Expectations    map[string]map[string]*Expectation                 `json:"Expectations"`
	}
	f := file{StateMachines: map[string]map[string]map[string]map[string]string{},
		MockedResponses: map[string]map[string]Response{}, Expectations: map[string]map[string]*Expectation{}}
	for _, m := range keys(machines) {
		mocks := map[string]string{}
		machines[m].Walk(func(name string, s *asl.State) {
			if s.Type == asl.Map && s.ItemReader != nil {
				resp, ret := readerMock(s.ItemReader)
				mocks[name] = resp
				f.MockedResponses[resp] = map[string]Response{"0": {Return: ret}}
				return
			}
			if s.Type != asl.Task {
				return
			}
			resp, ret := "TaskSucceeds", any(map[string]any{})
			for _, t := range typical {
				if strings.Contains(s.Resource, t.resource) {
					resp, ret = t.name, t.ret
					break
				}
			}
			mocks[name] = resp
			f.MockedResponses[resp] = map[string]Response{"0": {Return: ret}}
		})
		f.StateMachines[m] = map[string]map[string]map[string]string{"TestCases": {"HappyPath": mocks}}
		input := map[string]any{}
		for _, field := range inputFields(machines[m]) {
			input[field] = "?"
		}
		for _, field := range itemFields(machines[m]) {
			input[field] = []any{"?", "?"}
		}
		f.Expectations[m] = map[string]*Expectation{"HappyPath": {Input: input, Status: "SUCCEEDED"}}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(f)
	return b.Bytes(), err
}

// readerMock is what a distributed Map's item reader typically reads:
// two objects under the prefix, or two records of the object.
func readerMock(r *asl.ItemReader) (string, any) {
	params, _ := r.Parameters.(map[string]any)
	prefix, _ := params["Prefix"].(string)
	if r.ReaderConfig == nil || r.ReaderConfig.InputType == "" {
		obj := func(name string) map[string]any {
			return map[string]any{"Key": prefix + name, "Size": 1024, "Etag": "\"0\"", "StorageClass": "STANDARD"}
		}
		return "ObjectsListed", []any{obj("part-0000.json"), obj("part-0001.json")}
	}
	if cfg := r.ReaderConfig; cfg.InputType == "CSV" && cfg.CSVHeaderLocation == "GIVEN" {
		row := map[string]any{}
		for _, h := range cfg.CSVHeaders {
			row[h] = "?"
		}
		return "RowsRead", []any{row, row}
	}
	return "RecordsRead", []any{map[string]any{}, map[string]any{}}
}

// itemFields lists the top-level input fields that Maps read their items
// from ($.partitions), for a skeleton to give them a list.
func itemFields(sm *asl.StateMachine) []string {
	var out []string
	for _, s := range sm.States {
		if m := inputRef.FindStringSubmatch(s.ItemsPath); s.Type == asl.Map && m != nil && "$."+m[2] == s.ItemsPath {
			out = append(out, m[2])
		}
		for _, b := range s.Branches {
			out = append(out, itemFields(b)...)
		}
	}
	sort.Strings(out)
	return out
}

// inputRef finds the first field of a $.path, not of a $$. context path.
var inputRef = regexp.MustCompile(`(^|[^$])\$\.([A-Za-z_][A-Za-z0-9_]*)`)

// inputFields lists the top-level fields of the execution input a machine
// reads (Parameters, Choice variables, Wait and Map paths), less those
// its own states write with ResultPath. Map iterations read their item,
// not the input, and are left out.
func inputFields(sm *asl.StateMachine) []string {
	read, written := map[string]bool{}, map[string]bool{}
	add := func(into map[string]bool, text string) {
		for _, m := range inputRef.FindAllStringSubmatch(text, -1) {
			into[m[2]] = true
		}
	}
	var params func(v any)
	params = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if s, ok := val.(string); ok && strings.HasSuffix(k, ".$") {
					add(read, s)
				} else {
					params(val)
				}
			}
		case []any:
			for _, val := range x {
				params(val)
			}
		}
	}
	var rule func(r *asl.ChoiceRule)
	rule = func(r *asl.ChoiceRule) {
		if r == nil {
			return
		}
		add(read, r.Variable)
		for op, v := range r.Comparison {
			if s, ok := v.(string); ok && strings.HasSuffix(op, "Path") {
				add(read, s)
			}
		}
		for _, c := range append(append([]*asl.ChoiceRule(nil), r.And...), r.Or...) {
			rule(c)
		}
		rule(r.Not)
	}
	var walk func(sm *asl.StateMachine)
	walk = func(sm *asl.StateMachine) {
		for _, s := range sm.States {
			params(normalize(s.Parameters)) // plans build them of typed Go values
			for _, p := range []string{s.SecondsPath, s.TimestampPath, s.ItemsPath, s.ErrorPath, s.CausePath} {
				add(read, p)
			}
			if s.InputPath != nil {
				add(read, s.InputPath.Value)
			}
			for _, r := range s.Choices {
				rule(r)
			}
			if s.ResultPath != nil && !s.ResultPath.Null {
				add(written, s.ResultPath.Value)
			}
			for _, c := range s.Catch {
				if c.ResultPath != nil && !c.ResultPath.Null {
					add(written, c.ResultPath.Value)
				}
			}
			for _, b := range s.Branches {
				walk(b)
			}
		}
	}
	walk(sm)
	var out []string
	for f := range read {
		if !written[f] {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}
