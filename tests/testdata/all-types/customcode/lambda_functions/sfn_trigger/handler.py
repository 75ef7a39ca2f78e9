"""Starts the state machine: on an SNS message (raw data landed) or on a schedule.

STATE_MACHINE_ARN is set by blueprint when it builds the trigger.
"""
import json
import os

import boto3

_sfn = None


def _client():
    global _sfn
    if _sfn is None:
        _sfn = boto3.client("stepfunctions")
    return _sfn


def execution_input(event):
    """The state machine input for a trigger event.

    An SNS notification carries its JSON message; a schedule carries its payload as is.
    """
    records = event.get("Records") or []
    if records and records[0].get("EventSource") == "aws:sns":
        message = records[0]["Sns"]["Message"]
        try:
            body = json.loads(message)
        except json.JSONDecodeError:
            body = {"message": message}
        body.setdefault("mode", "on_arrival")
        return body
    return dict(event)


def handler(event, context):
    payload = execution_input(event)
    response = _client().start_execution(
        stateMachineArn=os.environ["STATE_MACHINE_ARN"],
        input=json.dumps(payload),
    )
    return {"executionArn": response["executionArn"], "input": payload}
