"""The deequ handler, on AWS Glue Data Quality.

The old engine ran Deequ through a vendored PyDeequ and a Deequ jar matched to
each Glue version. Glue Data Quality (awsgluedq, built into Glue 3.0 and
later) needs neither a jar nor a Python package, publishes its results and
CloudWatch metrics itself, and every old check maps to a DQDL rule: directly
(Completeness, IsUnique, Uniqueness, Mean, Sum, StandardDeviation,
DistinctValuesCount, ColumnCorrelation, RowCount, ColumnValues,
ColumnDataType, UniqueValueRatio), or as a CustomSql rule computing the same
metric Deequ computed (quantiles, lengths, min/max, column comparisons,
satisfies, all_between). Each check group is one ruleset: a failed rule of a
group with error_level error fails the step; of a warning group it is logged.
"""
import json

from blueprint_glue.handlers import handler

OPS = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "neq": "!="}
SPARK_TYPES = {"integral": "INTEGER", "fractional": "DOUBLE", "boolean": "BOOLEAN", "string": "STRING",
               "numeric": "DOUBLE", "date": "DATE", "timestamp": "TIMESTAMP"}


def expression(assertion, default="= 1.0"):
    """A DQDL comparison from an old assertion {op, value, lowerBound, upperBound}."""
    if not assertion:
        return default
    op = assertion.get("op", "eq")
    if op == "between":
        return f"between {_num(assertion.get('lowerBound', 0))} and {_num(assertion.get('upperBound', 1))}"
    if op not in OPS:
        raise ValueError(f"assertion op {op!r} is not one of {', '.join(sorted(OPS))} or between")
    return f"{OPS[op]} {_num(assertion.get('value', 100))}"


def _num(v):
    return json.dumps(v)


def q(column):
    return json.dumps(str(column))


def bt(column):
    return "`" + str(column).replace("`", "``") + "`"


def sql_rule(query, assertion):
    return f"CustomSql {json.dumps(query)} {expression(assertion)}"


def ratio(condition, assertion):
    return sql_rule(f"SELECT AVG(CASE WHEN {condition} THEN 1.0 ELSE 0.0 END) FROM primary", assertion)


def threshold(assertion):
    return f" with threshold {expression(assertion)}" if assertion else ""


def columns_of(params):
    cols = params.get("columns")
    if cols is None and params.get("column") is not None:
        cols = [params["column"]]
    if isinstance(cols, str):
        cols = [cols]
    if not cols:
        raise ValueError("the check needs column or columns")
    return [str(c) for c in cols]


def group_query(cols, select):
    return f"SELECT {select} FROM (SELECT COUNT(*) AS n FROM primary GROUP BY {', '.join(bt(c) for c in cols)})"


