"""One test (or a few) per handler, on the fake."""
import sys
import types
import unittest

from helpers import BUCKET, fake, report, run_job, step


class HandlerTest(unittest.TestCase):
    def setUp(self):
        self.world = fake.World()

    def calls(self, kind):
        return self.world.of(kind)


class TestMock(HandlerTest):
    def test_logs_the_message(self):
        run_job(self.world, {"steps": [step("hello", "mock", message="hi there")]})
        self.assertIn(("info", "hello: hi there"), self.world.logs)
        self.assertEqual(report(self.world)["steps"][0]["status"], "succeeded")


class TestDocument(HandlerTest):
    def test_a_yaml_job_file_in_the_bucket_runs(self):
        # A job YAML the repo lacks, read from the bucket (glue_jobs_prefix).
        from helpers import ASSETS, argv_of
        from blueprint_glue import entry
        self.world.objects[(ASSETS, "customcode/glue/glue_jobs/job.yaml")] = (
            b"steps:\n  - name: hello\n    type: mock\n    config:\n      message: from yaml\n")
        entry.run(argv_of({"JOB_NAME": "p-job-dev", "JOB_RUN_ID": "jr_1", "FILES": "{}", "BUCKET_NAME": BUCKET,
                           "CONFIGPATH": f"s3://{ASSETS}/customcode/glue/glue_jobs/job.yaml"}), fake.platform(self.world))
        self.assertIn(("info", "hello: from yaml"), self.world.logs)

    def test_a_document_that_is_not_a_mapping_fails(self):
        from blueprint_glue import entry
        with self.assertRaises(ValueError):
            entry.parse_document("- just\n- a list\n")


class TestQuery(HandlerTest):
    def test_inline_sql_becomes_a_view_named_after_the_step(self):
        rows = fake.Frame(self.world, [{"a": 1}, {"a": 2}])
        self.world.on_sql(r"FROM raw", rows)
        run_job(self.world, {"steps": [step("q", "query", sql="SELECT a FROM raw WHERE d = '{{ day }}'")],
                             "__blueprint__": {"runtime_args": ["day"]}}, args={"day": "2026-01-01"})
        self.assertEqual(self.calls("sql")[0][1], "SELECT a FROM raw WHERE d = '2026-01-01'")
        self.assertIs(self.world.views["q"], rows)
        self.assertEqual(report(self.world)["steps"][0]["rows"], 2)

    def test_a_file_and_its_refs(self):
        self.world.on_sql(r"FROM a", fake.Frame(self.world, [{"x": 1}]))
        run_job(self.world, {"steps": [step("a", "mock", message="m"), step("j", "query", file="join.sql")],
                             "__blueprint__": {"steps": [{}, {"refs": ["a"], "files": {"file": "join.sql"}}]}},
                files={"join.sql": "SELECT * FROM a JOIN b"})
        self.assertEqual(self.calls("sql")[0][1], "SELECT * FROM a JOIN b")
        self.assertEqual(report(self.world)["steps"][1]["inputs"], ["a"])

    def test_a_missing_runtime_argument_fails_the_step(self):
        with self.assertRaisesRegex(Exception, r"step q \[query\] failed: .*--day"):
            run_job(self.world, {"steps": [step("q", "query", sql="SELECT {{ day }}")]})


class TestSQL(HandlerTest):
    def test_output_saves_the_result(self):
        run_job(self.world, {"steps": [step("s", "sql", file="s.sql", output="cur.orders")]}, files={"s.sql": "SELECT 1"})
        name, settings, _ = self.calls("saveAsTable")[0][1:]
        self.assertEqual((name, settings["mode"]), ("cur.orders", "overwrite"))
        self.assertIn("s", self.world.views)


class TestFile(HandlerTest):
    def test_reads_with_spark(self):
        run_job(self.world, {"steps": [step("f", "file", path="s3://b/x.csv", options={"format": "csv", "header": True})]})
        self.assertEqual(self.calls("read.load"), [("read.load", "s3://b/x.csv", {"format": "csv", "header": True})])
        self.assertIn("f", self.world.views)


class TestPython(HandlerTest):
    def test_runs_the_file_with_spark(self):
        run_job(self.world, {"steps": [step("p", "python", file="p.py")]},
                files={"p.py": "spark.sql('SELECT ' + args['STAGE'])\nref('raw')"})
        self.assertEqual(self.calls("sql")[0][1], "SELECT dev")
        self.assertEqual(report(self.world)["steps"][0]["inputs"], ["raw"])


