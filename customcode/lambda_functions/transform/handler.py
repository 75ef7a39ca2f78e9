"""Transforms the run's records, at once or in chunks (MODE)."""
import os

from py_commons import chunks


def transform(record):
    """The transformation: normalize keys to lower case."""
    if isinstance(record, dict):
        return {str(k).lower(): v for k, v in record.items()}
    return record


def handler(event, context):
    records = event.get("records") or []
    mode = os.environ.get("MODE", "single")
    size = 500 if mode == "chunked" else max(len(records), 1)
    done = 0
    for chunk in chunks(records, size):
        done += len([transform(r) for r in chunk])
    return {"mode": mode, "transformed": done}
