"""``shop-admin bench catalog``: search, barcode look-up, start-up and memory.

Figures are printed, with JSON on the last line; nothing is asserted, so that
``docs/benchmarks.md`` can quote them. A deterministic demo database of the
requested size is built (or reused) first.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from shop_desktop.bench.stats import median, peak_rss_mb, summary
from shop_desktop.data import catalog, search_index
from shop_desktop.data.db import open_database
from shop_desktop.services.demo import build_demo
from shop_desktop.services.tasks import TaskState

#: Typed as cashiers type: Chinese fragments of one to three characters,
#: pinyin (whole and half-typed), initials, English prefixes, SKUs.
SEARCH_MIX = (
    "茶",
    "奶",
    "牛奶",
    "鮮乳",
    "綠茶",
    "餅乾",
    "洗髮",
    "衛生紙",
    "咖啡",
    "貓飼料",
    "niunai",
    "niuna",
    "lvcha",
    "kafei",
    "nn",
    "xr",
    "mil",
    "milk",
    "tea latte",
    "shampoo",
    "cho",
    "coffee bean",
    "P00",
    "p0012345",
    "原子筆 0.38",
)


def ensure_demo(path: Path, products: int, progress: Callable[[float, str], None]) -> Path:
    """Reuse ``path`` if it holds a demo of this size, else build one; index it."""
    if path.exists():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            have = conn.execute("SELECT count(*) FROM products").fetchone()[0]
        except sqlite3.Error:
            have = -1
        finally:
            conn.close()
        if have != products:
            # Never delete a file we did not make: it may be someone's shop.
            raise FileExistsError(
                f"{path} exists with {have} products, not {products}; "
                "name another --db or remove it"
            )
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        build_demo(
            path,
            products=products,
            members=max(products // 10, 10),
            days=30,
            state=TaskState(on_progress=progress),
        )
    database = open_database(path)
    database.dispose()
    search_index.ensure_index(path, TaskState(on_progress=progress))
    return path


def _sample_codes(session: Session, count: int) -> list[str]:
    rows = session.execute(
        text("SELECT code FROM product_barcodes WHERE rowid % 9973 = 1 ORDER BY rowid LIMIT :n"),
        {"n": count},
    ).all()
    return [str(r[0]) for r in rows]


def bench_catalog(
    path: Path,
    *,
    products: int,
    rounds: int = 5,
    startup: bool = True,
    progress: Callable[[float, str], None],
) -> dict[str, Any]:
    """Search and barcode latency, start-up time and memory on a demo catalog."""
    ensure_demo(path, products, progress)
    database = open_database(path)
    results: dict[str, Any] = {
        "products": products,
        "database_mb": round(path.stat().st_size / 1e6),
    }
    try:
        with database.sessions() as session:
            identity = session.execute(
                text(
                    "SELECT w.branch_id FROM device_identity d"
                    " JOIN workstations w ON w.id = d.workstation_id"
                )
            ).scalar_one()
            branch = uuid.UUID(hex=str(identity))
            for typed in SEARCH_MIX:  # warm the page cache once, as a running till has
                catalog.search(session, typed)
            search_times: list[float] = []
            per_query: dict[str, float] = {}
            for _ in range(rounds):
                for typed in SEARCH_MIX:
                    started = time.perf_counter()
                    page = catalog.search(session, typed, limit=50)
                    # The model shows rows, not ids: the first page's rows count too.
                    catalog.product_rows(session, page.ids, branch)
                    elapsed = time.perf_counter() - started
                    search_times.append(elapsed)
                    per_query[typed] = max(per_query.get(typed, 0.0), elapsed)
            results["search"] = summary(search_times)
            results["slowest_queries_ms"] = {
                q: round(t * 1000, 2)
                for q, t in sorted(per_query.items(), key=lambda kv: -kv[1])[:5]
            }
            codes = _sample_codes(session, 200)
            scan_times: list[float] = []
            for _ in range(rounds):
                for code in codes:
                    started = time.perf_counter()
                    catalog.lookup_barcode(session, code)
                    scan_times.append(time.perf_counter() - started)
            results["barcode"] = summary(scan_times)
    finally:
        database.dispose()
    results["bench_peak_rss_mb"] = peak_rss_mb()
    if startup:
        results["startup"] = measure_startup(path)
    return results


def measure_startup(path: Path, runs: int = 5) -> dict[str, Any]:
    """Process start to a usable catalog view, offscreen, in fresh processes."""
    times: list[float] = []
    rss: list[float] = []
    for _ in range(runs):
        out = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "shop_desktop.ui.startup_probe", "--db", str(path)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            timeout=120,
        )
        if out.returncode != 0:
            return {"error": out.stderr.strip().splitlines()[-1:] or ["no output"]}
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        times.append(figures["seconds"])
        rss.append(figures["peak_rss_mb"])
    return {
        "p50_s": round(median(times), 3),
        "max_s": round(max(times), 3),
        "peak_rss_mb": max(rss),
        "runs": runs,
    }
