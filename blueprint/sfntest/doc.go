// Package sfntest runs state machine test cases written in Step Functions Local's mock-config format.
//
// A file holds StateMachines.<machine>.TestCases.<case>.<state> = <mocked
// response name>, and MockedResponses.<name>.<"0"|"1-2">.Return|Throw, as
// Step Functions Local reads them; the keys number the attempts of each run
// of the state ($$.State.RetryCount) from 0, without gaps. blueprint adds
// Expectations.<machine>.<case>: the case's Input and what must hold: Status (SUCCEEDED or FAILED), Error, Output (a
// subset of the output), Visited and NotVisited (state names), and
// TaskInputs (state name → a subset of what the task last received).
//
// Inside a Map, a case may mock iterations apart: "Process[2]" or
// "Process[0-4]" answers state Process in those iterations, before a plain
// "Process" answers the others. A distributed Map's item reader is mocked
// under the Map's name: its Return is the list of items, S3's
// {"Contents": [...]}, or the object's text (CSV, JSON lines or JSON).
//
// A file is a template like the config: Render fills {{ stage }} and the
// variables first, so one file serves every stage.
//
//	{"StateMachines": {"p": {"TestCases": {"Happy": {"Load": "Loaded"}}}},
//	 "MockedResponses": {"Loaded": {"0": {"Return": {"rows": 3}}}},
//	 "Expectations": {"p": {"Happy": {"Input": {}, "Status": "SUCCEEDED", "Visited": ["Load"]}}}}
package sfntest
