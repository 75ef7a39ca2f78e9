import json
import os

import boto3


def handler(event, context):
    # What every data.all trigger read (customcode/lambda_functions/example_sfn_trigger/handler.py:11-13).
    boto3.client("stepfunctions").start_execution(
        stateMachineArn=os.environ["PIPELINE_STATE_MACHINE_ARN"],
        input=json.dumps({"bucket": os.environ["PIPELINE_BUCKET"], "stage": os.environ["PIPELINE_STAGE"]}),
    )
