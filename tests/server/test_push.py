"""Push against the real server process, on SQLite and PostgreSQL (docs/sync-protocol.md)."""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable
from typing import Any

import requests
from tests import serverproc as sp

Server = sp.RunningServer


def _shop(server: Server, stock: int = 10_000) -> tuple[sp.Branches, list[str]]:
    branches = sp.setup_branches(server, 2, (2, 1))
    products = sp.add_products(server, 3, stock=dict.fromkeys(branches.branch_ids, stock))
    return branches, products


def _order(device: Any, seq: int, products: list[str], **kw: Any) -> dict[str, Any]:
    return sp.order_op(
        seq,
        branch_id=device["branch"]["id"],
        workstation_id=device["workstation"]["id"],
        product_ids=products,
        **kw,
    )


def _results(response: requests.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def _orders(server: Server, device: Any) -> list[dict[str, Any]]:
    branch = device["branch"]["id"]
    answer = requests.get(
        f"{server.url}/api/v1/branches/{branch}/orders",
        params={"limit": 2000},
        headers=sp.device_headers(device["token"]),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    orders: list[dict[str, Any]] = answer.json()["orders"]
    return orders


def _stock(server: Server, device: Any, branch_id: str, product_id: str) -> int:
    answer = requests.get(
        f"{server.url}/api/v1/branches/{branch_id}/stock",
        params={"product_id": product_id},
        headers=sp.device_headers(device["token"]),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    levels = answer.json()["levels"]
    assert len(levels) == 1
    return int(levels[0]["on_hand_milli"])


def test_push_applies_and_a_repeat_answers_the_first_result(server: Server) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    ops = [_order(device, 1, products[:2]), _order(device, 2, products[2:])]

    first = _results(sp.push(server, device, ops))
    again = _results(sp.push(server, device, ops))

    assert [r["status"] for r in first] == ["applied", "applied"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert [r["result"] for r in again] == [r["result"] for r in first]
    held = _orders(server, device)
    assert sorted(o["id"] for o in held) == sorted(op["payload"]["id"] for op in ops)


def test_an_order_sent_again_under_a_new_op_is_a_duplicate(server: Server) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    op = _order(device, 1, products[:1])
    again = copy.deepcopy(op) | {"op_id": str(uuid.uuid4()), "device_seq": 2}

    results = _results(sp.push(server, device, [op, again]))

    assert [r["status"] for r in results] == ["applied", "duplicate"]
    assert len(_orders(server, device)) == 1


def test_device_seq_reused_marks_the_device_cloned(server: Server) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    assert _results(sp.push(server, device, [_order(device, 1, products)]))[0]["status"] == (
        "applied"
    )

    clone = _results(sp.push(server, device, [_order(device, 1, products)]))

    assert clone[0]["status"] == "rejected"
    assert clone[0]["code"] == "device_seq_reused"
    after = sp.push(server, device, [_order(device, 2, products)])
    assert after.status_code == 409
    assert after.json()["code"] == "device_cloned"
    hello = requests.get(
        f"{server.url}/api/v1/hello", headers=sp.device_headers(device["token"]), timeout=30
    )
    assert hello.status_code == 409
    flags = sp.admin_get(server, "/api/v1/admin/flags")["flags"]
    assert any(
        f["kind"] == "device_cloned" and f["device_id"] == device["device_id"] for f in flags
    )


def test_a_bad_op_is_rejected_and_the_ops_after_it_apply(server: Server) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    malformed = _order(device, 2, products)
    del malformed["payload"]["total_minor"]
    malformed["payload"]["lines"][0]["qty_milli"] = "many"
    unknown = _order(device, 3, products) | {"op_type": "order.teleported"}
    too_new = _order(device, 4, products) | {"payload_version": 99}
    ops = [_order(device, 1, products), malformed, unknown, too_new, _order(device, 5, products)]

    results = _results(sp.push(server, device, ops))

    assert [(r["status"], r["code"]) for r in results] == [
        ("applied", ""),
        ("rejected", "invalid"),
        ("rejected", "unknown_op"),
        ("rejected", "unsupported_version"),
        ("applied", ""),
    ]
    assert all(r["message"].endswith(".") for r in results[1:4])
    # The rejection is recorded: a repeat answers it again, and nothing was half-written.
    repeat = _results(sp.push(server, device, [malformed]))[0]
    assert (repeat["status"], repeat["code"]) == ("rejected", "invalid")
    assert len(_orders(server, device)) == 2


def test_a_repeat_of_a_rejected_op_is_rejected_again_never_a_duplicate(server: Server) -> None:
    """A client acks ``duplicate``: a lost rejection answer must not turn into a dropped sale."""
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    other = sp.enrol(server, branches.workstation_ids[0][1])
    foreign = sp.order_op(
        1,
        branch_id=branches.branch_ids[1],
        workstation_id=branches.workstation_ids[1][0],
        product_ids=products,
    )
    sale = _order(device, 2, products)
    edit = {
        "op_id": str(uuid.uuid4()), "device_seq": 3, "op_type": "catalog.product_edit",
        "payload_version": 1, "created_at": "2026-11-27T10:00:00+08:00",
        "payload": {"product_id": products[0], "base_version": 0,
                    "changes": {"price_minor": 175}, "staff_id": sp.add_staff(server, "manager")},
    }  # fmt: skip
    newer = edit | {"op_id": str(uuid.uuid4()), "device_seq": 1}
    assert _results(sp.push(server, other, [newer]))[0]["status"] == "applied"

    # The rejected op also comes twice in one batch (a client that resent before an answer).
    first = _results(sp.push(server, device, [foreign, sale, edit, foreign]))
    again = _results(sp.push(server, device, [foreign, sale, edit]))

    assert [(r["status"], r["code"]) for r in first] == [
        ("rejected", "wrong_branch"),
        ("applied", ""),
        ("rejected", "stale_edit"),
        ("rejected", "wrong_branch"),
    ]
    assert first[3] == first[0]
    assert [(r["status"], r["code"]) for r in again] == [
        ("rejected", "wrong_branch"),
        ("duplicate", ""),
        ("rejected", "stale_edit"),
    ]
    for before, after in [(first[0], again[0]), (first[2], again[2])]:
        assert after == before
    assert again[2]["result"]["current"]["price_minor"] == 175
    assert again[1]["result"] == first[1]["result"]


def test_an_order_of_another_branch_is_rejected(server: Server) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    foreign = sp.order_op(
        1,
        branch_id=branches.branch_ids[1],
        workstation_id=branches.workstation_ids[1][0],
        product_ids=products,
    )

    results = _results(sp.push(server, device, [foreign]))

    assert (results[0]["status"], results[0]["code"]) == ("rejected", "wrong_branch")


def test_a_reused_invoice_number_is_kept_and_flagged_for_a_manager(server: Server) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    invoice = f"ZZ{uuid.uuid4().hex[:8]}"
    first, second = (
        _order(device, 1, products, invoice_no=invoice),
        _order(device, 2, products, invoice_no=invoice),
    )
    stock_before = _stock(server, device, branches.branch_ids[0], products[0])

    results = _results(sp.push(server, device, [first, second]))
    repeat = _results(sp.push(server, device, [second]))

    assert [(r["status"], r["code"]) for r in results] == [("applied", ""), ("applied", "")]
    assert results[0]["result"]["flags"] == []
    clash = {
        "kind": "duplicate_invoice_no",
        "invoice_no": invoice,
        "order_id": second["payload"]["id"],
        "first_order_id": first["payload"]["id"],
    }
    assert results[1]["result"]["flags"] == [clash]
    assert (repeat[0]["status"], repeat[0]["result"]) == ("duplicate", results[1]["result"])
    held = {o["id"]: o for o in _orders(server, device)}
    assert {first["payload"]["id"], second["payload"]["id"]} <= set(held)
    assert held[second["payload"]["id"]]["invoice_no"] == invoice
    # Both were sales: both moved stock.
    assert _stock(server, device, branches.branch_ids[0], products[0]) == stock_before - 2000
    flags = [
        f
        for f in sp.admin_get(server, "/api/v1/admin/flags?limit=1000")["flags"]
        if f["kind"] == "duplicate_invoice_no" and f["data"]["invoice_no"] == invoice
    ]
    assert len(flags) == 1
    assert flags[0]["data"] | {"first_device_id": None} == clash | {"first_device_id": None}
    assert flags[0]["data"]["first_device_id"] == device["device_id"]
    assert first["payload"]["id"] in flags[0]["message"]
    assert second["payload"]["id"] in flags[0]["message"]


def test_an_invoice_given_when_a_held_order_is_paid_may_clash_and_is_flagged(
    server: Server,
) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    sale = _order(device, 1, products[:1])
    held = _order(device, 2, products[:1])
    held["payload"] |= {"kind": "pick_up", "status": "awaiting_payment", "invoice_no": None}
    held["op_type"] = "order.taken"
    paid = {
        "op_id": str(uuid.uuid4()), "device_seq": 3, "op_type": "order.paid",
        "payload_version": 1, "created_at": "2026-11-27T10:05:00+08:00",
        "payload": {
            "order_id": held["payload"]["id"], "status": "awaiting_fulfilment",
            "invoice_no": sale["payload"]["invoice_no"],
        },
    }  # fmt: skip

    results = _results(sp.push(server, device, [sale, held, paid]))

    assert [r["status"] for r in results] == ["applied", "applied", "applied"]
    assert results[2]["result"]["flags"] == [
        {
            "kind": "duplicate_invoice_no",
            "invoice_no": sale["payload"]["invoice_no"],
            "order_id": held["payload"]["id"],
            "first_order_id": sale["payload"]["id"],
        }
    ]
    orders = {o["id"]: o for o in _orders(server, device)}
    assert orders[held["payload"]["id"]]["invoice_no"] == sale["payload"]["invoice_no"]


def _renumbered(ops: list[dict[str, Any]], first_seq: int = 1) -> list[dict[str, Any]]:
    """What a till does with its outbox after enrolling again: same op ids, new sequence."""
    return [op | {"device_seq": first_seq + i} for i, op in enumerate(ops)]


def test_after_a_clone_is_caught_both_copies_re_enrol_and_every_sale_lands_once(
    server: Server,
) -> None:
    branches, products = _shop(server)
    workstation = branches.workstation_ids[0][0]
    device = sp.enrol(server, workstation)
    shared = _order(device, 1, products[:1])
    assert _results(sp.push(server, device, [shared]))[0]["status"] == "applied"
    # The database is copied after seq 1; both copies go on selling from the same counters.
    prefix = f"CL{uuid.uuid4().hex[:6]}-"
    original = [_order(device, 2 + i, products[:1], invoice_no=f"{prefix}{2 + i}")
                for i in range(3)]  # fmt: skip
    clone = [_order(device, 2 + i, products[:1], invoice_no=f"{prefix}{2 + i}")
             for i in range(2)]  # fmt: skip
    # The original pushes two of its three, then the clone is caught on its first push.
    assert [r["status"] for r in _results(sp.push(server, device, original[:2]))] == [
        "applied", "applied",
    ]  # fmt: skip
    caught = _results(sp.push(server, device, clone))
    assert [r["code"] for r in caught] == ["device_seq_reused", "device_seq_reused"]
    # Both copies hold the same device id: both are stopped until they enrol again.
    assert sp.push(server, device, original[2:]).status_code == 409
    assert sp.push(server, device, clone).status_code == 409

    # The original enrols again; its whole outbox (one op it never heard back about) goes.
    renewed = sp.enrol(server, workstation)
    mine = _results(sp.push(server, renewed, _renumbered([original[1], original[2]])))
    assert [r["status"] for r in mine] == ["duplicate", "applied"]
    assert mine[1]["result"]["flags"] == []
    # The clone enrols again: its refused sales carry numbers the original issued.
    copy_ = sp.enrol(server, workstation)
    assert len({device["device_id"], renewed["device_id"], copy_["device_id"]}) == 3
    theirs = _results(sp.push(server, copy_, _renumbered(clone)))
    assert [r["status"] for r in theirs] == ["applied", "applied"]
    assert [f["first_order_id"] for r in theirs for f in r["result"]["flags"]] == [
        op["payload"]["id"] for op in original[:2]
    ]

    held = [o["id"] for o in _orders(server, renewed)]
    every = [op["payload"]["id"] for op in [shared, *original, *clone]]
    assert sorted(held) == sorted(every)
    flags = sp.admin_get(server, "/api/v1/admin/flags?limit=1000")["flags"]
    clashes = {
        f["entity_id"] for f in flags
        if f["kind"] == "duplicate_invoice_no" and f["data"]["invoice_no"].startswith(prefix)
    }  # fmt: skip
    assert clashes == {op["payload"]["id"] for op in clone}


def _points(server: Server, device: Any, member_id: str) -> dict[str, Any]:
    answer = requests.get(
        f"{server.url}/api/v1/branches/{device['branch']['id']}/members/{member_id}/points",
        headers=sp.device_headers(device["token"]),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    points: dict[str, Any] = answer.json()
    return points


def test_a_version_1_order_is_accepted_and_earns_by_the_server_rule(server: Server) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    member = sp.add_member(server)
    old = _order(device, 1, products, member_id=member, price_minor=250, payload_version=1)
    assert "points" not in old["payload"]

    results = _results(
        sp.push(server, device, [old, _order(device, 2, products, member_id=member)])
    )

    assert [r["status"] for r in results] == ["applied", "applied"]
    ledger = _points(server, device, member)
    # v1: 3 lines x 250 -> 7 points by the server's rule; v2 carries its own 3.
    assert sorted(e["delta"] for e in ledger["entries"]) == [3, 7]
    assert ledger["points"] == 10


def test_a_version_1_order_earns_by_whole_units_of_its_currency(server: Server) -> None:
    """US$750.00 is 75,000 cents: the server's rule gives 7 points, as the till does."""
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    member = sp.add_member(server)
    usd = _order(device, 1, products, member_id=member, price_minor=25_000, payload_version=1,
                 currency_code="USD")  # fmt: skip
    odd = _order(device, 2, products, member_id=member, price_minor=25_000, payload_version=1,
                 currency_code="XYZ")  # fmt: skip

    results = _results(sp.push(server, device, [usd, odd]))

    assert [(r["status"], r["code"]) for r in results] == [("applied", ""), ("rejected", "invalid")]
    assert results[0]["result"]["points"] == 7
    ledger = _points(server, device, member)
    assert [e["delta"] for e in ledger["entries"]] == [7]
    assert ledger["points"] == 7


def test_points_are_not_counted_twice_on_retry(server: Server) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    member = sp.add_member(server)
    op = _order(device, 1, products, member_id=member, price_minor=1000)

    for _ in range(3):
        _results(sp.push(server, device, [op]))

    assert _points(server, device, member)["points"] == 30


def test_a_second_use_of_a_single_use_coupon_is_kept_and_flagged(server: Server) -> None:
    branches, products = _shop(server)
    first = sp.enrol(server, branches.workstation_ids[0][0])
    second = sp.enrol(server, branches.workstation_ids[1][0])
    coupon = sp.add_coupon(server)

    a = _results(sp.push(server, first, [_order(first, 1, products, coupon=coupon)]))
    b = _results(sp.push(server, second, [_order(second, 1, products, coupon=coupon)]))

    assert a[0]["status"] == b[0]["status"] == "applied"
    assert a[0]["result"]["coupons"] == [{"coupon_id": coupon[0], "status": "accepted"}]
    assert b[0]["result"]["coupons"] == [{"coupon_id": coupon[0], "status": "flagged"}]
    assert len(_orders(server, second)) == 1  # the sale is kept
    flags = sp.admin_get(server, "/api/v1/admin/flags")["flags"]
    assert [f["kind"] for f in flags if f["entity_id"] == coupon[0]] == ["coupon_reused"]


def test_stock_levels_follow_pushed_movements_and_neighbours_see_them(server: Server) -> None:
    branches, products = _shop(server, stock=5_000)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    neighbour = sp.enrol(server, branches.workstation_ids[1][0])
    branch = branches.branch_ids[0]

    _results(
        sp.push(
            server,
            device,
            [_order(device, 1, products[:1], qty=2), _order(device, 2, products[:2], qty=1)],
        )
    )

    assert _stock(server, device, branch, products[0]) == 5_000 - 3_000
    assert _stock(server, device, branch, products[1]) == 5_000 - 1_000
    assert _stock(server, neighbour, branch, products[0]) == 2_000
    assert _stock(server, device, branches.branch_ids[1], products[0]) == 5_000


def test_negative_stock_after_sync_is_flagged(server: Server) -> None:
    branches, products = _shop(server, stock=1_000)
    device = sp.enrol(server, branches.workstation_ids[0][0])

    _results(sp.push(server, device, [_order(device, 1, products[:1], qty=3)]))

    assert _stock(server, device, branches.branch_ids[0], products[0]) == -2_000
    flags = sp.admin_get(server, "/api/v1/admin/flags")["flags"]
    key = f"{branches.branch_ids[0]}:{products[0]}"
    assert [f["kind"] for f in flags if f["entity_id"] == key] == ["negative_stock"]


def test_concurrent_pushes_from_several_devices_all_land_once(server: Server) -> None:
    branches, products = _shop(server, stock=1_000_000)
    devices = [
        sp.enrol(server, ws) for ws in branches.workstation_ids[0] + branches.workstation_ids[1]
    ]
    devices += [sp.enrol(server, branches.workstation_ids[0][0]) for _ in range(3)]
    batches, per_batch = 4, 10
    errors: list[str] = []

    def till(device: Any) -> None:
        seq = 1
        for _ in range(batches):
            ops = [_order(device, seq + i, products[:2]) for i in range(per_batch)]
            seq += per_batch
            answer = sp.push(server, device, ops)
            while answer.status_code in (429, 503):  # retryable: same ops again
                answer = sp.push(server, device, ops)
            if answer.status_code != 200 or any(
                r["status"] != "applied" for r in answer.json()["results"]
            ):
                errors.append(answer.text)

    threads = [threading.Thread(target=till, args=(d,)) for d in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    per_branch = dict.fromkeys(branches.branch_ids, 0)
    for device in devices:
        per_branch[device["branch"]["id"]] += batches * per_batch
    for device in (devices[0], devices[2]):
        held = _orders(server, device)
        assert len(held) == len({o["id"] for o in held}) == per_branch[device["branch"]["id"]]
    sold = per_branch[branches.branch_ids[0]] * 1000
    assert _stock(server, devices[0], branches.branch_ids[0], products[0]) == 1_000_000 - sold


def test_a_reader_paging_orders_while_tills_push_sees_every_order(server: Server) -> None:
    """Paging with ``after=`` the last seen position never skips an order committed late."""
    branches, products = _shop(server, stock=1_000_000)
    devices = [sp.enrol(server, branches.workstation_ids[0][0]) for _ in range(6)]
    batches = 12
    pushed: list[str] = []
    errors: list[str] = []
    pushing = threading.Event()
    pushing.set()

    def till(device: Any) -> None:
        for seq in range(1, batches + 1):
            ops = [_order(device, seq, products[:1])]
            answer = sp.push(server, device, ops)
            while answer.status_code in (429, 503):
                answer = sp.push(server, device, ops)
            if answer.status_code != 200:
                errors.append(answer.text)
            pushed.append(ops[0]["payload"]["id"])

    seen: list[str] = []
    positions: list[int] = []

    def read_page() -> int:
        answer = requests.get(
            f"{server.url}/api/v1/branches/{branches.branch_ids[0]}/orders",
            params={"after": positions[-1] if positions else 0, "limit": 7},
            headers=sp.device_headers(devices[0]["token"]),
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        rows = answer.json()["orders"]
        seen.extend(r["id"] for r in rows)
        positions.extend(r["received_seq"] for r in rows)
        return len(rows)

    def reader() -> None:
        while pushing.is_set():
            read_page()

    tills = [threading.Thread(target=till, args=(d,)) for d in devices]
    following = threading.Thread(target=reader)
    following.start()
    for thread in tills:
        thread.start()
    for thread in tills:
        thread.join()
    pushing.clear()
    following.join()
    while read_page():
        pass

    assert errors == []
    assert positions == sorted(set(positions))
    assert sorted(seen) == sorted(pushed)
    assert len(pushed) == len(devices) * batches


def test_a_database_conflict_in_a_batch_rejects_only_that_op(server: Server) -> None:
    """The bulk path fails on the clash; the batch is redone op by op in savepoints."""
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    first = _order(device, 1, products)
    clash = _order(device, 2, products)
    clash["payload"]["payments"][0]["id"] = first["payload"]["payments"][0]["id"]
    ops = [first, clash, _order(device, 3, products)]

    results = _results(sp.push(server, device, ops))

    assert [(r["status"], r["code"]) for r in results] == [
        ("applied", ""),
        ("rejected", "conflict"),
        ("applied", ""),
    ]
    held = {o["id"] for o in _orders(server, device)}
    assert held == {first["payload"]["id"], ops[2]["payload"]["id"]}
    # Stock moved for the two applied orders only.
    assert _stock(server, device, branches.branch_ids[0], products[0]) == 10_000 - 2_000


def test_an_order_and_its_later_steps_in_one_batch(server: Server) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    taken = _order(device, 1, products[:1], op_type="order.taken")
    taken["payload"] |= {"kind": "pick_up", "status": "awaiting_payment", "invoice_no": None}
    order_id = taken["payload"]["id"]
    invoice = f"PU{uuid.uuid4().hex[:8]}"
    paid = {
        "op_id": str(uuid.uuid4()), "device_seq": 2, "op_type": "order.paid",
        "payload_version": 1, "created_at": "2026-11-27T11:00:00+08:00",
        "payload": {
            "order_id": order_id, "number": taken["payload"]["number"],
            "status": "awaiting_fulfilment", "invoice_no": invoice,
            "event": {"id": str(uuid.uuid4()), "from_status": "awaiting_payment",
                      "to_status": "awaiting_fulfilment", "staff_id": str(uuid.uuid4()),
                      "at": "2026-11-27T11:00:00+08:00", "action": "paid", "reason": "",
                      "details": {}},
            "delivery": None,
            "payments": [{"id": str(uuid.uuid4()), "method": "cash", "amount_minor": 100,
                          "tendered_minor": 100, "change_minor": 0, "reference": "",
                          "card_last4": ""}],
        },
    }  # fmt: skip

    results = _results(sp.push(server, device, [taken, paid]))

    assert [r["status"] for r in results] == ["applied", "applied"]
    held = next(o for o in _orders(server, device) if o["id"] == order_id)
    assert (held["status"], held["invoice_no"]) == ("awaiting_fulfilment", invoice)


def test_too_many_concurrent_pushes_get_429_with_retry_after(
    fresh_server: Callable[..., Server],
) -> None:
    server = fresh_server("sqlite", {"SHOP_SERVER_MAX_PUSHES": "1"})
    branches, products = _shop(server)
    devices = [sp.enrol(server, branches.workstation_ids[0][0]) for _ in range(6)]
    refused: list[requests.Response] = []
    applied: dict[str, int] = {}
    lock = threading.Lock()

    def till(device: Any, seq: int) -> None:
        ops = [_order(device, seq + i, products[:1]) for i in range(100)]
        answer = sp.push(server, device, ops)
        while answer.status_code == 429:
            with lock:
                refused.append(answer)
            answer = sp.push(server, device, ops)  # the same ops again: safe
        with lock:
            for result in _results(answer):
                applied[result["status"]] = applied.get(result["status"], 0) + 1

    for round_no in range(10):
        threads = [threading.Thread(target=till, args=(d, round_no * 100 + 1)) for d in devices]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if refused:
            break

    assert refused, "six concurrent pushes never met a limit of one"
    assert refused[0].json()["code"] == "busy"
    assert int(refused[0].headers["Retry-After"]) >= 1
    assert set(applied) == {"applied"}
    assert applied["applied"] == len(_orders(server, devices[0]))


def test_a_cancellation_returns_stock_reverses_points_and_keeps_its_credit_note(
    server: Server,
) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    member = sp.add_member(server)
    manager = sp.add_staff(server, "manager")
    sale = _order(device, 1, products[:1], member_id=member, price_minor=500)
    order_id = sale["payload"]["id"]
    cancel: dict[str, Any] = {
        "op_id": str(uuid.uuid4()), "device_seq": 2, "op_type": "order.cancelled",
        "payload_version": 1, "created_at": "2026-11-27T12:00:00+08:00",
        "payload": {
            "order_id": order_id, "number": sale["payload"]["number"], "status": "cancelled",
            "invoice_no": sale["payload"]["invoice_no"],
            "event": {"id": str(uuid.uuid4()), "from_status": "completed",
                      "to_status": "cancelled", "staff_id": manager,
                      "at": "2026-11-27T12:00:00+08:00", "action": "cancelled",
                      "reason": "wrong item", "details": {}},
            "delivery": None,
            "refunds": [{"id": str(uuid.uuid4()),
                         "payment_id": sale["payload"]["payments"][0]["id"],
                         "method": "cash", "amount_minor": 500, "status": "settled"}],
            "stock_movements": [{"id": str(uuid.uuid4()), "product_id": products[0],
                                 "qty_delta_milli": 1000, "reason": "return"}],
            "points": [{"id": str(uuid.uuid4()), "member_id": member, "delta": -5,
                        "reason": "refund"}],
            "credit_note": {"id": str(uuid.uuid4()), "number": f"CN-{uuid.uuid4().hex[:8]}",
                            "invoice_no": sale["payload"]["invoice_no"], "total_minor": 500,
                            "tax_minor": 0, "reason": "wrong item"},
        },
    }  # fmt: skip

    results = _results(sp.push(server, device, [sale, cancel]))

    assert [r["status"] for r in results] == ["applied", "applied"]
    assert _stock(server, device, branches.branch_ids[0], products[0]) == 10_000
    assert _points(server, device, member)["points"] == 0
    held = next(o for o in _orders(server, device) if o["id"] == order_id)
    assert held["status"] == "cancelled"
    broken = copy.deepcopy(cancel) | {"op_id": str(uuid.uuid4()), "device_seq": 3}
    broken["payload"]["credit_note"]["id"] = "not-a-uuid"
    assert _results(sp.push(server, device, [broken]))[0]["code"] == "invalid"


def test_edits_with_wrongly_typed_or_unknown_fields_are_rejected(server: Server) -> None:
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])

    def op(seq: int, op_type: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "op_id": str(uuid.uuid4()), "device_seq": seq, "op_type": op_type,
            "payload_version": 1, "created_at": "2026-11-27T12:00:00+08:00", "payload": payload,
        }  # fmt: skip

    manager = sp.add_staff(server, "manager")
    ops = [
        op(1, "catalog.product_edit",
           {"product_id": products[0], "base_version": 0, "changes": {"price_minor": "lots"},
            "staff_id": manager}),
        op(2, "catalog.product_edit",
           {"product_id": products[0], "base_version": 0, "changes": {"version": 9},
            "staff_id": manager}),
        op(3, "member.update",
           {"member_id": str(uuid.uuid4()), "changes": {"points": 1_000_000}}),
        op(4, "member.update",
           {"member_id": str(uuid.uuid4()), "changes": {"level": "platinum"}}),
    ]  # fmt: skip

    results = _results(sp.push(server, device, ops))

    assert [(r["status"], r["code"]) for r in results] == [("rejected", "invalid")] * 4


def test_after_a_kill_and_restart_nothing_is_lost_or_doubled(
    fresh_server: Callable[..., Server],
) -> None:
    server = fresh_server("postgresql")
    branches, products = _shop(server)
    device = sp.enrol(server, branches.workstation_ids[0][0])
    ops = [_order(device, i + 1, products[:1]) for i in range(50)]
    assert {r["status"] for r in _results(sp.push(server, device, ops))} == {"applied"}

    server.kill()
    server.restart()

    again = _results(sp.push(server, device, ops))
    assert {r["status"] for r in again} == {"duplicate"}
    assert len(_orders(server, device)) == 50
    assert _stock(server, device, branches.branch_ids[0], products[0]) == 10_000 - 50_000
