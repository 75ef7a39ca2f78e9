import os

def handler(event, context):
    return os.environ["PIPELINE_STATE_MACHINE_ARN"]
