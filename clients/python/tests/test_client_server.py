"""PromptClient against the real server (node dist/main.js, its own SQLite file)."""

import asyncio
import os
import tempfile
import threading
import unittest

from promptcast import MissingVariableError, PromptClient, PromptClientAuthError
from tests.support.clients import FAST_BACKOFF, Recorder, client_threads
from tests.support.proxy import Proxy
from tests.support.server import AGENT_SECRET, Server, wait_until


class ClientAgainstServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(env={"STREAM_HEARTBEAT_MS": "200"})

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def setUp(self):
        self.cleanups = []

    def tearDown(self):
        for cleanup in reversed(self.cleanups):
            cleanup()
        self.assertEqual(client_threads(), [], "every client's thread has ended")

    def client(self, **options):
        options.setdefault("backoff", FAST_BACKOFF)
        options.setdefault("poll_interval", 0.1)
        options.setdefault("heartbeat", 0.2)
        url = options.pop("url", self.server.url)
        c = PromptClient(url, **options)
        self.cleanups.append(c.close)
        return c

    def key(self, name):
        return f"{name}_{self.id().rsplit('.', 1)[-1]}"[:64].upper()

    def test_happy_path_ready_then_exactly_one_change_per_update(self):
        a, b = self.key("A"), self.key("B")
        self.server.create(a, "a1")
        self.server.create(b, "b1")
        c = self.client(keys=[a, b], defaults={a: "default a"})
        rec = Recorder(c)
        state = c.ready()
        self.assertEqual(state["source"], "server")
        self.assertEqual(state["prompts"], {a: "a1", b: "b1"})
        self.assertEqual(c.status()["mode"], "streaming")
        written = [self.server.update(a, f"a{n}") for n in range(2, 6)]
        self.server.update(b, "b1")  # same text: a new version, not a change
        last = self.server.update(b, "b2")
        wait_until(lambda: c.status()["revision"] == last["revision"], "the client at the last revision")
        with rec.lock:
            texts = [(ch["key"], ch["text"]) for ch in rec.changes]
            revisions = [ch["revision"] for ch in rec.changes]
        self.assertEqual(texts, [(a, "a2"), (a, "a3"), (a, "a4"), (a, "a5"), (b, "b2")])
        self.assertEqual(revisions[:4], [w["revision"] for w in written])
        self.assertEqual(c.get(a), "a5")
        self.assertEqual(c.all(), {a: "a5", b: "b2"})

    def test_a_deleted_prompt_falls_back_to_its_default(self):
        a = self.key("A")
        self.server.create(a, "live")
        c = self.client(keys=[a], defaults={a: "built in"})
        rec = Recorder(c)
        c.ready()
        self.server.delete(a)
        wait_until(lambda: rec.changes, "the delete")
        self.assertEqual(rec.changes[0]["text"], "built in")
        self.assertTrue(rec.changes[0]["deleted"])
        self.assertEqual(c.get(a), "built in")

    def test_render_fills_values_then_defaults_and_refuses_a_missing_required_variable(self):
        a = self.key("A")
        self.server.create(a, "{{greeting}}, {{caller_name}}! n={{n}} ok={{ok}}", variables={"greeting": {"default": "Hello"}, "caller_name": {}, "n": {"default": "0"}, "ok": {"default": "x"}})
        c = self.client(keys=[a])
        warnings = []
        c.on_warning(warnings.append)
        c.ready()
        self.assertEqual(c.render(a, {"caller_name": "Ada", "n": 3, "ok": True}), "Hello, Ada! n=3 ok=true")
        with self.assertRaises(MissingVariableError) as caught:
            c.render(a, {})
        self.assertEqual(caught.exception.key, a)
        self.assertEqual(caught.exception.variables, ("caller_name",))
        self.assertIn("{{caller_name}}", str(caught.exception))
        self.assertEqual(c.render(a, {}, strict=False), "Hello, ! n=0 ok=x")
        self.assertEqual(warnings[0]["variables"], ["caller_name"])
        self.assertIsNone(c.render("NO_SUCH_KEY", {}))

    def test_follows_its_label_staging_saves_reach_it_drafts_and_production_do_not(self):
        a = self.key("A")
        self.server.create(a, "v1", labels=["production", "staging"])
        c = self.client(keys=[a], label="staging")
        rec = Recorder(c)
        self.assertEqual(c.ready()["prompts"], {a: "v1"})
        self.server.update(a, "draft", labels=[])
        self.server.update(a, "prod only")
        staged = self.server.update(a, "staged", labels=["staging"])
        wait_until(lambda: c.status()["revision"] == staged["revision"], "the staging change")
        self.assertEqual([ch["text"] for ch in rec.changes], ["staged"])
        self.assertEqual(c.status()["label"], "staging")
        with self.assertRaises(TypeError):
            PromptClient(self.server.url, label="Not A Label")
        with self.assertRaises(TypeError):
            PromptClient(self.server.url, keys="AGENT_INSTRUCTION")
        with self.assertRaises(TypeError):
            PromptClient(self.server.url, transport="websocket")

    def test_polls_through_a_proxy_that_answers_502_for_the_stream_then_streams_again(self):
        a = self.key("A")
        self.server.create(a, "v1")
        proxy = Proxy(self.server.port)
        self.cleanups.append(proxy.close)
        proxy.mode = "stream-502"
        c = self.client(url=proxy.url, keys=[a])
        rec = Recorder(c)
        self.assertEqual(c.ready()["prompts"], {a: "v1"})
        wait_until(lambda: c.status()["mode"] == "polling", "polling")
        self.assertIn("STREAM_FAILED", rec.error_codes())
        polled = self.server.update(a, "v2 by poll")
        wait_until(lambda: c.get(a) == "v2 by poll", "the change by polling")
        self.assertEqual(c.status()["revision"], polled["revision"])
        proxy.mode = "pass"
        wait_until(lambda: c.status()["mode"] == "streaming", "streaming again", timeout=10)
        polls = proxy.count("/api/prompts?")
        streamed = self.server.update(a, "v3 by stream")
        wait_until(lambda: c.get(a) == "v3 by stream", "the change by the stream")
        self.assertEqual(c.status()["revision"], streamed["revision"])
        self.assertEqual(proxy.count("/api/prompts?"), polls, "no poll once the stream is open")
        with rec.lock:
            self.assertEqual(rec.modes[-2:], ["polling", "streaming"])
        self.assertEqual([ch["text"] for ch in rec.changes], ["v2 by poll", "v3 by stream"])

    def test_transport_poll_never_opens_the_stream_and_still_delivers_every_change(self):
        a = self.key("A")
        self.server.create(a, "v1")
        proxy = Proxy(self.server.port)
        self.cleanups.append(proxy.close)
        c = self.client(url=proxy.url, keys=[a], transport="poll", poll_interval=0.05)
        rec = Recorder(c)
        self.assertEqual(c.ready()["prompts"], {a: "v1"})
        wait_until(lambda: c.status()["mode"] == "polling", "polling")
        for n in (2, 3):
            written = self.server.update(a, f"v{n}")
            wait_until(lambda: c.status()["revision"] == written["revision"], f"v{n} by polling")
        self.assertEqual([ch["text"] for ch in rec.changes], ["v2", "v3"])
        self.assertEqual(proxy.count("/api/prompts/stream"), 0)
        self.assertGreater(proxy.count("/api/prompts?"), 2)

    def test_a_stalled_stream_is_dropped_and_resumed(self):
        a = self.key("A")
        self.server.create(a, "v1")
        proxy = Proxy(self.server.port)
        self.cleanups.append(proxy.close)
        c = self.client(url=proxy.url, keys=[a], heartbeat=0.2)
        rec = Recorder(c)
        c.ready()
        self.assertEqual(proxy.count("/api/prompts/stream"), 1)
        proxy.freeze()
        wait_until(lambda: "STREAM_STALLED" in rec.error_codes(), "the stall to be noticed", timeout=5)
        wait_until(lambda: proxy.count("/api/prompts/stream") >= 2 and c.status()["mode"] == "streaming", "a new stream", timeout=5)
        after = self.server.update(a, "after the stall")
        wait_until(lambda: c.get(a) == "after the stall", "the change after the stall")
        self.assertEqual(c.status()["revision"], after["revision"])

    def test_no_busy_loop_while_everything_answers_502(self):
        import time

        proxy = Proxy(self.server.port)
        self.cleanups.append(proxy.close)
        proxy.mode = "all-502"
        c = self.client(url=proxy.url, keys=["A"], defaults={"A": "d"}, poll_interval=0.05)
        rec = Recorder(c)
        self.assertEqual(c.ready()["source"], "defaults")
        started, cpu = time.monotonic(), time.process_time()
        wait_until(lambda: len(proxy.requests) >= 30, "30 requests through the failing proxy", timeout=20)
        elapsed, used = time.monotonic() - started, time.process_time() - cpu
        self.assertLess(used, 0.5 * elapsed, f"the process used {used:.2f} s of CPU in {elapsed:.2f} s")
        self.assertEqual(c.status()["mode"], "offline")
        self.assertEqual(rec.error_codes(), ["STREAM_FAILED"], "an outage is reported once (further failures go to the log)")

    def test_close_leaves_no_thread_whatever_state_it_is_in(self):
        before = set(threading.enumerate())
        a = self.key("A")
        self.server.create(a, "v1")
        streaming = PromptClient(self.server.url, keys=[a])
        streaming.ready()
        down_port = Server.__new__(Server)  # a port nobody listens on
        from tests.support.server import free_port

        waiting = PromptClient(f"http://127.0.0.1:{free_port()}", keys=[a], poll_interval=0.05, backoff=FAST_BACKOFF, defaults={a: "d"})
        self.assertEqual(waiting.ready()["source"], "defaults")
        never_ready = PromptClient(f"http://127.0.0.1:{free_port()}", keys=[a])
        for c in (streaming, waiting, never_ready):
            c.close()
            c.close()  # idempotent
        self.assertEqual(set(threading.enumerate()), before)
        del down_port

    def test_asyncio_await_readiness_and_receive_changes_on_the_loop(self):
        a = self.key("A")
        self.server.create(a, "v1")

        async def main():
            loop = asyncio.get_running_loop()
            c = self.client(keys=[a])
            on_loop = []
            c.on_change(lambda ch: on_loop.append(threading.current_thread() is threading.main_thread()), loop=loop)
            state = await c.wait_ready()
            self.assertEqual(state["prompts"], {a: "v1"})
            changes = c.changes()
            await loop.run_in_executor(None, self.server.update, a, "v2")
            change = await asyncio.wait_for(changes.__anext__(), 10)
            self.assertEqual(change["text"], "v2")
            c.close()
            with self.assertRaises(StopAsyncIteration):
                await asyncio.wait_for(changes.__anext__(), 10)
            self.assertEqual(on_loop, [True])

        asyncio.run(main())


