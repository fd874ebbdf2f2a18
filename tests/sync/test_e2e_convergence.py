"""End to end: two branches, three workstations, days offline, then everything adds up.

The real server runs as a process on loopback (SQLite and PostgreSQL), each
workstation is a real SQLite file enrolled with a one-time code and
bootstrapped, and every sale goes through the counter's own services (cart,
pricing engine, ``checkout.commit_sale``, ``orders.take_order`` /
``ship_orders`` / ``void_invoice``). The server is stopped while all three
sell; when it is back they sync until nothing moves, and then every
database must tell the same story: each order on the server exactly once,
the server's stock = opening stock + every movement made, each till showing
the server's stock, the same points everywhere, and a single-use coupon used
on two tills kept twice and flagged once.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest
from tests import serverproc
from tests.sync.tills import (
    EnrolWorkstation,
    ShopLayout,
    SyncServer,
    Workstation,
    device_get,
    member_points,
    server_orders,
    sql,
)

from shop_desktop.data import catalog
from shop_desktop.data.models import OrderKind, OrderStatus, PaymentMethod
from shop_desktop.domain.cart import Cart
from shop_desktop.services.checkout import DraftPayment, commit_sale
from shop_desktop.services.coupons import (
    CouponNotUsable,
    CouponProblem,
    find_coupon,
    shop_wall_time,
)
from shop_desktop.services.orders import (
    DeliveryDetails,
    advance,
    ship_orders,
    take_order,
    void_invoice,
)
from shop_desktop.services.sale import (
    cart_product,
    coupon_for_cart,
    find_members,
    load_pricing_rules,
    price,
    sale_draft,
)

SINGLE_USE = "ONCE00001"
MULTI_USE = "WELCOME100"


@pytest.fixture(scope="module")
def shop_layout() -> ShopLayout:
    """Two neighbouring branches (two tills and one), a small seeded catalog."""
    return ShopLayout(tills_per_branch=(2, 1), products=30)


# --- reading ------------------------------------------------------------------------------


def server_stock(ws: Workstation, server: SyncServer, branch: uuid.UUID) -> dict[str, int]:
    levels = device_get(ws, server, f"/api/v1/branches/{branch}/stock")["levels"]
    return {uuid.UUID(str(r["product_id"])).hex: int(r["on_hand_milli"]) for r in levels}


def staff(ws: Workstation, role: str) -> uuid.UUID:
    [(found,)] = sql(
        ws,
        "SELECT id FROM staff_users WHERE role = ? AND active = 1"
        " AND (branch_id = ? OR branch_id IS NULL) ORDER BY username LIMIT 1",
        role,
        ws.enrolment.branch_id.hex,
    )
    return uuid.UUID(found)


def products(ws: Workstation, count: int) -> list[uuid.UUID]:
    rows = sql(
        ws,
        "SELECT id FROM products WHERE weighed = 0 AND active = 1 AND price_minor >= 150"
        " ORDER BY sku LIMIT ?",
        count,
    )
    return [uuid.UUID(r[0]) for r in rows]


def member_codes(ws: Workstation, count: int) -> list[str]:
    return [r[0] for r in sql(ws, "SELECT code FROM members ORDER BY code LIMIT ?", count)]


# --- selling, as the counter does ------------------------------------------------------------


def ring_up(
    ws: Workstation,
    items: list[tuple[uuid.UUID, int]],
    *,
    member: str | None = None,
    coupons: tuple[str, ...] = (),
    kind: OrderKind = OrderKind.TAKE_AWAY,
) -> uuid.UUID:
    """Build a cart, price it with the shop's rules, pay cash and commit; the order id."""
    now = datetime.now(UTC)
    cashier = staff(ws, "cashier")
    with ws.db.session() as session:
        rules = load_pricing_rules(session)
        cart = Cart()
        for product_id, qty in items:
            cart.add(cart_product(session, product_id), qty * 1000)
        if member is not None:
            [found] = find_members(session, member)
            cart.attach_member(found)
        for code in coupons:
            member_id = None if cart.member is None else cart.member.member_id
            cart.add_coupon(coupon_for_cart(session, code, at=now, member_id=member_id))
        bill = price(cart, rules, currency_code="TWD", at=shop_wall_time(now))
        cash = DraftPayment(PaymentMethod.CASH, bill.total_minor, tendered_minor=bill.total_minor)
        draft = sale_draft(cart, bill, [cash], staff_id=cashier, kind=kind)
        if kind is OrderKind.TAKE_AWAY:
            commit_sale(session, draft, now=now)
        else:
            take_order(
                session, draft, DeliveryDetails("林小姐", "0912-345-678", "台北市復興南路1號")
            )
    return cart.cart_id


