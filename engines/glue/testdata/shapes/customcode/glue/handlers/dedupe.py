"""Keeps one row per key: a handler of this repo."""


def run(step, ctx):
    frame = ctx.frame(step.config["target"])
    return frame.dropDuplicates(step.config["keys"])