class RefusedTokenTest(unittest.TestCase):
    def test_401_stops_the_client_with_a_clear_error_and_no_retry(self):
        server = Server(auth=True)
        proxy = Proxy(server.port)
        try:
            server.create("A", "secret text")
            c = PromptClient(proxy.url, token="wrong-secret-0123456789", keys=["A"], defaults={"A": "default"}, backoff=FAST_BACKOFF, poll_interval=0.05)
            rec = Recorder(c)
            with self.assertRaises(PromptClientAuthError) as caught:
                c.ready()
            self.assertEqual(caught.exception.status, 401)
            self.assertRegex(str(caught.exception), "refused the token.*will not retry")
            status = c.status()
            self.assertEqual((status["mode"], status["source"]), ("offline", "defaults"))
            self.assertIs(status["stopped_by"], caught.exception)
            self.assertEqual(c.get("A"), "default")
            wait_until(lambda: not client_threads(), "the client's thread to end by itself")
            self.assertEqual(len(proxy.requests), 1, "no retry")
            self.assertEqual(rec.error_codes(), ["UNAUTHORIZED"])
            c.close()
            good = PromptClient(server.url, token=AGENT_SECRET, keys=["A"])
            self.assertEqual(good.ready()["prompts"], {"A": "secret text"})
            good.close()
        finally:
            proxy.close()
            server.close()


