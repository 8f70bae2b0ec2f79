"""The real Promptcast server for the Python suite: `node dist/main.js` on a port of
our choosing with its own SQLite file, restartable on the same port (chaos tests).

`npm test` builds dist/ before any suite runs (test/support/build-once.ts); run on
its own, the suite builds it once here. PROMPTCAST_TEST_NODE names the node binary.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
NODE = os.environ.get("PROMPTCAST_TEST_NODE", "node")
ADMIN_SECRET = "admin-secret-0123456789"
AGENT_SECRET = "agent-secret-0123456789"
_build_lock = threading.Lock()


def ensure_built() -> None:
    with _build_lock:
        if os.path.exists(os.path.join(ROOT, "dist", "main.js")):
            return
        subprocess.run(["npm", "run", "build", "--silent"], cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, what: str, timeout: float = 20.0, interval: float = 0.02):
    """Waits on a condition (not a fixed sleep): polls it until true, fails naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class Server:
    """One server process; `stop()` and `start()` again keep the port and the database."""

    def __init__(self, env: Optional[Dict[str, str]] = None, auth: bool = False) -> None:
        ensure_built()
        self.dir = tempfile.mkdtemp(prefix="promptcast-py-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.auth = auth
        self.env = dict(env or {})
        if auth:
            self.env.setdefault("ADMIN_TOKENS", f"ops:{ADMIN_SECRET}")
            self.env.setdefault("AGENT_TOKENS", f"friday:{AGENT_SECRET}")
        self.process: Optional[subprocess.Popen] = None
        self._log = open(os.path.join(self.dir, "server.log"), "ab")
        self.start()

    def start(self, timeout: float = 30.0) -> None:
        env = {k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"}
        env.update({"PORT": str(self.port), "HOST": "127.0.0.1", "SEED": "false", "SQLITE_PATH": os.path.join(self.dir, "p.db"), "LOG_LEVEL": "warn"})
        env.pop("DATABASE_URL", None)
        env.update(self.env)
        self.process = subprocess.Popen([NODE, "dist/main.js"], cwd=ROOT, env=env, stdout=self._log, stderr=self._log)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode} before it was ready:\n{self.output()}")
            try:
                self.request("GET", "/health")
                return
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() >= deadline:
                self.stop()
                raise RuntimeError(f"the server on port {self.port} was not ready within {timeout} s:\n{self.output()}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def close(self) -> None:
        self.stop()
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def output(self) -> str:
        self._log.flush()
        with open(os.path.join(self.dir, "server.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")[-4000:]

    # --- the REST write path, as an operator drives it ------------------------------

    def request(self, method: str, path: str, body: Any = None, headers: Optional[Dict[str, str]] = None, token: Optional[str] = None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        secret = token if token is not None else (ADMIN_SECRET if self.auth else None)
        if secret:
            req.add_header("Authorization", f"Bearer {secret}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        with urllib.request.urlopen(req, timeout=10) as res:
            raw = res.read()
            return json.loads(raw) if raw else None

    def create(self, key: str, text: str, variables: Optional[Dict[str, Any]] = None, labels: Optional[List[str]] = None):
        body: Dict[str, Any] = {"key": key, "text": text}
        if variables is not None:
            body["variables"] = variables
        if labels is not None:
            body["labels"] = labels
        return self.request("POST", "/api/prompts", body)

    def update(self, key: str, text: str, variables: Optional[Dict[str, Any]] = None, labels: Optional[List[str]] = None):
        body: Dict[str, Any] = {"text": text}
        if variables is not None:
            body["variables"] = variables
        if labels is not None:
            body["labels"] = labels
        return self.request("PUT", f"/api/prompts/{key}", body)

    def delete(self, key: str) -> None:
        self.request("DELETE", f"/api/prompts/{key}")

    def revision(self, label: str = "production") -> int:
        return self.request("GET", "/api/prompts" + ("" if label == "production" else f"?label={label}"))["revision"]
