"""The client's bulk paths stay strict while fast: ids checked column by column
(malformed ones refused, nothing stored), defaults filled per page, and a push
answer settled in a few statements without touching what was not answered."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.sync.test_client_local import NOW, rows, sale

from shop_desktop.data.db import Database
from shop_desktop.data.models import Brand
from shop_desktop.services.checkout import commit_sale
from shop_desktop.services.sync.apply import RawSql, apply_changes_of_entity
from shop_desktop.services.sync.protocol import OpResult, PushAnswer
from shop_desktop.services.sync.push import apply_push_answer

BRAND_COLUMNS = ("id", "name_zh", "name_en")


def _brands(path: Path, ids: Sequence[object]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        try:
            apply_changes_of_entity(
                RawSql(conn),
                "brand",
                BRAND_COLUMNS,
                [[i, f"牌{n}", f"Brand {n}"] for n, i in enumerate(ids)],
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize(
    "bad",
    [
        "not-an-id-at-all-but-36-characters!",
        "0123456g-0123-0123-0123-0123456789ab",
        # Two well-formed ids in one value: a column check by lines must not split it.
        "0b231bf1-539c-4a64-b493-af5c2a36d36a\na44d57a8-3a00-4e10-88f7-46daceccf8e5",
        12345,
    ],
)
def test_a_malformed_id_refuses_the_page_and_stores_nothing(
    migrated_db_path: Path, bad: object
) -> None:
    before = _count(migrated_db_path, "brands")
    with pytest.raises(ValueError, match=r"id: .* is not an id"):
        _brands(migrated_db_path, [str(uuid.uuid4()), bad])
    assert _count(migrated_db_path, "brands") == before


def test_ids_in_any_uuid_spelling_are_stored_as_the_orm_stores_them(
    migrated_db_path: Path,
) -> None:
    ids = [uuid.uuid4() for _ in range(4)]
    spelled = [str(ids[0]), str(ids[1]).upper(), ids[2].hex, "{" + str(ids[3]) + "}"]
    _brands(migrated_db_path, spelled)
    stored = {
        r[0]
        for r in sqlite3.connect(migrated_db_path).execute(
            "SELECT id FROM brands WHERE name_en LIKE 'Brand %'"
        )
    }
    assert stored == {i.hex for i in ids}
    from shop_desktop.data.db import open_database

    db = open_database(migrated_db_path)
    try:
        with db.session() as session:
            found = {b.id for b in session.query(Brand).filter(Brand.name_en.like("Brand %"))}
            created = {
                b.created_at for b in session.query(Brand).filter(Brand.name_en.like("Brand %"))
            }
        assert found == set(ids)
        # Defaults the server left out are filled, once for the page.
        assert len(created) == 1
        assert next(iter(created)).tzinfo is not None
    finally:
        db.dispose()


def test_an_answer_settles_only_pending_answered_ops_and_their_movements(
    demo_db: Database,
) -> None:
    done = []
    for qty in (1, 2, 3):
        with demo_db.session() as session:
            done.append(commit_sale(session, sale(demo_db, qty, member=False), now=NOW))
    ops = rows(demo_db, "SELECT op_id, device_seq FROM outbox ORDER BY device_seq")[-3:]
    (applied_id, applied_seq), (refused_id, refused_seq), (unanswered_id, _) = ops
    answer = PushAnswer(
        cursor=77,
        server_time=datetime(2026, 11, 20, 6, 31, tzinfo=UTC),
        results=(
            OpResult(uuid.UUID(applied_id), applied_seq, "applied", "", "", {}),
            OpResult(uuid.UUID(refused_id), refused_seq, "rejected", "invalid", "Bad.", {}),
            # A repeated answer about the same op changes nothing more.
            OpResult(uuid.UUID(applied_id), applied_seq, "rejected", "invalid", "Late.", {}),
        ),
    )
    at = datetime(2026, 11, 20, 6, 31, tzinfo=UTC)
    with demo_db.engine.begin() as conn:
        counts = apply_push_answer(conn, answer, at)
    assert (counts.applied, counts.duplicates, counts.rejected) == (1, 0, 1)
    statuses = dict(rows(demo_db, "SELECT op_id, status FROM outbox"))
    assert statuses[applied_id] == "acked"
    assert statuses[refused_id] == "rejected"
    assert statuses[unanswered_id] == "pending"
    [(server_seq,)] = rows(demo_db, "SELECT server_seq FROM outbox WHERE op_id = ?", applied_id)
    assert server_seq == 77

    def acks(order_id: uuid.UUID) -> set[object]:
        found = rows(
            demo_db,
            "SELECT m.ack_seq FROM stock_movements m JOIN outbox o"
            " ON replace(json_extract(o.payload, '$.id'), '-', '') = ?"
            " WHERE m.id IN (SELECT replace(json_extract(value, '$.id'), '-', '')"
            " FROM json_each(o.payload, '$.stock_movements'))",
            order_id.hex,
        )
        assert found, "every sale here moves stock"
        return {a for (a,) in found}

    assert acks(done[0].order_id) == {77}
    assert acks(done[1].order_id) == {None}
    assert acks(done[2].order_id) == {None}
    # The same answer again: nothing is pending any more, nothing changes.
    with demo_db.engine.begin() as conn:
        again = apply_push_answer(conn, answer, at)
    assert (again.applied, again.duplicates, again.rejected) == (0, 0, 0)
