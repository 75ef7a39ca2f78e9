// Package sagemaker is the SageMaker steps (training, tuning, processing, batch transform, model,
// endpoint config, endpoint) and the model package group resource.
//
// Every field that may come from the execution input (…_path, …_from_path,
// …_from_input, ext_job_name) is written as a JSONPath (Field.$). Job names
// that must be unique per run derive from the execution name unless given.
// One SageMaker execution role per stack runs the jobs (or the
// environment role); the state machine may pass it and call exactly the
// SageMaker actions its steps use.
package sagemaker