def sync_until_quiet(stations: list[Workstation], rounds: int = 6) -> None:
    """Every till syncs, round after round, until a whole round moves nothing."""
    for _ in range(rounds):
        reports = [ws.engine.run_once() for ws in stations]
        for report in reports:
            assert report.status.state == "idle", report.status.last_error
            assert report.status.rejected_ops == 0
        if all(r.pushed == r.duplicates == r.pulled == r.status.pending_ops == 0 for r in reports):
            return
    raise AssertionError("the workstations were still syncing after six rounds")


# --- the test -------------------------------------------------------------------------------------


def test_three_tills_offline_then_every_database_converges(  # noqa: PLR0912 - one story
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ids = sync_server.branches.workstation_ids
    a1 = enrolled_workstation(sync_server, ids[0][0])
    a2 = enrolled_workstation(sync_server, ids[0][1])
    b1 = enrolled_workstation(sync_server, ids[1][0])
    stations = [a1, a2, b1]
    sync_until_quiet(stations)
    branch_a, branch_b = a1.enrolment.branch_id, b1.enrolment.branch_id
    opening = {b: server_stock(a1, sync_server, b) for b in (branch_a, branch_b)}
    goods = products(a1, 4)
    members = member_codes(a1, 3)

    # The server goes away; all three keep selling for "days".
    sync_server.server.stop()
    try:
        a1_sales = [
            ring_up(a1, [(goods[0], 2), (goods[1], 1)], member=members[0]),
            ring_up(a1, [(goods[2], 1)], coupons=(SINGLE_USE,)),
            ring_up(a1, [(goods[1], 3)], member=members[1], coupons=(MULTI_USE,)),
        ]
        voided = ring_up(a1, [(goods[3], 2)], member=members[0])
        with a1.db.session() as session:
            void_invoice(session, voided, "刷錯了 rung up wrongly", staff_id=staff(a1, "cashier"),
                         approved_by=staff(a1, "manager"))  # fmt: skip
        a2_sales = [
            ring_up(a2, [(goods[2], 1)], coupons=(SINGLE_USE,)),  # the same coupon, again
            ring_up(a2, [(goods[0], 1)], member=members[0]),
        ]
        delivered = ring_up(a2, [(goods[1], 2)], member=members[2], kind=OrderKind.DELIVERY)
        with a2.db.session() as session:
            cashier = staff(a2, "cashier")
            advance(session, delivered, OrderStatus.PICKING, staff_id=cashier)
            ship_orders(session, [(delivered, "黑貓宅急便", "TRK-0001")], cashier)
        b1_sales = [
            ring_up(b1, [(goods[0], 4)], member=members[0], coupons=(MULTI_USE,)),
            ring_up(b1, [(goods[3], 1), (goods[2], 2)], member=members[1]),
        ]
        for ws in stations:
            offline = ws.engine.run_once()
            assert offline.status.state == "offline"
            assert offline.status.pending_ops > 0
            assert offline.status.last_error
    finally:
        sync_server.server.restart()

    sync_until_quiet(stations)

    # Orders: every one on the server exactly once, in its own branch, as the till left it.
    for branch_tills, branch_ws in (([a1, a2], a1), ([b1], b1)):
        held = server_orders(branch_ws, sync_server)
        counts = Counter(str(o["id"]) for o in held)
        assert all(n == 1 for n in counts.values()), counts
        local = {
            uuid.UUID(row[0]): row[1]
            for ws in branch_tills
            for row in sql(ws, "SELECT id, status FROM orders")
        }
        assert {uuid.UUID(k) for k in counts} == set(local)
        for order in held:
            assert order["status"] == local[uuid.UUID(str(order["id"]))]
    invoices = [
        o["invoice_no"]
        for ws in (a1, b1)
        for o in server_orders(ws, sync_server)
        if o["invoice_no"]
    ]
    assert len(invoices) == len(set(invoices))
    statuses = {uuid.UUID(str(o["id"])): o["status"] for o in server_orders(a1, sync_server)}
    assert statuses[voided] == "cancelled"
    assert statuses[delivered] == "shipped"
    assert all(statuses[s] == "completed" for s in a1_sales + a2_sales)
    assert len(b1_sales) == len(server_orders(b1, sync_server))

    # Stock: the server's on-hand is the opening stock plus every movement the tills made...
    moved: Counter[tuple[str, str]] = Counter()
    for ws in stations:
        for branch, product, delta in sql(
            ws, "SELECT branch_id, product_id, sum(qty_delta_milli) FROM stock_movements"
            " GROUP BY branch_id, product_id"
        ):  # fmt: skip
            moved[(branch, product)] += delta
    assert moved[(branch_a.hex, goods[3].hex)] == 0  # voided: the goods came back
    now_on_server = {b: server_stock(a1, sync_server, b) for b in (branch_a, branch_b)}
    for branch in (branch_a, branch_b):
        for product, opening_milli in opening[branch].items():
            expected = opening_milli + moved[(branch.hex, product)]
            assert now_on_server[branch][product] == expected, (branch, product)
    # ...and every till shows the server's figure, for its branch and its neighbour.
    for ws in stations:
        assert sql(ws, "SELECT count(*) FROM stock_movements WHERE synced = 0") == [(0,)]
        with ws.db.session() as session:
            for product_id in goods:
                detail = catalog.product_detail(session, product_id, ws.enrolment.branch_id)
                assert detail is not None
                shown = {s.branch_id: s.on_hand_milli for s in detail.stock}
                for branch in (branch_a, branch_b):
                    assert shown[branch] == now_on_server[branch][product_id.hex]

    # Points: the server's ledger balance is what every till shows, for every member.
    for code in members:
        [(member_hex,)] = sql(a1, "SELECT id FROM members WHERE code = ?", code)
        on_server = member_points(a1, sync_server, member_hex)
        ledger = sum(int(e["delta"]) for e in on_server["entries"])
        assert on_server["points"] == ledger
        earned = sum(
            r[0] for ws in stations
            for r in sql(ws, "SELECT delta FROM points_entries WHERE member_id = ?", member_hex)
        )  # fmt: skip
        assert ledger == earned
        for ws in stations:
            assert sql(ws, "SELECT points FROM members WHERE id = ?", member_hex) == [
                (on_server["points"],)
            ]

    # Coupons: both sales with the single-use coupon are kept; the later one is flagged, once.
    [(single_id,)] = sql(a1, "SELECT id FROM coupons WHERE code = ?", SINGLE_USE)
    with_coupon = [
        o for o in server_orders(a1, sync_server)
        if any(c.get("code") == SINGLE_USE for c in o["payload"].get("coupons") or [])
    ]  # fmt: skip
    assert {uuid.UUID(str(o["id"])) for o in with_coupon} == {a1_sales[1], a2_sales[0]}
    flags = serverproc.admin_get(sync_server.server, "/api/v1/admin/flags")["flags"]
    reused = [
        f for f in flags
        if f["kind"] == "coupon_reused" and uuid.UUID(str(f["entity_id"])).hex == single_id
    ]  # fmt: skip
    assert len(reused) == 1, flags
    # After the pull the coupon is used up at every till, including branch B's, which
    # never saw it used: only the server's count (pulled as ``uses``) can tell it.
    for ws in stations:
        with ws.db.session() as session, pytest.raises(CouponNotUsable) as refused:
            find_coupon(session, SINGLE_USE, at=datetime.now(UTC), member_id=None)
        assert refused.value.reason is CouponProblem.USED, ws.path.name
