"""Shared vectors written by the TypeScript implementation (npm run vectors): the rollout
bucket (clients/rollout-vectors.json) and the placeholder grammar (clients/template-vectors.json)."""

import json
import os
import unittest

from promptcast import in_candidate, parse_template, render_template, rollout_bucket

CLIENTS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def load(name):
    with open(os.path.join(CLIENTS, name), encoding="utf-8") as f:
        return json.load(f)


class RolloutVectorsTest(unittest.TestCase):
    def test_every_vector_gets_the_typescript_bucket(self):
        vectors = load("rollout-vectors.json")["vectors"]
        self.assertGreaterEqual(len(vectors), 100)
        self.assertTrue(any(ord(c) > 127 for v in vectors for c in v["sessionId"]), "the file holds non-ASCII ids")
        for v in vectors:
            self.assertEqual(rollout_bucket(v["rolloutId"], v["sessionId"]), v["bucket"], v)

    def test_candidate_iff_bucket_below_percent_times_100(self):
        for v in load("rollout-vectors.json")["vectors"]:
            b = v["bucket"]
            self.assertTrue(in_candidate(v["rolloutId"], v["sessionId"], (b + 1) / 100))
            self.assertFalse(in_candidate(v["rolloutId"], v["sessionId"], b / 100))
            self.assertFalse(in_candidate(v["rolloutId"], v["sessionId"], 0))
            self.assertTrue(in_candidate(v["rolloutId"], v["sessionId"], 100))

    def test_raising_the_percent_moves_no_session_back(self):
        ids = [f"session-{i}" for i in range(2000)]
        at10 = {i for i in ids if in_candidate("rollout-7", i, 10)}
        at30 = {i for i in ids if in_candidate("rollout-7", i, 30)}
        self.assertTrue(0.08 <= len(at10) / len(ids) <= 0.12)
        self.assertLessEqual(at10, at30)


class TemplateVectorsTest(unittest.TestCase):
    def test_the_port_parses_and_renders_every_case_as_typescript_does(self):
        file = load("template-vectors.json")
        self.assertGreaterEqual(len(file["cases"]), 20)
        for case in file["cases"]:
            parsed = parse_template(case["text"])
            rendered = render_template(case["text"], file["declared"], file["values"])
            self.assertEqual(parsed.variables, case["variables"], case["text"])
            self.assertEqual([f.code for f in parsed.faults], case["faults"], case["text"])
            self.assertEqual({"text": rendered.text, "missing": rendered.missing}, case["rendered"], case["text"])

    def test_parsing_stays_linear_on_many_unclosed_braces(self):
        import time

        text = "{{ " * 16000
        started = time.monotonic()
        parsed = parse_template(text)
        self.assertEqual(len(parsed.faults), 16000)
        self.assertLess(time.monotonic() - started, 2.0)


if __name__ == "__main__":
    unittest.main()
