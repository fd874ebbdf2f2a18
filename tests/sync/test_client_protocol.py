"""Answer validation and backoff: pure code, fed garbage, truncated and wrong-typed answers."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import pytest
import requests

from shop_desktop.services.sync.engine import ERROR_CODES, backoff_seconds
from shop_desktop.services.sync.protocol import (
    ServerAnswerInvalid,
    parse_bootstrap_page,
    parse_bootstrap_plan,
    parse_enrol,
    parse_error_code,
    parse_hello,
    parse_json,
    parse_pull,
    parse_push,
)
from shop_desktop.services.sync.transport import (
    BadEnrolmentCode,
    CursorTooOld,
    DeviceCloned,
    DeviceRevoked,
    Forbidden,
    PayloadTooLarge,
    Retryable,
    ServerRefused,
    SyncFailure,
    Transport,
    UpgradeRequired,
)

OP = str(uuid.uuid4())
GOOD_PUSH: dict[str, Any] = {
    "server_time": "2026-11-27T10:00:00+08:00",
    "cursor": 12,
    "results": [
        {"op_id": OP, "device_seq": 1, "status": "applied", "code": "", "message": "", "result": {}}
    ],
}
GOOD_PULL: dict[str, Any] = {
    "cursor": 10,
    "has_more": False,
    "server_time": "2026-11-27T10:00:00+00:00",
    "changes": [
        {"seq": 9, "entity": "brand", "id": OP, "op": "upsert", "data": {"id": OP}},
        {"seq": 10, "entity": "brand", "id": OP, "op": "delete", "data": None},
    ],
}
GOOD_HELLO: dict[str, Any] = {
    "device_id": OP,
    "branch_id": OP,
    "workstation_id": OP,
    "server_time": "2026-11-27T02:00:00Z",
    "protocol": {"min": 1, "max": 1},
    "cursor_floor": 0,
    "cursor_head": 5,
}


def test_good_answers_parse() -> None:
    push = parse_push(GOOD_PUSH, {uuid.UUID(OP)})
    assert push.cursor == 12
    assert push.results[0].status == "applied"
    pull = parse_pull(GOOD_PULL, after=8)
    assert [c.seq for c in pull.changes] == [9, 10]
    assert pull.changes[1].data == {}
    hello = parse_hello(GOOD_HELLO)
    assert hello.server_time.utcoffset() is not None
    assert hello.cursor_head == 5


def _broken(answer: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(answer))
    target: Any = copy
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return copy


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["cursor"], "12"),
        (["cursor"], True),
        (["cursor"], -1),
        (["cursor"], _DELETE),
        (["results"], {}),
        (["results", 0, "status"], "maybe"),
        (["results", 0, "op_id"], "not-an-id"),
        (
            ["results", 0, "op_id"],
            "ab99c092-a05e-4a56-8b6e-6afd680835ea",
        ),  # an op that was not sent
        (["results", 0, "device_seq"], 1.5),
        (["results", 0, "result"], [1]),
        (["results", 0], "applied"),
        (["server_time"], "yesterday"),
        (["server_time"], "2026-11-27T10:00:00"),  # no offset
    ],
)
def test_wrong_push_answers_are_invalid(path: list[Any], value: Any) -> None:
    with pytest.raises(ServerAnswerInvalid):
        parse_push(_broken(GOOD_PUSH, path, value), {uuid.UUID(OP)})


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["has_more"], "false"),
        (["cursor"], 5),  # behind the asked cursor
        (["changes", 1, "seq"], 9),  # not increasing
        (["changes", 1, "seq"], 11),  # beyond the page's cursor
        (["changes", 0, "op"], "merge"),
        (["changes", 0, "data"], "x"),
        (["changes", 0, "entity"], None),
        (["changes"], None),
    ],
)
def test_wrong_pull_pages_are_invalid(path: list[Any], value: Any) -> None:
    with pytest.raises(ServerAnswerInvalid):
        parse_pull(_broken(GOOD_PULL, path, value), after=8)


@pytest.mark.parametrize("body", [b"", b"{", b'{"cursor": 1', b"<html>502</html>", b"\xff\xfe"])
def test_garbage_and_truncated_bodies_are_invalid(body: bytes) -> None:
    with pytest.raises(ServerAnswerInvalid):
        parse_json(body)


def test_every_top_level_shape_is_checked() -> None:
    for parse in (parse_hello, parse_enrol, parse_bootstrap_plan):
        wrong: tuple[Any, ...] = (None, [], "x", 1, {})
        for value in wrong:
            with pytest.raises(ServerAnswerInvalid):
                parse(value)
    with pytest.raises(ServerAnswerInvalid):
        parse_bootstrap_page({"entity": "product", "columns": ["id"], "rows": [[1, 2]]}, "product")
    with pytest.raises(ServerAnswerInvalid):
        parse_bootstrap_page({"entity": "brand", "columns": ["id"], "rows": []}, "product")
    page = parse_bootstrap_page(
        {"entity": "product", "columns": ["id"], "rows": [["a"]], "next_after": None}, "product"
    )
    assert page.next_after is None


def test_error_codes_are_read_from_either_shape() -> None:
    assert parse_error_code(b'{"code": "device_cloned", "message": "x"}') == "device_cloned"
    assert parse_error_code(b'{"detail": {"code": "forbidden"}}') == "forbidden"
    assert parse_error_code(b"garbage") == ""


def test_backoff_doubles_to_five_minutes_with_jitter() -> None:
    rng = random.Random(3)
    for failures in range(12):
        ceiling = min(300.0, 2.0**failures)
        for _ in range(50):
            delay = backoff_seconds(failures, rng)
            assert 0.5 * ceiling <= delay <= 1.5 * ceiling
    spread = {round(backoff_seconds(4, rng), 3) for _ in range(20)}
    assert len(spread) > 10


def _response(status: int, body: bytes, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body  # requests' own way to hold a body already read
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize(
    ("status", "body", "kind", "code"),
    [
        (500, b"oops", Retryable, "server_error"),
        (503, b"", Retryable, "server_busy"),
        (429, b'{"code": "slow_down"}', Retryable, "rate_limited"),
        (408, b"", Retryable, "timed_out"),
        (401, b'{"code": "unauthorized"}', DeviceRevoked, "revoked"),
        (409, b'{"code": "device_cloned"}', DeviceCloned, "cloned"),
        (403, b'{"code": "forbidden"}', Forbidden, "forbidden"),
        (426, b'{"code": "upgrade_required"}', UpgradeRequired, "upgrade_required"),
        (410, b'{"code": "cursor_too_old"}', CursorTooOld, "cursor_reset"),
        (400, b'{"code": "bad_enrolment_code"}', BadEnrolmentCode, "bad_enrolment_code"),
        (413, b'{"code": "too_large"}', PayloadTooLarge, "too_large"),
        (422, b'{"code": "invalid"}', ServerRefused, "refused"),
    ],
)
def test_http_failures_are_classified(
    status: int, body: bytes, kind: type[SyncFailure], code: str
) -> None:
    with pytest.raises(kind) as caught:
        Transport._raise_for(status, body, _response(status, body, {"Retry-After": "7"}))
    if isinstance(caught.value, Retryable) and status == 429:
        assert caught.value.retry_after == 7.0
    # The code is what the screens word; every one the engine can report is listed.
    assert caught.value.code == code
    assert code in ERROR_CODES or kind is BadEnrolmentCode


def test_nothing_listening_is_retryable() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Bound but not listening: the connection is refused at once.
    with pytest.raises(Retryable) as caught:
        Transport(f"http://127.0.0.1:{port}").get("/hello")
    assert caught.value.code == "unreachable"


def test_an_answer_that_is_not_json_is_retryable_as_invalid() -> None:
    """A web server that is not ours (or a captive portal) answers 200 with HTML."""
    import http.server
    import threading

    class Portal(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html>Welcome to the hotel Wi-Fi</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Portal) as portal:
        thread = threading.Thread(target=portal.serve_forever, daemon=True)
        thread.start()
        try:
            with pytest.raises(Retryable) as caught:
                Transport(f"http://127.0.0.1:{portal.server_address[1]}").get("/hello")
        finally:
            portal.shutdown()
            thread.join()
    assert caught.value.code == "invalid_answer"
    # Raised elsewhere (a pull page that does not fit) it means the same.
    assert Retryable("pull: the page does not fit together").code == "invalid_answer"
