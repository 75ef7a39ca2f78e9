"""One test per shape of job YAML: the documents blueprint writes for the
jobs of engines/glue/testdata/shapes (kept in jobs/ by the Go test
TestJobShapesShipTheirDocuments), run on the fake."""
import json
import os
import sys
import types
import unittest

from helpers import BUCKET, HERE, fake, report, run_job

REPO = os.path.join(HERE, "..", "..", "testdata", "shapes")


def bundle(name):
    with open(os.path.join(HERE, "jobs", name + ".json")) as f:
        return json.load(f)


def run_bundle(world, name, args=None):
    b = bundle(name)
    return run_job(world, b["doc"], b["files"], args)


class ShapeTest(unittest.TestCase):
    def setUp(self):
        self.world = fake.World()

    def calls(self, kind):
        return self.world.of(kind)

    def frame(self, path, rows=({"id": 1},)):
        self.world.read_results[path] = fake.Frame(self.world, list(rows))


class TestDataAllDefaultExample(ShapeTest):
    """mock, a variables file, nblines and the directory keys."""

    def test_the_mock_step_logs_the_rendered_message(self):
        run_bundle(self.world, "Example")
        self.assertIn(("info", "examplestep: a mock step reading a variable: value_of_dev"), self.world.logs)
        self.assertEqual(report(self.world)["status"], "succeeded")


class TestIngest(ShapeTest):
    """Two s3 reads with Glue and two materialize steps."""

    def test_reads_with_glue_and_writes_tables(self):
        self.frame("s3://raw-travel-bucket/carriers_raw")
        self.frame("s3://raw-travel-bucket/carrier_sites_raw")
        run_bundle(self.world, "Ingest")
        reads = self.calls("from_options")
        self.assertEqual([r[2]["paths"] for r in reads], [["s3://raw-travel-bucket/carriers_raw"], ["s3://raw-travel-bucket/carrier_sites_raw"]])
        self.assertEqual(reads[1][4], {"withHeader": True, "separator": ";"})
        writes = [(c[1], c[2]["format"], c[2]["options"]["path"]) for c in self.calls("saveAsTable")]
        self.assertEqual(writes, [("travel_raw.carriers_r", "parquet", "s3://lake-travel-bucket/ingested/carriers_r"),
                                  ("travel_raw.carrier_sites_r", "parquet", "s3://lake-travel-bucket/ingested/carrier_sites_r")])
        self.assertEqual(self.calls("glue.update_table")[0][2]["Description"], "carriers")
        self.assertEqual(len(self.calls("glue.update_table")), 1)


class TestIngestMultiprefix(ShapeTest):
    """Unquoted {{ }} from the variables file; one table per sub-prefix."""

    def test_one_table_per_prefix(self):
        for key in ("landing/travel/flights/1.csv", "landing/travel/hotels/1.csv"):
            self.world.objects[("raw-dev-bucket", key)] = b""
        self.frame("s3://raw-dev-bucket/landing/travel/flights")
        self.frame("s3://raw-dev-bucket/landing/travel/hotels")
        run_bundle(self.world, "IngestMultiprefix")
        writes = {c[1]: c[2]["options"]["path"] for c in self.calls("saveAsTable")}
        self.assertEqual(writes, {"travel_dev.r_flights": "s3://lake-travel-bucket/landing/travel/flights",
                                  "travel_dev.r_hotels": "s3://lake-travel-bucket/landing/travel/hotels"})
        self.assertIn("landing_flights", self.world.views)


class TestJoin(ShapeTest):
    """A query file under sql_queries, materialized."""

    def test_runs_the_file_and_materializes(self):
        self.world.on_sql("LEFT JOIN travel_raw.carrier_sites_r", fake.Frame(self.world, [{"code": "x"}]))
        run_bundle(self.world, "Join")
        self.assertIn("LEFT JOIN travel_raw.carrier_sites_r s ON c.code = s.code", self.calls("sql")[0][1])
        self.assertEqual(self.calls("saveAsTable")[0][1], "travel_curated.joined")


