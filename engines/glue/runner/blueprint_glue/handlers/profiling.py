"""The profiling handler: column statistics with Spark SQL aggregates.

The old engine asked Deequ's ColumnProfilerRunner; the same figures come from
one aggregate query (completeness, approximate distinct count, min, max,
mean, sum, standard deviation, percentiles) and, for columns with few
distinct values, one GROUP BY per column. The two views keep the old
columns."""
from blueprint_glue.handlers import handler

NUMERIC = ("tinyint", "smallint", "int", "bigint", "float", "double", "decimal", "long", "short", "byte", "integer")
PERCENTILES = ", ".join(f"{i / 100:.2f}" for i in range(1, 101))

PROFILE_SCHEMA = ("column string, dataType string, isDataTypeInferred boolean, completeness double, "
                  "approximateNumDistinctValues int, mean_col double, maximum double, minimum double, "
                  "sum_col double, stdDev_col double, approxQ1 double, approxQ2 double, approxQ3 double")
BUCKET_SCHEMA = ("column_name string, metric_type string, value_str string, value_float double, "
                 "count_col double, ratio double")


def kind(dtype):
    d = dtype.lower()
    if d.startswith(("decimal", "double", "float")):
        return "Fractional"
    if d.startswith(NUMERIC):
        return "Integral"
    if d == "boolean":
        return "Boolean"
    if d == "string":
        return "String"
    return "Unknown"


def bt(column):
    return "`" + column.replace("`", "``") + "`"


def _f(v):
    return None if v is None else float(v)


@handler("profiling")
def profiling(step, ctx):
    cfg = step.config
    source = cfg["from"]
    frame = ctx.frame(source)
    view = "__profile_" + step.name
    frame.createOrReplaceTempView(view)
    columns = [(name, kind(dtype)) for name, dtype in frame.dtypes]
    select = ["COUNT(*) AS n"]
    for i, (name, k) in enumerate(columns):
        c = bt(name)
        select += [f"COUNT({c}) AS c{i}_count", f"approx_count_distinct({c}) AS c{i}_distinct"]
        if k in ("Integral", "Fractional"):
            select += [f"MIN({c}) AS c{i}_min", f"MAX({c}) AS c{i}_max", f"AVG({c}) AS c{i}_mean",
                       f"SUM({c}) AS c{i}_sum", f"STDDEV_POP({c}) AS c{i}_stddev",
                       f"percentile_approx({c}, array({PERCENTILES})) AS c{i}_pct"]
    stats = ctx.spark.sql(f"SELECT {', '.join(select)} FROM {view}").collect()[0].asDict()
    n = stats["n"] or 0
    profile, buckets = [], []
    for i, (name, k) in enumerate(columns):
        count = stats[f"c{i}_count"] or 0
        pct = stats.get(f"c{i}_pct") or []
        quart = (pct[24], pct[49], pct[74]) if len(pct) >= 75 else (None, None, None)
        profile.append((name, k, False, (count / n) if n else None, int(stats[f"c{i}_distinct"] or 0),
                        _f(stats.get(f"c{i}_mean")), _f(stats.get(f"c{i}_max")), _f(stats.get(f"c{i}_min")),
                        _f(stats.get(f"c{i}_sum")), _f(stats.get(f"c{i}_stddev")),
                        _f(quart[0]), _f(quart[1]), _f(quart[2])))
        for p, value in enumerate(pct):
            buckets.append((name, "approxPercentile", "", float(p + 1), _f(value), None))
        if (stats[f"c{i}_distinct"] or 0) <= cfg["max_categories"]:
            numeric = k in ("Integral", "Fractional")
            counts = ctx.spark.sql(f"SELECT CAST({bt(name)} AS STRING) AS value, COUNT(*) AS n FROM {view} GROUP BY {bt(name)}").collect()
            for row in counts:
                r = row.asDict()
                value, hits = r["value"], float(r["n"])
                share = hits / n if n else None
                if value is None:
                    buckets.append((name, "histogram" if numeric else "category", "NullValue", None, hits, share))
                elif numeric:
                    buckets.append((name, "histogram", "", float(value), hits, share))
                else:
                    buckets.append((name, "category", value, None, hits, share))
    F = ctx.functions
    now = F.current_timestamp()

    def stamp(df):
        return (df.withColumn("timestamp", now).withColumn("database", F.lit(cfg["database"]))
                .withColumn("table", F.lit(cfg["table"])))
    ctx.register(cfg["bucketdf_name"], stamp(ctx.spark.createDataFrame(buckets, BUCKET_SCHEMA)))
    return ctx.register(step.name, stamp(ctx.spark.createDataFrame(profile, PROFILE_SCHEMA)))
