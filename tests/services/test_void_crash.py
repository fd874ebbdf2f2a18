"""Voiding invoices survives kill -9: credit notes unique and gapless, every void whole.

``void_crash_child.py`` voids paid orders of a real, migrated demo database
one transaction at a time; this test kills it with SIGKILL fifty times, each
time at a stopping point the child reports (a statement, a COMMIT, just after
a commit) drawn from a seeded generator, so the kills land in the same places
on a fast machine and a slow one, then reads the database back with its own SQL: each order is
either voided whole (cancelled, credit note, goods back, refunds, points
reversed, one outbox entry) or not touched at all; the credit-note numbers
run 1..n with no gap or repeat; ``integrity_check`` is ok. Voiding the
confirmed orders again afterwards answers ``repeated`` and writes nothing.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest

from shop_desktop.data.db import open_database
from shop_desktop.data.models import OrderKind, PaymentMethod
from shop_desktop.services.checkout import DraftLine, DraftPayment, SaleDraft, commit_sale
from shop_desktop.services.orders import DeliveryDetails, take_order, void_invoice

#: The crash run is built once for the module, by the first test: it gets the time.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

KILLS = 50
ORDERS = 240
CHILD = Path(__file__).with_name("void_crash_child.py")
ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
#: Where workers are killed: the kind of stopping point, how often it is drawn, and
#: the highest k drawn for it. A void sends a few dozen statements and one COMMIT,
#: so a worker confirms a void or two and then dies inside (or just after) one.
STOPPING_POINTS = {"statement": (6, 120), "commit": (2, 3), "committed": (2, 3)}


def rows(path: Path, query: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def prepare(path: Path) -> None:
    """ORDERS paid orders to void: take-away sales and paid pick-up orders, some with members."""
    products = rows(
        path,
        "SELECT p.id, p.sku, p.name_zh, p.name_en, p.price_minor, t.rate_bp FROM products p"
        " JOIN tax_classes t ON t.id = p.tax_class_id"
        " WHERE NOT p.weighed AND p.price_minor > 30 ORDER BY p.sku LIMIT 12",
    )
    cashier = uuid.UUID(rows(path, "SELECT id FROM staff_users WHERE username = 'cashier'")[0][0])
    members = [uuid.UUID(r[0]) for r in rows(path, "SELECT id FROM members ORDER BY id LIMIT 5")]
    rng = random.Random(11)
    database = open_database(path)
    try:
        for n in range(ORDERS):
            lines = []
            for pid, sku, zh, en, price, rate in rng.sample(products, 2):
                qty = rng.randint(1, 3)
                gross = price * qty
                tax = (2 * gross * rate + 10_000 + rate) // (2 * (10_000 + rate))
                lines.append(
                    DraftLine(
                        uuid.UUID(pid), sku, zh, en, qty * 1000, price, 0, rate, tax, gross, []
                    )
                )
            total = sum(x.line_total_minor for x in lines)
            card = n % 3 == 2
            payment = (
                DraftPayment(PaymentMethod.CARD, total, reference=f"A{n}", card_last4="4242")
                if card
                else DraftPayment(PaymentMethod.CASH, total, total)
            )
            kind = OrderKind.PICK_UP if n % 4 == 1 else OrderKind.TAKE_AWAY
            draft = SaleDraft(
                order_id=uuid.uuid4(),
                staff_id=cashier,
                member_id=members[n % len(members)] if n % 2 else None,
                kind=kind,
                lines=tuple(lines),
                subtotal_minor=total,
                discount_minor=0,
                tax_minor=sum(x.tax_minor for x in lines),
                delivery_fee_minor=0,
                rounding_minor=0,
                total_minor=total,
                payments=(payment,),
                note="void me",
            )
            at = NOW + timedelta(seconds=n)
            with database.session() as session:
                if kind is OrderKind.TAKE_AWAY:
                    commit_sale(session, draft, now=at)
                else:
                    take_order(session, draft, DeliveryDetails("王先生"), now=at)
        with database.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.dispose()


@dataclass
class Crashes:
    path: Path
    kills: int = 0
    #: Kills that fell between BEGIN and VOIDED of one order.
    in_flight: int = 0
    #: What the worker was doing at each kill: statement, commit, committed.
    killed_at: Counter[str] = field(default_factory=Counter)
    #: order id (hex) -> credit note number, for every void the child confirmed.
    confirmed: dict[str, str] = field(default_factory=dict)
    #: Orders a worker began but was killed before confirming.
    unconfirmed: set[str] = field(default_factory=set)
    finished: bool = False
    errors: list[str] = field(default_factory=list)


def _lines(stream: IO[str]) -> Iterator[str]:
    while line := stream.readline():
        yield line.rstrip("\n")


def drive(path: Path, seed: int) -> Crashes:  # noqa: PLR0912 - one branch per line kind
    """Start the child, and run and kill its workers until KILLS or nothing is left."""
    out = Crashes(path)
    rng = random.Random(seed)
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(path)],
        # The child imports the zygote loop from tests/phase_kill.py.
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        lines = _lines(child.stdout)
        assert next(lines).startswith("ZYGOTE")
        while out.kills < KILLS and not out.finished:
            kinds = list(STOPPING_POINTS)
            (kind,) = rng.choices(kinds, [STOPPING_POINTS[k][0] for k in kinds])
            child.stdin.write(f"RUN {kind} {rng.randint(1, STOPPING_POINTS[kind][1])}\n")
            child.stdin.flush()
            first = next(lines)
            assert first.startswith("FORKED"), first
            pid = int(first.split()[1])
            started: str | None = None
            killed = False
            for line in lines:
                words = line.split()
                if not words:
                    continue
                if words[0] == "AT" and len(words) == 3 and not killed:
                    os.kill(pid, signal.SIGKILL)
                    killed = True
                    out.killed_at[words[2]] += 1
                elif words[0] == "BEGIN" and len(words) == 2:
                    started = uuid.UUID(words[1]).hex
                elif words[0] == "VOIDED" and len(words) == 4:
                    out.confirmed[uuid.UUID(words[1]).hex] = words[2]
                    started = None
                elif words[0] == "DONE":
                    out.finished = True
                elif words[0] == "ERROR":
                    out.errors.append(line)
                elif words[0] == "REAPED":
                    break
            if killed:
                out.kills += 1
            if started is not None and started not in out.confirmed:
                out.in_flight += 1
                out.unconfirmed.add(started)
        child.stdin.close()
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        if not child.stdin.closed:
            child.stdin.close()
    return out


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Crashes:
    path = tmp_path_factory.mktemp("void-crash") / "shop.db"
    shutil.copyfile(demo_template, path)
    prepare(path)
    return drive(path, seed=5)


def test_the_kills_hit_voids_in_flight(crashed: Crashes) -> None:
    assert crashed.errors == []
    assert crashed.kills == KILLS
    assert not crashed.finished, "raise ORDERS: the worker ran out of orders to void"
    assert len(crashed.confirmed) >= KILLS // 2
    assert crashed.in_flight >= KILLS // 5
    # Kills landed between statements, at a COMMIT and after one before the child said so.
    assert set(crashed.killed_at) == {"statement", "commit", "committed"}


def test_credit_note_numbers_are_unique_and_gapless(crashed: Crashes) -> None:
    path = crashed.path
    notes = rows(path, "SELECT order_id, number FROM credit_notes")
    prefixes = {number.rsplit("-CN-", 1)[0] for _, number in notes}
    (prefix,) = prefixes
    assert (
        prefix
        == rows(
            path,
            "SELECT w.invoice_prefix FROM device_identity d JOIN workstations w"
            " ON w.id = d.workstation_id",
        )[0][0]
    )
    numbers = sorted(int(number.rsplit("-CN-", 1)[1]) for _, number in notes)
    assert numbers == list(range(1, len(notes) + 1))
    assert rows(path, "SELECT next_credit_note_no FROM device_identity") == [(len(notes) + 1,)]
    stored = dict(notes)
    for order_id, number in crashed.confirmed.items():
        assert stored[order_id] == number
    # Some kills landed after the commit but before the child could say so.
    assert set(stored) >= set(crashed.confirmed)
    assert set(stored) - set(crashed.confirmed) <= crashed.unconfirmed


def test_every_void_is_whole_or_absent(crashed: Crashes) -> None:
    path = crashed.path
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(path, "PRAGMA foreign_key_check") == []
    orders = {
        r[0]: r[1:]
        for r in rows(
            path,
            "SELECT id, status, invoice_no, total_minor, tax_minor FROM orders"
            " WHERE note = 'void me'",
        )
    }
    assert len(orders) == ORDERS
    notes = {
        r[0]: r[1:]
        for r in rows(path, "SELECT order_id, invoice_no, total_minor, tax_minor FROM credit_notes")
    }
    stock = dict(
        rows(
            path,
            "SELECT order_id, sum(CASE WHEN reason = 'return' THEN qty_delta_milli END)"
            " + sum(CASE WHEN reason = 'sale' THEN qty_delta_milli END)"
            " FROM stock_movements GROUP BY order_id",
        )
    )
    returned = Counter(
        r[0] for r in rows(path, "SELECT order_id FROM stock_movements WHERE reason = 'return'")
    )
    paid = dict(rows(path, "SELECT order_id, sum(amount_minor) FROM payments GROUP BY order_id"))
    refunded = dict(rows(path, "SELECT order_id, sum(amount_minor) FROM refunds GROUP BY order_id"))
    voided_events = Counter(
        r[0] for r in rows(path, "SELECT order_id FROM order_events WHERE action = 'voided'")
    )
    cancelled_ops: Counter[str] = Counter()
    op_notes: dict[str, str] = {}
    for (payload,) in rows(path, "SELECT payload FROM outbox WHERE op_type = 'order.cancelled'"):
        body = json.loads(payload)
        order_hex = uuid.UUID(body["order_id"]).hex
        cancelled_ops[order_hex] += 1
        op_notes[order_hex] = body["credit_note"]["number"]
    earned = dict(rows(path, "SELECT order_id, delta FROM points_entries WHERE reason = 'earn'"))
    reversed_ = dict(
        rows(path, "SELECT order_id, delta FROM points_entries WHERE reason = 'reverse'")
    )
    numbers = dict(rows(path, "SELECT order_id, number FROM credit_notes"))
    voided = 0
    for order_id, (status, invoice, total, tax) in orders.items():
        if status == "cancelled":
            voided += 1
            assert notes[order_id] == (invoice, total, tax)
            assert stock[order_id] == 0
            assert refunded[order_id] == paid[order_id] == total
            assert voided_events[order_id] == 1
            assert cancelled_ops[order_id] == 1
            assert op_notes[order_id] == numbers[order_id]
            assert reversed_.get(order_id, 0) == -earned.get(order_id, 0)
        else:
            assert order_id not in notes
            assert returned[order_id] == 0
            assert order_id not in refunded
            assert voided_events[order_id] == 0
            assert cancelled_ops[order_id] == 0
            assert order_id not in reversed_
    assert voided == len(notes) >= len(crashed.confirmed)


def test_the_outbox_runs_without_gaps(crashed: Crashes) -> None:
    seqs = [r[0] for r in rows(crashed.path, "SELECT device_seq FROM outbox ORDER BY device_seq")]
    # The demo's history was synced away before: the outbox starts where it left off.
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert rows(crashed.path, "SELECT next_device_seq FROM device_identity") == [(seqs[-1] + 1,)]


def test_voiding_again_after_the_crashes_changes_nothing(crashed: Crashes) -> None:
    path = crashed.path
    tables = ("orders", "credit_notes", "refunds", "stock_movements", "outbox", "points_entries")

    def counts() -> dict[str, Any]:
        out: dict[str, Any] = {t: rows(path, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
        out["counters"] = rows(path, "SELECT * FROM device_identity")
        return out

    before = counts()
    staff = dict(rows(path, "SELECT username, id FROM staff_users"))
    database = open_database(path)
    try:
        for order_id, number in crashed.confirmed.items():
            with database.session() as session:
                again = void_invoice(
                    session,
                    uuid.UUID(order_id),
                    "retry",
                    staff_id=uuid.UUID(staff["cashier"]),
                    approved_by=uuid.UUID(staff["manager"]),
                )
            assert again.repeated
            assert again.credit_note_no == number
    finally:
        database.dispose()
    assert counts() == before
