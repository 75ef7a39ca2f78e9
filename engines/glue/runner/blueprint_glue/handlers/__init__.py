"""The built-in step handlers: type -> run(step, ctx), returning the step's
DataFrame (registered as a view named after the step) or None."""

_handlers = {}


def handler(kind):
    def register(fn):
        _handlers[kind] = fn
        return fn
    return register


def get(kind):
    return _handlers.get(kind)


def types():
    return sorted(_handlers)


# Importing the modules registers their handlers.
from blueprint_glue.handlers import basic, materialize, profiling, quality, s3  # noqa: E402,F401
