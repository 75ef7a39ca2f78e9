// Package apigateway is the apigateway resource: a REST API with a stage
// per pipeline stage (config.stage_name) and access logs.
//
// config.integrations route a path and method to a lambda_function
// resource, as a Lambda proxy integration unless proxy: false;
// config.paths adds resources with no integration of their own. With
// cors: true every resource below the root (and the root when it has a
// method) answers OPTIONS with a mock returning the CORS headers, its
// Access-Control-Allow-Methods listing OPTIONS and the resource's own
// methods, and each function's 200 response carries
// Access-Control-Allow-Origin '*' (data.all's API trees did this).
package apigateway