class TestUDF(HandlerTest):
    def test_module_and_function_as_the_old_engine(self):
        pkg = types.ModuleType("udfs")
        pkg.__path__ = []
        mod = types.ModuleType("udfs.myudf")
        seen = []
        mod.udf = lambda spark, ref: seen.append(ref("rawdatainput"))
        sys.modules.update({"udfs": pkg, "udfs.myudf": mod})
        self.addCleanup(lambda: [sys.modules.pop(m) for m in ("udfs", "udfs.myudf")])
        run_job(self.world, {"steps": [step("u", "udf", module="myudf")]})
        self.assertEqual(seen, ["rawdatainput"])
        self.assertEqual(report(self.world)["steps"][0]["inputs"], ["rawdatainput"])

    def test_file_registers_its_udfs(self):
        run_job(self.world, {"steps": [step("u", "udf", file="u.py")]},
                files={"u.py": "def up(s):\n    return s.upper()\nUDFS = {'up': up}\n"})
        self.assertEqual(self.world.udfs["up"]("a"), "A")

    def test_a_missing_function_names_it(self):
        mod = types.ModuleType("udfs.other")
        sys.modules.update({"udfs": types.ModuleType("udfs"), "udfs.other": mod})
        sys.modules["udfs"].__path__ = []
        self.addCleanup(lambda: [sys.modules.pop(m) for m in ("udfs", "udfs.other")])
        with self.assertRaisesRegex(Exception, "has no function 'nope'"):
            run_job(self.world, {"steps": [step("u", "udf", module="other", function="nope")]})


class TestRenameWhitespaceCols(HandlerTest):
    def test_spaces_become_underscores(self):
        self.world.views["raw"] = fake.Frame(self.world, [{"first name": "a", "id": 1}])
        run_job(self.world, {"steps": [step("r", "rename_whitespace_cols", target="raw")]})
        self.assertEqual(self.world.views["r"].columns, ["first_name", "id"])


class TestObfuscate(HandlerTest):
    def test_hashes_the_columns(self):
        self.world.views["raw"] = fake.Frame(self.world, [{"email": "a@b", "name": "n", "id": 1}])
        run_job(self.world, {"steps": [step("o", "obfuscate", target="raw", obfuscate_cols="email, name")]})
        self.assertEqual(self.world.views["o"].derived, [("withColumn", "email", "md5(CAST(email AS string))"),
                                                         ("withColumn", "name", "md5(CAST(name AS string))")])

    def test_an_unknown_column_fails(self):
        self.world.views["raw"] = fake.Frame(self.world, [{"id": 1}])
        with self.assertRaisesRegex(Exception, "raw has no column 'email'"):
            run_job(self.world, {"steps": [step("o", "obfuscate", target="raw", obfuscate_cols=["email"])]})


class TestAssertion(HandlerTest):
    def test_gt_fails_on_any_bad_row(self):
        self.world.on_sql("age <= 0", fake.Frame(self.world, [{"id": 1}]))
        with self.assertRaisesRegex(Exception, r"step a \[assertion\] failed: AssertionError: .*1 rows"):
            run_job(self.world, {"steps": [step("a", "assertion", sql="SELECT * FROM t WHERE age <= 0")]})
        self.assertEqual(report(self.world)["status"], "failed")

    def test_gt_holds_without_bad_rows(self):
        run_job(self.world, {"steps": [step("a", "assertion", sql="SELECT * FROM t WHERE age <= 0")]})
        self.assertEqual(report(self.world)["steps"][0]["status"], "succeeded")

    def test_eq_fails_on_no_rows(self):
        with self.assertRaises(Exception):
            run_job(self.world, {"steps": [step("a", "assertion", sql="SELECT 1 WHERE false", sign="eq")]})


