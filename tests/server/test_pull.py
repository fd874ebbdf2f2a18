"""Pull, bootstrap and the change log, against the real server process."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from tests import serverproc as sp

Server = sp.RunningServer


def _get(server: Server, device: Any, path: str, **params: Any) -> requests.Response:
    return requests.get(
        server.url + path, params=params, headers=sp.device_headers(device["token"]), timeout=60
    )


def _head(server: Server, device: Any) -> int:
    return int(_get(server, device, "/api/v1/hello").json()["cursor_head"])


def _pull_all(
    server: Server, device: Any, cursor: int, limit: int = 500
) -> tuple[list[dict[str, Any]], int, int]:
    """Every change after ``cursor``; (changes, final cursor, pages)."""
    seen: list[dict[str, Any]] = []
    pages = 0
    while True:
        answer = _get(server, device, "/api/v1/pull", cursor=cursor, limit=limit)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        pages += 1
        seen += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return seen, cursor, pages


def _push_ok(server: Server, device: Any, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answer = sp.push(server, device, ops)
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


def test_pull_pages_through_catalog_changes_in_order(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    start = _head(server, device)
    products = sp.add_products(server, 25)

    changes, cursor, pages = _pull_all(server, device, start, limit=7)

    got = [c["id"] for c in changes if c["entity"] == "product"]
    assert sorted(got) == sorted(products)
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs)
    assert pages >= 4
    assert cursor == _head(server, device)
    row = next(c for c in changes if c["id"] == products[0])
    assert row["op"] == "upsert"
    assert row["data"]["barcodes"][0]["kind"] == "ean13"
    assert row["data"]["version"] == 0


def test_branch_filter_parked_carts_private_stock_shared_with_neighbours(server: Server) -> None:
    branches = sp.setup_branches(server, 2, (2, 1))  # neighbours of each other
    far = sp.setup_branches(server, 1, (1,))  # nobody's neighbour
    a, _ = branches.branch_ids
    till_a = sp.enrol(server, branches.workstation_ids[0][0])
    till_a2 = sp.enrol(server, branches.workstation_ids[0][1])
    till_b = sp.enrol(server, branches.workstation_ids[1][0])
    till_c = sp.enrol(server, far.workstation_ids[0][0])
    starts = {id(d): _head(server, d) for d in (till_a, till_a2, till_b, till_c)}
    products = sp.add_products(server, 1, stock={a: 9_000})
    cart_id = str(uuid.uuid4())
    park = {
        "op_id": str(uuid.uuid4()),
        "device_seq": 1,
        "op_type": "cart.parked",
        "payload_version": 1,
        "created_at": "2026-11-27T10:00:00+08:00",
        "payload": {
            "id": cart_id, "branch_id": a, "workstation_id": branches.workstation_ids[0][0],
            "staff_id": str(uuid.uuid4()), "label": "table 4", "payload": {"lines": []},
            "total_minor": 1200, "parked_at": "2026-11-27T10:00:00+08:00",
        },
    }  # fmt: skip
    assert _push_ok(server, till_a, [park])[0]["status"] == "applied"

    def entities(device: Any) -> set[tuple[str, str]]:
        changes, _, _ = _pull_all(server, device, starts[id(device)])
        return {(c["entity"], c["id"]) for c in changes}

    stock_key = ("stock_level", f"{a}:{products[0]}")
    cart_key = ("parked_cart", cart_id)
    assert {stock_key, cart_key} <= entities(till_a2)
    assert stock_key in entities(till_b)
    assert cart_key not in entities(till_b)
    assert stock_key not in entities(till_c)
    assert cart_key not in entities(till_c)
    # Bootstrap applies the same filter.
    carts = _get(server, till_b, "/api/v1/bootstrap/parked_cart", limit=1000).json()["rows"]
    assert cart_id not in [row[0] for row in carts]
    carts = _get(server, till_a2, "/api/v1/bootstrap/parked_cart", limit=1000).json()["rows"]
    assert cart_id in [row[0] for row in carts]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_cursor_below_the_floor_answers_410_and_bootstrap_recovers(
    fresh_server: Callable[[str], Server], database: str
) -> None:
    server = fresh_server(database)
    branches = sp.setup_branches(server, 1, (1,))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    old = _head(server, device)
    products = sp.add_products(server, 3)
    sp.add_products(server, 2)
    floor = sp.admin_post(server, "/api/v1/admin/change-log/compact", {})["floor"]
    assert floor > old

    answer = _get(server, device, "/api/v1/pull", cursor=old)

    assert answer.status_code == 410
    assert answer.json()["code"] == "cursor_too_old"
    snapshot = _get(server, device, "/api/v1/bootstrap").json()
    assert snapshot["snapshot_cursor"] >= floor
    ids: list[str] = []
    after = ""
    while True:
        page = _get(server, device, "/api/v1/bootstrap/product", after=after, limit=2).json()
        assert page["columns"][0] == "id"
        ids += [row[0] for row in page["rows"]]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert set(products) <= set(ids)
    assert len(ids) == 5
    assert _get(server, device, "/api/v1/pull", cursor=snapshot["snapshot_cursor"]).status_code == (
        200
    )


def test_pull_from_an_old_protocol_answers_upgrade_required_but_push_works(
    server: Server,
) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    old_headers = sp.device_headers(device["token"]) | {"X-Shop-Protocol": "0"}

    pulled = requests.get(f"{server.url}/api/v1/pull", headers=old_headers, timeout=30)
    products = sp.add_products(server, 1)
    op = sp.order_op(
        1,
        branch_id=device["branch"]["id"],
        workstation_id=device["workstation"]["id"],
        product_ids=products,
        payload_version=1,
    )
    pushed = requests.post(
        f"{server.url}/api/v1/push",
        json={"protocol": 0, "device_id": device["device_id"], "ops": [op]},
        headers=old_headers,
        timeout=30,
    )

    assert pulled.status_code == 426
    assert pulled.json()["code"] == "upgrade_required"
    assert pushed.status_code == 200
    assert pushed.json()["results"][0]["status"] == "applied"


def test_product_edit_applies_once_then_a_stale_edit_is_refused(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (2,))
    manager = sp.enrol(server, branches.workstation_ids[0][0])
    other = sp.enrol(server, branches.workstation_ids[0][1])
    start = _head(server, other)
    product = sp.add_products(server, 1)[0]
    editor = sp.add_staff(server, "manager")

    def edit(seq: int, price: int) -> dict[str, Any]:
        return {
            "op_id": str(uuid.uuid4()), "device_seq": seq, "op_type": "catalog.product_edit",
            "payload_version": 1, "created_at": "2026-11-27T10:00:00+08:00",
            "payload": {"product_id": product, "base_version": 0,
                        "changes": {"price_minor": price}, "staff_id": editor},
        }  # fmt: skip

    first = _push_ok(server, manager, [edit(1, 150)])[0]
    stale = _push_ok(server, other, [edit(1, 175)])[0]

    assert (first["status"], first["result"]["version"]) == ("applied", 1)
    assert (stale["status"], stale["code"]) == ("rejected", "stale_edit")
    assert stale["result"]["current"]["price_minor"] == 150
    assert "Reload" in stale["message"]
    changes, _, _ = _pull_all(server, other, start)
    rows = [c["data"] for c in changes if c["id"] == product]
    assert (rows[-1]["price_minor"], rows[-1]["version"]) == (150, 1)


def test_member_update_last_write_per_field_in_arrival_order(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (2,))
    one = sp.enrol(server, branches.workstation_ids[0][0])
    two = sp.enrol(server, branches.workstation_ids[0][1])
    start = _head(server, one)
    member = str(uuid.uuid4())

    def update(seq: int, changes: dict[str, Any], at: str) -> dict[str, Any]:
        return {
            "op_id": str(uuid.uuid4()), "device_seq": seq, "op_type": "member.update",
            "payload_version": 1, "created_at": at,
            "payload": {"member_id": member, "changes": changes, "changed_at": at},
        }  # fmt: skip

    # Device one's clock is a day ahead; arrival order still decides.
    late_clock = "2026-11-28T10:00:00+08:00"
    _push_ok(server, one, [update(1, {"name": "王小明", "phone": "0911"}, late_clock)])
    _push_ok(server, two, [update(1, {"phone": "0922"}, "2026-11-27T09:00:00+08:00")])

    changes, _, _ = _pull_all(server, one, start)
    member_rows = [c["data"] for c in changes if c["entity"] == "member" and c["id"] == member]
    assert (member_rows[-1]["name"], member_rows[-1]["phone"]) == ("王小明", "0922")


def test_a_reader_never_sees_a_later_seq_before_an_earlier_one(server: Server) -> None:
    """Writers commit concurrently; a reader pulling all the while must miss nothing."""
    branches = sp.setup_branches(server, 2, (2, 2))
    products = sp.add_products(server, 4, stock=dict.fromkeys(branches.branch_ids, 10**9))
    writers = [sp.enrol(server, ws) for group in branches.workstation_ids for ws in group]
    reader = sp.enrol(server, branches.workstation_ids[0][0])
    start = _head(server, reader)
    done = threading.Event()
    failures: list[str] = []

    def write(device: Any) -> None:
        for batch in range(8):
            ops = [
                sp.order_op(
                    batch * 5 + i + 1,
                    branch_id=device["branch"]["id"],
                    workstation_id=device["workstation"]["id"],
                    product_ids=products[i % 4 : i % 4 + 1],
                )
                for i in range(5)
            ]
            answer = sp.push(server, device, ops)
            while answer.status_code in (429, 503):
                answer = sp.push(server, device, ops)
            if answer.status_code != 200:
                failures.append(answer.text)

    seen: list[int] = []

    def read() -> None:
        cursor = start
        while True:
            finished = done.is_set()
            answer = _get(server, reader, "/api/v1/pull", cursor=cursor, limit=50)
            if answer.status_code != 200:
                failures.append(answer.text)
                return
            page = answer.json()
            seen.extend(c["seq"] for c in page["changes"])
            cursor = page["cursor"]
            if finished and not page["has_more"]:
                return

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    reading = threading.Thread(target=read)
    reading.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reading.join()

    assert failures == []
    everything, _, _ = _pull_all(server, reader, start)
    assert seen == [c["seq"] for c in everything]
    assert seen == sorted(set(seen))
    assert len(seen) > 0


@pytest.mark.parametrize("entity", ["product", "stock_level", "member", "points_balance", "coupon"])
def test_postgresql_builds_the_same_bootstrap_pages_as_python(
    fresh_server: Callable[[str], Server], entity: str
) -> None:
    """The PostgreSQL fast path (JSON built by the database) answers what the portable one does."""
    import json

    from sqlalchemy import create_engine

    from shop_server import api

    server = fresh_server("postgresql")
    branches = sp.setup_branches(server, 2, (1, 1))
    sp.seed_demo(server, products=120, branches=2)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    who = api.DeviceRow(
        id=device["device_id"],
        branch_id=device["branch"]["id"],
        workstation_id=device["workstation"]["id"],
    )
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            after = ""
            pages = 0
            while True:
                python = json.loads(json.dumps(api._bootstrap_page(conn, who, entity, after, 50)))
                database = json.loads(api._pg_bootstrap_page(conn, who, entity, after, 50))
                assert database == python
                pages += 1
                if python["next_after"] is None:
                    break
                after = python["next_after"]
    finally:
        engine.dispose()
    assert pages >= 1
