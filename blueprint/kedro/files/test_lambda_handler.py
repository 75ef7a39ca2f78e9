"""Tests of lambda_handler with a fake kedro: python3 -m unittest in this folder."""
import os
import sys
import types
import unittest
from unittest import mock

import lambda_handler


class FakeSession:
    runs = []
    created = []

    @classmethod
    def create(cls, env=None, **kwargs):
        cls.created.append(env)
        return cls()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Kedro1Session(FakeSession):
    def run(self, node_names=None, namespaces=None):
        FakeSession.runs.append({"node_names": node_names, "namespaces": namespaces})


class Kedro019Session(FakeSession):
    def run(self, node_names=None, namespace=None):
        FakeSession.runs.append({"node_names": node_names})


def fake_kedro(session):
    configured = []
    kedro = types.ModuleType("kedro")
    framework = types.ModuleType("kedro.framework")
    project = types.ModuleType("kedro.framework.project")
    project.configure_project = configured.append
    sess = types.ModuleType("kedro.framework.session")
    sess.KedroSession = session
    return configured, {"kedro": kedro, "kedro.framework": framework,
                        "kedro.framework.project": project, "kedro.framework.session": sess}


class HandlerTest(unittest.TestCase):
    def setUp(self):
        FakeSession.runs.clear()
        FakeSession.created.clear()

    def call(self, event, session=Kedro1Session, env=None):
        configured, modules = fake_kedro(session)
        environ = {"KEDRO_PACKAGE": "spaceflights"}
        environ.update(env or {})
        with mock.patch.dict(sys.modules, modules), mock.patch.dict(os.environ, environ, clear=True):
            result = lambda_handler.handler(event, None)
        return configured, result

    def test_runs_the_named_node_in_the_aws_environment(self):
        configured, result = self.call({"node_names": ["data_processing.preprocess_companies_node"]})
        self.assertEqual(configured, ["spaceflights"])
        self.assertEqual(FakeSession.created, ["aws"])
        self.assertEqual(FakeSession.runs, [{"node_names": ["data_processing.preprocess_companies_node"], "namespaces": None}])
        self.assertEqual(result["node_names"], ["data_processing.preprocess_companies_node"])

    def test_kedro_env_chooses_the_conf_environment(self):
        self.call({"node_names": ["a"]}, env={"KEDRO_ENV": "aws_batch"})
        self.assertEqual(FakeSession.created, ["aws_batch"])

    def test_the_guides_single_node_name_event_still_works(self):
        self.call({"node_name": "split_data_node"})
        self.assertEqual(FakeSession.runs[0]["node_names"], ["split_data_node"])

    def test_a_namespace_job_runs_the_namespace(self):
        self.call({"namespaces": ["data_science"], "node_names": ["data_science.a", "data_science.b"]})
        self.assertEqual(FakeSession.runs, [{"node_names": None, "namespaces": ["data_science"]}])

    def test_kedro_without_namespaces_runs_the_namespace_by_its_node_names(self):
        self.call({"namespaces": ["data_science"], "node_names": ["data_science.a"]}, session=Kedro019Session)
        self.assertEqual(FakeSession.runs, [{"node_names": ["data_science.a"]}])

    def test_an_event_without_nodes_is_refused(self):
        with self.assertRaisesRegex(ValueError, "names no node"):
            self.call({})
        self.assertEqual(FakeSession.runs, [])

    def test_multiprocessing_lock_is_patched_while_kedro_runs(self):
        seen = []

        class Spy(Kedro1Session):
            def run(self, **kw):
                import multiprocessing
                seen.append(isinstance(multiprocessing.Lock, mock.MagicMock))

        self.call({"node_names": ["a"]}, session=Spy)
        self.assertEqual(seen, [True])


if __name__ == "__main__":
    unittest.main()
