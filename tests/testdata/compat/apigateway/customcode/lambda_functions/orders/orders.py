"""Returns one order (a Lambda proxy integration)."""
import json


def get(event, context):
    order_id = (event.get("pathParameters") or {}).get("id")
    return {"statusCode": 200, "body": json.dumps({"id": order_id})}
