"""Starts the state machine with the SNS message or the schedule's payload."""
import json
import os

import boto3


def execution_input(event):
    records = event.get("Records") or []
    if records and records[0].get("EventSource") == "aws:sns":
        try:
            return json.loads(records[0]["Sns"]["Message"])
        except json.JSONDecodeError:
            return {"message": records[0]["Sns"]["Message"]}
    return dict(event)


def handler(event, context):
    response = boto3.client("stepfunctions").start_execution(
        stateMachineArn=os.environ["STATE_MACHINE_ARN"], input=json.dumps(execution_input(event)))
    return {"executionArn": response["executionArn"]}
