"""Checks the run's input and counts its records; the count routes the Process group."""
import os

from py_commons import count_records


def handler(event, context):
    dataset = event.get("dataset")
    if not dataset:
        raise ValueError("the input names no dataset")
    return {
        "dataset": dataset,
        "row_count": count_records(event),
        "stage": os.environ.get("STAGE", "unknown"),
    }
