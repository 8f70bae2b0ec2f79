"""The two requests the client makes, on http.client: the stream and the conditional poll.

Each open connection is registered with the caller's `track` hook, so that
`close()` on another thread can shut its socket down and unblock a read at once.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from typing import Any, Callable, Dict, Optional, Tuple
from urllib.parse import urlencode, urlsplit

from .errors import PromptClientAuthError, PromptClientError
from .events import parse_prompt_list

Track = Callable[[Optional[socket.socket]], None]
#: The largest poll answer read: every prompt of a view, generously; a server that sends more is broken.
MAX_POLL_BYTES = 64 * 1024 * 1024


class Endpoint:
    """The server's base URL and the view (label, keys) every request names."""

    def __init__(self, url: str, label: str, keys: Optional[Tuple[str, ...]], agent_id: Optional[str], token: Optional[str]) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"PromptClient: url must be an http:// or https:// URL, got {url!r}")
        self.url = url
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.base = parts.path.rstrip("/")
        self.label = label
        self.keys = keys
        self.agent_id = agent_id
        self.headers: Dict[str, str] = {}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if agent_id:
            self.headers["X-Agent-Id"] = agent_id

    def path(self, path: str, stream: bool) -> str:
        query = []
        # ?label= only off production, which servers from before labels also serve.
        if self.label != "production":
            query.append(("label", self.label))
        if self.keys is not None:
            query.append(("keys", ",".join(self.keys)))
        if stream and self.agent_id:
            query.append(("agent", self.agent_id))
        return self.base + path + ("?" + urlencode(query, safe=",") if query else "")

    def connection(self, timeout: float) -> http.client.HTTPConnection:
        if self.https:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=ssl.create_default_context())
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


def open_connection(endpoint: Endpoint, timeout: float, track: Track) -> http.client.HTTPConnection:
    conn = endpoint.connection(timeout)
    conn.connect()
    track(conn.sock)
    return conn


def poll_once(endpoint: Endpoint, revision: Optional[int], timeout: float, track: Track) -> Optional[Dict[str, Any]]:
    """One `GET /api/prompts` with `If-None-Match: "R"`: None on 304, else the state as a snapshot event."""
    headers = dict(endpoint.headers, Accept="application/json")
    if revision is not None:
        headers["If-None-Match"] = f'"{revision}"'
    path = endpoint.path("/api/prompts", stream=False)
    conn = None
    try:
        conn = open_connection(endpoint, timeout, track)
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read(MAX_POLL_BYTES + 1)
    except (OSError, http.client.HTTPException) as err:
        raise PromptClientError("POLL_FAILED", f"cannot reach {endpoint.host}:{endpoint.port}: {describe(err)}") from err
    finally:
        track(None)
        if conn is not None:
            conn.close()
    if response.status == 304:
        return None
    if response.status in (401, 403):
        raise PromptClientAuthError(response.status, endpoint.url)
    if response.status != 200:
        raise PromptClientError("POLL_FAILED", f"GET /api/prompts answered HTTP {response.status}", response.status)
    if len(body) > MAX_POLL_BYTES:
        raise PromptClientError("POLL_FAILED", f"GET /api/prompts answered more than {MAX_POLL_BYTES} bytes; ignored")
    try:
        parsed = json.loads(body.decode("utf-8"))
    except ValueError:
        raise PromptClientError("BAD_EVENT", "GET /api/prompts is not JSON; the answer was ignored") from None
    return parse_prompt_list(parsed)


def describe(err: BaseException) -> str:
    if isinstance(err, socket.timeout):
        return "timed out"
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
