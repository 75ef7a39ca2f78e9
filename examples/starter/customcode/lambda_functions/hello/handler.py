"""The pipeline's work: replace it with yours."""
import os


def handler(event, context):
    return {"greeting": f"hello from {os.environ.get('STAGE', 'nowhere')}", "input": event}
