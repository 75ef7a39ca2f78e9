"""Default Glue runner: runs the steps of the job YAML given as --CONFIGPATH.

The job YAML and the files its steps name arrive in the working directory
through --extra-files, so they are opened by base name. Steps:
  sql     runs config.file with Spark SQL and registers the result as a view
          named after the step (and writes it to config.output when given)
  udf     loads config.file and registers the functions of its UDFS mapping
  python  runs config.file with the Spark session as `spark`
"""
import os
import sys

import yaml
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext


def local(path):
    """The working-directory copy of a file the job YAML names."""
    return os.path.basename(path)


def run_step(spark, step):
    kind, cfg = step["type"], step["config"]
    if kind == "sql":
        with open(local(cfg["file"])) as f:
            frame = spark.sql(f.read())
        frame.createOrReplaceTempView(step["name"])
        if cfg.get("output"):
            frame.write.mode("overwrite").saveAsTable(cfg["output"])
    elif kind == "udf":
        scope = {}
        with open(local(cfg["file"])) as f:
            exec(f.read(), scope)
        for name, fn in scope.get("UDFS", {}).items():
            spark.udf.register(name, fn)
    elif kind == "python":
        with open(local(cfg["file"])) as f:
            exec(f.read(), {"spark": spark})
    else:
        raise ValueError(f"unknown step type {kind!r}")


def main():
    args = getResolvedOptions(sys.argv, ["JOB_NAME", "CONFIGPATH"])
    glue = GlueContext(SparkContext.getOrCreate())
    job = Job(glue)
    job.init(args["JOB_NAME"], args)
    with open(local(args["CONFIGPATH"])) as f:
        spec = yaml.safe_load(f)
    for step in spec["steps"]:
        run_step(glue.spark_session, step)
    job.commit()


if __name__ == "__main__":
    main()
