"""The connection state machine (src/client/link.ts), on one background thread.

    idle → connecting → open → (dropped / stalled) → waiting → connecting …
    401/403 anywhere → stopped (final);  close() anywhere → closed (final)

One SSE stream at a time, resumed with `Last-Event-ID`; reconnection after a
full-jitter backoff; a stream silent for 2.5 heartbeats is dead; polling with
`If-None-Match` from the first failed attempt until the stream is open again.
Every wait is a timed wait on one condition (no busy loop) or a socket read
bounded by the stall deadline, and `close()` wakes either at once.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from typing import Any, Callable, Dict, Optional

from .backoff import Backoff, BackoffSettings
from .errors import PromptClientAuthError, PromptClientError
from .events import parse_stream_event
from .http import Endpoint, describe, open_connection, poll_once
from .sse import SseParser

STALL_FACTOR = 2.5
STREAM_EVENTS = ("snapshot", "prompt.updated", "prompt.deleted", "heartbeat")


class LinkHandlers:
    """What the link tells its owner; every call comes from the link's thread."""

    resume_from: Callable[[], Optional[int]]
    event: Callable[[Dict[str, Any]], None]
    polled: Callable[[Dict[str, Any]], None]
    mode: Callable[[str, str], None]
    problem: Callable[[PromptClientError], None]
    unreachable: Callable[[], None]
    stopped: Callable[[PromptClientAuthError], None]
    #: When (monotonic) the owner wants `idle()` called even if nothing happens: the ready deadline.
    deadline: Callable[[], Optional[float]]
    idle: Callable[[], None]
    log: Callable[[str, str], None]


