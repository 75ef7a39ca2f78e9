"""The s3 handler: reads objects under a prefix, with Glue or Spark."""
import re

from blueprint_glue.handlers import handler

UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def sub_prefixes(ctx, bucket, prefix):
    """The names of the "folders" directly under prefix."""
    base = prefix.rstrip("/") + "/" if prefix else ""
    pages = ctx.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=base, Delimiter="/")
    names = []
    for page in pages:
        for common in page.get("CommonPrefixes") or []:
            name = common["Prefix"][len(base):].strip("/")
            if name:
                names.append(name)
    return base, sorted(names)


def glue_format_options(options):
    """Spark-style csv options spelled as Glue's csv format options (header
    -> withHeader, sep -> separator, escape -> escaper), as the old engine did."""
    out = dict(options)
    fmt = out.pop("format", "csv")
    if fmt == "csv":
        for spark_name, glue_name in (("header", "withHeader"), ("sep", "separator"), ("escape", "escaper")):
            if spark_name in out:
                value = out.pop(spark_name)
                out.setdefault(glue_name, value)
        out.pop("inferSchema", None)  # Glue infers types itself
    return fmt, out


def read(step, ctx, path):
    cfg = step.config
    if cfg["read_method"] == "spark":
        return ctx.spark.read.load(path, **cfg["options"])
    fmt, options = glue_format_options(cfg["options"])
    ctx_name = options.pop("transformation_ctx", "")
    frame = ctx.glue_context.create_dynamic_frame.from_options(
        connection_type="s3", connection_options={"paths": [path]}, format=fmt,
        format_options=options, transformation_ctx=ctx_name)
    return frame.toDF()


@handler("s3")
def s3(step, ctx):
    cfg = step.config
    bucket = cfg["bucket"]
    if not cfg["multiprefix"]:
        path = f"s3://{bucket}/{cfg['prefix']}"
        ctx.log.info(f"{step.name}: reading {path} ({cfg['read_method']})")
        return read(step, ctx, path)
    base, names = sub_prefixes(ctx, bucket, cfg["prefix"])
    if not names:
        raise FileNotFoundError(f"multiprefix: s3://{bucket}/{base} has no sub-prefix to read")
    frames = {}
    for name in names:
        path = f"s3://{bucket}/{base}{name}"
        ctx.log.info(f"{step.name}: reading {path} ({cfg['read_method']})")
        frame = read(step, ctx, path)
        ctx.register(step.name + "_" + UNSAFE.sub("", name), frame)
        frames[name] = frame
    ctx.view_lists[step.name] = frames
    return None
