"""UDFs the runner registers before the SQL steps run."""


def normalize_region(value):
    return (value or "").strip().upper() or "UNKNOWN"


UDFS = {"normalize_region": normalize_region}
