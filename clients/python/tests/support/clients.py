"""Helpers shared by the suites that run clients against the real server."""

from __future__ import annotations

import threading
from typing import Any, Dict, List

from promptcast import BackoffSettings, PromptClient

FAST_BACKOFF = BackoffSettings(initial=0.02, maximum=0.3, healthy_after=60)


class Recorder:
    """Everything a client reports, collected from its thread."""

    def __init__(self, client: PromptClient) -> None:
        self.lock = threading.Lock()
        self.changes: List[Dict[str, Any]] = []
        self.modes: List[str] = []
        self.errors: List[Any] = []
        client.on_change(self._add(self.changes))
        client.on_mode(lambda m: self._add(self.modes)(m["mode"]))
        client.on_error(self._add(self.errors))

    def _add(self, into: List[Any]):
        def add(item: Any) -> None:
            with self.lock:
                into.append(item)

        return add

    def error_codes(self) -> List[str]:
        with self.lock:
            return [e.code for e in self.errors]


def client_threads() -> List[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "promptcast-client"]
