"""Exports the orders query to --target as parquet."""
import json
import sys
from urllib.parse import urlparse

import boto3
from awsglue.context import GlueContext
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["FILES", "target"])
url = urlparse(json.loads(args["FILES"])["../sql/orders.sql"])
sql = boto3.client("s3").get_object(Bucket=url.netloc, Key=url.path.lstrip("/"))["Body"].read().decode()
spark = GlueContext(SparkContext.getOrCreate()).spark_session
spark.sql(sql).write.mode("overwrite").parquet(args["target"])
