"""Runs a job's steps in order and reports on them."""
import importlib
import json
import re
import time
from datetime import datetime, timezone
from urllib.parse import urlparse

from blueprint_glue import handlers as registry
from blueprint_glue import schema as schemas

RUNTIME = re.compile(r"{{\s*([A-Za-z_][A-Za-z0-9_]*)\s*}}")
REPORT_KEY = "gluejobsreport/{run_id}/report.json"


class StepError(Exception):
    """A step failed; the message names the step and the cause."""


class Step:
    """One step of the job: its name, type, config (defaults filled in), the
    views its SQL refers to, and the files it names (config key -> --FILES key)."""

    def __init__(self, index, raw, extra, schema):
        self.index = index
        self.name = raw["name"]
        self.type = raw["type"]
        self.config = schemas.with_defaults(schema, raw.get("config") or {})
        self.refs = list(extra.get("refs") or [])
        self.files = dict(extra.get("files") or {})
        self.status = "pending"
        self.started = self.ended = None
        self.duration = None
        self.rows = None
        self.inputs = []
        self.outputs = []
        self.error = None

    def report(self):
        return {
            "name": self.name, "type": self.type, "status": self.status,
            "started": self.started, "ended": self.ended, "duration_seconds": self.duration,
            "rows": self.rows, "inputs": sorted(set(self.inputs)), "outputs": self.outputs,
            "error": self.error,
        }


class Context:
    """What a handler sees: Spark, Glue, the job's files and arguments, the
    views of the steps before it, logging and metrics.

    spark, glue_context: the SparkSession and GlueContext.
    functions: pyspark.sql.functions. client(service): a boto3 client.
    """

    def __init__(self, job, spark, glue_context, args, files, client, functions, logger,
                 dataframe=None, quality=None, clock=time.time):
        self.job = job
        self.spark = spark
        self.glue_context = glue_context
        self.args = args
        self.files = files
        self.client = client
        self.functions = functions
        self.log = logger
        self.dataframe = dataframe
        self.quality = quality
        self.clock = clock
        self.views = {}
        self.view_lists = {}
        self.step = None
        self.metrics = []
        self._cache = {}

    # Views -----------------------------------------------------------------

    def register(self, name, frame):
        """Makes frame the view name, for SQL and for the next steps."""
        frame.createOrReplaceTempView(name)
        self.views[name] = frame
        if self.step is not None:
            self.step.outputs.append(name)
        return frame

    def frame(self, name):
        """The view name: a step's result, else a table of the catalog."""
        self.uses(name)
        if name in self.views:
            return self.views[name]
        return self.spark.table(name)

    def uses(self, name):
        if self.step is not None and name:
            self.step.inputs.append(name)
        return name

    def ref(self, name):
        """For udfs: marks name as an input of the step, and returns it."""
        return self.uses(name)

    # Files and text --------------------------------------------------------

    def read(self, key):
        """The text of a file the job YAML names, by its --FILES key."""
        if key in self._cache:
            return self._cache[key]
        url = self.files.get(key)
        if url is None:
            raise StepError(f"file {key!r} was not shipped with the job (known: {', '.join(sorted(self.files))})")
        u = urlparse(url)
        body = self.client("s3").get_object(Bucket=u.netloc, Key=u.path.lstrip("/"))["Body"].read()
        text = body.decode("utf-8")
        self._cache[key] = text
        return text

    def step_file(self, step, key="file"):
        """The text of the file config[key] of step names."""
        return self.read(step.files.get(key, step.config.get(key)))

    def fill(self, text):
        """Fills the run-time arguments ({{ name }}) blueprint left in a SQL text."""
        def value(m):
            name = m.group(1)
            if name not in self.args:
                raise StepError(f"the SQL uses {{{{ {name} }}}}, but the run has no argument --{name}")
            return str(self.args[name])
        return RUNTIME.sub(value, text)

    def query(self, step):
        """The SQL of a step with sql or file, run-time arguments filled in."""
        for name in step.refs:
            self.uses(name)
        if step.config.get("sql"):
            return self.fill(step.config["sql"])
        return self.fill(self.step_file(step))

    # Metrics ---------------------------------------------------------------

    def metric(self, name, value, unit="None", namespace=None):
        self.metrics.append({"name": name, "value": float(value), "unit": unit, "namespace": namespace})


