"""Handlers of one call each: mock, query, sql, file, python, udf,
rename_whitespace_cols, obfuscate, assertion, metric."""
import importlib

from blueprint_glue.handlers import handler


@handler("mock")
def mock(step, ctx):
    ctx.log.info(f"{step.name}: {step.config['message']}")


@handler("query")
def query(step, ctx):
    return ctx.spark.sql(ctx.query(step))


@handler("sql")
def sql(step, ctx):
    frame = ctx.register(step.name, ctx.spark.sql(ctx.query(step)))
    if step.config.get("output"):
        frame.write.mode("overwrite").saveAsTable(step.config["output"])
    return frame


@handler("file")
def file_input(step, ctx):
    return ctx.spark.read.load(step.config["path"], **step.config["options"])


@handler("python")
def python(step, ctx):
    scope = {"spark": ctx.spark, "glue_context": ctx.glue_context, "args": dict(ctx.args), "ref": ctx.ref,
             "__name__": "blueprint_glue_step_" + step.name}
    exec(compile(ctx.step_file(step), step.config["file"], "exec"), scope)


@handler("udf")
def udf(step, ctx):
    cfg = step.config
    if cfg.get("module"):
        module = importlib.import_module("udfs." + cfg["module"])
        fn = getattr(module, cfg["function"], None)
        if fn is None:
            raise AttributeError(f"udfs.{cfg['module']} has no function {cfg['function']!r}")
        fn(ctx.spark, ref=ctx.ref)
        return None
    scope = {"__name__": "blueprint_glue_udf_" + step.name}
    exec(compile(ctx.step_file(step), cfg["file"], "exec"), scope)
    for name, fn in sorted((scope.get("UDFS") or {}).items()):
        ctx.spark.udf.register(name, fn)
        ctx.log.info(f"{step.name}: registered UDF {name}")
    return None


@handler("rename_whitespace_cols")
def rename_whitespace_cols(step, ctx):
    frame = ctx.frame(step.config["target"])
    for column in list(frame.columns):
        if " " in column:
            frame = frame.withColumnRenamed(column, column.replace(" ", "_"))
    return frame


def columns_of(value):
    if isinstance(value, str):
        return [c.strip() for c in value.split(",") if c.strip()]
    return [str(c) for c in value]


@handler("obfuscate")
def obfuscate(step, ctx):
    F = ctx.functions
    frame = ctx.frame(step.config["target"])
    for column in columns_of(step.config["obfuscate_cols"]):
        if column not in frame.columns:
            raise KeyError(f"{step.config['target']} has no column {column!r} (it has {', '.join(frame.columns)})")
        frame = frame.withColumn(column, F.md5(F.col(column).cast("string")))
    return frame


COMPARE = {
    "gt": lambda n: n > 0, "gte": lambda n: n >= 0, "eq": lambda n: n == 0,
    "lt": lambda n: n < 0, "lte": lambda n: n <= 0,
}


@handler("assertion")
def assertion(step, ctx):
    frame = ctx.spark.sql(ctx.query(step))
    rows = int(frame.count())
    sign = step.config["sign"]
    ctx.metric("AssertionRows", rows, "Count")
    if COMPARE[sign](rows):
        raise AssertionError(f"assertion failed: the query returned {rows} rows, and {rows} {sign} 0")
    ctx.log.info(f"{step.name}: assertion holds ({rows} rows)")
    return None


@handler("metric")
def metric(step, ctx):
    rows = ctx.spark.sql(ctx.query(step)).collect()
    if not rows:
        ctx.log.warn(f"{step.name}: the query returned no row; no metric published")
        return None
    values = rows[0].asDict() if hasattr(rows[0], "asDict") else dict(rows[0])
    for column in sorted(values):
        v = values[column]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            continue
        ctx.metric(f"{step.name}/{column}", v, step.config["unit"], step.config.get("namespace"))
    return None
