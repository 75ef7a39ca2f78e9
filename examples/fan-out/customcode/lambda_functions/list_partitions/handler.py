"""Lists the partitions to process: one per region for the run's date."""
import os


def handler(event, context):
    date = event.get("date", "latest")
    regions = [r for r in os.environ.get("REGIONS", "").split(",") if r]
    return {"partitions": [f"region={r}/date={date}" for r in regions]}
