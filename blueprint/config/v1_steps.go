package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// The state machine as the data.all blueprint built it (stack.py:176-265,
// utils/stack_task_util.py:88-137).

// upgradeMachine gives the state machine the old tool's timeout and role,
// its catch the old ending, and keeps what the old jobs' own keys meant.
// It runs before the jobs are rewritten: it reads the last job as written.
func upgradeMachine(d *Decoder, root, props *yaml.Node) {
	var last *yaml.Node
	names := false
	for _, g := range seqItems(mapGet(root, "groups")) {
		for _, job := range seqItems(mapGet(g, "jobs")) {
			if job != nil && job.Kind == yaml.MappingNode {
				last = job
				if t := mapGet(job, "type"); t == nil || t.Value != "glue_job" {
					names = true
				}
			}
		}
	}
	if names && props != nil && props.Kind == yaml.MappingNode {
		// A first state writes $.job_names when any job is not a Glue
		// job (utils/stack_task_util.py:307).
		mapDefault(props, "job_names", "true")
	}
	if last != nil && props != nil && props.Kind == yaml.MappingNode {
		// The state machine timeout is the last job's properties.timeout,
		// default 3600: the loop variable of the sanity loop leaks
		// (stack.py:183, 255-257). The pipeline's own is not read.
		timeout := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "3600", Line: last.Line, Column: last.Column}
		if t := mapGet(mapGet(last, "properties"), "timeout"); t != nil && t.Kind == yaml.ScalarNode {
			timeout = &yaml.Node{Kind: yaml.ScalarNode, Tag: t.Tag, Value: t.Value, Line: t.Line, Column: t.Column}
		}
		if k, v := mapEntry(props, "timeout"); v != nil {
			if v.Value != timeout.Value {
				d.Warnf(k, "properties.timeout", "the data.all blueprint did not read properties.timeout: the state machine times out after the last job's properties.timeout, %s s here (stack.py:255-257)", timeout.Value)
			}
			props.Content[indexOf(props, k)+1] = timeout
		} else {
			mapSet(props, timeout, "timeout", timeout)
		}
		// The last job's state_machine_arn is the state machine's role
		// (stack.py:249, 258-260).
		if k, arn := mapEntry(last, "state_machine_arn"); arn != nil && mapGet(props, "role_arn") == nil {
			mapSet(props, k, "role_arn", arn)
		}
	}
	if c := mapGet(root, "catch"); c != nil && c.Kind == yaml.MappingNode {
		// The catch chain ends the execution where it ends, so the run
		// is Succeeded (stack.py:238-246).
		mapDefault(c, "end", "succeed")
	}
}

// upgradeGroup makes a group of two jobs or more drop what its jobs wrote
// (utils/stack_task_util.py:128-133: ResultPath DISCARD).
func upgradeGroup(g *yaml.Node) {
	if jobs := mapGet(g, "jobs"); jobs != nil && jobs.Kind == yaml.SequenceNode && len(jobs.Content) > 1 {
		mapDefault(g, "results", "discard")
	}
}

// retryIgnored lists the step types whose tasks never read a job-level
// retry (lambda_task.py, glue_task.py, sns_task.py, athena_task.py,
// endpointconfig_task.py, endpoint_task.py, stack_task_util.py:86-103).
var retryIgnored = map[string]bool{
	"lambda_function": true, "glue_job": true, "sns_publish": true, "athena_query": true,
	"sagemaker_endpoint_config": true, "sagemaker_endpoint": true, "choice": true, "fail": true, "succeed": true,
}

// sageMakerError is the only error the old SageMaker jobs retried on.
const sageMakerError = "SageMaker.AmazonSageMakerException"

// upgradeJob rewrites the keys every old job could carry: state_machine_arn
// (read on the last job only, by upgradeMachine), properties on a step
// that is not a Glue job (only its timeout was read, for the state
// machine), and retry as each old task read it.
func upgradeJob(d *Decoder, job *yaml.Node, typ string) {
	mapDelete(job, "state_machine_arn")
	if typ != "glue_job" {
		mapDelete(job, "properties")
	}
	k, r := mapEntry(job, "retry")
	switch {
	case retryIgnored[typ]:
		if r != nil {
			d.Warnf(k, "retry", "the data.all blueprint ignored retry on a %s step; it is ignored here too (version 2 applies it)", typ)
			mapDelete(job, "retry")
		}
	case typ == "sagemaker_model":
		// A model always retried SageMaker's errors; only max_attempts
		// and backoff_rate were read, with CDK's defaults 3 and 2
		// (engine/sagemaker/model_task.py:85-91).
		if r == nil || r.Kind != yaml.MappingNode {
			mapDelete(job, "retry")
			r = newMap(job)
			mapSet(job, job, "retry", r)
		}
		if ik, iv := mapEntry(r, "interval_seconds"); iv != nil {
			d.Warnf(ik, "retry.interval_seconds", "the data.all blueprint crashed on retry.interval_seconds of a sagemaker_model step (it passed a number where CDK wants a Duration); the interval is used as written")
		}
		oldRetry(d, r, "max_attempts", "2", sageMakerError)
	case typ == "batch" || strings.HasPrefix(typ, "sagemaker_"):
		// interval_seconds, retry_attempt and backoff_rate, defaults 1 / 3
		// / 1.1; SageMaker jobs retry their own errors only
		// (training_task.py:40-49, hpo_task.py:36-45,
		// sagemaker_processing_task.py:24-33, batch_transform_task.py:23-32).
		if r == nil {
			return
		}
		if r.Kind != yaml.MappingNode || len(r.Content) == 0 {
			// An empty retry was false to the old tool: no retry.
			mapDelete(job, "retry")
			return
		}
		errs := sageMakerError
		if typ == "batch" {
			// engine/batch/batch_task.py:320-329 wrote no ErrorEquals,
			// which Step Functions refuses.
			errs = "States.ALL"
			d.Warnf(k, "retry", "the data.all blueprint wrote this retrier without ErrorEquals, which Step Functions rejects; it retries States.ALL here")
		}
		oldRetry(d, r, "retry_attempt", "1.1", errs)
	}
}

// oldRetry keeps of retry r the keys an old task read (interval_seconds,
// the attempts under key, backoff_rate), drops the others with a warning,
// and writes the old defaults: errs as the only error, 3 attempts and
// backoff.
func oldRetry(d *Decoder, r *yaml.Node, key, backoff, errs string) {
	read := map[string]bool{"interval_seconds": true, key: true, "backoff_rate": true}
	for i := 0; i+1 < len(r.Content); {
		k := r.Content[i]
		if read[k.Value] {
			i += 2
			continue
		}
		if k.Value == "error_equals" {
			d.Warnf(k, "retry.error_equals", "the data.all blueprint did not read retry.error_equals here: the task retries %s only", errs)
		} else {
			d.Warnf(k, "retry."+k.Value, "the data.all blueprint did not read retry.%s here (it read %s); it is ignored", k.Value, key)
		}
		r.Content = append(r.Content[:i:i], r.Content[i+2:]...)
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: r.Line, Column: r.Column,
		Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: errs, Line: r.Line, Column: r.Column}}}
	mapSet(r, r, "error_equals", seq)
	mapDefault(r, key, "3")
	mapDefault(r, "backoff_rate", backoff)
}
