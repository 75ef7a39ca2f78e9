"""A fake of the PySpark and AWS Glue calls the runner makes (the list is in
blueprint_glue/__init__.py), recording every call in World.calls.

What it does not cover: it runs no SQL (spark.sql returns the frame a test
set for that query, or a view the query selects with SELECT * FROM <name>,
or an empty frame), infers no schema, checks no reader or writer option,
evaluates no DQDL rule (a test sets the outcomes), keeps one page of S3
listing, and knows nothing of IAM, networking or Glue versions.
"""

import re


class World:
    """Everything the fake saw and holds: calls, views, S3 objects, tables."""

    def __init__(self):
        self.calls = []
        self.views = {}
        self.objects = {}      # (bucket, key) -> bytes
        self.tables = {}       # (database, name) -> Table dict
        self.sql_results = []  # (regex, Frame)
        self.read_results = {}  # path -> Frame
        self.dq_outcomes = {}  # rule text -> (outcome, reason)
        self.udfs = {}
        self.logs = []

    def record(self, *call):
        self.calls.append(call)

    def of(self, kind):
        return [c for c in self.calls if c[0] == kind]

    def on_sql(self, pattern, frame):
        self.sql_results.append((re.compile(pattern, re.S | re.I), frame))


class Row(dict):
    def asDict(self):
        return dict(self)


class Column:
    def __init__(self, expr):
        self.expr = expr

    def cast(self, t):
        return Column(f"CAST({self.expr} AS {t})")


class Functions:
    """pyspark.sql.functions."""

    def __init__(self, world):
        self.world = world

    def col(self, name):
        return Column(name)

    def md5(self, c):
        return Column(f"md5({c.expr})")

    def lit(self, v):
        return Column(repr(v))

    def current_timestamp(self):
        return Column("current_timestamp()")


class Writer:
    def __init__(self, world, frame):
        self.world, self.frame, self.settings = world, frame, {"options": {}}

    def mode(self, m):
        self.settings["mode"] = m
        return self

    def format(self, f):
        self.settings["format"] = f
        return self

    def option(self, k, v):
        self.settings["options"][k] = v
        return self

    def partitionBy(self, *cols):
        self.settings["partitionBy"] = list(cols)
        return self

    def saveAsTable(self, name, **kw):
        self.world.record("saveAsTable", name, dict(self.settings), self.frame)
        db, _, table = name.rpartition(".")
        self.world.tables[(db, table)] = {"Name": table, "DatabaseName": db, "Owner": "hadoop",
                                          "StorageDescriptor": {"Location": self.settings["options"].get("path")},
                                          "CreateTime": "2026-01-01", "UpdateTime": "2026-01-01"}


class Frame:
    """A DataFrame: rows of dicts and an ordered list of (column, type)."""

    def __init__(self, world, rows=(), dtypes=None, name="frame"):
        self.world = world
        self.rows = [Row(r) for r in rows]
        if dtypes is None:
            dtypes = [(k, "string") for k in (self.rows[0].keys() if self.rows else [])]
        self.dtypes = list(dtypes)
        self.name = name
        self.derived = []

    @property
    def columns(self):
        return [c for c, _ in self.dtypes]

    @property
    def write(self):
        return Writer(self.world, self)

    def createOrReplaceTempView(self, name):
        self.world.record("view", name, self)
        self.world.views[name] = self

    def count(self):
        return len(self.rows)

    def head(self, n):
        return self.rows[:n]

    def collect(self):
        return list(self.rows)

    def show(self, n=20):
        self.world.record("show", self.name, n)

    def _copy(self, dtypes, rows, how):
        f = Frame(self.world, rows, dtypes, self.name)
        f.derived = self.derived + [how]
        return f

    def withColumnRenamed(self, old, new):
        dtypes = [(new if c == old else c, t) for c, t in self.dtypes]
        rows = [{(new if k == old else k): v for k, v in r.items()} for r in self.rows]
        return self._copy(dtypes, rows, ("rename", old, new))

    def withColumn(self, name, column):
        dtypes = self.dtypes if name in self.columns else self.dtypes + [(name, "string")]
        return self._copy(dtypes, self.rows, ("withColumn", name, column.expr))

    def coalesce(self, n):
        return self._copy(self.dtypes, self.rows, ("coalesce", n))


class Reader:
    def __init__(self, world):
        self.world = world

    def load(self, path, **options):
        self.world.record("read.load", path, options)
        return self.world.read_results.get(path) or Frame(self.world, name=path)


class UDFRegistration:
    def __init__(self, world):
        self.world = world

    def register(self, name, fn):
        self.world.record("udf.register", name)
        self.world.udfs[name] = fn


class Spark:
    """SparkSession."""

    def __init__(self, world):
        self.world = world
        self.read = Reader(world)
        self.udf = UDFRegistration(world)

    def sql(self, query):
        self.world.record("sql", query)
        for pattern, frame in self.world.sql_results:
            if pattern.search(query):
                return frame
        m = re.fullmatch(r"\s*select\s+\*\s+from\s+(\w+)\s*", query, re.I)
        if m and m.group(1) in self.world.views:
            return self.world.views[m.group(1)]
        return Frame(self.world, name="sql")

    def table(self, name):
        self.world.record("table", name)
        if name in self.world.views:
            return self.world.views[name]
        raise LookupError(f"Table or view not found: {name}")

    def createDataFrame(self, rows, schema):
        names = [part.strip().split(" ")[0] for part in schema.split(",")]
        types = [part.strip().split(" ")[1] for part in schema.split(",")]
        self.world.record("createDataFrame", schema, len(rows))
        return Frame(self.world, [dict(zip(names, r)) for r in rows], list(zip(names, types)), "created")


