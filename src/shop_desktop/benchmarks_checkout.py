"""Checkout under stress: what committing a sale costs, and what a crash leaves behind.

``bench_commit`` times realistic sales (20 lines, card and cash) committed to
a real database file with ``synchronous=FULL``: each commit waits for the
disk, as it must at the counter.

``crash_run`` is the proof that "a confirmed sale survives a crash" and "a
retry never duplicates" (SYNC.md). Child processes commit sales in a loop on
real, migrated SQLite files, printing ``COMMITTED <order id>`` after each
commit returns; the harness kills them with SIGKILL at random moments --
between sales, inside a transaction, in the middle of WAL recovery -- and
starts them again on the same files. A restarted child first retries the
last confirmed sale (it must come back ``repeated``) and the sale that was
in flight when it died (either answer is right, once). At the end every
database is checked: every confirmed sale is there and whole, invoice
numbers and device sequence numbers run without gaps or repeats, orders and
outbox entries match one to one, ``PRAGMA integrity_check`` says ok.

Restarting a Python process that imports SQLAlchemy and Alembic takes about
a second, too slow for hundreds of kills. So the child command starts a
small *zygote*: it imports everything once, never opens a database, and
forks one worker per run; the harness kills the worker. A forked worker
opens its own connection, so each kill is a real process dying with a real
file half-written -- only the imports are shared. POSIX only (fork, SIGKILL).

Command line (JSON on the last line, like ``shop-admin bench``)::

    python -m shop_desktop.benchmarks_checkout bench [--db PATH] [--sales N]
    python -m shop_desktop.benchmarks_checkout crash [--kills N] [--workdir DIR]
    python -m shop_desktop.benchmarks_checkout child DB   # the crash harness's child
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from shop_desktop.data.db import create_sqlite_engine, open_database
from shop_desktop.data.models import (
    Coupon,
    CouponRedemption,
    DeviceIdentity,
    LocalState,
    OrderKind,
    PaymentMethod,
    Product,
    Promotion,
    Role,
    StaffUser,
    StoreCreditEntry,
    TaxClass,
    Workstation,
)
from shop_desktop.services.checkout import (
    DraftLine,
    DraftPayment,
    SaleDraft,
    commit_sale,
)
from shop_desktop.services.coupons import OFFLINE_ALLOWANCE_KEY

__all__ = [
    "CRASH_COUPON_PREFIX",
    "SaleMaker",
    "bench_commit",
    "child_main",
    "crash_run",
    "draft_from_json",
    "draft_to_json",
    "main",
    "prepare_crash_template",
    "verify_database",
]

#: Coupons the crash harness adds: CRASH00001 ... (single use) and CRASHMULTI.
CRASH_COUPON_PREFIX = "CRASH"
CRASH_COUPON_OFF = 30
#: A worker that was somehow never killed stops by itself after this long.
WORKER_MAX_SECONDS = 120.0
#: How long the harness waits for a child's next line before calling it stuck.
LINE_TIMEOUT = 60.0
DEMO_END = date(2026, 11, 20)


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


# --- realistic sales ------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    id: uuid.UUID
    sku: str
    name_zh: str
    name_en: str
    price: int
    weighed: bool
    rate: int
    inclusive: bool


@dataclass
class _Pick:
    """A line being made up: the item, how much, and what comes off it."""

    item: _Item
    qty_milli: int
    gross: int
    off: int = 0
    promotions: list[dict[str, Any]] = field(default_factory=list)


class SaleMaker:
    """Sales as the counter would hand them over for this database's shop.

    Every draft adds up (gross, discounts, tax inside or on top, payments,
    change) exactly as ``commit_sale`` checks it. Coupons come from the
    crash harness's pool (``CRASH...``) when there is one; store credit from
    members who have some.
    """

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        *,
        coupon_rate: float = 0.15,
        store_credit_rate: float = 0.1,
    ) -> None:
        self.rng = rng
        self.coupon_rate = coupon_rate
        self.store_credit_rate = store_credit_rate
        #: Drafts made so far: every 8th uses a coupon, and store credit
        #: four sales later, so even a short run tries both.
        self.made = 0
        identity = session.scalars(select(DeviceIdentity)).one()
        branch_id = session.get_one(Workstation, identity.workstation_id).branch_id
        self.items = [
            _Item(
                p.id, p.sku, p.name_zh, p.name_en, p.price_minor, p.weighed, t.rate_bp, t.inclusive
            )
            for p, t in session.execute(
                select(Product, TaxClass)
                .join(TaxClass, TaxClass.id == Product.tax_class_id)
                .where(Product.active.is_(True), Product.price_minor >= 10)
                .order_by(Product.sku)
                .limit(500)
            )
        ]
        if not self.items:
            raise ValueError("the database has no products to sell")
        self.staff_id = (
            session.scalars(
                select(StaffUser.id)
                .where(
                    StaffUser.role == Role.CASHIER,
                    (StaffUser.branch_id == branch_id) | StaffUser.branch_id.is_(None),
                )
                .order_by(StaffUser.username)
            ).first()
            or session.scalars(select(StaffUser.id).order_by(StaffUser.username)).one()
        )
        self.credit: dict[uuid.UUID, int] = {
            member: int(balance)
            for member, balance in session.execute(
                select(StoreCreditEntry.member_id, func.sum(StoreCreditEntry.amount_minor))
                .group_by(StoreCreditEntry.member_id)
                .having(func.sum(StoreCreditEntry.amount_minor) > 0)
                .order_by(StoreCreditEntry.member_id)
            )
        }
        used = select(CouponRedemption.id).where(CouponRedemption.coupon_id == Coupon.id)
        self.coupons = list(
            session.scalars(
                select(Coupon.code)
                .where(
                    Coupon.code.startswith(CRASH_COUPON_PREFIX),
                    Coupon.single_use.is_(True),
                    ~used.exists(),
                )
                .order_by(Coupon.code.desc())
            )
        )
        self.multi_coupon = session.scalar(
            select(Coupon.code).where(Coupon.code == f"{CRASH_COUPON_PREFIX}MULTI")
        )

    def draft(self, *, lines: int | None = None, card_and_cash: bool = False) -> SaleDraft:
        rng = self.rng
        count = lines or rng.choice((1, 1, 2, 2, 3, 4, 5, 6, 8))
        picked = rng.sample(self.items, min(count, len(self.items)))
        picks = []
        for item in picked:
            qty = rng.randint(150, 2500) if item.weighed else 1000 * rng.choice((1, 1, 1, 2, 3, 6))
            pick = _Pick(item, qty, _half_up(qty * item.price, 1000))
            if pick.gross >= 20 and rng.random() < 0.15:
                pick.off = pick.gross // 10
                pick.promotions.append({"code": "DEMO10", "amount_minor": pick.off})
            picks.append(pick)
        coupon = self._coupon(picks)
        draft_lines = []
        for pick in picks:
            item, net = pick.item, pick.gross - pick.off
            if item.inclusive:
                tax = _half_up(net * item.rate, 10_000 + item.rate)
                total = net
            else:
                tax = _half_up(net * item.rate, 10_000)
                total = net + tax
            draft_lines.append(
                DraftLine(
                    product_id=item.id,
                    sku=item.sku,
                    name_zh=item.name_zh,
                    name_en=item.name_en,
                    qty_milli=pick.qty_milli,
                    unit_price_minor=item.price,
                    discount_minor=pick.off,
                    tax_rate_bp=item.rate,
                    tax_minor=tax,
                    line_total_minor=total,
                    promotions=pick.promotions,
                )
            )
        total = sum(x.line_total_minor for x in draft_lines)
        member, payments = self._payments(total, card_and_cash)
        self.made += 1
        return SaleDraft(
            order_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            staff_id=self.staff_id,
            member_id=member,
            kind=OrderKind.TAKE_AWAY,
            lines=tuple(draft_lines),
            subtotal_minor=sum(pick.gross for pick in picks),
            discount_minor=sum(x.discount_minor for x in draft_lines),
            tax_minor=sum(x.tax_minor for x in draft_lines),
            delivery_fee_minor=0,
            rounding_minor=0,
            total_minor=total,
            payments=payments,
            coupon_codes=(coupon,) if coupon else (),
            pricing={"coupons_applied": [coupon] if coupon else [], "source": "sale-maker"},
        )

    def _coupon(self, picks: list[_Pick]) -> str | None:
        wanted = self.rng.random() < self.coupon_rate or (self.coupon_rate and self.made % 8 == 0)
        if not wanted or not (self.coupons or self.multi_coupon):
            return None
        for pick in picks:
            if pick.gross - pick.off >= CRASH_COUPON_OFF:
                code = self.coupons.pop() if self.coupons else self.multi_coupon
                assert code is not None
                pick.off += CRASH_COUPON_OFF
                pick.promotions.append(
                    {"code": "CRASH-30", "coupon_code": code, "amount_minor": CRASH_COUPON_OFF}
                )
                return code
        return None

    def _payments(
        self, total: int, card_and_cash: bool
    ) -> tuple[uuid.UUID | None, tuple[DraftPayment, ...]]:
        rng = self.rng
        if total == 0:
            return None, ()
        if card_and_cash and total >= 2:
            return None, self._card_and_cash(total)
        roll = rng.random()
        credit_turn = self.store_credit_rate and self.made % 8 == 4
        members = sorted(m for m, balance in self.credit.items() if balance > 0)
        if (roll < self.store_credit_rate or credit_turn) and members:
            member = rng.choice(members)
            spend = min(self.credit[member], max(1, total // 2))
            self.credit[member] -= spend
            rest = (self._cash(total - spend),) if total > spend else ()
            return member, (DraftPayment(PaymentMethod.STORE_CREDIT, spend), *rest)
        if roll < 0.5:
            return None, (self._cash(total),)
        if roll < 0.7:
            return None, (self._card(total),)
        if roll < 0.8:
            trade = f"2088{rng.randrange(10**16):016d}"
            return None, (DraftPayment(PaymentMethod.ALIPAY, total, reference=trade),)
        if total < 2:
            return None, (self._cash(total),)
        return None, self._card_and_cash(total)

    def _card_and_cash(self, total: int) -> tuple[DraftPayment, DraftPayment]:
        """Part on a card, the rest in cash; both at least one minor unit."""
        card = max(1, total * self.rng.randint(30, 70) // 100)
        return self._card(card), self._cash(total - card)

    def _cash(self, amount: int) -> DraftPayment:
        step = self.rng.choice((1, 100, 500, 1000))
        return DraftPayment(PaymentMethod.CASH, amount, tendered_minor=-(-amount // step) * step)

    def _card(self, amount: int) -> DraftPayment:
        rng = self.rng
        return DraftPayment(
            PaymentMethod.CARD,
            amount,
            reference=f"{rng.randrange(10**6):06d}",
            card_last4=f"{rng.randrange(10**4):04d}",
        )


def draft_to_json(draft: SaleDraft) -> dict[str, Any]:
    """A draft as JSON, so a harness can hand the sale in flight to the next process."""

    def uid(value: uuid.UUID | None) -> str | None:
        return None if value is None else str(value)

    return {
        "order_id": str(draft.order_id),
        "staff_id": str(draft.staff_id),
        "member_id": uid(draft.member_id),
        "kind": draft.kind.value,
        "lines": [
            {
                "product_id": uid(x.product_id),
                "sku": x.sku,
                "name_zh": x.name_zh,
                "name_en": x.name_en,
                "qty_milli": x.qty_milli,
                "unit_price_minor": x.unit_price_minor,
                "discount_minor": x.discount_minor,
                "tax_rate_bp": x.tax_rate_bp,
                "tax_minor": x.tax_minor,
                "line_total_minor": x.line_total_minor,
                "promotions": x.promotions,
                "note": x.note,
            }
            for x in draft.lines
        ],
        "subtotal_minor": draft.subtotal_minor,
        "discount_minor": draft.discount_minor,
        "tax_minor": draft.tax_minor,
        "delivery_fee_minor": draft.delivery_fee_minor,
        "rounding_minor": draft.rounding_minor,
        "total_minor": draft.total_minor,
        "payments": [
            {
                "method": p.method.value,
                "amount_minor": p.amount_minor,
                "tendered_minor": p.tendered_minor,
                "reference": p.reference,
                "card_last4": p.card_last4,
            }
            for p in draft.payments
        ],
        "coupon_codes": list(draft.coupon_codes),
        "pricing": draft.pricing,
        "buyer_tax_id": draft.buyer_tax_id,
        "note": draft.note,
        "approved_by": uid(draft.approved_by),
    }


def draft_from_json(data: Mapping[str, Any]) -> SaleDraft:
    def uid(value: Any) -> uuid.UUID | None:
        return None if value is None else uuid.UUID(str(value))

    return SaleDraft(
        order_id=uuid.UUID(data["order_id"]),
        staff_id=uuid.UUID(data["staff_id"]),
        member_id=uid(data["member_id"]),
        kind=OrderKind(data["kind"]),
        lines=tuple(
            DraftLine(
                product_id=uid(x["product_id"]),
                sku=x["sku"],
                name_zh=x["name_zh"],
                name_en=x["name_en"],
                qty_milli=x["qty_milli"],
                unit_price_minor=x["unit_price_minor"],
                discount_minor=x["discount_minor"],
                tax_rate_bp=x["tax_rate_bp"],
                tax_minor=x["tax_minor"],
                line_total_minor=x["line_total_minor"],
                promotions=list(x["promotions"]),
                note=x["note"],
            )
            for x in data["lines"]
        ),
        subtotal_minor=data["subtotal_minor"],
        discount_minor=data["discount_minor"],
        tax_minor=data["tax_minor"],
        delivery_fee_minor=data["delivery_fee_minor"],
        rounding_minor=data["rounding_minor"],
        total_minor=data["total_minor"],
        payments=tuple(
            DraftPayment(
                method=PaymentMethod(p["method"]),
                amount_minor=p["amount_minor"],
                tendered_minor=p["tendered_minor"],
                reference=p["reference"],
                card_last4=p["card_last4"],
            )
            for p in data["payments"]
        ),
        coupon_codes=tuple(data["coupon_codes"]),
        pricing=dict(data["pricing"]),
        buyer_tax_id=data["buyer_tax_id"],
        note=data["note"],
        approved_by=uid(data["approved_by"]),
    )


# --- the commit benchmark --------------------------------------------------------


def _summary(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * (len(ordered) - 1))))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
        "n": len(ordered),
    }


def bench_commit(db_path: Path, sales: int, *, seed: int = 0) -> dict[str, Any]:
    """Commit ``sales`` sales of 20 lines and two payments each; time each commit.

    A missing database is first built as a demo shop (2,000 products, no
    history). The time is from opening the session to the end of COMMIT,
    i.e. until the sale is on disk.
    """
    if sales < 1:
        raise ValueError("sales must be at least 1")
    if not db_path.exists():
        from shop_desktop.services.demo import build_demo

        build_demo(db_path, products=2000, members=200, days=0, seed=seed, end_date=DEMO_END)
    database = open_database(db_path)
    try:
        with database.session() as session:
            maker = SaleMaker(session, random.Random(seed), coupon_rate=0.0)
        times: list[float] = []
        for _ in range(sales):
            draft = maker.draft(lines=20, card_and_cash=True)
            started = time.perf_counter()
            with database.session() as session:
                commit_sale(session, draft)
            times.append(time.perf_counter() - started)
        with database.engine.connect() as conn:
            synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    finally:
        database.dispose()
    return {
        "benchmark": "commit_sale",
        "db": str(db_path),
        "sales": sales,
        "lines_per_sale": 20,
        "payments_per_sale": 2,
        "synchronous": {2: "FULL", 3: "EXTRA"}.get(int(synchronous or 0), synchronous),
        "journal_mode": journal,
        **_summary(times),
    }


# --- the crash child ----------------------------------------------------------------


def _say(*words: object) -> None:
    print(*words, flush=True)


def child_main(argv: Sequence[str]) -> int:
    """The zygote: wait for ``RUN <seed> <retry file or ->`` lines, fork a worker for each.

    Prints ``ZYGOTE``, then per run ``FORKED <pid>`` and, once the worker is
    dead, ``REAPED <pid> <wait status>`` -- after a newline, so a line the
    worker was killed in the middle of writing never swallows it.
    """
    if len(argv) != 1:
        print("usage: child DB", file=sys.stderr)
        return 2
    if not hasattr(os, "fork"):
        print("the crash child needs fork (POSIX)", file=sys.stderr)
        return 2
    db_path = Path(argv[0])
    _say("ZYGOTE", os.getpid())
    for command in sys.stdin:
        words = command.split()
        if not words or words[0] == "QUIT":
            break
        if words[0] != "RUN" or len(words) != 3:
            _say("ERROR", "bad command", command.strip())
            continue
        seed = int(words[1])
        retry = None if words[2] == "-" else Path(words[2])
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                _work(db_path, seed, retry)
                status = 0
            except BaseException as exc:
                # If the harness is gone there is nobody left to tell.
                with contextlib.suppress(BaseException):
                    _say("ERROR", repr(exc).replace("\n", " "))
                    traceback.print_exc()
                    sys.stderr.flush()
            finally:
                os._exit(status)
        _say("FORKED", pid)
        _, wait_status = os.waitpid(pid, 0)
        _say(f"\nREAPED {pid} {wait_status}")
    return 0


def _work(db_path: Path, seed: int, retry: Path | None) -> None:
    """Commit sales until killed: first the retries, then new sales forever."""
    engine = create_sqlite_engine(db_path)
    sessions = sessionmaker(engine, expire_on_commit=False)
    if retry is not None:
        for kind, data in json.loads(retry.read_text(encoding="utf-8")):
            draft = draft_from_json(data)
            with sessions.begin() as session:
                result = commit_sale(session, draft)
            _say("RETRIED", kind, result.order_id, int(result.repeated), result.invoice_no)
    with sessions.begin() as session:
        maker = SaleMaker(session, random.Random(seed))
    _say("READY")
    deadline = time.monotonic() + WORKER_MAX_SECONDS
    while time.monotonic() < deadline:
        draft = maker.draft()
        text_ = json.dumps(draft_to_json(draft), separators=(",", ":"), ensure_ascii=True)
        _say("BEGIN", draft.order_id, text_)
        with sessions.begin() as session:
            result = commit_sale(session, draft)
        _say("COMMITTED", result.order_id, result.invoice_no, int(result.repeated))


# --- the crash harness ----------------------------------------------------------------


def prepare_crash_template(path: Path, *, coupons: int, seed: int = 0) -> Path:
    """A small demo shop with no history, a pool of single-use coupons and store credit."""
    from shop_desktop.services.demo import build_demo

    build_demo(path, products=120, members=12, days=0, seed=seed, end_date=DEMO_END)
    database = open_database(path)
    try:
        with database.session() as session:
            rule = {"code": "CRASH-30", "kind": "amount_off", "amount_minor": CRASH_COUPON_OFF}
            promotion = Promotion(code="CRASH-30", kind="amount_off", rule=rule)
            session.add(promotion)
            session.flush()
            session.add_all(
                Coupon(code=f"{CRASH_COUPON_PREFIX}{k:05d}", promotion_id=promotion.id)
                for k in range(1, coupons + 1)
            )
            session.add(
                Coupon(
                    code=f"{CRASH_COUPON_PREFIX}MULTI", promotion_id=promotion.id, single_use=False
                )
            )
            # Every sale here stays unsent (no server): lift the offline allowance
            # for single-use coupons, which would otherwise refuse the 21st.
            session.add(LocalState(key=OFFLINE_ALLOWANCE_KEY, value={"value": 10 * coupons + 100}))
            members = session.execute(
                text("SELECT id FROM members ORDER BY code LIMIT 3")
            ).scalars()
            session.add_all(
                StoreCreditEntry(
                    member_id=uuid.UUID(str(member)), amount_minor=10_000_000, reason="top_up"
                )
                for member in members
            )
        with database.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.dispose()
    return path


@dataclass
class _DatabaseRun:
    """What the harness saw of one database across all its child processes."""

    path: Path
    kills: int = 0
    #: Order id -> invoice number, for every sale a child said was committed.
    confirmed: dict[str, str] = field(default_factory=dict)
    #: Kills that landed after a BEGIN and before its COMMITTED.
    in_flight_kills: int = 0
    #: ... of which the sale had reached the disk (its retry came back repeated).
    landed_unconfirmed: int = 0
    #: ... of which the sale had not, and the retry committed it.
    redone: int = 0
    retried_confirmed: int = 0
    early_kills: int = 0
    torn_lines: int = 0
    problems: list[str] = field(default_factory=list)
    #: Drafts of confirmed sales, for re-committing after the run.
    sample_drafts: list[dict[str, Any]] = field(default_factory=list)
    last_confirmed: dict[str, Any] | None = None
    in_flight: dict[str, Any] | None = None
    verify: dict[str, Any] = field(default_factory=dict)


class _Child:
    """One zygote process and a thread reading its lines."""

    def __init__(self, command: Sequence[str], db_path: Path, log: Path) -> None:
        self.log = log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [*command, str(db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def next_line(self) -> str:
        line = self.lines.get(timeout=LINE_TIMEOUT)
        if line is None:
            raise RuntimeError("the crash child exited")
        return line

    def close(self) -> None:
        try:
            self.send("QUIT")
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            self.reader.join(timeout=30)
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            self.log.close()


def _kill_delay(rng: random.Random) -> float | None:
    """When to kill after the worker is READY; None = as soon as it is forked.

    A mixture, so kills land at start-up (WAL recovery), in the first
    transaction, and deep into a run, inside and between commits.
    """
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.35:
        return rng.uniform(0.0, 0.005)
    if roll < 0.8:
        return rng.uniform(0.005, 0.08)
    return rng.uniform(0.08, 0.3)


def _drive(run: _DatabaseRun, kills: int, seed: int, command: Sequence[str], workdir: Path) -> None:
    """Start, kill and restart workers on one database ``kills`` times."""
    rng = random.Random(seed)
    child = _Child(command, run.path, workdir / f"{run.path.stem}.stderr.log")
    try:
        first = child.next_line()
        if not first.startswith("ZYGOTE"):
            raise RuntimeError(f"unexpected first line from the child: {first!r}")
        for k in range(kills):
            retry_path = workdir / f"{run.path.stem}.retry.json"
            retries = []
            if run.last_confirmed is not None:
                retries.append(("confirmed", run.last_confirmed))
            if run.in_flight is not None:
                retries.append(("in_flight", run.in_flight))
            retry_path.write_text(json.dumps(retries), encoding="utf-8")
            child.send(f"RUN {rng.getrandbits(48)} {retry_path if retries else '-'}")
            status = _one_run(child, run, _kill_delay(rng))
            if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
                run.problems.append(f"{run.path.name}: run {k} ended by itself (status {status})")
            run.kills += 1
            sample = run.last_confirmed
            if len(run.sample_drafts) < 20 and sample and sample not in run.sample_drafts:
                run.sample_drafts.append(sample)
    finally:
        child.close()


def _one_run(child: _Child, run: _DatabaseRun, delay: float | None) -> int:
    """Let one forked worker commit for ``delay`` seconds after READY, kill it, read its lines.

    Returns the worker's wait status. The kill is only sent while the worker
    has not been reaped, so its pid cannot belong to anyone else yet.
    """
    said: list[str] = []
    pid = 0
    status: int | None = None

    def take(line: str) -> None:
        nonlocal pid, status
        if line.startswith("FORKED "):
            pid = int(line.split()[1])
        elif line.startswith("REAPED ") and pid and int(line.split()[1]) == pid:
            status = int(line.split()[2])
        else:
            said.append(line)

    while not pid:
        take(child.next_line())
    if delay is None:
        run.early_kills += 1
    else:
        while "READY" not in said and status is None:
            take(child.next_line())
        if status is None:
            time.sleep(delay)
    if status is None:
        # The worker may have died on its own and been reaped a moment ago
        # (its REAPED line not read yet): then its status tells what happened.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    while status is None:
        take(child.next_line())
    _read_run(run, said)
    return status


def _read_run(run: _DatabaseRun, lines: list[str]) -> None:
    """Account for what one worker said before it died."""
    drafts: dict[str, dict[str, Any]] = {}
    begun: str | None = None
    for line in lines:
        word, _, rest = line.partition(" ")
        try:
            if word == "BEGIN":
                order_id, _, body = rest.partition(" ")
                drafts[order_id] = json.loads(body)
                begun = order_id
            elif word == "COMMITTED":
                order_id, invoice, repeated = rest.split()
                if repeated != "0":
                    run.problems.append(f"{run.path.name}: new sale {order_id} came back repeated")
                run.confirmed[order_id] = invoice
                run.last_confirmed = drafts.pop(order_id)
                begun = None
            elif word == "RETRIED":
                _read_retry(run, *rest.split())
            elif word == "ERROR":
                run.problems.append(f"{run.path.name}: child error {rest}")
            elif word not in ("READY", ""):
                run.torn_lines += 1
        except (ValueError, KeyError, TypeError):
            # A line the kill cut short (the next line was glued to it).
            run.torn_lines += 1
    if begun is not None:
        run.in_flight_kills += 1
        run.in_flight = drafts.pop(begun)


def _read_retry(run: _DatabaseRun, kind: str, order_id: str, repeated: str, invoice: str) -> None:
    if kind == "confirmed":
        run.retried_confirmed += 1
        if repeated != "1" or run.confirmed.get(order_id) != invoice:
            run.problems.append(
                f"{run.path.name}: retry of confirmed {order_id} gave"
                f" repeated={repeated} invoice={invoice}"
            )
        return
    # The sale in flight when the last worker died: on disk already, or not.
    if repeated == "1":
        run.landed_unconfirmed += 1
    else:
        run.redone += 1
    run.confirmed[order_id] = invoice
    run.last_confirmed = run.in_flight
    run.in_flight = None


def crash_run(
    kills: int,
    workdir: Path,
    *,
    databases: int | None = None,
    parallel: int | None = None,
    seed: int = 0,
    child_command: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Kill sale-committing processes ``kills`` times in all; report what survived.

    ``databases`` files (default: one per 25 kills, 2 to 8) share the kills
    and are driven ``parallel`` at a time. ``child_command`` is how to start
    the child (default: this module's ``child``); the database path is
    appended. Returns figures per database and a list of ``problems``, empty
    when every guarantee held.
    """
    if kills < 1:
        raise ValueError("kills must be at least 1")
    started = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    n_db = databases or max(2, min(8, kills // 25))
    workers = parallel or min(n_db, 4)
    command = list(
        child_command or [sys.executable, "-m", "shop_desktop.benchmarks_checkout", "child"]
    )
    template = prepare_crash_template(
        workdir / "template.db", coupons=max(200, kills * 4), seed=seed
    )
    runs = []
    for k in range(n_db):
        path = workdir / f"crash-{k + 1}.db"
        path.write_bytes(template.read_bytes())
        runs.append(_DatabaseRun(path))
    shares = [kills // n_db + (1 if k < kills % n_db else 0) for k in range(n_db)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(_drive, run, share, seed * 1000 + k, command, workdir)
            for k, (run, share) in enumerate(zip(runs, shares, strict=True))
        ]
        for future in futures:
            future.result()
    problems: list[str] = []
    for run in runs:
        run.verify = verify_database(run.path, run.confirmed)
        problems.extend(run.problems)
        problems.extend(f"{run.path.name}: {p}" for p in run.verify["problems"])
    return {
        "kills": sum(r.kills for r in runs),
        "databases": [
            {
                "path": str(r.path),
                "kills": r.kills,
                "confirmed": dict(r.confirmed),
                "in_flight_kills": r.in_flight_kills,
                "landed_unconfirmed": r.landed_unconfirmed,
                "redone": r.redone,
                "retried_confirmed": r.retried_confirmed,
                "early_kills": r.early_kills,
                "torn_lines": r.torn_lines,
                "sample_drafts": list(r.sample_drafts),
                "verify": r.verify,
            }
            for r in runs
        ],
        "confirmed_sales": sum(len(r.confirmed) for r in runs),
        "orders": sum(r.verify.get("orders", 0) for r in runs),
        "in_flight_kills": sum(r.in_flight_kills for r in runs),
        "landed_unconfirmed": sum(r.landed_unconfirmed for r in runs),
        "redone": sum(r.redone for r in runs),
        "early_kills": sum(r.early_kills for r in runs),
        "problems": problems,
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- checking a database after the crashes -------------------------------------------


@dataclass
class _Snapshot:
    """The sales tables of one database, grouped by order (ids as stored: 32 hex digits)."""

    #: id -> (invoice_no, subtotal, discount, tax, fee, rounding, total, device_seq,
    #: pricing JSON, invoice prefix of the workstation)
    orders: dict[str, tuple[Any, ...]]
    lines: dict[str, list[tuple[Any, ...]]]
    payments: dict[str, list[tuple[Any, ...]]]
    moves: dict[str, list[tuple[Any, ...]]]
    redeemed: dict[str, list[tuple[Any, ...]]]
    credits: dict[str, list[tuple[Any, ...]]]
    #: (device_seq, op_type, payload JSON) in device_seq order
    outbox: list[tuple[Any, ...]]
    #: order id -> its "order.completed" entries as (device_seq, payload)
    completed: dict[str, list[tuple[int, dict[str, Any]]]]


def _read_snapshot(conn: sqlite3.Connection) -> _Snapshot:
    def group(query: str) -> dict[str, list[tuple[Any, ...]]]:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for r in conn.execute(query):
            out.setdefault(r[0], []).append(r[1:])
        return out

    outbox = conn.execute("SELECT device_seq, op_type, payload FROM outbox ORDER BY 1").fetchall()
    completed: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for seq, op_type, payload in outbox:
        if op_type == "order.completed":
            body = json.loads(payload)
            completed.setdefault(uuid.UUID(body["id"]).hex, []).append((seq, body))
    return _Snapshot(
        orders={
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT o.id, o.invoice_no, o.subtotal_minor, o.discount_minor, o.tax_minor,"
                " o.delivery_fee_minor, o.rounding_minor, o.total_minor, o.device_seq,"
                " o.pricing, w.invoice_prefix FROM orders o"
                " JOIN workstations w ON w.id = o.workstation_id"
            )
        },
        lines=group(
            "SELECT order_id, line_no, product_id, qty_milli, unit_price_minor, discount_minor,"
            " tax_minor, line_total_minor FROM order_lines ORDER BY order_id, line_no"
        ),
        payments=group(
            "SELECT order_id, method, amount_minor, tendered_minor, change_minor FROM payments"
        ),
        moves=group(
            "SELECT order_id, product_id, qty_delta_milli FROM stock_movements"
            " WHERE reason = 'sale'"
        ),
        redeemed=group(
            "SELECT r.order_id, c.code FROM coupon_redemptions r"
            " JOIN coupons c ON c.id = r.coupon_id"
        ),
        credits=group(
            "SELECT order_id, amount_minor FROM store_credit_entries WHERE order_id IS NOT NULL"
        ),
        outbox=outbox,
        completed=completed,
    )


def verify_database(path: Path, confirmed: Mapping[str, str]) -> dict[str, Any]:
    """Check every guarantee on a database the crash harness made, with plain SQL.

    ``confirmed`` maps the order ids a child printed as committed to their
    invoice numbers. Returns figures and ``problems``: what failed, in words.
    """
    problems: list[str] = []
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign_key_check found dangling references")
        snap = _read_snapshot(conn)
        for order_id, invoice in confirmed.items():
            key = uuid.UUID(order_id).hex
            if key not in snap.orders:
                problems.append(f"confirmed sale {order_id} is missing")
            elif snap.orders[key][0] != invoice:
                problems.append(f"sale {order_id} has invoice {snap.orders[key][0]}, not {invoice}")
        for order_id in snap.orders:
            problems.extend(_order_problems(order_id, snap))
        problems.extend(
            f"outbox has order {o} not in orders" for o in set(snap.completed) - set(snap.orders)
        )
        problems.extend(_numbering_problems(conn, snap))
        problems.extend(_ledger_problems(conn))
    finally:
        conn.close()
    return {
        "problems": problems,
        "orders": len(snap.orders),
        "lines": sum(len(v) for v in snap.lines.values()),
        "outbox": len(snap.outbox),
        "coupons_redeemed": sum(len(v) for v in snap.redeemed.values()),
        "store_credit_sales": len(snap.credits),
    }


def _order_problems(order_id: str, snap: _Snapshot) -> list[str]:
    """One order whole: lines, payments, stock, coupons, store credit and its outbox entry."""
    _, subtotal, discount, tax, fee, rounding, total, _, pricing, _ = snap.orders[order_id]
    its = snap.lines.get(order_id, [])
    paid = snap.payments.get(order_id, [])
    out = []
    if not its or [x[0] for x in its] != list(range(1, len(its) + 1)):
        out.append(f"order {order_id} lines are missing or misnumbered")
    gross = sum(_half_up(x[2] * x[3], 1000) for x in its)
    if (gross, sum(x[4] for x in its), sum(x[5] for x in its)) != (subtotal, discount, tax):
        out.append(f"order {order_id} subtotal/discount/tax do not match its lines")
    if sum(x[6] for x in its) + fee + rounding != total:
        out.append(f"order {order_id} lines do not add up to its total")
    if sum(p[1] for p in paid) != total:
        out.append(f"order {order_id} payments do not add up to its total")
    for method, amount, tendered, change in paid:
        cash = method == PaymentMethod.CASH.value
        if change != (tendered - amount if cash else 0) or (not cash and tendered is not None):
            out.append(f"order {order_id} {method} change {change}")
    sold = sorted((x[1], -x[2]) for x in its if x[1] is not None)
    if sorted(snap.moves.get(order_id, [])) != sold:
        out.append(f"order {order_id} stock movements do not match its lines")
    coupons = {c for (c,) in snap.redeemed.get(order_id, [])}
    if coupons != set(json.loads(pricing).get("coupons_applied", [])):
        out.append(f"order {order_id} redemptions {coupons} do not match its bill")
    credit = sum(p[1] for p in paid if p[0] == PaymentMethod.STORE_CREDIT.value)
    if sum(c for (c,) in snap.credits.get(order_id, [])) != -credit:
        out.append(f"order {order_id} store credit entries do not match its payments")
    return out + _outbox_problems(order_id, snap)


def _outbox_problems(order_id: str, snap: _Snapshot) -> list[str]:
    """Exactly one "order.completed" entry, with the order's device_seq and figures."""
    entries = snap.completed.get(order_id, [])
    if len(entries) != 1:
        return [f"order {order_id} has {len(entries)} outbox entries"]
    [(entry_seq, body)] = entries
    total, seq = snap.orders[order_id][6:8]
    paid = snap.payments.get(order_id, [])
    out = []
    if not entry_seq == seq == body["device_seq"]:
        out.append(f"order {order_id} device_seq {seq}, outbox {entry_seq}")
    if body["total_minor"] != total or len(body["lines"]) != len(snap.lines.get(order_id, [])):
        out.append(f"order {order_id} outbox payload differs from the order")
    if sorted(p["amount_minor"] for p in body["payments"]) != sorted(p[1] for p in paid):
        out.append(f"order {order_id} outbox payments differ")
    return out


def _numbering_problems(conn: sqlite3.Connection, snap: _Snapshot) -> list[str]:
    """Invoice numbers 1..N per series and device_seq 1..M, no gaps, no repeats."""
    out = []
    series: dict[str, list[int]] = {}
    for order in snap.orders.values():
        invoice, prefix = order[0] or "", order[-1]
        head, _, number = invoice.rpartition("-")
        if head != prefix or not number.isdigit():
            out.append(f"invoice {invoice!r} is not in series {prefix}")
            continue
        series.setdefault(prefix, []).append(int(number))
    for prefix, numbers in series.items():
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            out.append(f"invoice numbers of {prefix} have gaps or repeats")
    [(next_invoice, next_seq, own)] = conn.execute(
        "SELECT d.next_invoice_no, d.next_device_seq, w.invoice_prefix FROM device_identity d"
        " JOIN workstations w ON w.id = d.workstation_id"
    ).fetchall()
    if len(series.get(own, [])) + 1 != next_invoice:
        out.append(f"next_invoice_no is {next_invoice} after {len(series.get(own, []))} sales")
    seqs = [seq for seq, _, _ in snap.outbox]
    if seqs != list(range(1, len(seqs) + 1)) or next_seq != len(seqs) + 1:
        out.append(f"device_seq has gaps or repeats ({len(seqs)} entries, next {next_seq})")
    return out


def _ledger_problems(conn: sqlite3.Connection) -> list[str]:
    """Stock, coupons and store credit add up over the whole file."""
    out = []
    stock = dict(
        conn.execute("SELECT product_id, sum(qty_delta_milli) FROM stock_movements GROUP BY 1")
    )
    sold = dict(conn.execute("SELECT product_id, -sum(qty_milli) FROM order_lines GROUP BY 1"))
    if stock != sold:
        out.append("stock movements do not add up to the quantities sold")
    if conn.execute(
        "SELECT c.id FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id"
        " WHERE c.single_use GROUP BY c.id HAVING count(*) > 1"
    ).fetchall():
        out.append("a single-use coupon was redeemed twice")
    if conn.execute(
        "SELECT member_id FROM store_credit_entries GROUP BY 1 HAVING sum(amount_minor) < 0"
    ).fetchall():
        out.append("a member's store credit went below zero")
    return out


# --- command line -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop_desktop.benchmarks_checkout")
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("bench", help="time commit_sale on a real file")
    bench.add_argument("--db", type=Path, default=Path("bench-data") / "checkout.db")
    bench.add_argument("--sales", type=int, default=200)
    crash = commands.add_parser("crash", help="kill committing processes; check what survived")
    crash.add_argument("--kills", type=int, default=100)
    crash.add_argument("--workdir", type=Path, default=None)
    crash.add_argument("--databases", type=int, default=None)
    crash.add_argument("--seed", type=int, default=0)
    child = commands.add_parser("child", help="the crash harness's child (reads commands on stdin)")
    child.add_argument("db")
    args = parser.parse_args(argv)
    if args.command == "child":
        return child_main([args.db])
    if args.command == "bench":
        args.db.parent.mkdir(parents=True, exist_ok=True)
        print(json.dumps(bench_commit(args.db, args.sales)))
        return 0
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="crash-run-"))
    result = crash_run(args.kills, workdir, databases=args.databases, seed=args.seed)
    for db in result["databases"]:
        del db["confirmed"], db["sample_drafts"]
    for problem in result["problems"]:
        print("PROBLEM", problem)
    print(json.dumps(result))
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
