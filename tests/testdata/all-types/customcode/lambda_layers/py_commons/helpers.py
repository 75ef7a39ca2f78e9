"""Shared helpers."""


def greet(name):
    return f"hello {name}"
