"""Starts the state machine (all-types fixture)."""
import json
import os

import boto3


def handler(event, context):
    return boto3.client("stepfunctions").start_execution(
        stateMachineArn=os.environ["STATE_MACHINE_ARN"], input=json.dumps(event))["executionArn"]
