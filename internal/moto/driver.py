"""Run ASL definitions in moto's Step Functions executor with mocked tasks.

Reads a JSON list of cases from the file named by argv[1]:
  {"name", "definition", "input", "mocks": {state: {"0"|"1-2": {"Return": v} | {"Throw": {"Error", "Cause"}}}},
   "s3": {bucket: {key: body}}}
and prints a JSON list of results: {"name", "status", "output", "error", "cause"}.

moto parses Step Functions Local mock files but does not load them; the
mocked test case is handed to the execution worker here instead. Retry
intervals and Wait states are not slept.
"""
import json
import logging
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
import moto.stepfunctions.parser.backend.execution as execution  # noqa: E402
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker  # noqa: E402
from moto.stepfunctions.parser.asl.eval.evaluation_details import EvaluationDetails  # noqa: E402
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl  # noqa: E402
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction  # noqa: E402
from moto.stepfunctions.parser.mocking.mock_config import (  # noqa: E402
    MockedResponseReturn,
    MockedResponseThrow,
    MockTestCase,
    StateMockedResponses,
)


class _NoSleep:
    @staticmethod
    def sleep(_seconds):
        pass


retrier_decl.time = _NoSleep
WaitFunction._wait_interval = lambda self, env, wait_seconds: None

logging.disable(logging.CRITICAL)  # moto logs every state failure

_current = [None]


def _worker(self):
    return ExecutionWorker(
        evaluation_details=EvaluationDetails(
            aws_execution_details=self._get_start_aws_execution_details(),
            execution_details=self.get_start_execution_details(),
            state_machine_details=self.get_start_state_machine_details(),
        ),
        exec_comm=self._get_start_execution_worker_comm(),
        cloud_watch_logging_session=self._cloud_watch_logging_session,
        activity_store=self._activity_store,
        mock_test_case=_current[0],
    )


execution.Execution._get_start_execution_worker = _worker


def _test_case(machine, case, mocks):
    states = []
    for state, responses in mocks.items():
        mocked = []
        for rng, r in responses.items():
            lo, _, hi = rng.partition("-")
            lo, hi = int(lo), int(hi or lo)
            if r.get("Throw"):
                mocked.append(MockedResponseThrow(lo, hi, r["Throw"]["Error"], r["Throw"].get("Cause", "")))
            else:
                mocked.append(MockedResponseReturn(lo, hi, r["Return"]))
        states.append(StateMockedResponses(state, state, mocked))
    return MockTestCase(machine, case, states)


def run(case):
    """Runs one case in a fresh moto, so executions share nothing."""
    res = {"name": case["name"]}
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        try:
            arn = sfn.create_state_machine(
                name="machine",
                definition=json.dumps(case["definition"]),
                roleArn="arn:aws:iam::123456789012:role/sfn",
            )["stateMachineArn"]
        except Exception as e:  # a definition moto refuses
            res["status"] = "REFUSED"
            res["cause"] = str(e)
            return res
        s3 = boto3.client("s3", region_name="us-east-1")
        for bucket, objects in (case.get("s3") or {}).items():
            s3.create_bucket(Bucket=bucket)
            for key, body in objects.items():
                s3.put_object(Bucket=bucket, Key=key, Body=body.encode())
        _current[0] = _test_case("machine", case["name"], case.get("mocks") or {})
        ex = sfn.start_execution(stateMachineArn=arn, name="run", input=json.dumps(case.get("input", {})))["executionArn"]
        deadline = time.time() + 30
        while True:
            d = sfn.describe_execution(executionArn=ex)
            if d["status"] != "RUNNING" or time.time() > deadline:
                break
            time.sleep(0.002)
        res["status"] = d["status"]
        if d.get("output"):
            try:
                res["output"] = json.loads(d["output"])
            except ValueError:
                # moto returns a string output unquoted.
                res["output"] = d["output"]
        res["error"] = d.get("error", "")
        res["cause"] = d.get("cause", "")
    return res


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    # Cases share nothing: run them in a few processes (mock_aws is global
    # to a process, so one case at a time in each).
    workers = max(1, min(4, os.cpu_count() or 1, len(cases)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(run, cases, chunksize=max(1, len(cases) // (workers * 4))))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