class TestTitanic(ShapeTest):
    """queries as a repo path, the pipeline bucket from the environment, ref()."""

    def test_reads_queries_and_materializes(self):
        self.frame("s3://pipe-bucket/examples/data/passengers/train.csv", [{"id": 1}, {"id": 2}])
        run_bundle(self.world, "Titanic")
        self.assertEqual(self.calls("sql")[0][1].split(), "SELECT id, class, sex, age, fare FROM passengers_raw".split())
        self.assertEqual(self.calls("saveAsTable")[0][1], "unittests.passengers")
        rep = report(self.world)
        self.assertEqual([s["rows"] for s in rep["steps"]], [2, 0, 2])
        self.assertEqual(rep["steps"][1]["parents"], ["passengers_raw"])


class TestEveryHandler(ShapeTest):
    """Every handler in one job, a custom one and udfs modules included."""

    def setUp(self):
        super().setUp()
        glue_dir = os.path.join(REPO, "customcode", "glue")
        sys.path.insert(0, glue_dir)
        custom = types.ModuleType("blueprint_glue_custom")
        custom.__path__ = [os.path.join(glue_dir, "handlers")]
        sys.modules["blueprint_glue_custom"] = custom

        def cleanup():
            sys.path.remove(glue_dir)
            for m in [m for m in sys.modules if m.split(".")[0] in ("udfs", "blueprint_glue_custom")]:
                del sys.modules[m]
        self.addCleanup(cleanup)

    def test_runs_every_step(self):
        w = self.world
        self.frame("s3://raw-bucket/people/", [{"id": 1, "first name": "a"}])
        w.on_sql(r"^SELECT \* FROM spaced", fake.Frame(w, [{"id": 1, "email": "e", "phone": "p", "age": 40, "day": "d"}],
                                                    [("id", "int"), ("email", "string"), ("phone", "string"), ("age", "int"), ("day", "string")]))
        stats = {"n": 1}
        for i in range(5):
            stats.update({f"c{i}_count": 1, f"c{i}_distinct": 1})
        w.on_sql(r"^SELECT COUNT\(\*\) AS n", fake.Frame(w, [stats]))
        w.on_sql(r"count\(\*\) AS people", fake.Frame(w, [{"people": 1}]))
        run_bundle(w, "EveryHandler", {"run_date": "2026-01-01", "source_db": "raw"})
        rep = report(w)
        self.assertEqual(rep["status"], "succeeded", rep)
        self.assertEqual([s["type"] for s in rep["steps"]], [
            "mock", "file", "s3", "rename_whitespace_cols", "query", "query", "sql", "obfuscate", "udf", "udf",
            "python", "assertion", "deequ", "profiling", "metric", "dedupe", "materialize"])
        sql = [c[1] for c in self.calls("sql")]
        self.assertIn("SELECT * FROM spaced WHERE day = '2026-01-01'", sql)
        self.assertIn("SELECT * FROM raw.people\nWHERE age >= 0 AND day = '2026-01-01' AND stage = 'dev'\n", sql)
        self.assertIn("SELECT 1 FROM people", sql)        # udfs.myudf
        self.assertIn("SELECT 'dev' AS stage", sql)       # the python step
        self.assertIn("initials", w.udfs)
        self.assertIn("IsUnique \"id\"", self.calls("dq.apply")[0][1])
        self.assertEqual(self.calls("dropDuplicates"), [("dropDuplicates", ["id"])])
        save = [c for c in self.calls("saveAsTable") if c[1] == "curated.hidden"][0]
        self.assertEqual((save[2]["mode"], save[2]["format"], save[2]["partitionBy"]), ("append", "json", ["day"]))
        self.assertIn(("cloudwatch.put_metric_data", "shapes/etl"), [c[:2] for c in self.calls("cloudwatch.put_metric_data")])
        self.assertIn((BUCKET, "gluejobsreport/jr_1/report.json"), w.objects)
        self.assertEqual(rep["steps"][11]["parents"], ["people", "script"])


if __name__ == "__main__":
    unittest.main()
