"""``shop-admin bench shift``: what an X report and a Z report cost at 100 and at N sales.

A shift's reports read its running totals (``services.shifts``), never its
sales, so they must take the same time at 100 sales as at 10,000. The bench
opens a shift on a demo shop, sells 100 realistic sales (``SaleMaker``, cash
and card), times the X report and the Z report, sells on to ``sales``, and
times both again. The Z report is the whole close (the blind count judged, the
report built, kept and queued for the server) in a transaction rolled back
afterwards, so every round closes the same shift.

The fill is committed a hundred sales per transaction (the figures are about
reading, not about each sale's fsync, which ``bench checkout`` measures).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from shop_desktop.bench.checkout import DEMO_END, SaleMaker
from shop_desktop.bench.stats import median, peak_rss_mb, summary
from shop_desktop.data.db import Database, open_database
from shop_desktop.data.models import Role, StaffUser
from shop_desktop.domain.shift import fewest_pieces
from shop_desktop.services.checkout import commit_sale
from shop_desktop.services.shifts import close_shift, open_shift, x_report

__all__ = ["bench_shift"]

#: Sales committed per transaction while filling the shift.
_FILL_BATCH = 100
#: Sales in the small shift the big one is compared with.
SMALL = 100


def _fill(database: Database, maker: SaleMaker, count: int) -> None:
    left = count
    while left > 0:
        batch = min(_FILL_BATCH, left)
        with database.session() as session:
            for _ in range(batch):
                commit_sale(session, maker.draft(card_and_cash=maker.rng.random() < 0.3))
        left -= batch


def _time_reports(database: Database, rounds: int) -> dict[str, Any]:
    """X and Z report ``rounds`` times each (a few warm-up rounds not counted)."""
    x_times: list[float] = []
    z_times: list[float] = []
    # CPU time too: on a shared machine the wall time is mostly waiting for a core.
    x_cpu: list[float] = []
    z_cpu: list[float] = []
    with database.session() as session:
        closer = session.scalars(
            select(StaffUser.id).where(StaffUser.role == Role.CASHIER).order_by(StaffUser.username)
        ).first()
        expected = x_report(session).expected_cash_minor
    assert closer is not None
    for n in range(rounds + 3):
        started, cpu = time.perf_counter(), time.process_time()
        with database.session() as session:
            report = x_report(session)
        spent, spent_cpu = time.perf_counter() - started, time.process_time() - cpu
        if n >= 3:
            x_times.append(spent)
            x_cpu.append(spent_cpu)
        started, cpu = time.perf_counter(), time.process_time()
        with database.sessions() as session, session.begin():
            close_shift(session, closer, fewest_pieces(expected))
            spent, spent_cpu = time.perf_counter() - started, time.process_time() - cpu
            session.rollback()  # the same shift closes again next round
        if n >= 3:
            z_times.append(spent)
            z_cpu.append(spent_cpu)
    return {
        "sales": report.totals.sales_count,
        "x_report": summary(x_times) | {"cpu_p50_ms": round(median(x_cpu) * 1000, 3)},
        "z_report": summary(z_times) | {"cpu_p50_ms": round(median(z_cpu) * 1000, 3)},
    }


def bench_shift(
    path: Path,
    *,
    sales: int,
    rounds: int = 50,
    seed: int = 0,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Open a shift on a fresh demo shop at ``path``, and time its reports at 100 and ``sales``."""
    if sales < SMALL:
        raise ValueError(f"sales must be at least {SMALL}")
    if path.exists():
        raise FileExistsError(f"{path} exists; the bench builds its own shop there")
    say = progress or (lambda _f, _s: None)
    from shop_desktop.services.demo import build_demo

    say(0.0, "building the demo shop")
    build_demo(path, products=2000, members=200, days=0, seed=seed, end_date=DEMO_END)
    database = open_database(path)
    try:
        with database.session() as session:
            maker = SaleMaker(session, random.Random(seed), coupon_rate=0.0)
            open_shift(session, maker.staff_id, {1000: 5, 100: 10})
        say(0.1, f"selling {SMALL} sales")
        _fill(database, maker, SMALL)
        small = _time_reports(database, rounds)
        say(0.2, f"selling {sales:,} sales")
        _fill(database, maker, sales - SMALL)
        say(0.9, "timing the reports")
        big = _time_reports(database, rounds)
    finally:
        database.dispose()
    say(1.0, "done")
    return {
        "benchmark": "shift_reports",
        "db": str(path),
        "sales": big["sales"],
        "x_report_p95_ms": big["x_report"]["p95_ms"],
        "z_report_p95_ms": big["z_report"]["p95_ms"],
        f"x_report_p95_ms_at_{SMALL}": small["x_report"]["p95_ms"],
        f"z_report_p95_ms_at_{SMALL}": small["z_report"]["p95_ms"],
        "x_report": big["x_report"],
        "z_report": big["z_report"],
        f"at_{SMALL}": small,
        "peak_rss_mb": peak_rss_mb(),
    }