class DynamicFrame:
    def __init__(self, world, frame):
        self.world, self.frame = world, frame

    def toDF(self):
        return self.frame

    @classmethod
    def bind(cls, world):
        class Bound:
            @staticmethod
            def fromDF(frame, glue_context, name):
                world.record("DynamicFrame.fromDF", name)
                return DynamicFrame(world, frame)
        return Bound


class DynamicFrameReader:
    def __init__(self, world):
        self.world = world

    def from_options(self, connection_type, connection_options, format, format_options, transformation_ctx=""):
        self.world.record("from_options", connection_type, connection_options, format, dict(format_options))
        path = connection_options["paths"][0]
        return DynamicFrame(self.world, self.world.read_results.get(path) or Frame(self.world, name=path))


class Logger:
    def __init__(self, world):
        self.world = world

    def info(self, m):
        self.world.logs.append(("info", m))

    def warn(self, m):
        self.world.logs.append(("warn", m))

    def error(self, m):
        self.world.logs.append(("error", m))


class GlueContext:
    def __init__(self, world):
        self.world = world
        self.spark_session = Spark(world)
        self.create_dynamic_frame = DynamicFrameReader(world)

    def get_logger(self):
        return Logger(self.world)


class Job:
    world = None

    def __init__(self, glue):
        self.glue = glue

    def init(self, name, args):
        self.glue.world.record("job.init", name)

    def commit(self):
        self.glue.world.record("job.commit")


class Body:
    def __init__(self, data):
        self.data = data

    def read(self):
        return self.data


class Paginator:
    def __init__(self, world):
        self.world = world

    def paginate(self, Bucket, Prefix="", Delimiter=""):
        self.world.record("s3.list", Bucket, Prefix)
        subs = set()
        for (b, key) in self.world.objects:
            if b == Bucket and key.startswith(Prefix):
                rest = key[len(Prefix):]
                if Delimiter and Delimiter in rest:
                    subs.add(Prefix + rest.split(Delimiter)[0] + Delimiter)
        return [{"CommonPrefixes": [{"Prefix": p} for p in sorted(subs)]}]


class S3:
    def __init__(self, world):
        self.world = world

    def get_object(self, Bucket, Key):
        self.world.record("s3.get_object", Bucket, Key)
        if (Bucket, Key) not in self.world.objects:
            raise KeyError(f"NoSuchKey: s3://{Bucket}/{Key}")
        return {"Body": Body(self.world.objects[(Bucket, Key)])}

    def put_object(self, Bucket, Key, Body, **kw):
        self.world.record("s3.put_object", Bucket, Key)
        self.world.objects[(Bucket, Key)] = Body

    def get_paginator(self, name):
        assert name == "list_objects_v2", name
        return Paginator(self.world)


class Glue:
    def __init__(self, world):
        self.world = world

    def get_table(self, DatabaseName, Name):
        self.world.record("glue.get_table", DatabaseName, Name)
        return {"Table": dict(self.world.tables[(DatabaseName, Name)])}

    def update_table(self, DatabaseName, TableInput):
        self.world.record("glue.update_table", DatabaseName, TableInput)
        self.world.tables[(DatabaseName, TableInput["Name"])].update(TableInput)


class CloudWatch:
    def __init__(self, world):
        self.world = world

    def put_metric_data(self, Namespace, MetricData):
        self.world.record("cloudwatch.put_metric_data", Namespace, MetricData)


class EvaluateDataQuality:
    world = None

    @classmethod
    def bind(cls, world):
        class Bound:
            @staticmethod
            def apply(frame, ruleset, publishing_options):
                world.record("dq.apply", ruleset, publishing_options)
                rules = [r.strip().rstrip(",") for r in ruleset.strip()[len("Rules = ["):-1].split(",\n")]
                rows = []
                for rule in rules:
                    outcome, reason = world.dq_outcomes.get(rule, ("Passed", None))
                    rows.append({"Rule": rule, "Outcome": outcome, "FailureReason": reason})
                return DynamicFrame(world, Frame(world, rows))
        return Bound


def platform(world):
    """A blueprint_glue.entry.Platform over the fake."""
    from blueprint_glue.entry import Platform

    services = {"s3": S3(world), "glue": Glue(world), "cloudwatch": CloudWatch(world)}

    def get_resolved_options(argv, names):
        world.record("getResolvedOptions", tuple(names))
        out = {}
        for n in names:
            flag = "--" + n
            if flag not in argv:
                raise SystemExit(f"error: the following arguments are required: {flag}")
            out[n] = argv[argv.index(flag) + 1]
        return out

    return Platform(get_resolved_options, GlueContext(world), Job, Functions(world), services.__getitem__,
                    DynamicFrame.bind(world), lambda: EvaluateDataQuality.bind(world))




def _drop_duplicates(self, subset=None):
    self.world.record("dropDuplicates", subset)
    return self._copy(self.dtypes, self.rows, ("dropDuplicates", subset))


# User code (custom handlers) may call more of the DataFrame API.
Frame.dropDuplicates = _drop_duplicates
