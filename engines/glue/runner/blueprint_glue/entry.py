"""The job's whole run: arguments, job document, steps, report."""
import json
from urllib.parse import urlparse

from blueprint_glue.job import Context, Runner

REQUIRED = ["JOB_NAME", "CONFIGPATH", "FILES", "BUCKET_NAME"]
OPTIONAL = ["JOB_RUN_ID", "STAGE", "execution_id"]


class Platform:
    """The Glue and Spark entry points a run needs; main.py passes the real
    modules, the tests a fake."""

    def __init__(self, get_resolved_options, glue_context, job_class, functions, client,
                 dynamic_frame, quality):
        self.get_resolved_options = get_resolved_options
        self.glue_context = glue_context
        self.job_class = job_class
        self.functions = functions
        self.client = client
        self.dynamic_frame = dynamic_frame
        self.quality = quality  # a function returning EvaluateDataQuality


def resolve(argv, get_resolved_options, names):
    present = [n for n in names if "--" + n in argv]
    return get_resolved_options(argv, present) if present else {}


def read_s3(client, url):
    u = urlparse(url)
    return client("s3").get_object(Bucket=u.netloc, Key=u.path.lstrip("/"))["Body"].read().decode("utf-8")


def parse_document(text):
    """The job document: the JSON blueprint writes, or a YAML job file a
    job reads from the bucket under properties.glue_jobs_prefix (PyYAML
    ships with Glue)."""
    try:
        return json.loads(text)
    except ValueError:
        import yaml
        doc = yaml.safe_load(text)
        if not isinstance(doc, dict):
            raise ValueError("the job document is not a mapping of keys to values")
        return doc


def run(argv, platform):
    """Runs the job; raises (failing the Glue run) when a step fails, after
    the report is written."""
    args = dict(platform.get_resolved_options(argv, REQUIRED))
    args.update(resolve(argv, platform.get_resolved_options, OPTIONAL))
    doc = parse_document(read_s3(platform.client, args["CONFIGPATH"]))
    meta = doc.get("__blueprint__") or {}
    args.update(resolve(argv, platform.get_resolved_options, [n for n in meta.get("runtime_args") or [] if n not in args]))
    glue = platform.glue_context
    logger = glue.get_logger()
    job = platform.job_class(glue)
    job.init(args["JOB_NAME"], args)
    quality = None
    if any(s.get("type") == "deequ" for s in doc.get("steps") or []):
        quality = platform.quality()
    ctx = Context(doc, glue.spark_session, glue, args, json.loads(args["FILES"]), platform.client,
                  platform.functions, logger, dataframe=platform.dynamic_frame, quality=quality)
    runner = Runner(doc, ctx)
    try:
        runner.run()
    finally:
        try:
            runner.save_report(args["BUCKET_NAME"])
        except Exception as e:  # a report that cannot be written must not hide the step's error
            logger.error(f"could not write the run report: {e}")
    job.commit()
    return runner
