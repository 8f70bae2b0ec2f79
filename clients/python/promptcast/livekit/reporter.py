"""Session reports: `POST /api/sessions/report` (src/protocol/sessions.ts), batched, on the
event loop (asyncio streams; no thread). The queue is bounded, a newer record of a session
replaces the queued one, a failed POST is retried on the shared backoff, a refusal (4xx but
429) drops its records. Telemetry never reaches the call: nothing here raises to the caller."""

from __future__ import annotations

import asyncio
import json
import random as _random
import ssl
from collections import OrderedDict
from typing import Any, Callable, Dict, Optional
from urllib.parse import urlsplit

from ..backoff import BackoffSettings, backoff_delay

SESSIONS_PER_REPORT = 50
REQUEST_TIMEOUT = 10.0


class SessionReporter:
    def __init__(
        self,
        url: str,
        agent_id: str,
        token: Optional[str] = None,
        *,
        interval: float = 2.0,
        max_queue: int = 1000,
        backoff: BackoffSettings = BackoffSettings(initial=1.0, maximum=60.0),
        log: Optional[Callable[[str, str], None]] = None,
        random: Callable[[], float] = _random.random,
    ) -> None:
        parts = urlsplit(url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if self._https else 80)
        self._path = parts.path.rstrip("/") + "/api/sessions/report"
        self._agent_id = agent_id
        self._token = token
        self._interval = interval
        self._max_queue = max_queue
        self._backoff = backoff
        self._log = log or (lambda message, level: None)
        self._random = random
        self._queue: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()
        self._timer: Optional[asyncio.TimerHandle] = None
        self._flushing: Optional["asyncio.Future[None]"] = None
        self._attempt = 0
        self._closed = False
        self.counts = {"sent": 0, "dropped": 0, "refused": 0, "failures": 0}

    def submit(self, record: Dict[str, Any]) -> None:
        """Queues a session's record (replacing an older one of the same session); call it on the loop."""
        if self._closed:
            return
        self._queue.pop(record["sessionId"], None)
        self._queue[record["sessionId"]] = record
        while len(self._queue) > self._max_queue:
            oldest, _ = self._queue.popitem(last=False)
            self.counts["dropped"] += 1
            self._log(f"session report queue full ({self._max_queue}): dropped the record of {oldest}", "warn")
        self._schedule(self._interval)

    def stats(self) -> Dict[str, int]:
        return dict(self.counts, queued=len(self._queue))

    async def flush(self) -> None:
        """Sends everything queued now, batch after batch, until empty or a POST fails."""
        if self._flushing is not None:
            return await asyncio.shield(self._flushing)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._flushing = asyncio.ensure_future(self._drain())
        try:
            await asyncio.shield(self._flushing)
        finally:
            self._flushing = None

    async def close(self) -> None:
        """One last attempt to send what is queued, then stops; later records are ignored."""
        if self._closed:
            return
        await self.flush()
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _schedule(self, delay: float) -> None:
        if self._timer is not None or self._flushing is not None or self._closed:
            return
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(delay, lambda: asyncio.ensure_future(self._fire()))

    async def _fire(self) -> None:
        self._timer = None
        await self.flush()

    async def _drain(self) -> None:
        while self._queue:
            batch = list(self._queue.values())[:SESSIONS_PER_REPORT]
            outcome = await self._post({"agentId": self._agent_id, "sessions": batch})
            if outcome == "retry":
                self.counts["failures"] += 1
                wait = backoff_delay(self._attempt, self._backoff, self._random)
                self._attempt += 1
                if not self._closed:
                    self._flushing = None
                    self._schedule(max(wait, 0.001))
                return
            self._attempt = 0
            for record in batch:
                # A newer record of the session that arrived during the POST stays queued.
                if self._queue.get(record["sessionId"]) is record:
                    del self._queue[record["sessionId"]]
                self.counts["sent" if outcome == "sent" else "refused"] += 1

    async def _post(self, report: Dict[str, Any]) -> str:
        body = json.dumps(report, ensure_ascii=False).encode("utf-8")
        head = [
            f"POST {self._path} HTTP/1.1",
            f"Host: {self._host}:{self._port}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        if self._token:
            head.append(f"Authorization: Bearer {self._token}")
        writer = None
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self._host, self._port, ssl=ssl.create_default_context() if self._https else None), REQUEST_TIMEOUT
            )
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), REQUEST_TIMEOUT)
            status = int(status_line.split()[1])
            answer = await asyncio.wait_for(reader.read(4096), REQUEST_TIMEOUT)
        except (OSError, asyncio.TimeoutError, ValueError, IndexError) as err:
            self._log(f"session report failed ({type(err).__name__}: {err}); retrying", "warn")
            return "retry"
        finally:
            if writer is not None:
                writer.close()
        if 200 <= status < 300:
            return "sent"
        if status == 429 or status >= 500:
            self._log(f"session report answered HTTP {status}; retrying", "warn")
            return "retry"
        message = answer.split(b"\r\n\r\n", 1)[-1][:300].decode("utf-8", "replace")
        self._log(f"session report refused (HTTP {status}): {message}; its {len(report['sessions'])} records were dropped", "warn")
        return "refused"
