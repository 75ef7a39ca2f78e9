package executor

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/blueprint-dev/blueprint/blueprint/asl"
)

// mapState runs a Map's iterations in item order. Inline, the first
// failed iteration fails the Map with its error. Distributed, each
// iteration is a child execution: failures are counted, and the Map fails
// with States.ExceedToleratedFailureThreshold only when more failed than
// ToleratedFailurePercentage / ToleratedFailureCount allow.
func (e *execution) mapState(name string, s *asl.State, eff any, ctx map[string]any, retries int) (any, *Error) {
	var items any = eff
	switch {
	case s.ItemReader != nil:
		v, err := e.readItems(name, s.ItemReader, eff, ctx, retries)
		if err != nil {
			return nil, err
		}
		items = v
	case s.ItemsPath != "":
		v, err := resolve(s.ItemsPath, eff, ctx)
		if err != nil {
			return nil, runtime("ItemsPath %q: %v", s.ItemsPath, err)
		}
		items = v
	}
	list, ok := items.([]any)
	if !ok {
		return nil, &Error{Error: asl.ErrQueryEvaluation, Cause: fmt.Sprintf("Map items must be an array; got %s", kindOf(items))}
	}
	proc := s.ItemProcessor
	if proc == nil {
		proc = s.Iterator
	}
	selector := s.ItemSelector
	if selector == nil {
		selector = s.Parameters
	}
	inputs := make([]any, len(list))
	for i, item := range list {
		inputs[i] = item
		if selector != nil {
			c := cloneMap(ctx)
			c["Map"] = map[string]any{"Item": map[string]any{"Index": float64(i), "Value": item}}
			v, err := e.template(selector, eff, c)
			if err != nil {
				return nil, err
			}
			inputs[i] = v
		}
	}
	if s.ItemBatcher != nil {
		batches, err := e.batch(s.ItemBatcher, inputs, eff, ctx)
		if err != nil {
			return nil, err
		}
		inputs = batches
	}
	distributed := s.Distributed()
	if distributed {
		e.event("MapRunStarted", name, fmt.Sprintf("%d child executions", len(inputs)))
	}
	out := make([]any, len(inputs))
	failed := 0
	var first *Error
	for i, in := range inputs {
		mapCtx := map[string]any{"Item": map[string]any{"Index": float64(i), "Value": in}}
		e.iterations = append(e.iterations, i)
		v, err := e.machine(proc, in, mapCtx)
		e.iterations = e.iterations[:len(e.iterations)-1]
		if err == nil {
			out[i] = v
			continue
		}
		if !distributed || e.transitions > e.opts.MaxTransitions {
			return nil, err
		}
		failed++
		if first == nil {
			first = err
		}
		e.event("MapIterationFailed", name, fmt.Sprintf("item %d: %s", i, err.Error))
		out[i] = map[string]any{"Error": err.Error, "Cause": err.Cause}
	}
	if distributed && failed > 0 && !tolerated(s, failed, len(inputs)) {
		e.event("MapRunFailed", name, fmt.Sprintf("%d of %d child executions failed", failed, len(inputs)))
		return nil, &Error{Error: asl.ErrToleratedFailure, Cause: fmt.Sprintf("%d of %d child executions failed (%s), more than the Map tolerates; the first: %s: %s",
			failed, len(inputs), percent(failed, len(inputs)), first.Error, first.Cause)}
	}
	if distributed {
		e.event("MapRunSucceeded", name, fmt.Sprintf("%d of %d child executions failed", failed, len(inputs)))
	}
	if w := s.ResultWriter; w != nil {
		return e.written(name, w, eff, ctx)
	}
	return out, nil
}

// tolerated applies ToleratedFailurePercentage and ToleratedFailureCount:
// a run fails when either is exceeded, and with neither at any failure.
func tolerated(s *asl.State, failed, total int) bool {
	if s.ToleratedFailurePercentage == nil && s.ToleratedFailureCount == nil {
		return false
	}
	if p := s.ToleratedFailurePercentage; p != nil && float64(failed)*100 > *p*float64(total) {
		return false
	}
	if c := s.ToleratedFailureCount; c != nil && failed > *c {
		return false
	}
	return true
}

func percent(n, total int) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", float64(n)*100/float64(total)), "0"), ".") + "%"
}

// readItems asks the task handler for what the ItemReader reads, as a
// Task state named like the Map: a list of items, an S3 ListObjectsV2
// answer ({"Contents": [...]}), or an object's text to parse as its
// InputType says.
func (e *execution) readItems(name string, r *asl.ItemReader, eff any, ctx map[string]any, retries int) (any, *Error) {
	params := any(map[string]any{})
	if r.Parameters != nil {
		p, err := e.template(r.Parameters, eff, ctx)
		if err != nil {
			return nil, err
		}
		params = p
	}
	if e.opts.Tasks == nil {
		return nil, &Error{Error: asl.ErrItemReaderFailed, Cause: "no task handler to read the items"}
	}
	e.event("ItemReaderScheduled", name, r.Resource)
	got, ferr := e.opts.Tasks.Invoke(TaskContext{State: name, Resource: r.Resource, Input: params, Attempt: retries, Iteration: e.iteration()})
	if ferr != nil {
		return nil, ferr
	}
	cfg := r.ReaderConfig
	if cfg == nil {
		cfg = &asl.ReaderConfig{}
	}
	items, err := parseItems(normalize(got), cfg)
	if err != nil {
		return nil, &Error{Error: asl.ErrItemReaderFailed, Cause: err.Error()}
	}
	if cfg.MaxItems > 0 && len(items) > cfg.MaxItems {
		items = items[:cfg.MaxItems]
	}
	return items, nil
}

