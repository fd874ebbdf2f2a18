"""The checkout crash harness: a confirmed sale survives kill -9, a retry never duplicates.

This is the proof of SYNC.md's two promises. Child processes commit sales in
a loop on real, migrated SQLite files; the harness kills them with SIGKILL and
starts them again on the same files, a hundred times in the test
(``test_checkout_crash.py``) and as many as asked from the command line.

Every kill lands at a point the child reports (``tests/phase_kill.py``):
before anything is opened, during the retries, before a sale's BEGIN,
between the statements of its transaction, right before its COMMIT, or right
after the COMMIT returned but before the child said so. A seeded RNG picks
the point for each run, so a run is the same for the same seed on a fast or a
slow machine. A restarted worker first retries the last confirmed sale (it
must come back ``repeated``) and the sale that was in flight when it died
(``repeated`` exactly when the kill came after its COMMIT). At the end every
database is checked with plain SQL: every confirmed sale is there and whole,
invoice numbers and device sequence numbers run without gaps or repeats,
orders and outbox entries match one to one, ``PRAGMA integrity_check`` says
ok.

The long run, from the repository root (JSON on the last line; exit status 1
if anything was wrong)::

    PYTHONPATH=src python -m tests.services.checkout_crash --kills 1000 [--seed N]
        [--databases N] [--workdir DIR]

The child is ``crash_child.py`` beside this file. POSIX only (fork, SIGKILL).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker
from tests.phase_kill import PhaseGate, Run, Zygote, say, serve_forks

from shop_desktop.bench.checkout import (
    CRASH_COUPON_OFF,
    CRASH_COUPON_PREFIX,
    DEMO_END,
    SaleMaker,
)
from shop_desktop.data.db import create_sqlite_engine, open_database
from shop_desktop.data.models import (
    Coupon,
    LocalState,
    OrderKind,
    PaymentMethod,
    Promotion,
    Role,
    StaffUser,
    StoreCreditEntry,
)
from shop_desktop.domain.money import line_gross_minor
from shop_desktop.services.audit import verify_connection
from shop_desktop.services.checkout import (
    DraftLine,
    DraftPayment,
    SaleDraft,
    commit_sale,
)
from shop_desktop.services.coupons import OFFLINE_ALLOWANCE_KEY

__all__ = [
    "KILL_KINDS",
    "child_main",
    "crash_run",
    "draft_from_json",
    "draft_to_json",
    "main",
    "prepare_crash_template",
    "verify_database",
]

CHILD = Path(__file__).with_name("crash_child.py")
#: Where a kill can land, as the harness counts them.
KILL_KINDS = (
    "start",  # before the worker opened the database
    "retry",  # inside the retry of a sale from an earlier run
    "setup",  # reading the shop's goods, before the first sale
    "before-begin",  # a sale's draft is out, its transaction not begun
    "statement",  # between two statements of a sale's transaction
    "before-commit",  # all of a sale written, COMMIT not sent
    "after-commit",  # COMMIT returned, the sale not yet confirmed
)
#: A worker that somehow was never killed stops after this many sales.
WORKER_MAX_SALES = 200


# --- sales as JSON, so a harness can hand the sale in flight to the next process -------


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


# --- the crash child ------------------------------------------------------------------


def child_main(argv: Sequence[str]) -> int:
    """The zygote: for each ``RUN <seed> <retry file or ->`` line, fork a worker on DB."""
    if len(argv) != 1:
        print("usage: crash_child.py DB", file=sys.stderr)
        return 2
    db_path = Path(argv[0])

    def work(words: Sequence[str]) -> None:
        seed, retry = words
        _work(db_path, int(seed), None if retry == "-" else Path(retry))

    return serve_forks(work)


def _work(db_path: Path, seed: int, retry: Path | None) -> None:
    """Commit sales until killed: first the retries, then new sales.

    Says ``RETRIED <kind> <order id> <repeated> <invoice>`` per retry,
    ``READY``, then per sale ``BEGIN <order id> <draft JSON>`` before its
    transaction and ``COMMITTED <order id> <invoice> <repeated>`` after.
    """
    gate = PhaseGate()
    gate.phase("start")
    engine = create_sqlite_engine(db_path)
    gate.watch(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    if retry is not None:
        for number, (kind, data) in enumerate(json.loads(retry.read_text(encoding="utf-8")), 1):
            gate.label = f"retry {number}"
            draft = draft_from_json(data)
            with sessions.begin() as session:
                result = commit_sale(session, draft)
            say("RETRIED", kind, result.order_id, int(result.repeated), result.invoice_no)
    gate.label = "setup"
    with sessions.begin() as session:
        maker = SaleMaker(session, random.Random(seed))
        manager = session.scalars(
            select(StaffUser.id).where(StaffUser.role == Role.MANAGER).order_by(StaffUser.username)
        ).first()
    say("READY")
    for number in range(1, WORKER_MAX_SALES + 1):
        gate.label = f"sale {number}"
        draft = maker.draft()
        if number % 2 == 0:
            # A manager's override: the sale writes an audit entry, chained, in its transaction.
            draft = dataclasses.replace(draft, approved_by=manager)
        text_ = json.dumps(draft_to_json(draft), separators=(",", ":"), ensure_ascii=True)
        say("BEGIN", draft.order_id, text_)
        with sessions.begin() as session:
            result = commit_sale(session, draft)
        gate.phase("committed")
        say("COMMITTED", result.order_id, result.invoice_no, int(result.repeated))


# --- where to kill ----------------------------------------------------------------------


def kill_kind(words: str) -> str:
    """The kind (one of ``KILL_KINDS``) of the phase a worker announced as ``words``."""
    head, _, rest = words.partition(" ")
    if head in ("start", "retry", "setup"):
        return head
    event = rest.split(" ")[1] if " " in rest else ""
    return {
        "begin": "before-begin",
        "sql": "statement",
        "commit": "before-commit",
        "committed": "after-commit",
    }[event]


@dataclass
class KillPlan:
    """Where one run's worker dies, drawn from a seeded RNG.

    ``sale`` is the new sale it dies in (1 = the first after the retries);
    ``statement`` which of that sale's statements it dies before, for the
    ``statement`` kind (a sale with fewer dies before its COMMIT); for the
    ``retry`` kind, which phase of the retries.
    """

    kind: str
    sale: int
    statement: int
    seen: int = 0

    @classmethod
    def draw(cls, rng: random.Random, *, retries: bool) -> KillPlan:
        kinds = ["start", "before-begin", "statement", "before-commit", "after-commit"]
        weights = [8, 15, 40, 17, 20]
        if retries:
            kinds.append("retry")
            weights.append(7)
        kind = rng.choices(kinds, weights)[0]
        sale = rng.choice((1, 1, 2, 2, 3, 3, 4, 6))
        statement = rng.randint(1, 12) if kind == "retry" else rng.randint(1, 16)
        return cls(kind, sale, statement)

    def __call__(self, _number: int, words: str) -> bool:
        kind = kill_kind(words)
        if self.kind == "start":
            return kind == "start"
        if self.kind == "retry":
            if kind == "retry":
                self.seen += 1
                return self.seen == self.statement
            # Fewer retry phases than drawn: die right after them instead.
            return kind not in ("start", "retry")
        if kind in ("start", "retry", "setup"):
            return False
        sale = int(words.split(" ")[1])
        if sale > self.sale:  # cannot happen, but never let a worker run on
            return True
        if sale < self.sale:
            return False
        if self.kind == "statement" and kind == "statement":
            self.seen += 1
            return self.seen == self.statement
        if self.kind == "statement":
            return kind == "before-commit"
        return kind == self.kind


# --- the crash harness ------------------------------------------------------------------


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
    #: Kills by where they landed (``KILL_KINDS``).
    kills_at: Counter[str] = field(default_factory=Counter)
    #: Order id -> invoice number, for every sale a child said was committed.
    confirmed: dict[str, str] = field(default_factory=dict)
    #: Kills that landed after a BEGIN line and before its COMMITTED.
    in_flight_kills: int = 0
    #: ... of which the sale had reached the disk (its retry came back repeated).
    landed_unconfirmed: int = 0
    #: ... of which the sale had not, and the retry committed it.
    redone: int = 0
    retried_confirmed: int = 0
    torn_lines: int = 0
    problems: list[str] = field(default_factory=list)
    #: Drafts of confirmed sales, for re-committing after the run.
    sample_drafts: list[dict[str, Any]] = field(default_factory=list)
    last_confirmed: dict[str, Any] | None = None
    in_flight: dict[str, Any] | None = None
    #: Where the sale in flight was killed: its retry must be repeated exactly
    #: when that was after its COMMIT.
    in_flight_kind: str = ""
    verify: dict[str, Any] = field(default_factory=dict)


def _drive(run: _DatabaseRun, kills: int, seed: int, command: Sequence[str], workdir: Path) -> None:
    """Start, kill and restart workers on one database ``kills`` times."""
    rng = random.Random(seed)
    child = Zygote([*command, str(run.path)], workdir / f"{run.path.stem}.stderr.log")
    try:
        for k in range(kills):
            retry_path = workdir / f"{run.path.stem}.retry.json"
            retries = []
            if run.last_confirmed is not None:
                retries.append(("confirmed", run.last_confirmed))
            if run.in_flight is not None:
                retries.append(("in_flight", run.in_flight))
            retry_path.write_text(json.dumps(retries), encoding="utf-8")
            plan = KillPlan.draw(rng, retries=bool(retries))
            worker_seed = rng.getrandbits(48)
            done = child.run(f"RUN {worker_seed} {retry_path if retries else '-'}", plan)
            if not done.killed or done.killed_at is None:
                run.problems.append(
                    f"{run.path.name}: run {k} ended by itself (status {done.status})"
                )
                kind = ""
            else:
                kind = kill_kind(done.killed_at[1])
                run.kills_at[kind] += 1
            run.kills += 1
            _read_run(run, done, kind)
            sample = run.last_confirmed
            if len(run.sample_drafts) < 20 and sample and sample not in run.sample_drafts:
                run.sample_drafts.append(sample)
    finally:
        child.close()


def _read_run(run: _DatabaseRun, done: Run, kind: str) -> None:
    """Account for what one worker said before it died at a phase of ``kind``."""
    drafts: dict[str, dict[str, Any]] = {}
    begun: str | None = None
    for line in done.lines:
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
        run.in_flight_kind = kind


def _read_retry(run: _DatabaseRun, kind: str, order_id: str, repeated: str, invoice: str) -> None:
    if kind == "confirmed":
        run.retried_confirmed += 1
        if repeated != "1" or run.confirmed.get(order_id) != invoice:
            run.problems.append(
                f"{run.path.name}: retry of confirmed {order_id} gave"
                f" repeated={repeated} invoice={invoice}"
            )
        return
    # The sale in flight when the last worker died: on disk exactly when the
    # kill came after its COMMIT returned.
    if repeated == "1":
        run.landed_unconfirmed += 1
    else:
        run.redone += 1
    if (repeated == "1") != (run.in_flight_kind == "after-commit"):
        run.problems.append(
            f"{run.path.name}: sale {order_id} killed at {run.in_flight_kind or '?'}"
            f" came back repeated={repeated}"
        )
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
    the child (default: ``crash_child.py`` with this interpreter); the
    database path is appended. Returns figures per database and a list of
    ``problems``, empty when every guarantee held. The same seed gives the
    same figures, whatever the machine.
    """
    if kills < 1:
        raise ValueError("kills must be at least 1")
    started = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    n_db = databases or max(2, min(8, kills // 25))
    workers = parallel or min(n_db, 4)
    command = list(child_command or [sys.executable, str(CHILD)])
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
    kills_at: Counter[str] = Counter()
    for run in runs:
        kills_at.update(run.kills_at)
    return {
        "kills": sum(r.kills for r in runs),
        "kills_at": {kind: kills_at[kind] for kind in KILL_KINDS},
        "databases": [
            {
                "path": str(r.path),
                "kills": r.kills,
                "kills_at": {kind: r.kills_at[kind] for kind in KILL_KINDS},
                "confirmed": dict(r.confirmed),
                "in_flight_kills": r.in_flight_kills,
                "landed_unconfirmed": r.landed_unconfirmed,
                "redone": r.redone,
                "in_flight_at_end": int(r.in_flight is not None),
                "retried_confirmed": r.retried_confirmed,
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
        "in_flight_at_end": sum(int(r.in_flight is not None) for r in runs),
        "early_kills": kills_at["start"],
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
        audit = verify_connection(conn)
        if audit.broken is not None:
            problems.append(f"audit chain broken: {audit.broken.describe()}")
        approved = conn.execute("SELECT count(*) FROM orders WHERE approved_by IS NOT NULL")
        audited = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'override_approved'")
        if approved.fetchone()[0] != audited.fetchone()[0]:
            problems.append("an approved sale and its audit entry are not one to one")
    finally:
        conn.close()
    return {
        "problems": problems,
        "audit_entries": audit.entries,
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
    gross = sum(line_gross_minor(x[2], x[3]) for x in its)
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
    parser = argparse.ArgumentParser(
        prog="python -m tests.services.checkout_crash",
        description="Kill sale-committing processes at reported phases; check what survived.",
    )
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--databases", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
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
