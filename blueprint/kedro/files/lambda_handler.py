"""Lambda entry point: runs the Kedro nodes named in the event.

The event is {"node_names": [...]} for a job of one node or a tag's nodes,
{"namespaces": [...], "node_names": [...]} for a job of a whole namespace.
KEDRO_PACKAGE names the project's package, KEDRO_ENV its conf environment
(default aws: the one whose catalog keeps every dataset on S3, since the
nodes no longer share memory).
"""
import inspect
import os
from unittest.mock import patch


def handler(event, context):
    from kedro.framework.project import configure_project

    configure_project(os.environ["KEDRO_PACKAGE"])
    node_names = list(event.get("node_names") or [])
    if event.get("node_name"):
        node_names.append(event["node_name"])
    namespaces = list(event.get("namespaces") or [])
    if not node_names and not namespaces:
        raise ValueError("the event names no node: give node_names or namespaces")

    # Lambda has no /dev/shm, so multiprocessing.Lock (SemLock) cannot be
    # made; a job runs its nodes in one process and needs no lock.
    with patch("multiprocessing.Lock"):
        from kedro.framework.session import KedroSession

        with KedroSession.create(env=os.environ.get("KEDRO_ENV", "aws")) as session:
            run = session.run
            if namespaces and "namespaces" in inspect.signature(run).parameters:
                run(namespaces=namespaces)
            else:
                # Kedro before 1.0 runs a namespace by its node names.
                run(node_names=node_names)
    return {"node_names": node_names, "namespaces": namespaces}
