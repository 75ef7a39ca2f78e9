"""The Glue job script blueprint ships (a glue_job whose YAML has no script:).

It runs the steps of the job document blueprint uploaded (--CONFIGPATH) with
the handlers of the blueprint_glue package (--extra-py-files), and writes the
run report to s3://<--BUCKET_NAME>/gluejobsreport/<job run id>/report.json.
"""
import sys

import boto3
import pyspark.sql.functions as functions
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from blueprint_glue.entry import Platform, run

_clients = {}


def client(service):
    if service not in _clients:
        _clients[service] = boto3.client(service)
    return _clients[service]


def quality():
    from awsgluedq.transforms import EvaluateDataQuality
    return EvaluateDataQuality


if __name__ == "__main__":
    run(sys.argv, Platform(getResolvedOptions, GlueContext(SparkContext.getOrCreate()), Job, functions,
                           client, DynamicFrame, quality))