class Link:
    def __init__(
        self,
        endpoint: Endpoint,
        handlers: Any,
        *,
        transport: str,
        heartbeat: float,
        poll_interval: float,
        backoff: BackoffSettings,
        random: Callable[[], float],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._endpoint = endpoint
        self._on = handlers
        self._transport = transport
        self._stall = heartbeat * STALL_FACTOR
        self._poll_interval = poll_interval
        self._backoff = Backoff(backoff, random)
        self._now = monotonic
        self._cond = threading.Condition()
        self._socket: Optional[socket.socket] = None
        self.phase = "idle"
        self.mode = "offline"
        self._failed_attempts = 0
        self._polling = False
        self._poll_ok = False
        self._outage_reported = False
        self._reconnect_at: Optional[float] = None
        self._poll_at: Optional[float] = None
        #: Wall-clock time (time.time()) of the last stream event or answered poll.
        self.last_heard_at: Optional[float] = None
        #: The server's `retry:` hint (ms), used as the first reconnection delay's ceiling.
        self.retry_hint: Optional[int] = None

    # --- called from other threads -------------------------------------------------

    def close(self) -> None:
        with self._cond:
            if self.phase in ("stopped", "closed"):
                self.phase = "closed"
                return
            self.phase = "closed"
            sock = self._socket
            self._cond.notify_all()
        self.mode = "offline"
        if sock is not None:
            # Unblocks a read or a poll in flight on the link's thread at once.
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @property
    def finished(self) -> bool:
        return self.phase in ("stopped", "closed")

    # --- the link's thread ---------------------------------------------------------

    def run(self) -> None:
        if self._transport == "poll":
            self.phase = "waiting"
            self._start_polling()
        else:
            self.phase = "connecting"
        while not self.finished:
            if self.phase == "connecting":
                self._attempt()
                continue
            self._wait_for_timers()

    def _wait_for_timers(self) -> None:
        with self._cond:
            while not self.finished:
                now = self._now()
                if self._poll_at is not None and now >= self._poll_at:
                    break
                if self._reconnect_at is not None and now >= self._reconnect_at:
                    break
                deadline = self._on.deadline()
                if deadline is not None and now >= deadline:
                    break
                due = [t for t in (self._poll_at, self._reconnect_at, deadline) if t is not None]
                self._cond.wait(min(due) - now if due else None)
        if self.finished:
            return
        self._on.idle()
        now = self._now()
        if self._poll_at is not None and now >= self._poll_at:
            self._poll_at = None
            self._poll()
        if not self.finished and self._reconnect_at is not None and self._now() >= self._reconnect_at:
            self._reconnect_at = None
            self.phase = "connecting"

    def _track(self, sock: Optional[socket.socket]) -> None:
        with self._cond:
            self._socket = sock
            closed = self.finished
        if closed and sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _attempt(self) -> None:
        resume = self._on.resume_from()
        headers = dict(self._endpoint.headers, Accept="text/event-stream", **{"Cache-Control": "no-cache"})
        if resume is not None:
            headers["Last-Event-ID"] = str(resume)
        path = self._endpoint.path("/api/prompts/stream", stream=True)
        self._on.log(f"connecting to {self._endpoint.url}{path}" + ("" if resume is None else f" from revision {resume}"), "debug")
        conn = None
        try:
            # The same bound as a silent stream: a server that never sends its headers is as dead as one that refuses.
            conn = open_connection(self._endpoint, self._stall, self._track)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            kind = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if response.status != 200 or kind != "text/event-stream":
                status = response.status
                self._failed(status, f"HTTP {status}" + ("" if status != 200 else f" with Content-Type {kind or 'none'}"), False)
                return
            self._opened()
            self._read(conn, response)
        except socket.timeout:
            self._failed(None, f"no answer within {self._stall:g} s", True)
        except (OSError, http.client.HTTPException, ValueError) as err:
            self._failed(None, describe(err), False)
        finally:
            self._track(None)
            if conn is not None:
                conn.close()

    def _opened(self) -> None:
        if self.finished:
            return
        self.phase = "open"
        self._opened_at = self._now()
        self._failed_attempts = 0
        self._outage_reported = False
        self.last_heard_at = time.time()
        self._stop_polling()
        self._on.log("stream open", "info")
        self._update_mode()

    def _read(self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse) -> None:
        parser = SseParser()
        heard = self._now()
        sock = conn.sock
        while not self.finished:
            remaining = heard + self._stall - self._now()
            if remaining <= 0:
                self._failed(None, "", True)
                return
            if sock is not None:
                sock.settimeout(remaining)
            try:
                chunk = response.read1(65536)
            except socket.timeout:
                continue  # the loop finds the deadline passed (or an event came in just before it)
            if not chunk:
                self._failed(None, "the stream ended", False)
                return
            events = parser.feed(chunk)
            if parser.retry is not None:
                self.retry_hint = parser.retry
            for sse in events:
                if self.finished:
                    return
                heard = self._now()
                self.last_heard_at = time.time()
                if sse.type not in STREAM_EVENTS:
                    continue
                try:
                    event = parse_stream_event(sse.type, sse.data)
                except PromptClientError as err:
                    self._on.problem(err)
                    continue
                if event["type"] == "heartbeat" and "intervalMs" in event:
                    self._stall = event["intervalMs"] / 1000 * STALL_FACTOR
                self._on.event(event)

    def _failed(self, status: Optional[int], message: str, stalled: bool) -> None:
        if self.finished:
            return
        was_open = self.phase == "open"
        if status in (401, 403):
            self._stop(PromptClientAuthError(status, self._endpoint.url))
            return
        if was_open:
            self._backoff.connection_ended(self._opened_at, self._now())
        else:
            self._failed_attempts += 1
        if stalled:
            self._report_outage(PromptClientError("STREAM_STALLED", f"the stream sent nothing for {self._stall:g} s; reconnecting"))
        else:
            what = "dropped" if was_open else "failed"
            self._report_outage(PromptClientError("STREAM_FAILED", f"the stream {what}: {message}", status))
        delay = self._backoff.next()
        self._on.log(f"reconnecting in {delay:.3f} s (retry {self._backoff.attempts})", "debug")
        with self._cond:
            if self.finished:
                return
            self.phase = "waiting"
            self._reconnect_at = self._now() + delay
        if self._failed_attempts >= 1:
            self._start_polling()
        self._update_mode()

    def _start_polling(self) -> None:
        if self._polling:
            return
        self._polling = True
        why = "transport is poll" if self._transport == "poll" else "stream down"
        self._on.log(f"{why}; polling every {self._poll_interval:g} s", "info")
        self._poll_at = self._now()

    def _stop_polling(self) -> None:
        self._polling = False
        self._poll_ok = False
        self._poll_at = None

    def _poll(self) -> None:
        try:
            snapshot = poll_once(self._endpoint, self._on.resume_from(), min(self._stall, 10.0), self._track)
        except PromptClientAuthError as err:
            if not self.finished:
                self._stop(err)
            return
        except PromptClientError as err:
            if self.finished:
                return
            self._poll_ok = False
            self._report_outage(err)
            self._on.unreachable()
        else:
            if self.finished:
                return
            self.last_heard_at = time.time()
            self._poll_ok = True
            if snapshot is not None:
                self._on.polled(snapshot)
        if not self._polling or self.finished:
            return
        self._update_mode()
        self._poll_at = self._now() + self._poll_interval

    def _report_outage(self, error: PromptClientError) -> None:
        self._on.log(error.message, "warn")
        if self._outage_reported:
            return
        self._outage_reported = True
        self._on.problem(error)

    def _stop(self, error: PromptClientAuthError) -> None:
        with self._cond:
            if self.finished:
                return
            self.phase = "stopped"
        self._stop_polling()
        self._reconnect_at = None
        self._update_mode()
        self._on.log(error.message, "error")
        self._on.stopped(error)

    def _update_mode(self) -> None:
        if self.phase == "closed":
            return
        mode = "streaming" if self.phase == "open" else ("polling" if self._polling and self._poll_ok else "offline")
        if mode == self.mode:
            return
        previous, self.mode = self.mode, mode
        self._on.log(f"mode {previous} → {mode}", "info")
        self._on.mode(mode, previous)
