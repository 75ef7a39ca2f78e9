// Package moto runs ASL definitions in moto's Step Functions executor, the reference implementation blueprint's executor is compared with.
package moto