class TestDeequ(HandlerTest):
    def checks(self, level):
        return [{"checkgroup": "g", "error_level": level, "checks": [
            {"check": "isUnique", "params": {"column": "id"}},
            {"check": "hasCompleteness", "params": {"column": "age", "assertion": {"op": "gte", "value": 0.9}}},
            {"check": "all_between", "params": {"columns": ["age"], "lowerBound": 0, "upperBound": 120, "null_value": "discard"}},
            {"check": "isContainedIn", "params": {"column": "sex", "allowed_values": ["m", "f"]}},
        ]}]

    def test_rules_become_a_dqdl_ruleset(self):
        self.world.views["raw"] = fake.Frame(self.world, [{"id": 1}])
        run_job(self.world, {"steps": [step("dq", "deequ", **{"from": "raw", "checkgroups": self.checks("error")})]})
        ruleset = self.calls("dq.apply")[0][1]
        self.assertEqual(ruleset, 'Rules = [\n    IsUnique "id",\n    Completeness "age" >= 0.9,\n'
                         '    CustomSql "SELECT AVG(CASE WHEN (`age` IS NULL OR (`age` >= 0 AND `age` <= 120)) THEN 1.0 ELSE 0.0 END) FROM primary" = 1.0,\n'
                         '    ColumnValues "sex" in ["m", "f"]\n]')
        self.assertEqual(self.world.views["dq"].count(), 4)

    def test_a_failed_rule_of_an_error_group_fails(self):
        self.world.views["raw"] = fake.Frame(self.world, [{"id": 1}])
        self.world.dq_outcomes['IsUnique "id"'] = ("Failed", "2 duplicates")
        with self.assertRaisesRegex(Exception, "data quality checks failed: g: IsUnique \"id\" \\(2 duplicates\\)"):
            run_job(self.world, {"steps": [step("dq", "deequ", **{"from": "raw", "checkgroups": self.checks("error")})]})

    def test_a_warning_group_only_logs(self):
        self.world.views["raw"] = fake.Frame(self.world, [{"id": 1}])
        self.world.dq_outcomes['IsUnique "id"'] = ("Failed", "2 duplicates")
        run_job(self.world, {"steps": [step("dq", "deequ", **{"from": "raw", "checkgroups": self.checks("warning")})]})
        self.assertTrue(any(level == "warn" and "IsUnique" in m for level, m in self.world.logs))


class TestProfiling(HandlerTest):
    def test_profiles_and_buckets(self):
        self.world.views["raw"] = fake.Frame(self.world, [{"age": 1}], [("age", "int"), ("sex", "string")])
        pct = [float(i) for i in range(1, 101)]
        self.world.on_sql(r"^SELECT COUNT\(\*\) AS n", fake.Frame(self.world, [{
            "n": 4, "c0_count": 4, "c0_distinct": 3, "c0_min": 1, "c0_max": 9, "c0_mean": 4.0, "c0_sum": 16,
            "c0_stddev": 2.0, "c0_pct": pct, "c1_count": 2, "c1_distinct": 2}]))
        self.world.on_sql(r"CAST\(`sex`", fake.Frame(self.world, [{"value": "m", "n": 2}, {"value": None, "n": 2}]))
        run_job(self.world, {"steps": [step("prof", "profiling", **{"from": "raw", "bucketdf_name": "buckets", "table": "t"})]})
        profile = self.world.views["prof"].rows
        self.assertEqual(profile[0]["column"], "age")
        self.assertEqual((profile[0]["completeness"], profile[0]["approxQ2"]), (1.0, 50.0))
        self.assertEqual(profile[1]["completeness"], 0.5)
        buckets = self.world.views["buckets"].rows
        self.assertIn({"column_name": "sex", "metric_type": "category", "value_str": "m", "value_float": None,
                       "count_col": 2.0, "ratio": 0.5}, buckets)
        self.assertEqual(sum(1 for b in buckets if b["metric_type"] == "approxPercentile"), 100)


class TestS3(HandlerTest):
    def test_glue_read_spells_csv_options_for_glue(self):
        run_job(self.world, {"steps": [step("raw", "s3", bucket="b", prefix="in",
                                             options={"format": "csv", "header": True, "sep": ";", "inferSchema": True})]})
        self.assertEqual(self.calls("from_options"), [("from_options", "s3", {"paths": ["s3://b/in"]}, "csv",
                                                       {"withHeader": True, "separator": ";"})])
        self.assertIn("raw", self.world.views)

    def test_spark_read(self):
        run_job(self.world, {"steps": [step("raw", "s3", bucket="b", prefix="in", read_method="spark", options={"format": "parquet"})]})
        self.assertEqual(self.calls("read.load"), [("read.load", "s3://b/in", {"format": "parquet"})])

    def test_multiprefix_reads_each_sub_prefix(self):
        for key in ("in/air lines/a.csv", "in/websites/b.csv", "in/top.csv"):
            self.world.objects[("b", key)] = b""
        run_job(self.world, {"steps": [step("raw", "s3", bucket="b", prefix="in", multiprefix=True)]})
        self.assertEqual([c[2]["paths"] for c in self.calls("from_options")], [["s3://b/in/air lines"], ["s3://b/in/websites"]])
        self.assertIn("raw_airlines", self.world.views)
        self.assertIn("raw_websites", self.world.views)


