// Package validate decodes every item of a stack through its engine and reports all problems at once.
package validate
