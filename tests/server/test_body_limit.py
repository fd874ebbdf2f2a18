"""Bodies too large are refused while they arrive, whatever the framing says (413 too_large).

Against the real server process. Chunked bodies (no ``Content-Length``) and a
``Content-Length`` that lies are sent as such: through ``requests`` with a generator
body, and over a raw socket where the framing itself has to be written by hand.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import requests
from tests import serverproc as sp

from shop_server.body_limit import MAX_PUSH_BYTES, PUSH_BODY_LIMIT, SMALL_BODY_LIMIT

Server = sp.RunningServer
PIECE = 64 * 1024


def _device_and_sale(server: Server) -> tuple[Any, dict[str, Any]]:
    branches = sp.setup_branches(server, 1, (1,))
    products = sp.add_products(server, 1, stock={branches.branch_ids[0]: 10_000})
    device = sp.enrol(server, branches.workstation_ids[0][0])
    sale = sp.order_op(
        1,
        branch_id=device["branch"]["id"],
        workstation_id=device["workstation"]["id"],
        product_ids=products,
    )
    return device, sale


def _push_body(device: Any, ops: list[dict[str, Any]], size: int) -> bytes:
    """A valid push padded to ``size`` bytes by a field the server ignores (newer clients)."""
    body = {"protocol": 1, "device_id": device["device_id"], "sent_at": "", "ops": ops}
    short = len(json.dumps(body | {"padding": ""}).encode())
    assert short < size
    encoded = json.dumps(body | {"padding": "x" * (size - short)}).encode()
    assert len(encoded) == size
    return encoded


def _pieces(data: bytes) -> Iterator[bytes]:
    """A generator body: ``requests`` sends it chunked, with no ``Content-Length``."""
    for start in range(0, len(data), PIECE):
        yield data[start : start + PIECE]


def _post_chunked(server: Server, path: str, data: bytes, token: str = "") -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if token:
        headers |= sp.device_headers(token)
    return requests.post(f"{server.url}{path}", data=_pieces(data), headers=headers, timeout=60)


def _order_ids(server: Server, device: Any) -> set[str]:
    answer = requests.get(
        f"{server.url}/api/v1/branches/{device['branch']['id']}/orders",
        headers=sp.device_headers(device["token"]),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return {o["id"] for o in answer.json()["orders"]}


def _raw_post(server: Server, headers: list[str], chunks: Iterable[bytes]) -> tuple[int, Any]:
    """Write a POST by hand (its framing as given), then read the answer; (status, JSON).

    The body may be left unfinished: the server must answer without waiting for the
    rest. A send that fails because the server already answered and closed is fine.
    """
    head = "\r\n".join(["POST /api/v1/push HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""])
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head.encode())
        try:
            for chunk in chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
            received = sock.recv(65536)
            assert received, f"the server closed without a full answer: {answer!r}"
            answer += received
    status_line, _, rest = answer.partition(b"\r\n")
    body = rest.partition(b"\r\n\r\n")[2]
    return int(status_line.split()[1]), json.loads(body[: _length(answer)])


def _length(answer: bytes) -> int:
    for line in answer.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 1 << 30


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n" % len(data) + data + b"\r\n"


def _assert_too_large(status: int, body: Any) -> None:
    assert status == 413
    assert body["code"] == "too_large"
    assert body["message"].endswith(".")


def test_a_chunked_push_over_the_limit_is_refused_and_nothing_lands(server: Server) -> None:
    device, sale = _device_and_sale(server)
    data = _push_body(device, [sale], PUSH_BODY_LIMIT + 1)

    refused = _post_chunked(server, "/api/v1/push", data, device["token"])

    _assert_too_large(refused.status_code, refused.json())
    assert sale["payload"]["id"] not in _order_ids(server, device)
    # Nothing else was harmed: the same sale in a normal push lands.
    assert sp.push(server, device, [sale]).json()["results"][0]["status"] == "applied"


def test_a_chunked_push_over_the_protocol_limit_but_within_the_headroom_is_applied(
    server: Server,
) -> None:
    device, sale = _device_and_sale(server)
    data = _push_body(device, [sale], (MAX_PUSH_BYTES + PUSH_BODY_LIMIT) // 2)

    answer = _post_chunked(server, "/api/v1/push", data, device["token"])

    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["status"] == "applied"
    assert sale["payload"]["id"] in _order_ids(server, device)


def test_a_lying_content_length_does_not_let_a_large_chunked_body_through(
    server_sqlite: Server,
) -> None:
    # Content-Length says 10 bytes, yet chunked framing wins (RFC 9112) and brings 2.5 MB+.
    device, sale = _device_and_sale(server_sqlite)
    data = _push_body(device, [sale], PUSH_BODY_LIMIT + PIECE)
    headers = [
        f"Authorization: Bearer {device['token']}",
        "Content-Type: application/json",
        "Content-Length: 10",
        "Transfer-Encoding: chunked",
    ]

    status, body = _raw_post(server_sqlite, headers, [*map(_chunk, _pieces(data)), b"0\r\n\r\n"])

    _assert_too_large(status, body)
    assert sale["payload"]["id"] not in _order_ids(server_sqlite, device)


def test_too_large_is_answered_before_the_body_ends(server_sqlite: Server) -> None:
    # No token either: the refusal comes before anything else is looked at.
    past_limit = (PUSH_BODY_LIMIT // PIECE + 1) * [b"x" * PIECE]
    unfinished = ["Content-Type: application/json", "Transfer-Encoding: chunked"]

    chunked = _raw_post(server_sqlite, unfinished, map(_chunk, past_limit))
    declared = _raw_post(
        server_sqlite, ["Content-Type: application/json", "Content-Length: 999999999999"], []
    )

    _assert_too_large(*chunked)
    _assert_too_large(*declared)


def test_small_paths_take_small_bodies_and_the_catalog_takes_bulk_upserts(
    server_sqlite: Server,
) -> None:
    enrol = {"code": "AAAA-BBBB-CCCC", "device_name": "x" * SMALL_BODY_LIMIT, "protocol": 1}
    refused = _post_chunked(server_sqlite, "/api/v1/enrol", json.dumps(enrol).encode())
    rows = [
        {"id": member_id, "code": f"T{member_id[:12]}", "name": "測試會員" * 20, "phone": "",
         "email": "", "level": "regular", "birthday": None, "home_branch_id": None,
         "marketing_opt_in": False, "active": True}
        for member_id in (str(uuid.uuid4()) for _ in range(400))
    ]  # fmt: skip
    bulk = {"entity": "member", "rows": rows}
    assert len(json.dumps(bulk).encode()) > 2 * SMALL_BODY_LIMIT

    upserted = requests.post(
        f"{server_sqlite.url}/api/v1/admin/catalog",
        json=bulk,
        auth=server_sqlite.admin,
        timeout=60,
    )

    _assert_too_large(refused.status_code, refused.json())
    assert upserted.status_code == 200, upserted.text
    assert upserted.json()["upserted"] == len(rows)
