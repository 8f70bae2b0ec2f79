"""A scripted stream server for what the real one does not send yet (rollout offers)
and for session reports: frames are pushed by the test; POSTs are recorded."""

from __future__ import annotations

import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List


class FakeServer:
    def __init__(self) -> None:
        self.frames: "queue.Queue[str]" = queue.Queue()
        self.reports: List[Dict[str, Any]] = []
        self.report_status = 204
        self.got_report = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if not self.path.startswith("/api/prompts/stream"):
                    self.send_response(503)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.end_headers()
                self.wfile.write(b"retry: 1000\n\n")
                self.wfile.flush()
                while True:
                    frame = fake.frames.get()
                    if frame == "":
                        return
                    try:
                        self.wfile.write(frame.encode("utf-8"))
                        self.wfile.flush()
                    except OSError:
                        return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                with fake.got_report:
                    fake.reports.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    fake.got_report.notify_all()
                self.send_response(fake.report_status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="fake-server", daemon=True)
        self._thread.start()

    def send(self, event: str, revision: int, data: Dict[str, Any]) -> None:
        self.frames.put(f"id: {revision}\nevent: {event}\ndata: {json.dumps(dict(data, revision=revision))}\n\n")

    def close(self) -> None:
        for _ in range(8):
            self.frames.put("")
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


def offer(rollout_id: str, percent: float, text: str, version: int = 2, apply: str = "live", variables: Any = None) -> Dict[str, Any]:
    return {"id": rollout_id, "percent": percent, "apply": apply, "candidate": {"version": version, "text": text, "variables": variables or {}}}


def prompt(text: str, version: int = 1, rollout: Any = None, variables: Any = None) -> Dict[str, Any]:
    return {"text": text, "version": version, "updatedAt": "2026-12-01T00:00:00.000Z", "variables": variables or {}, "rollout": rollout}
