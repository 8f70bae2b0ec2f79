"""Server-Sent Events parsing, by the WHATWG rules (HTML, "Interpreting an event stream").

Bytes go in as they arrive, in chunks of any size; whole events come out. Lines
end in CRLF, LF or CR (a CR at the end of a chunk waits for the next one, which
may start with its LF); lines that start with ":" are comments; `retry:` takes
only ASCII digits; the last event id persists from event to event, and an `id`
holding NUL is ignored. A leading byte-order mark is dropped.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import List, Optional


@dataclass(frozen=True)
class SseEvent:
    """One dispatched event: its type (`message` when unnamed), data and the last event id."""

    type: str
    data: str
    id: str


#: The longest line (and event) the parser holds: a snapshot of every prompt is one `data:` line,
#: so it is generous, but a server that never ends a line cannot take the agent's memory.
MAX_LINE_CHARS = 64 * 1024 * 1024


class SseParser:
    """Feed bytes with `feed()`; it returns the events they complete. `retry` holds the last valid `retry:` hint (ms).
    A line or an event longer than `max_chars` raises ValueError (the caller drops the connection)."""

    def __init__(self, max_chars: int = MAX_LINE_CHARS) -> None:
        self._max = max_chars
        self._size = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._skip_lf = False
        self._started = False
        self._data: List[str] = []
        self._has_data = False
        self._type = ""
        self._last_id = ""
        self.retry: Optional[int] = None

    @property
    def last_event_id(self) -> str:
        return self._last_id

    def feed(self, chunk: bytes) -> List[SseEvent]:
        text = self._decoder.decode(chunk)
        if not self._started and text:
            self._started = True
            if text.startswith("\ufeff"):
                text = text[1:]
        events: List[SseEvent] = []
        start = 0
        buffer = self._pending + text
        i = len(self._pending)
        self._pending = ""
        n = len(buffer)
        while i < n:
            ch = buffer[i]
            if self._skip_lf:
                # The LF of a CRLF whose CR ended the previous line.
                self._skip_lf = False
                if ch == "\n" and i == start:
                    i += 1
                    start = i
                    continue
            if ch == "\r" or ch == "\n":
                self._line(buffer[start:i], events)
                if ch == "\r":
                    self._skip_lf = True
                i += 1
                start = i
                continue
            i += 1
        self._pending = buffer[start:]
        if len(self._pending) + self._size > self._max:
            raise ValueError(f"an event longer than {self._max} characters")
        return events

    def _line(self, line: str, events: List[SseEvent]) -> None:
        if line == "":
            self._dispatch(events)
            return
        if line.startswith(":"):
            return
        colon = line.find(":")
        if colon < 0:
            field, value = line, ""
        else:
            field, value = line[:colon], line[colon + 1 :]
            if value.startswith(" "):
                value = value[1:]
        if field == "event":
            self._type = value
        elif field == "data":
            self._data.append(value)
            self._has_data = True
            self._size += len(value) + 1
            if self._size > self._max:
                raise ValueError(f"an event longer than {self._max} characters")
        elif field == "id":
            if "\x00" not in value:
                self._last_id = value
        elif field == "retry":
            if value != "" and all("0" <= c <= "9" for c in value):
                self.retry = int(value)
        # Any other field is ignored.

    def _dispatch(self, events: List[SseEvent]) -> None:
        self._size = 0
        if not self._has_data:
            self._type = ""
            return
        data = "\n".join(self._data)
        events.append(SseEvent(type=self._type or "message", data=data, id=self._last_id))
        self._data = []
        self._has_data = False
        self._type = ""
