spark.sql("SELECT '" + args["STAGE"] + "' AS stage")
