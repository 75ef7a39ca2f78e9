"""Default Glue runner: runs the steps of the job YAML given as --CONFIGPATH.

blueprint uploads the job YAML and every file it names as S3 assets, and
passes --FILES, a JSON object mapping each path as the YAML writes it to
the file's S3 URL. Step types:
  sql     runs config.file with Spark SQL; the result becomes a temporary
          view named after the step, and is saved as the table
          config.output when given
  udf     runs config.file and registers the functions of its UDFS dict
  python  runs config.file with the Spark session as `spark`
A SQL file may use {{ name }}: a value of the YAML's variables, of its
variables_file (which wins), or else the job argument --name (for example
{{ execution_id }}, which every run gets).
"""
import json
import re
import sys
from urllib.parse import urlparse

import boto3
import yaml
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")
s3 = boto3.client("s3")


def read(url):
    """The text of an S3 object."""
    u = urlparse(url)
    return s3.get_object(Bucket=u.netloc, Key=u.path.lstrip("/"))["Body"].read().decode("utf-8")


def render(text, variables):
    """Fills {{ name }} from the variables, else from the job's arguments."""
    def value(match):
        name = match.group(1)
        if name not in variables:
            variables[name] = getResolvedOptions(sys.argv, [name])[name]
        return str(variables[name])
    return VARIABLE.sub(value, text)


def run_step(spark, step, source, variables):
    kind, cfg = step["type"], step["config"]
    if kind == "sql":
        frame = spark.sql(render(source(cfg["file"]), variables))
        frame.createOrReplaceTempView(step["name"])
        if cfg.get("output"):
            frame.write.mode("overwrite").saveAsTable(cfg["output"])
    elif kind == "udf":
        scope = {}
        exec(source(cfg["file"]), scope)
        for name, fn in scope.get("UDFS", {}).items():
            spark.udf.register(name, fn)
    elif kind == "python":
        exec(source(cfg["file"]), {"spark": spark})
    else:
        raise ValueError(f"unknown step type {kind!r}")


def main():
    args = getResolvedOptions(sys.argv, ["JOB_NAME", "CONFIGPATH", "FILES"])
    files = json.loads(args["FILES"])
    spec = yaml.safe_load(read(args["CONFIGPATH"]))
    variables = dict(spec.get("variables") or {})
    if spec.get("variables_file"):
        variables.update(yaml.safe_load(read(files[spec["variables_file"]])) or {})
    glue = GlueContext(SparkContext.getOrCreate())
    job = Job(glue)
    job.init(args["JOB_NAME"], args)
    for step in spec["steps"]:
        run_step(glue.spark_session, step, lambda path: read(files[path]), variables)
    job.commit()


if __name__ == "__main__":
    main()
