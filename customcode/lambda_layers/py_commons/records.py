"""Small, dependency-free helpers over the records a run carries."""


def count_records(event):
    """Number of records in an event: its `records` list, else `row_count`."""
    records = event.get("records")
    if isinstance(records, list):
        return len(records)
    count = event.get("row_count", 0)
    if not isinstance(count, int) or count < 0:
        raise ValueError(f"row_count must be a whole number of zero or more, got {count!r}")
    return count


def chunks(items, size):
    """Split items into lists of at most size items."""
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]