class Runner:
    """Runs the steps of a job document (the JSON blueprint wrote)."""

    def __init__(self, doc, ctx):
        self.doc = doc
        self.ctx = ctx
        meta = doc.get("__blueprint__") or {}
        self.meta = meta
        custom = meta.get("handlers") or {}
        self.custom = custom
        extras = meta.get("steps") or []
        self.steps = []
        for i, raw in enumerate(doc.get("steps") or []):
            extra = extras[i] if i < len(extras) else {}
            self.steps.append(Step(i, raw, extra, self.schema_of(raw.get("type"))))
        self.nblines = int(doc.get("nblines") or 0)
        self.namespace = meta.get("metrics_namespace", "dataall")
        self.publish = bool(meta.get("publish_metrics", True))
        self.status = "pending"
        self.started = self.ended = None

    def schema_of(self, kind):
        if kind in self.custom:
            return self.custom[kind].get("schema") or {}
        return schemas.builtin().get(kind) or {}

    def handler_of(self, kind):
        if kind in self.custom:
            module = importlib.import_module(self.custom[kind]["module"])
            return module.run
        fn = registry.get(kind)
        if fn is None:
            raise StepError(f"unknown step type {kind!r}")
        return fn

    def run(self):
        log = self.ctx.log
        self.started = _now(self.ctx.clock)
        self.status = "running"
        log.info(f"job {self.ctx.args.get('JOB_NAME', '')}: {len(self.steps)} steps")
        for step in self.steps:
            self.ctx.step = step
            step.status = "running"
            step.started = _now(self.ctx.clock)
            t0 = self.ctx.clock()
            log.info(f"step {step.name} [{step.type}] START")
            try:
                result = self.handler_of(step.type)(step, self.ctx)
                if result is not None and step.name not in self.ctx.views:
                    self.ctx.register(step.name, result)
                if result is not None:
                    step.rows = int(result.count())
                    if self.nblines > 0:
                        result.show(self.nblines)
            except Exception as e:  # the step's name and Spark's error go to the log and the report
                step.status = "failed"
                step.error = f"{type(e).__name__}: {e}"
                self._finish(step, t0)
                log.error(f"step {step.name} [{step.type}] FAILED after {step.duration:.3f}s: {step.error}")
                self.status = "failed"
                self.ended = _now(self.ctx.clock)
                self.ctx.step = None
                raise StepError(f"step {step.name} [{step.type}] failed: {step.error}") from e
            step.status = "succeeded"
            self._finish(step, t0)
            rows = "" if step.rows is None else f", {step.rows} rows"
            log.info(f"step {step.name} [{step.type}] END in {step.duration:.3f}s{rows}")
        self.ctx.step = None
        self.status = "succeeded"
        self.ended = _now(self.ctx.clock)

    def _finish(self, step, t0):
        step.ended = _now(self.ctx.clock)
        step.duration = round(self.ctx.clock() - t0, 3)
        self.ctx.metric("Duration", step.duration, "Seconds")
        if step.rows is not None:
            self.ctx.metric("RowCount", step.rows, "Count")
        self.publish_metrics(step)

    def publish_metrics(self, step):
        """Puts the step's metrics to CloudWatch, as the old engine's
        observability metrics, with the job and the step as dimensions."""
        metrics, self.ctx.metrics = self.ctx.metrics, []
        if not self.publish or not metrics:
            return
        by_ns = {}
        dims = [{"Name": "JobName", "Value": str(self.ctx.args.get("JOB_NAME", ""))}, {"Name": "Step", "Value": step.name}]
        for m in metrics:
            by_ns.setdefault(m["namespace"] or self.namespace, []).append(
                {"MetricName": m["name"], "Dimensions": dims, "Value": m["value"], "Unit": m["unit"]})
        cw = self.ctx.client("cloudwatch")
        for ns in sorted(by_ns):
            try:
                cw.put_metric_data(Namespace=ns, MetricData=by_ns[ns])
            except Exception as e:  # metrics never fail a job
                self.ctx.log.warn(f"step {step.name}: could not publish metrics to {ns}: {e}")

    def report(self):
        """The run report: the steps as a DAG (each step's parents: the step
        before it and the steps whose views it read), timings and status."""
        producers = {}
        nodes = []
        for step in self.steps:
            parents = set()
            if step.index > 0:
                parents.add(self.steps[step.index - 1].name)
            for name in step.inputs:
                if name in producers:
                    parents.add(producers[name])
            node = step.report()
            node["parents"] = sorted(parents)
            nodes.append(node)
            for out in step.outputs:
                producers[out] = step.name
        return {
            "job": self.ctx.args.get("JOB_NAME", ""), "run_id": self.ctx.args.get("JOB_RUN_ID", ""),
            "job_file": self.meta.get("job_file", ""), "status": self.status,
            "started": self.started, "ended": self.ended, "steps": nodes,
        }

    def save_report(self, bucket):
        """Writes the report to s3://<bucket>/gluejobsreport/<run id>/report.json."""
        key = REPORT_KEY.format(run_id=self.ctx.args.get("JOB_RUN_ID") or "unknown-run")
        body = json.dumps(self.report(), indent=2, sort_keys=True, default=str)
        self.ctx.client("s3").put_object(Bucket=bucket, Key=key, Body=body.encode("utf-8"), ContentType="application/json")
        self.ctx.log.info(f"report written to s3://{bucket}/{key}")
        return key


def _now(clock):
    return datetime.fromtimestamp(clock(), timezone.utc).isoformat()
