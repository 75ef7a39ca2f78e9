"""Running a job document on the fake."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import fake  # noqa: E402
from blueprint_glue import entry  # noqa: E402

BUCKET = "pipeline-bucket"
ASSETS = "cdk-assets"


def argv_of(args):
    out = ["main.py"]
    for k, v in args.items():
        out += ["--" + k, v]
    return out


def run_job(world, doc, files=None, args=None):
    """Uploads doc and files (path as written -> text) and runs the job."""
    world.objects[(ASSETS, "job.json")] = json.dumps(doc).encode()
    urls = {}
    for i, (written, text) in enumerate(sorted((files or {}).items())):
        key = f"file{i}"
        world.objects[(ASSETS, key)] = text.encode()
        urls[written] = f"s3://{ASSETS}/{key}"
    a = {"JOB_NAME": "p-job-dev", "JOB_RUN_ID": "jr_1", "CONFIGPATH": f"s3://{ASSETS}/job.json",
         "FILES": json.dumps(urls), "BUCKET_NAME": BUCKET, "STAGE": "dev"}
    a.update(args or {})
    return entry.run(argv_of(a), fake.platform(world))


def report(world, run_id="jr_1"):
    return json.loads(world.objects[(BUCKET, f"gluejobsreport/{run_id}/report.json")])


def step(name, kind, **config):
    return {"name": name, "type": kind, "config": config}
