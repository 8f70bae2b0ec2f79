"""A TCP proxy in front of the real server that misbehaves on demand:

- `mode = "stream-502"`: a request for /api/prompts/stream is answered 502 (as a
  proxy that cuts long-lived connections does); everything else passes;
- `mode = "all-502"`: every request is answered 502;
- `freeze()`: every connection it carries stops carrying bytes in both
  directions without closing (a partition: no FIN, no RST); new ones pass.
"""

from __future__ import annotations

import socket
import threading
from typing import List, Tuple

BAD_GATEWAY = b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nbad gateway"


class Proxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.mode = "pass"
        self.requests: List[str] = []  # request lines, in order
        self._lock = threading.Lock()
        self._sockets: List[socket.socket] = []
        self._frozen: List[threading.Event] = []
        self._closed = threading.Event()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._threads: List[threading.Thread] = []
        self._spawn(self._accept)

    def count(self, prefix: str) -> int:
        with self._lock:
            return sum(1 for line in self.requests if line.split(" ")[1].startswith(prefix))

    def freeze(self) -> None:
        with self._lock:
            for event in self._frozen:
                event.set()
            self._frozen = []

    def close(self) -> None:
        self._closed.set()
        try:
            # shutdown() wakes the thread blocked in accept(); close() alone does not on Linux.
            self._server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self._server.close()
        except OSError:
            pass
        with self._lock:
            for s in self._sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
        for t in self._threads:
            t.join(5)

    def _spawn(self, target, *args) -> None:
        t = threading.Thread(target=target, args=args, daemon=True, name="test-proxy")
        self._threads.append(t)
        t.start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self._spawn(self._carry, client)

    def _carry(self, client: socket.socket) -> None:
        with self._lock:
            self._sockets.append(client)
        head = b""
        try:
            while b"\r\n\r\n" not in head:
                data = client.recv(65536)
                if not data:
                    client.close()
                    return
                head += data
        except OSError:
            client.close()
            return
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        with self._lock:
            self.requests.append(line)
        path = line.split(" ")[1] if " " in line else ""
        if self.mode == "all-502" or (self.mode == "stream-502" and path.startswith("/api/prompts/stream")):
            try:
                client.sendall(BAD_GATEWAY)
            finally:
                client.close()
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            client.close()
            return
        frozen = threading.Event()
        with self._lock:
            self._sockets.append(upstream)
            self._frozen.append(frozen)
        # The open-mode server answers only its own Host (DNS rebinding guard): name the target's port.
        head = head.replace(f"Host: 127.0.0.1:{self.port}\r\n".encode(), f"Host: 127.0.0.1:{self.target_port}\r\n".encode(), 1)
        upstream.sendall(head)
        self._spawn(self._pump, upstream, client, frozen)
        self._pump(client, upstream, frozen)

    def _pump(self, source: socket.socket, target: socket.socket, frozen: threading.Event) -> None:
        try:
            while not self._closed.is_set():
                data = source.recv(65536)
                if frozen.is_set():
                    # Partitioned: hold everything, close nothing, until the test ends.
                    self._closed.wait()
                    return
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        for s in (source, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