class TestMaterialize(HandlerTest):
    def test_writes_the_table_and_its_description(self):
        self.world.views["raw"] = fake.Frame(self.world, [{"id": 1}])
        run_job(self.world, {"steps": [step("m", "materialize", target="raw", database="db", table="t", bucket="lake",
                                             prefix="cur/t", description="the t table", num_out_files=2,
                                             partitions=["day"], options={"format": "parquet"})]})
        name, settings, frame = self.calls("saveAsTable")[0][1:]
        self.assertEqual(name, "db.t")
        self.assertEqual(settings, {"mode": "overwrite", "format": "parquet", "options": {"path": "s3://lake/cur/t"},
                                    "partitionBy": ["day"]})
        self.assertEqual(frame.derived, [("coalesce", 2)])
        self.assertEqual(self.calls("glue.update_table")[0][2]["Description"], "the t table")
        self.assertNotIn("CreateTime", self.calls("glue.update_table")[0][2])

    def test_csv_gets_header_and_delimiter(self):
        self.world.views["raw"] = fake.Frame(self.world, [{"id": 1}])
        run_job(self.world, {"steps": [step("m", "materialize", target="raw", database="", path="s3://x/y/", mode="append",
                                             delimiter="|", options={"format": "csv"})]})
        name, settings, _ = self.calls("saveAsTable")[0][1:]
        self.assertEqual(name, "raw")
        self.assertEqual(settings["options"], {"path": "s3://x/y", "header": "true", "delimiter": "|"})
        self.assertEqual(settings["mode"], "append")

    def test_an_empty_view_is_not_written(self):
        self.world.views["raw"] = fake.Frame(self.world, [])
        run_job(self.world, {"steps": [step("m", "materialize", target="raw", database="db", path="s3://x/y")]})
        self.assertEqual(self.calls("saveAsTable"), [])

    def test_multiprefix_writes_one_table_per_prefix(self):
        self.world.objects[("b", "in/airlines/a.csv")] = b""
        self.world.objects[("b", "in/websites/a.csv")] = b""
        self.world.read_results["s3://b/in/airlines"] = fake.Frame(self.world, [{"id": 1}])
        self.world.read_results["s3://b/in/websites"] = fake.Frame(self.world, [{"id": 2}])
        run_job(self.world, {"steps": [
            step("raw", "s3", bucket="b", prefix="in", multiprefix=True),
            step("m", "materialize", target="raw", multiprefix=True, database="db", bucket="lake", prefix="cur",
                 out_table_name_prefix="r_", partitions={"websites": ["day"]}, options={"format": "json"})]})
        writes = {c[1]: c[2] for c in self.calls("saveAsTable")}
        self.assertEqual(sorted(writes), ["db.r_airlines", "db.r_websites"])
        self.assertEqual(writes["db.r_websites"]["options"]["path"], "s3://lake/cur/websites")
        self.assertEqual(writes["db.r_websites"]["partitionBy"], ["day"])
        self.assertNotIn("partitionBy", writes["db.r_airlines"])
        self.assertEqual(report(self.world)["steps"][1]["parents"], ["raw"])


class TestMetric(HandlerTest):
    def test_publishes_numeric_columns(self):
        self.world.on_sql("FROM orders", fake.Frame(self.world, [{"total": 12.5, "n": 3, "label": "x"}]))
        run_job(self.world, {"steps": [step("kpi", "metric", sql="SELECT sum(x) total, count(*) n, 'x' label FROM orders", unit="Count")]})
        data = self.calls("cloudwatch.put_metric_data")[0]
        self.assertEqual(data[1], "dataall")
        self.assertEqual([(m["MetricName"], m["Value"], m["Unit"]) for m in data[2][:2]], [("kpi/n", 3.0, "Count"), ("kpi/total", 12.5, "Count")])
        self.assertEqual(data[2][2]["MetricName"], "Duration")


