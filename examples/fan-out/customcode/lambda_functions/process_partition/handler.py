"""Processes one partition; replace the body with your work."""


def handler(event, context):
    partition = event["partition"]
    return {"partition": partition, "run": event.get("run"), "status": "done"}
