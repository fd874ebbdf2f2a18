"""``shop-admin`` as an administrator runs it: a separate process, exit codes, messages."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from shop_desktop.data.db import create_sqlite_engine, head_revision, upgrade


def shop_admin(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    return subprocess.run(
        [sys.executable, "-m", "shop_desktop.admin", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_help_answers() -> None:
    result = shop_admin("--help")
    assert result.returncode == 0
    for command in ("demo", "migrate", "check"):
        assert command in result.stdout


def test_demo_help_lists_its_options() -> None:
    result = shop_admin("demo", "--help")
    assert result.returncode == 0
    for option in ("--products", "--members", "--days", "--db", "--seed"):
        assert option in result.stdout


def test_bad_number_is_a_usage_error() -> None:
    result = shop_admin("demo", "--db", "x.db", "--products", "many")
    assert result.returncode == 2
    assert "not a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_reports_a_healthy_database(migrated_db_path: Path) -> None:
    result = shop_admin("check", "--db", str(migrated_db_path))
    assert result.returncode == 0, result.stderr
    assert "integrity: ok" in result.stdout
    assert head_revision() in result.stdout


def test_check_refuses_a_damaged_file_without_touching_it(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    path.write_bytes(b"this is not a database" * 100)
    before = hashlib.sha256(path.read_bytes()).digest()
    result = shop_admin("check", "--db", str(path))
    assert result.returncode == 2
    assert "DatabaseCorrupt" in result.stderr
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(path.read_bytes()).digest() == before


def test_migrate_backs_up_and_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    engine = create_sqlite_engine(path)
    upgrade(engine, "0001_catalog")
    engine.dispose()

    result = shop_admin("migrate", "--db", str(path))

    assert result.returncode == 0, result.stderr
    assert "Backed up to" in result.stdout
    backups = list(tmp_path.glob("shop.backup-*-0001_catalog.db"))
    assert len(backups) == 1
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
    finally:
        conn.close()


def test_demo_builds_a_checked_database(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    args = ["--products", "200", "--members", "20", "--days", "2", "--end-date", "2026-11-20"]
    result = shop_admin("demo", "--db", str(path), *args)
    assert result.returncode == 0, result.stderr
    assert "200 products" in result.stdout
    assert "[100%]" in result.stderr

    again = shop_admin("demo", "--db", str(path), *args)
    assert again.returncode == 64
    assert "--replace" in again.stderr

    check = shop_admin("check", "--db", str(path))
    assert check.returncode == 0
    assert "integrity: ok" in check.stdout


def test_index_builds_search_for_a_bulk_loaded_shop(demo_db_path: Path) -> None:
    result = shop_admin("index", "--db", str(demo_db_path))
    assert result.returncode == 0, result.stderr
    assert "Indexed 400 products" in result.stdout
    conn = sqlite3.connect(demo_db_path)
    try:
        keys = conn.execute("SELECT count(*) FROM product_search_keys").fetchone()[0]
        # The best seller gets the first key.
        top = conn.execute(
            "SELECT p.id FROM products p ORDER BY p.popularity DESC, p.rowid LIMIT 1"
        ).fetchone()[0]
        first = conn.execute(
            "SELECT product_id FROM product_search_keys ORDER BY search_key LIMIT 1"
        ).fetchone()[0]
    finally:
        conn.close()
    assert keys == 400
    assert first == top

    again = shop_admin("index", "--db", str(demo_db_path))
    assert again.returncode == 0
    assert "is current" in again.stdout


def test_bench_catalog_prints_figures_and_refuses_a_foreign_file(
    demo_db_path: Path, tmp_path: Path
) -> None:
    result = shop_admin(
        "bench",
        "catalog",
        "--products",
        "400",
        "--db",
        str(demo_db_path),
        "--rounds",
        "1",
        "--no-startup",
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["products"] == 400
    assert figures["search"]["n"] > 0
    assert figures["search"]["p95_ms"] >= figures["search"]["p50_ms"] > 0
    assert figures["barcode"]["n"] > 0

    before = hashlib.sha256(demo_db_path.read_bytes()).digest()
    other = shop_admin("bench", "catalog", "--products", "999", "--db", str(demo_db_path))
    assert other.returncode == 64
    assert "exists with 400 products" in other.stderr
    assert hashlib.sha256(demo_db_path.read_bytes()).digest() == before


def test_bench_checkout_prices_and_commits(demo_db_path: Path) -> None:
    before = _orders(demo_db_path)
    result = shop_admin(
        "bench", "checkout", "--sales", "3", "--rounds", "5", "--db", str(demo_db_path)
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    pricing, commit = figures["pricing"], figures["commit"]
    assert pricing["lines"] == 200
    assert pricing["promotions"] == 50
    assert pricing["n"] == 5
    assert commit["n"] == 3
    assert commit["synchronous"] == "FULL"
    assert commit["p95_ms"] >= commit["p50_ms"] > 0
    assert _orders(demo_db_path) == before + 3


def _orders(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
    finally:
        conn.close()


def test_audit_verify_names_the_first_broken_link(tmp_path: Path) -> None:
    from shop_desktop.bench.audit import grow_chain
    from shop_desktop.services.demo import build_demo

    path = tmp_path / "till.db"
    build_demo(path, products=30, members=3, days=0, seed=1)
    grow_chain(path, 40)
    whole = shop_admin("audit", "verify", "--db", str(path))
    assert whole.returncode == 0, whole.stderr
    assert "audit chain ok: 40 entries" in whole.stdout

    conn = sqlite3.connect(path)
    conn.execute("UPDATE audit_log SET at = replace(at, ':', ';') WHERE seq = 17")
    conn.commit()
    conn.close()
    broken = shop_admin("audit", "verify", "--db", str(path))
    assert broken.returncode == 1
    assert "BROKEN at entry seq 17" in broken.stdout
    assert "[hash_mismatch]" in broken.stdout
    assert "16 entries before it hold" in broken.stdout

    missing = shop_admin("audit", "verify", "--db", str(tmp_path / "nowhere.db"))
    assert missing.returncode != 0
    assert "does not exist" in missing.stderr


def test_bench_audit_prints_json_with_the_verify_time(tmp_path: Path) -> None:
    result = shop_admin("bench", "audit", "--entries", "300", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["benchmark"] == "audit_verify"
    assert figures["entries"] == 300
    assert figures["ok"] is True
    assert figures["audit_verify_s"] >= 0
