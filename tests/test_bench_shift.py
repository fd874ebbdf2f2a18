"""``shop-admin bench shift``: the X and Z report figures on its last line, at 100 sales and
at the number asked for, over a shift whose totals are the sales it sold."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.test_admin_cli import shop_admin


def test_bench_shift_prints_report_times_at_both_sizes(tmp_path: Path) -> None:
    db = tmp_path / "shift.db"
    result = shop_admin("bench", "shift", "--sales", "130", "--rounds", "3", "--db", str(db))
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["sales"] == 130
    assert figures["at_100"]["sales"] == 100
    for key in ("x_report_p95_ms", "z_report_p95_ms", "x_report_p95_ms_at_100"):
        assert figures[key] > 0
    assert figures["z_report"]["n"] == 3
    conn = sqlite3.connect(db)
    try:
        # Every round's close was rolled back: the one shift is still open, with its sales.
        assert conn.execute("SELECT count(*) FROM shifts WHERE closed_at IS NULL").fetchone() == (
            1,
        )
        assert conn.execute("SELECT count FROM shift_totals WHERE bucket = 'sales'").fetchone() == (
            130,
        )
    finally:
        conn.close()
    again = shop_admin("bench", "shift", "--sales", "130", "--db", str(db))
    assert again.returncode == 64  # a usage error: the bench builds its own shop
    assert "exists" in again.stderr
