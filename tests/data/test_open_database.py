"""Opening the workstation database: create, migrate with a backup, and
refuse every file the app must not touch, leaving it byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from shop_desktop.data.db import (
    DatabaseCorrupt,
    DatabaseNotOurs,
    DatabaseReadOnly,
    DatabaseTooNew,
    DatabaseUnreadable,
    DiskFull,
    create_sqlite_engine,
    current_revision,
    head_revision,
    open_database,
    upgrade,
)
from shop_desktop.data.models import Branch


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_old_database(path: Path) -> uuid.UUID:
    """A database at the first revision holding one branch."""
    engine = create_sqlite_engine(path)
    upgrade(engine, "0001_catalog")
    branch_id = uuid.uuid4()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO branches (id, code, name_zh, name_en, address, phone, tax_id, active,"
            " created_at, updated_at) VALUES (?, 'B01', '台北店', 'Taipei', '', '', '', 1,"
            " '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')",
            (branch_id.hex,),
        )
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return branch_id


def test_new_database_is_created_at_head(tmp_path: Path) -> None:
    db = open_database(tmp_path / "data" / "shop.db")
    try:
        assert current_revision(db.engine) == head_revision()
        assert db.backup_path is None
    finally:
        db.dispose()


def test_reopening_a_current_database_makes_no_backup(migrated_db_path: Path) -> None:
    db = open_database(migrated_db_path)
    db.dispose()
    assert db.backup_path is None
    assert list(migrated_db_path.parent.glob("*.backup-*")) == []


def test_old_schema_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    branch_id = make_old_database(path)
    before = digest(path)
    seen: list[Path] = []

    db = open_database(path, on_backup=seen.append)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.session() as session:
            assert session.scalar(select(Branch.name_en).where(Branch.id == branch_id)) == "Taipei"
    finally:
        db.dispose()

    assert db.backup_path is not None
    assert seen == [db.backup_path]
    assert db.backup_path.parent == path.parent
    assert db.backup_path.name.startswith("shop.backup-")
    assert "0001_catalog" in db.backup_path.name
    # The backup is the database as it was: same revision, same rows.
    backup = sqlite3.connect(db.backup_path)
    try:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "0001_catalog",
        )
        assert backup.execute("SELECT name_en FROM branches").fetchall() == [("Taipei",)]
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        backup.close()
    assert before != digest(path)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(os.urandom(8192), id="random-bytes"),
        pytest.param("訂單,金額\nA001,100\n".encode(), id="csv-text"),
        pytest.param(b"SQLite format 3\x00" + os.urandom(8176), id="sqlite-header-then-garbage"),
    ],
)
def test_damaged_file_is_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "shop.db"
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(DatabaseCorrupt) as info:
        open_database(path)
    assert info.value.path == path
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]


def test_truncated_database_is_refused(migrated_db_path: Path) -> None:
    data = migrated_db_path.read_bytes()
    migrated_db_path.write_bytes(data[: len(data) // 3])
    before = digest(migrated_db_path)
    with pytest.raises(DatabaseCorrupt):
        open_database(migrated_db_path)
    assert digest(migrated_db_path) == before


def test_someone_elses_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseNotOurs):
        open_database(path)
    assert digest(path) == before


def test_newer_schema_is_refused_and_untouched(migrated_db_path: Path) -> None:
    conn = sqlite3.connect(migrated_db_path)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.close()
    before = digest(migrated_db_path)
    with pytest.raises(DatabaseTooNew) as info:
        open_database(migrated_db_path)
    assert "0099_from_the_future" in info.value.detail
    assert digest(migrated_db_path) == before


def test_directory_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "shop.db").mkdir()
    with pytest.raises(DatabaseUnreadable):
        open_database(tmp_path / "shop.db")


def test_read_only_folder_is_refused_and_untouched(read_only_dir: Path) -> None:
    path = read_only_dir / "shop.db"
    before = digest(path)
    with pytest.raises(DatabaseReadOnly):
        open_database(path)
    assert digest(path) == before


def test_new_database_in_read_only_folder_is_refused(read_only_dir: Path) -> None:
    with pytest.raises(DatabaseReadOnly):
        open_database(read_only_dir / "new.db")
    assert not (read_only_dir / "new.db").exists()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB file system: real ENOSPC, which only root can mount here."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    folder = tmp_path / "tiny"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_full_disk_during_backup_loses_nothing(tiny_disk: Path) -> None:
    path = tiny_disk / "shop.db"
    make_old_database(path)
    # Fill the database (not the disk) so that its backup cannot fit beside it.
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE ballast_for_test (blob BLOB)")
    conn.execute("INSERT INTO ballast_for_test VALUES (zeroblob(560000))")
    conn.commit()
    conn.close()
    before = digest(path)

    with pytest.raises(DiskFull):
        open_database(path)

    assert digest(path) == before
    assert [p.name for p in tiny_disk.iterdir() if ".backup-" in p.name] == []
