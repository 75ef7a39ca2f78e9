import json


def list_items(event, context):
    return {"statusCode": 200, "body": json.dumps([])}


def get_item(event, context):
    item_id = (event.get("pathParameters") or {}).get("id")
    return {"statusCode": 200, "body": json.dumps({"id": item_id})}
