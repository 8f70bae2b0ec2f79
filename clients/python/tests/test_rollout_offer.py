"""get/render(key, session_id) resolve the session's rollout variant from the offer the view
carries (snapshot prompts and prompt.updated), by the shared bucket rule."""

import json
import os
import unittest

from promptcast import PromptClient, rollout_bucket
from tests.support.clients import Recorder
from tests.support.fake_server import FakeServer, offer, prompt
from tests.support.server import wait_until

VECTORS = os.path.join(os.path.dirname(__file__), "..", "..", "rollout-vectors.json")


class RolloutOfferTest(unittest.TestCase):
    def setUp(self):
        self.fake = FakeServer()
        self.client = PromptClient(self.fake.url, keys=["A"], heartbeat=5)
        self.rec = Recorder(self.client)

    def tearDown(self):
        self.client.close()
        self.fake.close()

    def test_each_session_gets_the_variant_its_bucket_says_and_no_session_id_gets_the_baseline(self):
        rollout = offer("rollout-1", 50, "candidate for {{who}}", variables={"who": {"default": "you"}})
        self.fake.send("snapshot", 10, {"prompts": {"A": prompt("baseline", rollout=rollout)}})
        self.client.ready(timeout=10)
        with open(VECTORS, encoding="utf-8") as f:
            vectors = [v for v in json.load(f)["vectors"] if v["rolloutId"] == "rollout-1"]
        self.assertGreater(len(vectors), 5)
        both = set()
        for v in vectors:
            expected = "candidate for {{who}}" if v["bucket"] < 5000 else "baseline"
            self.assertEqual(self.client.get("A", v["sessionId"]), expected, v)
            resolved = self.client.resolve("A", v["sessionId"])
            self.assertEqual(resolved["variant"], "candidate" if v["bucket"] < 5000 else "baseline")
            self.assertEqual(resolved["rolloutId"], "rollout-1")
            both.add(resolved["variant"])
        self.assertEqual(both, {"candidate", "baseline"})
        self.assertEqual(self.client.get("A"), "baseline")
        candidate_session = next(v["sessionId"] for v in vectors if v["bucket"] < 5000)
        self.assertEqual(self.client.render("A", {}, candidate_session), "candidate for you")
        self.assertEqual(self.client.resolve("A", candidate_session)["version"], 2)

    def test_a_rollout_step_is_a_change_and_its_end_returns_every_session_to_the_label(self):
        session = "call-3"
        bucket = rollout_bucket("rollout-9", session)
        self.fake.send("snapshot", 10, {"prompts": {"A": prompt("baseline", rollout=offer("rollout-9", 0, "candidate"))}})
        self.client.ready(timeout=10)
        self.assertEqual(self.client.get("A", session), "baseline")
        raised = offer("rollout-9", (bucket + 1) / 100, "candidate")
        self.fake.send("prompt.updated", 11, dict(prompt("baseline", rollout=raised), key="A", author="ops", apply="live", kind="rollout", step="percent"))
        wait_until(lambda: self.rec.changes, "the rollout step as a change", timeout=10)
        change = self.rec.changes[0]
        self.assertEqual((change["key"], change["text"], change["rollout"], change["apply"]), ("A", "baseline", raised, "live"))
        self.assertEqual(self.client.get("A", session), "candidate")
        self.fake.send("prompt.updated", 12, dict(prompt("candidate", version=2, rollout=None), key="A", author="ops", kind="rollout", step="complete"))
        wait_until(lambda: len(self.rec.changes) == 2, "the completion", timeout=10)
        self.assertEqual(self.client.get("A", session), "candidate")
        self.assertEqual(self.client.resolve("A", session)["variant"], None)
        self.assertEqual(self.client.status()["revision"], 12)

    def test_a_malformed_offer_is_a_bad_event_and_changes_nothing(self):
        self.fake.send("snapshot", 10, {"prompts": {"A": prompt("baseline")}})
        self.client.ready(timeout=10)
        self.fake.send("prompt.updated", 11, dict(prompt("x", rollout={"id": "r", "percent": 101, "apply": "live", "candidate": {}}), key="A", author="ops"))
        self.fake.send("heartbeat", 12, {})
        wait_until(lambda: self.client.status()["revision"] == 12, "the heartbeat after the bad event", timeout=10)
        self.assertIn("BAD_EVENT", self.rec.error_codes())
        self.assertEqual(self.client.get("A", "s"), "baseline")


if __name__ == "__main__":
    unittest.main()
