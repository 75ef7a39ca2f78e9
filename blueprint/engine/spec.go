package engine

import (
	"github.com/blueprint-dev/blueprint/blueprint/config"
)

// Common are the keys every resource, job and trigger has.
type Common struct {
	Name        string `yaml:"name" validate:"required"`
	Type        string `yaml:"type" validate:"required"`
	Comment     string `yaml:"comment"`
	Description string `yaml:"description"`
}

// Job adds the keys every step accepts.
type Job struct {
	Common `yaml:",inline"`
	Retry  *config.Retry `yaml:"retry"`
}

// JobRetry returns the job's retry policy.
func (j *Job) JobRetry() *config.Retry { return j.Retry }

// DefaultRetry fills a retry policy with the documented defaults: errors
// States.ALL, interval 1 s, 3 attempts, backoff 2.
func DefaultRetry(r *config.Retry) (errors []string, interval, attempts int, backoff float64) {
	errors, interval, attempts, backoff = []string{"States.ALL"}, 1, 3, 2
	if r == nil {
		return
	}
	if len(r.ErrorEquals) > 0 {
		errors = r.ErrorEquals
	}
	if r.IntervalSeconds != nil {
		interval = *r.IntervalSeconds
	}
	if r.RetryAttempts != nil {
		attempts = *r.RetryAttempts
	}
	if r.BackoffRate != nil {
		backoff = *r.BackoffRate
	}
	return
}
