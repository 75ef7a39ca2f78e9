"""The Glue job runner blueprint ships: runs the steps of a job YAML on Spark.

blueprint renders the job YAML at synth (stage, environment, variables file),
checks every step's config against the handler schemas (handlers.json and the
repo's customcode/glue/handlers/<type>.yaml), and uploads the result as JSON
(--CONFIGPATH). The files the YAML names are uploaded as assets too (--FILES,
a JSON object from each path as the YAML writes it to its S3 URL); SQL files
are rendered at synth, with the job's run-time arguments left as {{ name }}
for the runner to fill in.

The runner uses only these documented PySpark and AWS Glue calls (the fake in
tests/fake.py records exactly these):
  awsglue.utils.getResolvedOptions, awsglue.context.GlueContext (spark_session,
  get_logger, create_dynamic_frame.from_options), awsglue.job.Job (init,
  commit), awsglue.dynamicframe.DynamicFrame (fromDF, toDF),
  awsgluedq.transforms.EvaluateDataQuality.apply;
  SparkSession.sql, .table, .read.load, .createDataFrame, .udf.register;
  DataFrame.createOrReplaceTempView, .count, .head, .collect, .show,
  .columns, .dtypes, .withColumn, .withColumnRenamed, .coalesce,
  .write (.mode, .format, .option, .partitionBy, .saveAsTable);
  pyspark.sql.functions.col, .md5, .lit, .current_timestamp;
  boto3 clients s3 (get_object, put_object, get_paginator("list_objects_v2")),
  glue (get_table, update_table) and cloudwatch (put_metric_data).
"""

VERSION = "1"