class TestRunner(HandlerTest):
    def test_report_is_a_dag_with_timings(self):
        self.world.views["raw"] = fake.Frame(self.world, [{"a b": 1}])
        run_job(self.world, {"steps": [step("m", "mock", message="x"), step("r", "rename_whitespace_cols", target="raw"),
                                        step("o", "obfuscate", target="r", obfuscate_cols="a_b")]})
        rep = report(self.world)
        self.assertEqual((rep["job"], rep["run_id"], rep["status"]), ("p-job-dev", "jr_1", "succeeded"))
        self.assertEqual([s["parents"] for s in rep["steps"]], [[], ["m"], ["r"]])
        self.assertEqual(rep["steps"][2]["outputs"], ["o"])
        self.assertIsInstance(rep["steps"][1]["duration_seconds"], float)
        logs = [m for _, m in self.world.logs]
        self.assertIn("step r [rename_whitespace_cols] START", logs)
        self.assertTrue(any(m.startswith("step r [rename_whitespace_cols] END in ") and m.endswith(", 1 rows") for m in logs))
        self.assertEqual(self.calls("job.commit"), [("job.commit",)])

    def test_a_failing_step_stops_the_job_and_is_reported(self):
        with self.assertRaisesRegex(Exception, r"step r \[rename_whitespace_cols\] failed: LookupError: .*missing"):
            run_job(self.world, {"steps": [step("r", "rename_whitespace_cols", target="missing"), step("m", "mock", message="x")]})
        rep = report(self.world)
        self.assertEqual([s["status"] for s in rep["steps"]], ["failed", "pending"])
        self.assertIn("Table or view not found: missing", rep["steps"][0]["error"])
        self.assertTrue(any(level == "error" and "step r [rename_whitespace_cols] FAILED" in m for level, m in self.world.logs))
        self.assertEqual(self.calls("job.commit"), [])

    def test_step_metrics_go_to_cloudwatch(self):
        self.world.on_sql("x", fake.Frame(self.world, [{"a": 1}]))
        run_job(self.world, {"steps": [step("q", "query", sql="SELECT x")], "__blueprint__": {"metrics_namespace": "team/etl"}})
        ns, data = self.calls("cloudwatch.put_metric_data")[0][1:]
        self.assertEqual(ns, "team/etl")
        self.assertEqual([m["MetricName"] for m in data], ["Duration", "RowCount"])
        self.assertEqual(data[0]["Dimensions"], [{"Name": "JobName", "Value": "p-job-dev"}, {"Name": "Step", "Value": "q"}])

    def test_metrics_can_be_turned_off(self):
        run_job(self.world, {"steps": [step("m", "mock", message="x")], "__blueprint__": {"publish_metrics": False}})
        self.assertEqual(self.calls("cloudwatch.put_metric_data"), [])

    def test_nblines_shows_rows(self):
        self.world.on_sql("x", fake.Frame(self.world, [{"a": 1}]))
        run_job(self.world, {"nblines": 10, "steps": [step("q", "query", sql="SELECT x")]})
        self.assertEqual(self.calls("show"), [("show", "frame", 10)])

    def test_custom_handlers_are_modules(self):
        pkg = types.ModuleType("blueprint_glue_custom")
        pkg.__path__ = []
        mod = types.ModuleType("blueprint_glue_custom.dedupe")
        mod.run = lambda step, ctx: ctx.frame(step.config["target"])
        sys.modules.update({"blueprint_glue_custom": pkg, "blueprint_glue_custom.dedupe": mod})
        self.addCleanup(lambda: [sys.modules.pop(m) for m in ("blueprint_glue_custom", "blueprint_glue_custom.dedupe")])
        self.world.views["raw"] = fake.Frame(self.world, [{"a": 1}])
        run_job(self.world, {"steps": [step("d", "dedupe", target="raw")], "__blueprint__": {"handlers": {
            "dedupe": {"module": "blueprint_glue_custom.dedupe", "schema": {"keys": {"keep": {"type": "string", "default": "first"}}}}}}})
        self.assertIs(self.world.views["d"], self.world.views["raw"])
        self.assertEqual(report(self.world)["steps"][0]["rows"], 1)

    def test_the_report_bucket_is_the_pipeline_bucket(self):
        run_job(self.world, {"steps": [step("m", "mock", message="x")]}, args={"JOB_RUN_ID": "jr_9"})
        self.assertIn((BUCKET, "gluejobsreport/jr_9/report.json"), self.world.objects)


if __name__ == "__main__":
    unittest.main()
