// Package kedro turns a kedro-viz export of a Kedro pipeline into a blueprint pipeline repo.
package kedro
