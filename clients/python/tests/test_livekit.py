"""promptcast.livekit.live_prompts with livekit-agents 1.7.0 stand-ins (same names), a client
on the real server, and session reports received by a recording HTTP endpoint."""

import asyncio
import threading
import unittest

from promptcast import MissingVariableError, PromptClient
from promptcast.livekit import SessionReporter, live_prompts
from tests.support import livekit_standins as lk
from tests.support.fake_server import FakeServer, offer, prompt
from tests.support.server import Server, wait_until


async def until(predicate, what, timeout=10.0):
    """Waits on the loop (never blocking it) until predicate() holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


class LivePromptsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(env={"STREAM_HEARTBEAT_MS": "500"})
        cls.tests = 0

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def setUp(self):
        # Each test its own keys on the shared server.
        LivePromptsTest.tests += 1
        self.A, self.G = f"AGENT_{self.tests}", f"GREETING_{self.tests}"
        self.server.create(self.A, "You help {{caller_name}}.", variables={"caller_name": {}})
        self.server.create(self.G, "Hello {{caller_name}}!", variables={"caller_name": {}})
        self.client = PromptClient(self.server.url, keys=[self.A, self.G], heartbeat=0.5)
        self.client.ready()
        self.fake = FakeServer()

    def tearDown(self):
        self.client.close()
        self.fake.close()

    def run_async(self, coro):
        return asyncio.run(coro)

    def test_applies_each_change_on_the_sessions_loop_and_reports_the_call(self):
        async def main():
            loop = asyncio.get_running_loop()
            session = lk.AgentSession()
            reporter = SessionReporter(self.fake.url, agent_id="py-agent", token="agent-token", interval=0.05)
            binding = live_prompts(self.client, session, self.A, "room-1", {"caller_name": "Ada"}, reporter=reporter)
            self.assertEqual(binding.instructions, "You help Ada.")
            self.assertEqual(binding.read(self.G), "Hello Ada!")
            agent = lk.Agent(instructions=binding.instructions)
            session.start(agent)
            session.emit("speech_created", lk.SpeechCreatedEvent(source="say"))  # fixed text: not a turn
            session.emit("speech_created", lk.SpeechCreatedEvent(source="generate_reply"))
            written = await loop.run_in_executor(None, self.server.update, self.A, "You now help {{caller_name}} fast.", {"caller_name": {}})
            await until(lambda: binding.receipts, "the receipt")
            self.assertEqual(agent.instructions, "You now help Ada fast.")
            self.assertIs(agent.updates[-1]["thread"], threading.current_thread())
            self.assertIs(agent.updates[-1]["loop"], loop)
            receipt = binding.receipts[0]
            self.assertEqual({k: receipt[k] for k in ("revision", "key", "version", "outcome")}, {"revision": written["revision"], "key": self.A, "version": 2, "outcome": "applied"})
            session.emit("speech_created", lk.SpeechCreatedEvent(source="generate_reply"))
            session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.ChatMessage(role="assistant", interrupted=True)))
            session.emit("conversation_item_added", lk.ConversationItemAddedEvent(item=lk.ChatMessage(role="user")))
            session.emit("error", lk.ErrorEvent(error=RuntimeError("tts down")))
            binding.record("resolved", 1)
            with self.assertRaises(ValueError):
                binding.record("turns", 3)
            session.emit("close", lk.CloseEvent(reason=lk.CloseReason.USER_INITIATED))
            await until(lambda: self.fake.reports, "the session report")
            await reporter.close()
            report = self.fake.reports[0]
            self.assertEqual(report["path"], "/api/sessions/report")
            self.assertEqual(report["headers"]["Authorization"], "Bearer agent-token")
            body = report["body"]
            self.assertEqual(body["agentId"], "py-agent")
            record = body["sessions"][0]
            self.assertEqual(set(record), {"sessionId", "startedAt", "endedAt", "label", "prompts", "receipts", "turns", "metrics"})
            self.assertEqual((record["sessionId"], record["label"]), ("room-1", "production"))
            self.assertEqual(record["prompts"], {self.A: 2, self.G: 1})
            self.assertEqual([r["outcome"] for r in record["receipts"]], ["applied"])
            self.assertEqual([t["versions"][self.A] for t in record["turns"]], [1, 2])
            self.assertEqual(record["turns"][1]["revision"], written["revision"])
            metrics = record["metrics"]
            self.assertEqual({k: metrics[k] for k in ("turns", "userInterruptions", "agentErrors", "endReason", "custom")}, {"turns": 2, "userInterruptions": 1, "agentErrors": 1, "endReason": "user_initiated", "custom": {"resolved": 1}})
            self.assertIsInstance(metrics["durationMs"], int)
            self.assertTrue(record["endedAt"].endswith("Z"))
            self.assertEqual(session.listener_count("close"), 0, "the binding let go of the session")

        self.run_async(main())

    def test_next_session_defers_a_handoff_takes_the_text_and_a_model_that_cannot_update_is_unsupported(self):
        async def main():
            loop = asyncio.get_running_loop()
            session = lk.AgentSession()
            first = lk.Agent(instructions="?")
            session.start(first)
            binding = live_prompts(self.client, session, self.G, "room-2", {"caller_name": "Bo"}, apply="next-session")
            await until(lambda: first.instructions == "Hello Bo!", "the bound agent to take the text")
            await loop.run_in_executor(None, self.server.update, self.G, "Hi {{caller_name}}.", {"caller_name": {}})
            await until(lambda: binding.receipts, "the deferred receipt")
            self.assertEqual(binding.receipts[0]["outcome"], "deferred")
            self.assertEqual(first.instructions, "Hello Bo!")
            second = lk.Agent(instructions="other", llm=lk.RealtimeModel(mutable_instructions=False))
            session.update_agent(second)
            await until(lambda: second.instructions == "Hello Bo!", "the hand-off to take the call's text")
            await binding.close("task_completed")

            live = live_prompts(self.client, session, self.G, "room-3", {"caller_name": "Cy"})
            await loop.run_in_executor(None, self.server.update, self.G, "Hey {{caller_name}}.", {"caller_name": {}})
            await until(lambda: live.receipts, "the unsupported receipt")
            self.assertEqual(live.receipts[0]["outcome"], "unsupported")
            self.assertIn("gemini-live", live.receipts[0]["detail"])
            await live.close()

        self.run_async(main())

    def test_a_failing_update_is_a_failed_receipt_and_a_missing_variable_refuses_the_call(self):
        async def main():
            loop = asyncio.get_running_loop()
            session = lk.AgentSession()
            agent = lk.Agent(instructions="x")
            agent.fail_with = RuntimeError("realtime session refused the update")
            session.start(agent)
            with self.assertRaises(MissingVariableError):
                live_prompts(self.client, session, self.A, "room-4", {})
            binding = live_prompts(self.client, session, self.A, "room-5", {"caller_name": "Di"})
            await loop.run_in_executor(None, self.server.update, self.A, "Help {{caller_name}} now.", {"caller_name": {}})
            await until(lambda: binding.receipts, "the failed receipt")
            self.assertEqual(binding.receipts[0]["outcome"], "failed")
            self.assertIn("refused the update", binding.receipts[0]["detail"])
            with self.assertRaises(ValueError):
                live_prompts(self.client, session, self.A, "no spaces allowed", {"caller_name": "x"})
            await binding.close()

        self.run_async(main())


class RolloutVariantTest(unittest.TestCase):
    def test_a_call_keeps_its_variant_for_the_rollouts_life_and_returns_to_the_label_when_it_ends(self):
        from promptcast import rollout_bucket

        fake = FakeServer()
        session_id = next(f"call-{i}" for i in range(100) if rollout_bucket("r-1", f"call-{i}") < 5000)
        fake.send("snapshot", 10, {"prompts": {"AGENT": prompt("baseline", rollout=offer("r-1", 50, "candidate"))}})
        client = PromptClient(fake.url, keys=["AGENT"], heartbeat=5)
        client.ready(timeout=10)

        async def main():
            session = lk.AgentSession()
            agent = lk.Agent(instructions="?")
            session.start(agent)
            binding = live_prompts(client, session, "AGENT", session_id)
            self.assertEqual(binding.instructions, "candidate")
            self.assertEqual(binding.variant, {"rolloutId": "r-1", "variant": "candidate"})
            fake.send("prompt.updated", 11, dict(prompt("baseline", rollout=offer("r-1", 0, "candidate")), key="AGENT", author="ops", kind="rollout", step="percent"))
            await until(lambda: binding.receipts, "the lowered percent")
            self.assertEqual(binding.instructions, "candidate")
            self.assertEqual(binding.receipts[0]["version"], 2)
            fake.send("prompt.updated", 12, dict(prompt("baseline", rollout=None), key="AGENT", author="ops", kind="rollout", step="abort"))
            await until(lambda: len(binding.receipts) == 2, "the abort")
            self.assertEqual(agent.instructions, "baseline")
            self.assertIsNone(binding.variant)
            record = binding.to_record()
            self.assertNotIn("rollouts", record)
            await binding.close()

        try:
            asyncio.run(main())
        finally:
            client.close()
            fake.close()


if __name__ == "__main__":
    unittest.main()
