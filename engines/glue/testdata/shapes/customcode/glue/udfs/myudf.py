def udf(spark, ref):
    spark.sql("SELECT 1 FROM " + ref("people"))
