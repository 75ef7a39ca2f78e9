# Runs with the Spark session as `spark`.
spark.sql("SELECT count(*) AS orders FROM load").show()
