// Package engines lists every resource and step type blueprint knows.
package engines

import (
	"github.com/blueprint-dev/blueprint/blueprint/engine"
	"github.com/blueprint-dev/blueprint/engines/apigateway"
	"github.com/blueprint-dev/blueprint/engines/athena"
	"github.com/blueprint-dev/blueprint/engines/batch"
	"github.com/blueprint-dev/blueprint/engines/choice"
	"github.com/blueprint-dev/blueprint/engines/dynamodb"
	"github.com/blueprint-dev/blueprint/engines/fail"
	"github.com/blueprint-dev/blueprint/engines/glue"
	"github.com/blueprint-dev/blueprint/engines/lambda"
	"github.com/blueprint-dev/blueprint/engines/mapstep"
	"github.com/blueprint-dev/blueprint/engines/sagemaker"
	"github.com/blueprint-dev/blueprint/engines/sns"
	"github.com/blueprint-dev/blueprint/engines/succeed"
)

// All returns the engines in the order `blueprint list` shows them. This is
// the one list: adding a type means adding its package and one line here.
func All() []engine.Engine {
	return []engine.Engine{
		// Steps that orchestrate.
		choice.Engine{},
		mapstep.Engine{},
		succeed.Engine{},
		fail.Engine{},
		// Functions and their layers.
		lambda.Function{},
		lambda.Layer{},
		// Data processing with Glue and Athena.
		glue.Job{},
		glue.Connection{},
		athena.QueryStep{},
		athena.Workgroup{},
		athena.PreparedStatement{},
		// Containers on AWS Batch.
		batch.ComputeEnvironment{},
		batch.JobQueue{},
		batch.JobDefinition{},
		batch.Step{},
		// Machine learning on SageMaker.
		sagemaker.Training{},
		sagemaker.HPO{},
		sagemaker.Processing{},
		sagemaker.Transform{},
		sagemaker.Model{},
		sagemaker.EndpointConfig{},
		sagemaker.Endpoint{},
		sagemaker.PackageGroup{},
		// Messaging.
		sns.Topic{},
		sns.Publish{},
		// Data and APIs.
		dynamodb.Engine{},
		apigateway.Engine{},
	}
}

// Registry returns a registry of every engine.
func Registry() *engine.Registry {
	return engine.NewRegistry(All()...)
}