class ColdStartTest(unittest.TestCase):
    def test_from_the_cache_while_the_server_is_down_then_the_server(self):
        server = Server(env={"STREAM_HEARTBEAT_MS": "200"})
        cache = os.path.join(tempfile.mkdtemp(prefix="promptcast-cache-"), "nested", "cache.json")
        try:
            server.create("A", "kept")
            first = PromptClient(server.url, keys=["A"], cache_file=cache)
            first.ready()
            first.close()
            self.assertTrue(os.path.exists(cache))
            self.assertEqual([n for n in os.listdir(os.path.dirname(cache)) if n.endswith(".tmp")], [])
            server.stop()
            c = PromptClient(server.url, keys=["A"], cache_file=cache, defaults={"A": "default"}, backoff=FAST_BACKOFF, poll_interval=0.1, ready_timeout=5)
            rec = Recorder(c)
            state = c.ready()
            self.assertEqual((state["source"], state["prompts"]), ("cache", {"A": "kept"}))
            self.assertEqual(c.get("A"), "kept")
            server.start()
            changed = server.update("A", "newer")
            wait_until(lambda: c.status()["source"] == "server", "the server's state", timeout=15)
            wait_until(lambda: c.get("A") == "newer", "the newer text")
            self.assertEqual(c.status()["revision"], changed["revision"])
            self.assertEqual([ch["text"] for ch in rec.changes], ["newer"])
            c.close()
            other_label = PromptClient(f"http://127.0.0.1:1", keys=["A"], label="staging", cache_file=cache, defaults={"A": "d"})
            errors = []
            other_label.on_error(errors.append)
            self.assertEqual(other_label.ready(timeout=2)["source"], "defaults")
            self.assertTrue(any(e.code == "CACHE_READ_FAILED" and 'holds label "production"' in e.message for e in errors), errors)
            other_label.close()
        finally:
            server.close()

    def test_from_defaults_without_a_cache_then_the_server(self):
        server = Server(env={"STREAM_HEARTBEAT_MS": "200"})
        try:
            server.create("A", "from server")
            server.stop()
            c = PromptClient(server.url, keys=["A"], defaults={"A": "default"}, backoff=FAST_BACKOFF, poll_interval=0.1)
            self.assertEqual(c.ready()["source"], "defaults")
            self.assertEqual(c.get("A"), "default")
            server.start()
            wait_until(lambda: c.status()["source"] == "server", "the server's state", timeout=15)
            self.assertEqual(c.get("A"), "from server")
            c.close()
        finally:
            server.close()


if __name__ == "__main__":
    unittest.main()
