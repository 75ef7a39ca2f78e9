"""Helpers shared by the pipeline's functions (the py_commons layer)."""

from .records import count_records, chunks

__all__ = ["count_records", "chunks"]
