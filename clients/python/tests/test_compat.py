"""promptcast.compat.prompts: the seed's prompts.py names, return shapes and variables,
kept current by push (an edit reaches AGENT_INSTRUCTION with no call and no restart)."""

import importlib
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

from tests.support.clients import client_threads
from tests.support.server import Server, free_port, wait_until

MODULE = "promptcast.compat.prompts"


def fresh_import():
    """Imports the module anew, as a fresh agent process would."""
    sys.modules.pop(MODULE, None)
    return importlib.import_module(MODULE)


class CompatApiModeTest(unittest.TestCase):
    def setUp(self):
        self.cwd = os.getcwd()
        self.dir = tempfile.mkdtemp(prefix="promptcast-compat-")
        os.chdir(self.dir)

    def tearDown(self):
        os.chdir(self.cwd)
        sys.modules.pop(MODULE, None)

    def test_sees_an_edit_without_a_restart_or_a_call(self):
        server = Server(env={"STREAM_HEARTBEAT_MS": "500"})
        try:
            server.create("AGENT_INSTRUCTION", "You are Friday, v1.")
            server.create("SESSION_INSTRUCTION", "Greet the caller.")
            env = {"LOCAL_APP": "false", "PROMPT_API_URL": f"{server.url}/api/prompts?format=flat", "PROMPT_CHECK_INTERVAL": "30"}
            with mock.patch.dict(os.environ, env):
                prompts = fresh_import()
                try:
                    self.assertEqual(prompts.client.url, server.url)
                    self.assertEqual(prompts.AGENT_INSTRUCTION, "You are Friday, v1.")
                    self.assertEqual(prompts.SESSION_INSTRUCTION, "Greet the caller.")
                    self.assertEqual(prompts.load_prompts(), {"AGENT_INSTRUCTION": "You are Friday, v1.", "SESSION_INSTRUCTION": "Greet the caller."})
                    self.assertEqual(prompts.client.status()["mode"], "streaming")
                    server.update("AGENT_INSTRUCTION", "You are Friday, v2.")
                    wait_until(lambda: prompts.AGENT_INSTRUCTION == "You are Friday, v2.", "the edit in AGENT_INSTRUCTION", timeout=10)
                    self.assertEqual(prompts.load_prompts(force_refresh=True)["AGENT_INSTRUCTION"], "You are Friday, v2.")
                    self.assertIsNone(prompts.update_global_prompts())
                    self.assertEqual(prompts.AGENT_INSTRUCTION, "You are Friday, v2.")
                finally:
                    prompts.close()
            self.assertEqual(client_threads(), [])
        finally:
            server.close()

    def test_with_the_server_down_it_starts_from_the_local_file_then_the_seed_defaults(self):
        with open("prompts.json", "w", encoding="utf-8") as f:
            json.dump({"AGENT_INSTRUCTION": "local agent"}, f)
        env = {"LOCAL_APP": "false", "PROMPT_API_URL": f"http://127.0.0.1:{free_port()}/api/prompts"}
        with mock.patch.dict(os.environ, env):
            prompts = fresh_import()
            try:
                self.assertEqual(prompts.AGENT_INSTRUCTION, "local agent")
                self.assertEqual(prompts.SESSION_INSTRUCTION, "Please assist the user.")
                self.assertEqual(prompts.client.status()["source"], "defaults")
            finally:
                prompts.close()


class CompatLocalModeTest(unittest.TestCase):
    def setUp(self):
        self.cwd = os.getcwd()
        self.dir = tempfile.mkdtemp(prefix="promptcast-compat-")
        os.chdir(self.dir)

    def tearDown(self):
        os.chdir(self.cwd)
        sys.modules.pop(MODULE, None)

    def test_local_app_reads_prompts_json_as_the_seed_did_and_starts_no_thread(self):
        with open("prompts.json", "w", encoding="utf-8") as f:
            json.dump({"AGENT_INSTRUCTION": "file v1", "SESSION_INSTRUCTION": "session v1"}, f)
        with mock.patch.dict(os.environ, {"PROMPT_CHECK_INTERVAL": "3600"}):
            os.environ.pop("LOCAL_APP", None)
            prompts = fresh_import()
            self.assertIsNone(prompts.client)
            self.assertEqual(client_threads(), [])
            self.assertEqual((prompts.AGENT_INSTRUCTION, prompts.SESSION_INSTRUCTION), ("file v1", "session v1"))
            with open("prompts.json", "w", encoding="utf-8") as f:
                json.dump({"AGENT_INSTRUCTION": "file v2", "SESSION_INSTRUCTION": "session v2"}, f)
            self.assertEqual(prompts.load_prompts()["AGENT_INSTRUCTION"], "file v1", "cached for PROMPT_CHECK_INTERVAL")
            self.assertEqual(prompts.load_prompts(force_refresh=True)["AGENT_INSTRUCTION"], "file v2")
            prompts.update_global_prompts()
            self.assertEqual(prompts.SESSION_INSTRUCTION, "session v2")
            os.remove("prompts.json")
            self.assertEqual(prompts.load_prompts(force_refresh=True)["AGENT_INSTRUCTION"], "file v2", "keeps what it had")

    def test_the_base_url_is_what_precedes_api_prompts(self):
        from promptcast.compat.prompts import base_url

        self.assertEqual(base_url("http://localhost:8000/api/prompts"), "http://localhost:8000")
        self.assertEqual(base_url("https://p.example.com/promptcast/api/prompts?format=flat"), "https://p.example.com/promptcast")
        self.assertEqual(base_url("http://h:3000/"), "http://h:3000")


if __name__ == "__main__":
    unittest.main()
