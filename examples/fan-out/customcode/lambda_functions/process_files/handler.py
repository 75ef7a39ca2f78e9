"""Processes a batch of files a distributed map hands over.

The event is {"Items": [{"key": ..., "size": ...}, ...], "BatchInput": {"stage": ...}}.
An exception fails this batch only: the map tolerates a share of failed batches.
"""


def handler(event, context):
    items = event["Items"]
    stage = event.get("BatchInput", {}).get("stage")
    empty = [i["key"] for i in items if i.get("size", 0) == 0]
    if empty:
        raise ValueError(f"empty files in {stage}: {', '.join(empty)}")
    return {"files": len(items), "bytes": sum(i.get("size", 0) for i in items)}
