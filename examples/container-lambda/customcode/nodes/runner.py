"""Lambda entry point: runs the node named in the payload."""
from nodes import NODES


def handler(event, context):
    name = event.get("node_name")
    if name not in NODES:
        raise ValueError(f"unknown node {name!r}; nodes: {sorted(NODES)}")
    return {"node": name, "result": NODES[name](event)}
