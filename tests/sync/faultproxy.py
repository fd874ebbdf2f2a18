"""A loopback HTTP proxy that breaks answers on purpose, for the sync fault tests.

It sits between a workstation and the real server process and forwards
every request unchanged, except those a test has planned a fault for.
Each planned fault is used once, by the next request whose path starts
with its prefix, so a test says exactly which exchange goes wrong:

- ``"lost"``: forward, let the server commit, then drop the connection
  without an answer (the response lost after the server committed);
- ``"reset"``: drop the connection before forwarding (nothing reaches the server);
- ``"500"`` / ``"503"``: answer that status without forwarding;
- ``"429"``: answer 429 with ``Retry-After`` (seconds in ``retry_after``);
- ``"slow"``: forward, then hold the answer for ``delay`` seconds (a client
  timeout shorter than that sees a timeout, after the server committed);
- ``"garbage"``: forward, then answer 200 with bytes that are not JSON;
- ``"truncated"``: forward, then answer the first half of the server's body
  with the full ``Content-Length`` and close;
- ``"wrong_shape"``: forward, then answer 200 with valid JSON of the wrong shape.

``seen`` records (method, path, fault) for every request, so a test can
also check how many requests the client made (one in flight, no re-push
storm).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import urlsplit

FaultKind = Literal[
    "lost", "reset", "500", "503", "429", "slow", "garbage", "truncated", "wrong_shape"
]

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
}


@dataclass
class Fault:
    kind: FaultKind
    path_prefix: str = "/api/v1/push"
    retry_after: int = 1
    delay: float = 3.0


@dataclass
class _Plan:
    faults: deque[Fault] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seen: list[tuple[str, str, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    #: Notified whenever a push finishes, for waits on ``in_flight``.
    idle: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.idle = threading.Condition(self.lock)

    def take(self, method: str, path: str) -> Fault | None:
        with self.lock:
            chosen = None
            for fault in self.faults:
                if path.startswith(fault.path_prefix):
                    chosen = fault
                    break
            if chosen is not None:
                self.faults.remove(chosen)
            self.seen.append((method, path, chosen.kind if chosen else ""))
            if path.startswith("/api/v1/push"):
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return chosen

    def done(self, path: str) -> None:
        if path.startswith("/api/v1/push"):
            with self.lock:
                self.in_flight -= 1
                self.idle.notify_all()


class FaultProxy:
    """``with FaultProxy(server_url) as proxy: ...``, then point a client at ``proxy.url``."""

    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        self.target_host = parts.hostname or "127.0.0.1"
        self.target_port = parts.port or 80
        self._plan = _Plan()
        plan = self._plan
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: pytest shows failures, not every request

            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fault = plan.take(self.command, self.path)
                try:
                    self._answer(fault, body)
                finally:
                    plan.done(self.path)

            def _answer(self, fault: Fault | None, body: bytes) -> None:
                kind = fault.kind if fault else None
                if kind == "reset":
                    self._drop()
                    return
                if kind in {"500", "503", "429"}:
                    assert fault is not None
                    payload = json.dumps({"code": "fault", "message": "injected"}).encode()
                    self.send_response(int(kind))
                    if kind == "429":
                        self.send_header("Retry-After", str(fault.retry_after))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                status, headers, answer = proxy.forward(self.command, self.path, self.headers, body)
                if kind == "lost":
                    self._drop()
                    return
                if kind == "slow":
                    assert fault is not None
                    time.sleep(fault.delay)
                if kind == "garbage":
                    status, answer = 200, b"\x00<html>not json at all"
                elif kind == "wrong_shape":
                    status, answer = 200, json.dumps({"results": "nope", "cursor": "x"}).encode()
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                if kind == "truncated":
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(answer[: len(answer) // 2])
                    self.wfile.flush()
                    self._drop()
                    return
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(answer)

            def _drop(self) -> None:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- planning -------------------------------------------------------------

    def plan(self, *faults: Fault) -> None:
        """Queue faults, each used once by the next request matching its path prefix."""
        with self._plan.lock:
            self._plan.faults.extend(faults)

    @property
    def pending_faults(self) -> int:
        with self._plan.lock:
            return len(self._plan.faults)

    @property
    def seen(self) -> list[tuple[str, str, str]]:
        with self._plan.lock:
            return list(self._plan.seen)

    @property
    def pushes_in_flight(self) -> int:
        """Pushes the proxy is handling now (a held "slow" answer counts until it is sent)."""
        with self._plan.lock:
            return self._plan.in_flight

    def wait_until_no_push(self, timeout: float) -> bool:
        """Block until no push is in flight (a held answer sent); False after ``timeout``."""
        with self._plan.idle:
            return self._plan.idle.wait_for(lambda: self._plan.in_flight == 0, timeout)

    @property
    def max_pushes_in_flight(self) -> int:
        with self._plan.lock:
            return self._plan.max_in_flight

    # --- forwarding -------------------------------------------------------------

    def forward(
        self, method: str, path: str, headers: Message, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.target_host, self.target_port, timeout=60)
        try:
            sent = {
                k: v
                for k, v in headers.items()
                if k.lower() not in _HOP_BY_HOP and k.lower() != "host"
            }
            sent["Content-Length"] = str(len(body))
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        except OSError as exc:
            payload = json.dumps({"code": "bad_gateway", "message": str(exc)}).encode()
            return 502, [("Content-Type", "application/json")], payload
        finally:
            conn.close()

    # --- life -------------------------------------------------------------------

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
