"""Chaos: 5 clients, the server restarted 3 times while 100 updates are written.
Every client ends at the final revision, applied changes in strictly increasing
revision order (one change per key per applied state), no text out of order,
none twice, and saw exactly 3 outages."""

import threading
import unittest

from promptcast import PromptClient
from tests.support.clients import FAST_BACKOFF, Recorder, client_threads
from tests.support.server import Server, wait_until

CLIENTS = 5
RESTARTS = 3
UPDATES = 100
KEYS = ["K0", "K1", "K2", "K3", "K4"]


class ChaosTest(unittest.TestCase):
    def test_restarts_while_updates_are_written_lose_and_reorder_nothing(self):
        server = Server(env={"STREAM_HEARTBEAT_MS": "500"})
        clients = []
        try:
            for key in KEYS:
                server.create(key, f"{key}#-1")
            clients = [PromptClient(server.url, keys=KEYS, agent_id=f"chaos-{i}", poll_interval=0.1, heartbeat=0.5, backoff=FAST_BACKOFF) for i in range(CLIENTS)]
            recorders = [Recorder(c) for c in clients]
            outages = [0] * CLIENTS

            def counter(i):
                def on_mode(m):
                    if m["previous"] == "streaming":
                        outages[i] += 1

                return on_mode

            for i, c in enumerate(clients):
                c.on_mode(counter(i))
            for c in clients:
                self.assertEqual(c.ready(timeout=30)["source"], "server")

            up = threading.Event()
            up.set()
            written = [0]
            failures = []

            def writer():
                try:
                    for n in range(UPDATES):
                        key = KEYS[n % len(KEYS)]
                        while True:
                            up.wait(60)
                            try:
                                server.update(key, f"{key}#{n}")
                                break
                            except OSError:
                                # The server is down (connection refused/reset): wait for it, write again.
                                wait_until(lambda: up.is_set(), "the server to come back", timeout=60)
                        written[0] = n + 1
                except BaseException as err:  # surfaced by the main thread
                    failures.append(err)

            writing = threading.Thread(target=writer, name="chaos-writer")
            writing.start()
            for r in range(1, RESTARTS + 1):
                wait_until(lambda: written[0] >= UPDATES * r // (RESTARTS + 1) or failures, f"update batch {r}", timeout=60)
                up.clear()
                server.stop()
                wait_until(lambda: all(c.status()["mode"] != "streaming" for c in clients), "every client to notice the outage")
                server.start()
                up.set()
                # Each restart must hit streaming clients, or two outages would merge into one.
                wait_until(lambda: all(c.status()["mode"] == "streaming" for c in clients), "every client to stream again", timeout=30)
            writing.join(120)
            self.assertEqual(failures, [])
            self.assertEqual(written[0], UPDATES)

            final = server.revision()
            final_texts = {key: f"{key}#{UPDATES - len(KEYS) + i}" for i, key in enumerate(KEYS)}
            wait_until(lambda: all(c.status()["revision"] == final for c in clients), "every client at the final revision", timeout=30)
            for i, (c, rec) in enumerate(zip(clients, recorders)):
                self.assertEqual(c.all(), final_texts)
                status = c.status()
                self.assertEqual((status["mode"], status["source"], status["revision"]), ("streaming", "server", final))
                self.assertEqual(outages[i], RESTARTS, f"client {i} outages")
                with rec.lock:
                    changes = list(rec.changes)
                self.assertGreater(len(changes), 0)
                applied = []  # one entry per applied state: its revision and the keys it changed
                for ch in changes:
                    if applied and applied[-1][0] == ch["revision"]:
                        self.assertNotIn(ch["key"], applied[-1][1], "a key changes once per applied state")
                        applied[-1][1].append(ch["key"])
                    else:
                        applied.append((ch["revision"], [ch["key"]]))
                revisions = [rev for rev, _ in applied]
                self.assertTrue(all(a < b for a, b in zip(revisions, revisions[1:])), f"client {i}: applied revisions strictly increase")
                for key in KEYS:
                    order = [int(ch["text"].split("#")[1]) for ch in changes if ch["key"] == key]
                    self.assertTrue(all(a < b for a, b in zip(order, order[1:])), f"client {i} {key}: {order}")
                    self.assertEqual(order[-1], UPDATES - len(KEYS) + KEYS.index(key))
        finally:
            for c in clients:
                c.close()
            server.close()
        self.assertEqual(client_threads(), [])


if __name__ == "__main__":
    unittest.main()
