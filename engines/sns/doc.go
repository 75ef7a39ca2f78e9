// Package sns is the sns_topic resource and the sns_publish step.
package sns
