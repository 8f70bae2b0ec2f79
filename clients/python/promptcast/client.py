"""PromptClient: live prompts for a Python agent (the TypeScript PromptClient's behaviour).

One background thread holds one SSE stream to the Promptcast server, resumed
by revision after every drop, polls while the stream is down, keeps a
last-known-good file on disk and falls back to built-in defaults.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from typing import Any, AsyncIterator, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from .backoff import BackoffSettings
from .cache import read_cache, write_cache
from .errors import MissingVariableError, PromptClientAuthError, PromptClientError
from .http import Endpoint
from .link import Link
from .state import State, apply_event, defaults_state, diff_states, resolve, visible_keys
from .template import render_template

LABEL_PATTERN = re.compile(r"[a-z][a-z0-9-]{0,31}\Z")
LABEL_RULE = 'a lower-case letter followed by up to 31 lower-case letters, digits or "-" (such as staging)'
_LOG = logging.getLogger("promptcast")
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR}
#: Errors reported before anyone listens are kept (this many) and handed to the first `on_error` callback.
_ERROR_BACKLOG = 16

Callback = Callable[[Dict[str, Any]], Any]


class PromptClient:
    """Live prompts: `get`, `render`, `on_change`, `status`, `close` (see clients/python/README.md).

    Callbacks run on the client's thread, or on `loop` when one is given
    (`loop.call_soon_threadsafe`; coroutine functions become tasks there).
    They must not block: the stream waits while they run.
    """

    def __init__(
        self,
        url: str,
        token: Optional[str] = None,
        keys: Optional[Iterable[str]] = None,
        label: str = "production",
        agent_id: Optional[str] = None,
        cache_file: Optional[str] = None,
        defaults: Optional[Mapping[str, str]] = None,
        poll_interval: float = 5.0,
        *,
        ready_timeout: float = 5.0,
        heartbeat: float = 15.0,
        transport: str = "auto",
        backoff: Optional[BackoffSettings] = None,
        debug: Optional[Callable[[str, str], None]] = None,
        random: Optional[Callable[[], float]] = None,
    ) -> None:
        if not url:
            raise TypeError("PromptClient: url is required (e.g. http://127.0.0.1:3000)")
        if not isinstance(label, str) or not LABEL_PATTERN.match(label):
            raise TypeError(f"PromptClient: label must be {LABEL_RULE}, got {label!r}")
        if isinstance(keys, str):
            raise TypeError(f"PromptClient: keys must be a list of keys, not the string {keys!r}")
        if transport not in ("auto", "poll"):
            raise TypeError(f"PromptClient: transport must be 'auto' or 'poll', got {transport!r}")
        for name, value in (("poll_interval", poll_interval), ("ready_timeout", ready_timeout), ("heartbeat", heartbeat)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or value != value:
                raise TypeError(f"PromptClient: {name} must be a positive number of seconds, got {value!r}")
        import random as _random

        self.url = url
        self.token = token
        self.label = label
        self.agent_id = agent_id
        self.keys: Optional[Tuple[str, ...]] = tuple(keys) if keys is not None else None
        self._key_set = set(self.keys) if self.keys is not None else None
        self._defaults: Dict[str, str] = dict(defaults or {})
        self._cache_file = cache_file
        self._ready_timeout = float(ready_timeout)
        self._debug = debug
        self._lock = threading.RLock()
        self._settled = threading.Event()
        self._ready_error: Optional[BaseException] = None
        self._ready_at = time.monotonic() + self._ready_timeout
        self._held: Optional[State] = None
        self._cached: Optional[State] = None
        self._cache_loaded = False
        self._stopped_by: Optional[PromptClientAuthError] = None
        self._closed = False
        self._listeners: Dict[str, List[Tuple[Callback, Optional[asyncio.AbstractEventLoop]]]] = {
            "change": [],
            "mode": [],
            "error": [],
            "warning": [],
        }
        self._error_backlog: List[PromptClientError] = []
        self._waiters: List[Tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]"]] = []
        self._endpoint = Endpoint(url, label, self.keys, agent_id, token)
        self._link = Link(
            self._endpoint,
            _Handlers(self),
            transport=transport,
            heartbeat=float(heartbeat),
            poll_interval=float(poll_interval),
            backoff=backoff or BackoffSettings(),
            random=random or _random.random,
        )
        self._load_cache()
        self._thread = threading.Thread(target=self._run, name="promptcast-client", daemon=True)
        self._thread.start()

    # --- reading ---------------------------------------------------------------------

    def ready(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Blocks until the client holds its first state: the server's, or, when the server
        cannot be reached within `timeout` (default `ready_timeout`, 5 s), the cache file's,
        else the defaults. Raises PromptClientAuthError when the token is refused, or
        PromptClientError CLOSED when closed first. Returns `{source, revision, prompts}`."""
        wait = self._ready_timeout if timeout is None else max(0.0, float(timeout))
        if not self._settled.wait(wait):
            self._fall_back(f"no answer within {wait:g} s")
        return self._ready_result()

    async def wait_ready(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """`ready()` for asyncio: awaits on the running loop without blocking it."""
        loop = asyncio.get_running_loop()
        future: "asyncio.Future[Any]" = loop.create_future()
        with self._lock:
            if self._settled.is_set():
                return self._ready_result()
            self._waiters.append((loop, future))
        wait = self._ready_timeout if timeout is None else max(0.0, float(timeout))
        try:
            await asyncio.wait_for(asyncio.shield(future), wait)
        except asyncio.TimeoutError:
            self._fall_back(f"no answer within {wait:g} s")
        return self._ready_result()

    def get(self, key: str, session_id: Optional[str] = None) -> Optional[str]:
        """The text of `key`: the server's (or cached) text, else its default, else None.
        With `session_id`, the rollout variant that session is in (clients/rollout-vectors.json)."""
        found = self.resolve(key, session_id)
        return found["text"] if found else None

    def resolve(self, key: str, session_id: Optional[str] = None) -> Optional[Dict[str, Any]]:
        """`{text, version, variables, variant, rolloutId, revision, source}` for one session; None without text."""
        with self._lock:
            self._check_deadline()
            held = self._held
            entry = held["prompts"].get(key) if held else None
            if self._key_set is not None and key not in self._key_set:
                entry = None
            found = resolve(entry, session_id)
            revision = held["revision"] if held else None
            source = held["source"] if held else "defaults"
        if found is not None:
            return dict(found, revision=revision, source=source)
        if key in self._defaults and (self._key_set is None or key in self._key_set):
            return {"text": self._defaults[key], "version": None, "variables": {}, "variant": None, "rolloutId": None, "revision": revision, "source": "defaults"}
        return None

    def render(self, key: str, variables: Optional[Mapping[str, Any]] = None, session_id: Optional[str] = None, *, strict: bool = True) -> Optional[str]:
        """The text of `key` (that session's variant) with its `{{name}}` placeholders filled from
        `variables`, then from the declared defaults. A required variable missing raises
        MissingVariableError and nothing is rendered; with `strict=False` it becomes "" and
        `on_warning` callbacks hear of it. None when the key has no text, like `get`."""
        found = self.resolve(key, session_id)
        if found is None:
            return None
        rendered = render_template(found["text"], found["variables"], variables or {})
        if not rendered.missing:
            return rendered.text
        error = MissingVariableError(key, rendered.missing)
        if strict:
            raise error
        self._log(f'{error}; rendered them as ""', "warn")
        self._emit("warning", {"code": "MISSING_VARIABLE", "key": key, "variables": list(rendered.missing), "message": str(error)})
        return rendered.text

    def all(self) -> Dict[str, str]:
        """Every key with a text, defaults included, and that text."""
        with self._lock:
            self._check_deadline()
            held = self._held
            return {key: self.get(key) for key in visible_keys(held, self._key_set, self._defaults)}  # type: ignore[misc]

    def status(self) -> Dict[str, Any]:
        """`{mode, label, keys, revision, source, last_event_at, stale_for, stopped_by}` (times in seconds)."""
        with self._lock:
            self._check_deadline()
            held = self._held
            heard = self._link.last_heard_at
            return {
                "mode": self._link.mode,
                "label": self.label,
                "keys": list(self.keys) if self.keys is not None else None,
                "revision": held["revision"] if held else None,
                "source": held["source"] if held else "defaults",
                "last_event_at": heard,
                "stale_for": None if heard is None else max(0.0, time.time() - heard),
                "stopped_by": self._stopped_by,
            }

    # --- listening -------------------------------------------------------------------

    def on_change(self, callback: Callback, loop: Optional[asyncio.AbstractEventLoop] = None) -> Callable[[], None]:
        """`callback({key, text, variables, revision, version, deleted, source, rollout, apply})` once per key
        whose text, declared variables or rollout offer changed after the first state. Returns an unsubscribe."""
        return self._listen("change", callback, loop)

    def on_mode(self, callback: Callback, loop: Optional[asyncio.AbstractEventLoop] = None) -> Callable[[], None]:
        """`callback({mode, previous})` on streaming / polling / offline transitions."""
        return self._listen("mode", callback, loop)

    def on_error(self, callback: Callable[[PromptClientError], Any], loop: Optional[asyncio.AbstractEventLoop] = None) -> Callable[[], None]:
        """Errors never raise out of the client; they come here (earlier ones are handed to the first listener)."""
        unsubscribe = self._listen("error", callback, loop)
        with self._lock:
            backlog, self._error_backlog = self._error_backlog, []
        for error in backlog:
            self._deliver(callback, loop, error)
        return unsubscribe

    def on_warning(self, callback: Callback, loop: Optional[asyncio.AbstractEventLoop] = None) -> Callable[[], None]:
        return self._listen("warning", callback, loop)

    def changes(self) -> "AsyncIterator[Dict[str, Any]]":
        """`async for change in client.changes():` (call it inside a coroutine), until the client closes."""
        return _ChangeStream(self, asyncio.get_running_loop())

    # --- closing ---------------------------------------------------------------------

    def close(self, timeout: float = 10.0) -> None:
        """Closes the stream, stops polling, wakes the thread and waits for it (and so for
        the last cache write). Idempotent; nothing runs afterwards."""
        with self._lock:
            already = self._closed
            self._closed = True
        if not already:
            self._link.close()
            if not self._settled.is_set():
                self._settle(PromptClientError("CLOSED", "the client was closed before it was ready"))
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def __enter__(self) -> "PromptClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    async def __aenter__(self) -> "PromptClient":
        await self.wait_ready()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    # --- the client's thread ---------------------------------------------------------

    def _run(self) -> None:
        try:
            self._link.run()
        except Exception as err:  # a bug must be loud, not a silent dead thread
            self._log(f"the client's thread failed: {err!r}", "error")
            self._report(PromptClientError("STREAM_FAILED", f"the client's thread failed: {err!r}"))
            raise
        finally:
            with self._lock:
                self._emit_changes_closed()

    def _apply(self, event: Mapping[str, Any]) -> None:
        with self._lock:
            if self._closed:
                return
            after = apply_event(self._held, event, self._key_set)
            if after is None:
                return
            before, self._held = self._held, after
            if not self._settled.is_set():
                self._settle()
                changes: List[Dict[str, Any]] = []
            else:
                changes = diff_states(before, after, self._key_set, self._defaults)
                for change in changes:
                    if event.get("apply") and event.get("key") == change["key"]:
                        change["apply"] = event["apply"]
                    else:
                        change.setdefault("apply", None)
        for change in changes:
            self._emit("change", change)
        if before is None or after["prompts"] is not before["prompts"]:
            self._save_cache(after)

    def _save_cache(self, state: State) -> None:
        if not self._cache_file or state["source"] != "server":
            return
        try:
            write_cache(self._cache_file, self.label, state)
        except PromptClientError as err:
            self._report(err)

    def _load_cache(self) -> None:
        if not self._cache_file:
            return
        try:
            self._cached = read_cache(self._cache_file, self.label)
        except PromptClientError as err:
            self._report(err)

    def _check_deadline(self) -> None:
        if not self._settled.is_set() and time.monotonic() >= self._ready_at:
            self._fall_back(f"no answer within {self._ready_timeout:g} s")

    def _fall_back(self, reason: str) -> None:
        with self._lock:
            if self._settled.is_set():
                return
            self._held = self._cached or defaults_state()
            if self._cached:
                where = f"the last-known-good cache {self._cache_file} (revision {self._cached['revision']})"
            else:
                where = f"built-in defaults ({len(self._defaults)} keys)"
            self._log(f"starting from {where}: {reason} ({self.url})", "warn")
            self._settle()

    def _settle(self, closed_early: Optional[BaseException] = None) -> None:
        with self._lock:
            if self._settled.is_set():
                return
            self._ready_error = closed_early or self._stopped_by
            self._settled.set()
            waiters, self._waiters = self._waiters, []
        for loop, future in waiters:
            loop.call_soon_threadsafe(_resolve_future, future)

    def _ready_result(self) -> Dict[str, Any]:
        if self._ready_error is not None:
            raise self._ready_error
        with self._lock:
            held = self._held
            return {"source": held["source"] if held else "defaults", "revision": held["revision"] if held else None, "prompts": self.all()}

    def _stopped(self, error: PromptClientAuthError) -> None:
        with self._lock:
            self._stopped_by = error
        self._report(error)
        self._fall_back("the server refused the token")

    # --- events ----------------------------------------------------------------------

    def _listen(self, kind: str, callback: Callable[..., Any], loop: Optional[asyncio.AbstractEventLoop]) -> Callable[[], None]:
        entry = (callback, loop)
        with self._lock:
            self._listeners[kind].append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._listeners[kind]:
                    self._listeners[kind].remove(entry)

        return unsubscribe

    def _emit(self, kind: str, payload: Any) -> None:
        with self._lock:
            listeners = list(self._listeners[kind])
        for callback, loop in listeners:
            self._deliver(callback, loop, payload)

    def _deliver(self, callback: Callable[..., Any], loop: Optional[asyncio.AbstractEventLoop], payload: Any) -> None:
        if loop is not None:
            if loop.is_closed():
                return
            if asyncio.iscoroutinefunction(callback):
                loop.call_soon_threadsafe(lambda: loop.create_task(callback(payload)))
            else:
                loop.call_soon_threadsafe(callback, payload)
            return
        try:
            callback(payload)
        except Exception as err:  # a listener's bug must not stop the stream
            self._log(f"a listener raised {err!r}", "error")

    def _report(self, error: PromptClientError) -> None:
        self._log(error.message, "error")
        with self._lock:
            if not self._listeners["error"]:
                self._error_backlog = (self._error_backlog + [error])[-_ERROR_BACKLOG:]
                return
        self._emit("error", error)

    def _log(self, message: str, level: str) -> None:
        line = f"promptcast-client: {message}"
        if self._debug is not None:
            self._debug(line, level)
        else:
            _LOG.log(_LEVELS.get(level, logging.INFO), line)

    def _emit_changes_closed(self) -> None:
        for callback, loop in list(self._listeners["change"]):
            if isinstance(callback, _ChangeStream.Feed):
                callback.end()


def _resolve_future(future: "asyncio.Future[Any]") -> None:
    if not future.done():
        future.set_result(None)


class _Handlers:
    """The link's callbacks, bound to one client."""

    def __init__(self, client: PromptClient) -> None:
        self._c = client

    def resume_from(self) -> Optional[int]:
        held = self._c._held
        return held["revision"] if held is not None and held["source"] == "server" else None

    def event(self, event: Dict[str, Any]) -> None:
        self._c._apply(event)

    def polled(self, snapshot: Dict[str, Any]) -> None:
        self._c._apply(snapshot)

    def mode(self, mode: str, previous: str) -> None:
        self._c._emit("mode", {"mode": mode, "previous": previous})

    def problem(self, error: PromptClientError) -> None:
        self._c._report(error)

    def unreachable(self) -> None:
        self._c._fall_back("the server cannot be reached")

    def stopped(self, error: PromptClientAuthError) -> None:
        self._c._stopped(error)

    def deadline(self) -> Optional[float]:
        return None if self._c._settled.is_set() else self._c._ready_at

    def idle(self) -> None:
        self._c._check_deadline()

    def log(self, message: str, level: str) -> None:
        self._c._log(message, level)


class _ChangeStream:
    """The async iterator behind `client.changes()`: a queue fed from the client's thread."""

    class Feed:
        def __init__(self, loop: asyncio.AbstractEventLoop, queue: "asyncio.Queue[Any]") -> None:
            self._loop = loop
            self._queue = queue

        def __call__(self, change: Dict[str, Any]) -> None:
            if not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._queue.put_nowait, change)

        def end(self) -> None:
            if not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._queue.put_nowait, None)

    def __init__(self, client: PromptClient, loop: asyncio.AbstractEventLoop) -> None:
        self._queue: "asyncio.Queue[Any]" = asyncio.Queue()
        self._feed = _ChangeStream.Feed(loop, self._queue)
        self._unsubscribe = client._listen("change", self._feed, None)
        if client._closed:
            self._feed.end()

    def __aiter__(self) -> "_ChangeStream":
        return self

    async def __anext__(self) -> Dict[str, Any]:
        change = await self._queue.get()
        if change is None:
            self._unsubscribe()
            raise StopAsyncIteration
        return change
