"""``shop-admin bench sync`` runs end to end with tiny sizes and prints figures that parse.

Times are never asserted (they depend on the machine); only that each part
ran against the real server and reported numbers of the right kind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shop_desktop.bench import sync as bench_sync


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_bench_sync_prints_figures_that_parse(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = bench_sync.main(
        ["--quick", "--database", database, "--orders", "30", "--devices", "2",
         "--device-orders", "10", "--batch", "5", "--products", "120",
         "--workdir", str(tmp_path)]
    )  # fmt: skip
    printed = capsys.readouterr()
    out = printed.out.strip().splitlines()
    assert code == 0, printed.err
    figures = json.loads(out[-1])
    assert figures["benchmark"] == "sync"
    assert figures["database"] == database
    backlog = figures["backlog"]
    assert (backlog["orders"], backlog["pushed"], backlog["pending_after"]) == (30, 30, 0)
    assert backlog["sync_s"] > 0
    ingest = figures["ingest"]
    assert (ingest["orders"], ingest["orders_landed"]) == (20, 20)
    assert ingest["orders_per_s"] > 0
    assert ingest["push_latency"]["n"] == 4
    assert ingest["errors_seen"] == []
    boot = figures["bootstrap"]
    assert boot["rows"]["product"] == 120
    assert boot["indexed"] == 120
    assert 0 < boot["selling_after_s"] <= boot["index_ready_after_s"]
    assert boot["db_mb"] > 0
    assert figures["max_rss"]["self_mb"] > 0
    assert any(line.startswith("backlog:") for line in out)