def rules_of(check):
    """The DQDL rules of one old check."""
    name = check["check"]
    p = dict(check.get("params") or {})
    a = p.get("assertion")
    col = lambda: columns_of(p)[0]  # noqa: E731
    if name in ("hasCompleteness", "have_completeness"):
        return [f"Completeness {q(c)} {expression(a)}" for c in columns_of(p)]
    if name == "isComplete":
        return [f"IsComplete {q(c)}" for c in columns_of(p)]
    if name == "isUnique":
        cols = columns_of(p)
        if len(cols) == 1:
            return [f"IsUnique {q(cols[0])}"]
        return [sql_rule(group_query(cols, "MAX(n)"), {"op": "eq", "value": 1})]
    if name == "hasUniqueness":
        cols = columns_of(p)
        if len(cols) == 1:
            return [f"Uniqueness {q(cols[0])} {expression(a)}"]
        return [sql_rule(group_query(cols, "CAST(SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END) AS DOUBLE) / SUM(n)"), a)]
    if name == "hasDistinctness":
        return [sql_rule(group_query(columns_of(p), "CAST(COUNT(*) AS DOUBLE) / SUM(n)"), a)]
    if name == "hasUniqueValueRatio":
        cols = columns_of(p)
        if len(cols) == 1:
            return [f"UniqueValueRatio {q(cols[0])} {expression(a)}"]
        return [sql_rule(group_query(cols, "CAST(SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END) AS DOUBLE) / COUNT(*)"), a)]
    if name == "hasApproxQuantile":
        return [sql_rule(f"SELECT percentile_approx({bt(col())}, {float(p.get('quantile', 0.5))}) FROM primary", a)]
    if name == "hasMinLength":
        return [sql_rule(f"SELECT MIN(LENGTH({bt(col())})) FROM primary", a)]
    if name == "hasMaxLength":
        return [sql_rule(f"SELECT MAX(LENGTH({bt(col())})) FROM primary", a)]
    if name == "hasMin":
        return [sql_rule(f"SELECT MIN({bt(col())}) FROM primary", a)]
    if name == "hasMax":
        return [sql_rule(f"SELECT MAX({bt(col())}) FROM primary", a)]
    if name == "hasMean":
        return [f"Mean {q(col())} {expression(a)}"]
    if name == "hasSum":
        return [f"Sum {q(col())} {expression(a)}"]
    if name == "hasStandardDeviation":
        return [f"StandardDeviation {q(col())} {expression(a)}"]
    if name == "hasApproxCountDistinct":
        return [f"DistinctValuesCount {q(col())} {expression(a)}"]
    if name == "hasCorrelation":
        return [f"ColumnCorrelation {q(p['columnA'])} {q(p['columnB'])} {expression(a)}"]
    if name == "hasSize":
        return [f"RowCount {expression(a)}"]
    if name == "satisfies":
        return [ratio(f"({p['columnCondition']})", a)]
    if name == "hasPattern":
        return [f"ColumnValues {q(col())} matches {json.dumps(p['pattern'])}{threshold(a)}"]
    if name == "hasDataType":
        dtype = str(p.get("datatype", "string"))
        return [f"ColumnDataType {q(col())} = {json.dumps(SPARK_TYPES.get(dtype.lower(), dtype.upper()))}{threshold(a)}"]
    if name in ("isPositive", "all_positives"):
        return [f"ColumnValues {q(c)} > 0{threshold(a)}" for c in columns_of(p)]
    if name in ("isNonNegative", "all_non_negatives"):
        return [f"ColumnValues {q(c)} >= 0{threshold(a)}" for c in columns_of(p)]
    compare = {"isLessThan": "<", "isLessThanOrEqualTo": "<=", "isGreaterThan": ">", "isGreaterThanOrEqualTo": ">="}
    if name in compare:
        return [ratio(f"{bt(p['columnA'])} {compare[name]} {bt(p['columnB'])}", a)]
    if name == "isContainedIn":
        allowed = ", ".join(json.dumps(str(v)) for v in p["allowed_values"])
        return [f"ColumnValues {q(col())} in [{allowed}]{threshold(a)}"]
    if name == "all_between":
        lo, hi = p.get("lowerBound", 0), p.get("upperBound", 1)
        rules = []
        for c in columns_of(p):
            cond = f"{bt(c)} >= {_num(lo)} AND {bt(c)} <= {_num(hi)}"
            if p.get("null_value", "keep") == "discard":
                cond = f"{bt(c)} IS NULL OR ({cond})"
            rules.append(ratio(f"({cond})", a))
        return rules
    raise ValueError(f"unknown check {name!r}")


def ruleset(checks):
    return "Rules = [\n    " + ",\n    ".join(r for c in checks for r in rules_of(c)) + "\n]"


RESULT_SCHEMA = "checkgroup string, error_level string, rule string, outcome string, failure_reason string"


@handler("deequ")
def deequ(step, ctx):
    frame = ctx.frame(step.config["from"])
    dynamic = ctx.dataframe.fromDF(frame, ctx.glue_context, step.name)
    rows, failed = [], []
    for i, group in enumerate(step.config["checkgroups"]):
        name = group.get("checkgroup") or f"{step.name}_{i}"
        level = group.get("error_level") or "warning"
        rules = ruleset(group["checks"])
        ctx.log.info(f"{step.name}: check group {name} ({level}):\n{rules}")
        result = ctx.quality.apply(frame=dynamic, ruleset=rules, publishing_options={
            "dataQualityEvaluationContext": f"{step.name}_{name}",
            "enableDataQualityCloudWatchMetrics": True,
            "enableDataQualityResultsPublishing": True,
        })
        for r in result.toDF().collect():
            d = r.asDict() if hasattr(r, "asDict") else dict(r)
            outcome = str(d.get("Outcome", ""))
            rows.append((name, level, str(d.get("Rule", "")), outcome, str(d.get("FailureReason") or "")))
            if outcome.lower() == "failed":
                message = f"{name}: {d.get('Rule')} ({d.get('FailureReason') or 'failed'})"
                (failed.append(message) if level == "error" else ctx.log.warn(f"{step.name}: warning: {message}"))
    out = ctx.spark.createDataFrame(rows, RESULT_SCHEMA).withColumn("timestamp", ctx.functions.current_timestamp())
    ctx.register(step.name, out)
    if failed:
        raise AssertionError("data quality checks failed: " + "; ".join(failed))
    return out
