def handler(event, context):
    return {"node": event.get("node_name")}
