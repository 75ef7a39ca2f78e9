// Package apigateway is the apigateway resource: a REST API with a stage per pipeline stage and access logs.
package apigateway