func parseItems(got any, cfg *asl.ReaderConfig) ([]any, error) {
	switch v := got.(type) {
	case []any:
		return v, nil
	case map[string]any:
		if list, ok := v["Contents"].([]any); ok && cfg.InputType == "" {
			return list, nil
		}
		return nil, fmt.Errorf("the reader returned an object; give the items as a list (or, listing objects, {\"Contents\": [...]})")
	case string:
		return parseObject(v, cfg)
	}
	return nil, fmt.Errorf("the reader returned %s; give the items as a list, or the object's text", kindOf(got))
}

// parseObject reads an S3 object's text as the reader's InputType says.
func parseObject(text string, cfg *asl.ReaderConfig) ([]any, error) {
	switch cfg.InputType {
	case "JSON":
		var v any
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			return nil, fmt.Errorf("the object is not JSON: %v", err)
		}
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("a JSON object read as items must be an array; got %s", kindOf(v))
		}
		return list, nil
	case "JSONL":
		var out []any
		for i, line := range strings.Split(text, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			var v any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				return nil, fmt.Errorf("line %d is not JSON: %v", i+1, err)
			}
			out = append(out, v)
		}
		return out, nil
	case "CSV":
		rd := csv.NewReader(bytes.NewReader([]byte(text)))
		rd.Comma = map[string]rune{"": ',', "COMMA": ',', "PIPE": '|', "SEMICOLON": ';', "SPACE": ' ', "TAB": '\t'}[cfg.CSVDelimiter]
		rd.FieldsPerRecord = -1
		rows, err := rd.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("the object is not CSV: %v", err)
		}
		headers := cfg.CSVHeaders
		if cfg.CSVHeaderLocation != "GIVEN" {
			if len(rows) == 0 {
				return nil, fmt.Errorf("the CSV object has no header row")
			}
			headers, rows = rows[0], rows[1:]
		}
		out := make([]any, len(rows))
		for i, row := range rows {
			if len(row) > len(headers) {
				return nil, fmt.Errorf("CSV row %d has %d fields for %d headers", i+1, len(row), len(headers))
			}
			item := map[string]any{}
			for j, h := range headers {
				item[h] = ""
				if j < len(row) {
					item[h] = row[j]
				}
			}
			out[i] = item
		}
		return out, nil
	}
	return nil, fmt.Errorf("the reader returned text; with InputType %q give the items as a list", cfg.InputType)
}

// batch groups the items as ItemBatcher says: each batch is
// {"Items": [...], "BatchInput": ...} and holds at most MaxItemsPerBatch
// items and MaxInputBytesPerBatch bytes of JSON.
func (e *execution) batch(b *asl.ItemBatcher, items []any, eff any, ctx map[string]any) ([]any, *Error) {
	var batchInput any
	if b.BatchInput != nil {
		v, err := e.template(b.BatchInput, eff, ctx)
		if err != nil {
			return nil, err
		}
		batchInput = v
	}
	var out []any
	var cur []any
	size := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		batch := map[string]any{"Items": cur}
		if batchInput != nil {
			batch["BatchInput"] = batchInput
		}
		out = append(out, batch)
		cur, size = nil, 0
	}
	for _, it := range items {
		raw, _ := json.Marshal(it)
		if b.MaxInputBytesPerBatch > 0 && len(raw) > b.MaxInputBytesPerBatch {
			return nil, runtime("an item of %d bytes is larger than MaxInputBytesPerBatch (%d)", len(raw), b.MaxInputBytesPerBatch)
		}
		full := b.MaxItemsPerBatch > 0 && len(cur) == b.MaxItemsPerBatch
		if full || b.MaxInputBytesPerBatch > 0 && size+len(raw) > b.MaxInputBytesPerBatch {
			flush()
		}
		cur = append(cur, it)
		size += len(raw)
	}
	flush()
	return out, nil
}

// written is a Map's output when a ResultWriter stored the results: the
// Map Run and where its manifest is.
func (e *execution) written(name string, w *asl.ResultWriter, eff any, ctx map[string]any) (any, *Error) {
	params := map[string]any{}
	if w.Parameters != nil {
		p, err := e.template(w.Parameters, eff, ctx)
		if err != nil {
			return nil, err
		}
		if m, ok := p.(map[string]any); ok {
			params = m
		}
	}
	bucket, _ := params["Bucket"].(string)
	prefix, _ := params["Prefix"].(string)
	run := e.opts.UUID()
	key := strings.TrimSuffix(prefix, "/") + "/" + run + "/manifest.json"
	key = strings.TrimPrefix(key, "/")
	sm := e.ctx["StateMachine"].(map[string]any)["Name"]
	arn := fmt.Sprintf("arn:aws:states:eu-west-1:123456789012:mapRun:%s/%s:%s", sm, name, run)
	return map[string]any{"MapRunArn": arn, "ResultWriterDetails": map[string]any{"Bucket": bucket, "Key": key}}, nil
}

// iteration is the index of the innermost Map iteration running, or -1;
// Parallel branches inside an iteration are in it too.
func (e *execution) iteration() int {
	if len(e.iterations) == 0 {
		return -1
	}
	return e.iterations[len(e.iterations)-1]
}
