"""Refuse a request body that is too large while it arrives, before anything parses it.

FastAPI reads and parses a whole JSON body before the first dependency runs, so a
check in an endpoint (the token, a ``Content-Length`` test) comes after the damage: an
anonymous caller could make the server hold and parse any amount of data, and a
chunked body, or one whose ``Content-Length`` lies, was not even measured. This pure
ASGI middleware sits in front: it counts the bytes actually received and answers 413
``{"code": "too_large"}`` as soon as the path's limit is passed, without reading on.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MB = 1024 * 1024
#: The protocol's push limit (docs/sync-protocol.md): a client sends at most this much.
MAX_PUSH_BYTES = 2 * MB
#: What the server takes for a push: the protocol's limit plus headroom, so a client whose
#: size estimate is a little off (or a lone op bigger than a batch) is not refused for bytes.
PUSH_BODY_LIMIT = MAX_PUSH_BYTES + MB // 2
#: ``/admin/catalog`` upserts up to 10,000 rows at once (a product row with barcodes and
#: specifications is a few KB).
CATALOG_BODY_LIMIT = 32 * MB
#: Everything else that takes a body (enrolment, the other admin writes) is a few small
#: fields; this leaves room for a branch with many neighbours.
SMALL_BODY_LIMIT = 64 * 1024

_LIMITS = {
    "/api/v1/push": PUSH_BODY_LIMIT,
    "/api/v1/admin/catalog": CATALOG_BODY_LIMIT,
}


def body_limit(path: str) -> int:
    """The most bytes of body a request to ``path`` may carry."""
    return _LIMITS.get(path.rstrip("/") or "/", SMALL_BODY_LIMIT)


class BodyTooLarge:
    """ASGI middleware: the whole body, counted while it arrives, or a 413.

    The body is collected here and handed on in one piece. That costs no waiting:
    FastAPI would read all of it before the endpoint runs anyway. It also means the
    refusal is sent before the app has started, so it is always a clean answer.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int] = body_limit) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        try:
            body = await _collect(receive, limit)
        except ClientLeft:
            return  # nobody to answer
        if body is None:
            await _refuse(send, limit)
            return
        await self.app(scope, _replay(body, receive), send)


class ClientLeft(Exception):
    """The client disconnected before its body was complete."""


async def _collect(receive: Receive, limit: int) -> bytearray | None:
    """The body, or ``None`` once it passes ``limit`` (the rest is not read)."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientLeft
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            return body


def _replay(body: bytearray, receive: Receive) -> Receive:
    """A ``receive`` that gives the collected body first, then what the server says."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": bytes(body), "more_body": False}

    return replay


def _declared_length(scope: Scope) -> int | None:
    """``Content-Length`` when it is there and a number (the server has validated it)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    """413 with the usual error body; the connection is closed, the rest left unread."""
    size = f"{limit / MB:g} MB" if limit >= MB else f"{limit // 1024} KB"
    message = f"The request is larger than the server takes here ({size}); send less at once."
    body = json.dumps({"code": "too_large", "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
