"""The server checks who did what in every pushed op against its own staff list.

Every privileged op is pushed by a real till (a device token) to the real server
process, as each role in turn; only what the permission matrix allows is applied,
the rest is refused (``not_permitted``) and flagged for a manager.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest
from tests import serverproc as sp

from shop_shared.permissions import ROLES, Permission, StaffRights, allowed

Server = sp.RunningServer
AT = "2026-12-08T10:00:00+08:00"


def _op(seq: int, op_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "op_id": str(uuid.uuid4()), "device_seq": seq, "op_type": op_type,
        "payload_version": 1, "created_at": AT, "payload": payload,
    }  # fmt: skip


def _void(seq: int, sale: dict[str, Any], staff_id: str, approver: str | None) -> dict[str, Any]:
    """The op a till queues when it voids ``sale``'s invoice (``services.orders``)."""
    order = sale["payload"]
    total = order["total_minor"]
    return _op(seq, "order.cancelled", {
        "order_id": order["id"], "number": order["number"], "status": "cancelled",
        "invoice_no": order["invoice_no"],
        "event": {"id": str(uuid.uuid4()), "from_status": "completed", "to_status": "cancelled",
                  "staff_id": staff_id, "at": AT, "action": "voided", "reason": "test",
                  "details": {}},
        "delivery": None,
        "refunds": [{"id": str(uuid.uuid4()), "payment_id": order["payments"][0]["id"],
                     "method": "cash", "amount_minor": total, "status": "settled"}],
        "stock_movements": [], "points": [],
        "credit_note": {"id": str(uuid.uuid4()), "number": f"CN-{uuid.uuid4().hex[:8]}",
                        "invoice_no": order["invoice_no"], "total_minor": total, "tax_minor": 0,
                        "reason": "test", "staff_id": staff_id, "approved_by": approver},
    })  # fmt: skip


def _statuses(server: Server, device: Any, ops: list[dict[str, Any]]) -> list[tuple[str, str]]:
    response = sp.push(server, device, ops)
    assert response.status_code == 200, response.text
    return [(r["status"], r["code"]) for r in response.json()["results"]]


def _flags(server: Server, kind: str) -> list[dict[str, Any]]:
    flags: list[dict[str, Any]] = sp.admin_get(server, "/api/v1/admin/flags?limit=1000")["flags"]
    return [f for f in flags if f["kind"] == kind]


def test_every_privileged_op_as_every_role_only_the_allowed_ones_apply(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    branch = branches.branch_ids[0]
    device = sp.enrol(server, branches.workstation_ids[0][0])
    products = sp.add_products(server, 1, stock={branch: 1_000})
    people = {role: sp.add_staff(server, role, branch_id=branch) for role in ROLES}
    seq = itertools.count(1)
    ops: list[dict[str, Any]] = []
    expected: list[bool] = []

    def expect(op: dict[str, Any], role: str, *needed: tuple[Permission, int | None]) -> None:
        ops.append(op)
        expected.append(all(allowed(StaffRights(role), p, amount=a) for p, a in needed))

    for role, staff_id in people.items():
        small = sp.order_op(next(seq), branch_id=branch, workstation_id=device["workstation"]["id"],
                            product_ids=products, price_minor=1_000)  # fmt: skip
        big = sp.order_op(next(seq), branch_id=branch, workstation_id=device["workstation"]["id"],
                          product_ids=products, price_minor=50_000)  # fmt: skip
        ops.extend([small, big])
        expected.extend([True, True])  # anyone may sell
        expect(_void(next(seq), small, staff_id, None), role,
               (Permission.VOID, None), (Permission.REFUND, 1_000))  # fmt: skip
        expect(_void(next(seq), big, staff_id, None), role,
               (Permission.VOID, None), (Permission.REFUND, 50_000))  # fmt: skip
        expect(_op(next(seq), "catalog.product_edit", {
            "product_id": products[0], "base_version": 0, "changes": {"name_en": f"by {role}"},
            "staff_id": staff_id}), role, (Permission.EDIT_CATALOG, None))  # fmt: skip
        expect(_op(next(seq), "catalog.product_edit", {
            "product_id": products[0], "base_version": 0, "changes": {"price_minor": 120},
            "staff_id": staff_id}), role,
            (Permission.EDIT_CATALOG, None), (Permission.EDIT_PRICES, None))  # fmt: skip
        expect(_op(next(seq), "member.update", {
            "member_id": str(uuid.uuid4()), "changes": {"name": role}, "staff_id": staff_id,
        }), role, (Permission.EDIT_MEMBERS, None))  # fmt: skip
        expect(_op(next(seq), "staff.edit", {
            "staff_id": str(uuid.uuid4()), "edited_by": staff_id,
            "changes": {"username": f"new-{uuid.uuid4().hex[:8]}", "display_name": "新人",
                        "password_hash": sp.STAFF_HASH, "role": "cashier"}},
        ), role, (Permission.EDIT_STAFF, None))  # fmt: skip

    results = _statuses(server, device, ops)

    # A product edit is also refused as stale once an earlier role's edit applied.
    got = [status == "applied" or code == "stale_edit" for status, code in results]
    assert got == expected
    refused = [code for (status, code), ok in zip(results, expected, strict=True) if not ok]
    assert set(refused) == {"not_permitted"}
    assert len(_flags(server, "not_permitted")) >= len(refused)


def test_approval_counts_only_from_someone_the_server_knows_may_approve(server: Server) -> None:
    branches = sp.setup_branches(server, 2, (1,))
    branch, other_branch = branches.branch_ids
    device = sp.enrol(server, branches.workstation_ids[0][0])
    products = sp.add_products(server, 1, stock={branch: 1_000})
    cashier = sp.add_staff(server, "cashier", branch_id=branch)
    supervisor = sp.add_staff(server, "supervisor", branch_id=branch)
    trusted = sp.add_staff(server, "supervisor", branch_id=branch, max_refund_minor=100_000)
    elsewhere = sp.add_staff(server, "manager", branch_id=other_branch)
    gone = sp.add_staff(server, "manager", branch_id=branch, active=False)
    sales = [
        sp.order_op(i + 1, branch_id=branch, workstation_id=device["workstation"]["id"],
                    product_ids=products, price_minor=price)
        for i, price in enumerate([1_000, 20_000, 20_000, 1_000, 1_000])
    ]  # fmt: skip
    voids = [
        _void(6, sales[0], cashier, supervisor),  # within the supervisor's refund limit
        _void(7, sales[1], cashier, supervisor),  # beyond it
        _void(8, sales[2], cashier, trusted),  # within this supervisor's own limit
        _void(9, sales[3], cashier, elsewhere),  # a manager of another branch
        _void(10, sales[4], cashier, gone),  # a disabled manager
    ]

    results = _statuses(server, device, sales + voids)

    assert results[:5] == [("applied", "")] * 5
    assert results[5:] == [
        ("applied", ""),
        ("rejected", "not_permitted"),
        ("applied", ""),
        ("rejected", "not_permitted"),
        ("rejected", "not_permitted"),
    ]


@pytest.mark.parametrize("who", ["unknown", "cashier"])
def test_a_staff_edit_needs_an_administrator_on_the_server(server: Server, who: str) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    editor = str(uuid.uuid4()) if who == "unknown" else sp.add_staff(server, "cashier")
    promote = _op(1, "staff.edit", {
        "staff_id": editor, "edited_by": editor, "changes": {"role": "admin"},
    })  # fmt: skip
    assert _statuses(server, device, [promote]) == [("rejected", "not_permitted")]
