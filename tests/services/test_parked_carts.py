"""Parked carts on the demo shop's database: kept on disk, shared by the branch's tills."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shop_desktop.data.db import Database, open_database
from shop_desktop.services.parked_carts import (
    ParkedCart,
    ParkedCartGone,
    list_parked_carts,
    park_cart,
    recall_parked_cart,
)

T0 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Tills:
    b01: uuid.UUID
    b02: uuid.UUID
    r1: uuid.UUID
    r2: uuid.UUID
    b02_r1: uuid.UUID
    cashier: uuid.UUID
    supervisor: uuid.UUID
    cashier2: uuid.UUID


def sql(path: Path, query: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


@pytest.fixture
def tills(demo_db: Database) -> Tills:
    def one(query: str) -> uuid.UUID:
        [(value,)] = sql(demo_db.path, query)
        return uuid.UUID(value)

    def station(prefix: str) -> uuid.UUID:
        return one(f"SELECT id FROM workstations WHERE invoice_prefix = '{prefix}'")

    def user(name: str) -> uuid.UUID:
        return one(f"SELECT id FROM staff_users WHERE username = '{name}'")

    return Tills(
        b01=one("SELECT id FROM branches WHERE code = 'B01'"),
        b02=one("SELECT id FROM branches WHERE code = 'B02'"),
        r1=station("B01R1"),
        r2=station("B01R2"),
        b02_r1=station("B02R1"),
        cashier=user("cashier"),
        supervisor=user("supervisor"),
        cashier2=user("cashier2"),
    )


def payload(*skus: str, member: str | None = None) -> dict[str, Any]:
    return {
        "version": 1,
        "items": [
            {"line_id": f"L{n}", "sku": sku, "qty_milli": 1000} for n, sku in enumerate(skus)
        ],
        "member": member,
        "coupon_codes": ["WELCOME100"],
    }


def park(
    db: Database,
    tills: Tills,
    *,
    station: uuid.UUID,
    label: str,
    at: datetime,
    cart_id: uuid.UUID | None = None,
    branch: uuid.UUID | None = None,
    staff: uuid.UUID | None = None,
    items: tuple[str, ...] = ("P0000001",),
    total: int = 100,
) -> uuid.UUID:
    cart_id = cart_id or uuid.uuid4()
    with db.session() as session:
        park_cart(
            session,
            cart_id=cart_id,
            branch_id=branch or tills.b01,
            workstation_id=station,
            staff_id=staff or tills.cashier,
            label=label,
            payload=payload(*items),
            total_minor=total,
            now=at,
        )
    return cart_id


def listed(db: Database, branch: uuid.UUID) -> list[ParkedCart]:
    with db.session() as session:
        return list_parked_carts(session, branch)


def recall(db: Database, cart_id: uuid.UUID, staff: uuid.UUID, station: uuid.UUID) -> ParkedCart:
    with db.session() as session:
        return recall_parked_cart(
            session, cart_id, staff_id=staff, workstation_id=station, now=T0 + timedelta(hours=1)
        )


def outbox(path: Path) -> list[tuple[int, str, dict[str, Any]]]:
    return [
        (seq, op, json.loads(body))
        for seq, op, body in sql(
            path, "SELECT device_seq, op_type, payload FROM outbox ORDER BY device_seq"
        )
    ]


def test_a_parked_cart_survives_closing_the_database(
    demo_db: Database, demo_db_path: Path, tills: Tills
) -> None:
    cart_id = park(
        demo_db,
        tills,
        station=tills.r1,
        label="穿藍外套的先生",
        at=T0,
        items=("P0000001", "P0000002", "P0000003"),
        total=357,
    )
    demo_db.dispose()
    reopened = open_database(demo_db_path)
    try:
        assert listed(reopened, tills.b01) == [
            ParkedCart(
                id=cart_id,
                label="穿藍外套的先生",
                staff_name="陳小明",
                workstation_code="R1",
                parked_at=T0,
                total_minor=357,
                line_count=3,
                payload=payload("P0000001", "P0000002", "P0000003"),
            )
        ]
    finally:
        reopened.dispose()
    [(seq, op, body)] = outbox(demo_db_path)
    assert op == "cart.parked"
    assert body == {
        "id": str(cart_id),
        "branch_id": str(tills.b01),
        "workstation_id": str(tills.r1),
        "staff_id": str(tills.cashier),
        "label": "穿藍外套的先生",
        "payload": payload("P0000001", "P0000002", "P0000003"),
        "total_minor": 357,
        "parked_at": T0.isoformat(),
    }
    [(next_seq,)] = sql(demo_db_path, "SELECT next_device_seq FROM device_identity")
    assert next_seq == seq + 1


def test_the_branchs_tills_see_each_others_carts_newest_first(
    demo_db: Database, tills: Tills
) -> None:
    at_r1 = park(demo_db, tills, station=tills.r1, label="first", at=T0)
    at_r2 = park(
        demo_db, tills, station=tills.r2, label="second", at=T0 + timedelta(minutes=5),
        staff=tills.supervisor,
    )  # fmt: skip
    elsewhere = park(
        demo_db, tills, station=tills.b02_r1, branch=tills.b02, staff=tills.cashier2,
        label="other branch", at=T0 + timedelta(minutes=9),
    )  # fmt: skip
    b01 = listed(demo_db, tills.b01)
    assert [(c.id, c.workstation_code, c.staff_name) for c in b01] == [
        (at_r2, "R2", "黃志偉"),
        (at_r1, "R1", "陳小明"),
    ]
    assert [c.id for c in listed(demo_db, tills.b02)] == [elsewhere]
    assert listed(demo_db, uuid.uuid4()) == []

    # R2 takes the cart parked at R1; it is gone from the list for everyone.
    recalled = recall(demo_db, at_r1, tills.supervisor, tills.r2)
    assert (recalled.id, recalled.label, recalled.workstation_code) == (at_r1, "first", "R1")
    assert [c.id for c in listed(demo_db, tills.b01)] == [at_r2]
    [(when, by, where)] = sql(
        demo_db.path,
        "SELECT recalled_at, recalled_by, recalled_workstation_id FROM parked_carts WHERE id = ?",
        at_r1.hex,
    )
    assert (when, by, where) == ("2026-11-20 04:00:00.000000", tills.supervisor.hex, tills.r2.hex)


def test_recalling_twice_says_it_is_gone_and_writes_nothing(
    demo_db: Database, tills: Tills
) -> None:
    cart_id = park(demo_db, tills, station=tills.r1, label="x", at=T0)
    recall(demo_db, cart_id, tills.cashier, tills.r1)
    before = (outbox(demo_db.path), sql(demo_db.path, "SELECT * FROM parked_carts"))
    with pytest.raises(ParkedCartGone) as gone:
        recall(demo_db, cart_id, tills.supervisor, tills.r2)
    assert (gone.value.reason, gone.value.cart_id) == ("recalled", cart_id)
    assert gone.value.recalled_by == tills.cashier
    assert gone.value.recalled_workstation_id == tills.r1
    assert gone.value.recalled_at == T0 + timedelta(hours=1)
    with pytest.raises(ParkedCartGone) as unknown:
        recall(demo_db, uuid.uuid4(), tills.cashier, tills.r1)
    assert unknown.value.reason == "unknown"
    assert (outbox(demo_db.path), sql(demo_db.path, "SELECT * FROM parked_carts")) == before
    ops = [(op, body["id"]) for _, op, body in before[0]]
    assert ops == [("cart.parked", str(cart_id)), ("cart.recalled", str(cart_id))]


def test_parking_the_same_cart_again_updates_it(demo_db: Database, tills: Tills) -> None:
    cart_id = park(demo_db, tills, station=tills.r1, label="before", at=T0, total=10)
    park(
        demo_db, tills, station=tills.r1, label="after", at=T0 + timedelta(minutes=1),
        cart_id=cart_id, items=("P0000009", "P0000010"), total=20,
    )  # fmt: skip
    [cart] = listed(demo_db, tills.b01)
    assert (cart.id, cart.label, cart.total_minor, cart.line_count) == (cart_id, "after", 20, 2)
    # Recalled, then put aside again: recallable again.
    recall(demo_db, cart_id, tills.cashier, tills.r1)
    assert listed(demo_db, tills.b01) == []
    park(
        demo_db,
        tills,
        station=tills.r2,
        label="again",
        at=T0 + timedelta(minutes=2),
        cart_id=cart_id,
    )
    assert [(c.id, c.workstation_code) for c in listed(demo_db, tills.b01)] == [(cart_id, "R2")]
    assert recall(demo_db, cart_id, tills.cashier, tills.r2).label == "again"
    ops = [op for _, op, _ in outbox(demo_db.path)]
    assert ops == ["cart.parked"] * 2 + ["cart.recalled", "cart.parked", "cart.recalled"]
    seqs = [seq for seq, _, _ in outbox(demo_db.path)]
    assert seqs == list(range(seqs[0], seqs[0] + 5))


def test_two_cashiers_recalling_one_cart_at_once(demo_db: Database, tills: Tills) -> None:
    cart_id = park(demo_db, tills, station=tills.r1, label="race", at=T0)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def cashier(staff: uuid.UUID, station: uuid.UUID) -> None:
        barrier.wait()
        try:
            recall(demo_db, cart_id, staff, station)
            outcomes.append("took it")
        except ParkedCartGone as exc:
            outcomes.append(f"gone: {exc.reason}")

    threads = [
        threading.Thread(target=cashier, args=(tills.cashier, tills.r1)),
        threading.Thread(target=cashier, args=(tills.supervisor, tills.r2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["gone: recalled", "took it"]
    assert [op for _, op, _ in outbox(demo_db.path)] == ["cart.parked", "cart.recalled"]
