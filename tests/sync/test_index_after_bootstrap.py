"""A bootstrapped till sells at once; its search index is built afterwards, in steps.

The bootstrap ends when the catalog is in and the cursor written. The index
is then built by ``search_index.build_in_steps``, one short write transaction
per step, so a sale (or a pulled change) between two steps goes through and
the finished index is the one a rebuild makes.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from tests import serverproc
from tests.sync.tills import EnrolWorkstation, SyncServer, Workstation, sell, sql

from shop_desktop.data import catalog, search_index
from shop_desktop.data.db import open_database
from shop_desktop.data.models import Product
from shop_desktop.services.sync.bootstrap import bootstrap
from shop_desktop.services.sync.credentials import KeyringTokenStore
from shop_desktop.services.sync.engine import SyncEngine
from shop_desktop.services.sync.enrol import enrol
from shop_desktop.services.sync.state import SyncSettings
from shop_desktop.services.sync.transport import Transport


def _needs_rebuild(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return search_index.needs_rebuild(conn)
    finally:
        conn.close()


def _found(ws: Workstation, typed: str) -> set[str]:
    with ws.db.session() as session:
        return {pid.hex for pid in catalog.search(session, typed, limit=100).ids}


def _a_product(ws: Workstation) -> tuple[str, str, str]:
    """(id, name_en, one of its barcodes) of the first product by SKU that has a barcode."""
    [(pid, name_en, code)] = sql(
        ws,
        "SELECT p.id, p.name_en, min(b.code) FROM products p"
        " JOIN product_barcodes b ON b.product_id = p.id"
        " GROUP BY p.id ORDER BY p.sku LIMIT 1",
    )
    return str(pid), str(name_en), str(code)


class _Steps:
    """Progress of a build that runs ``between`` once, after its first step."""

    def __init__(self, between: object) -> None:
        self.between = between
        self.steps = 0

    def set_progress(self, fraction: float, status: str = "") -> None:
        if status.startswith("search index ") and "/" in status:
            self.steps += 1
            if self.steps == 1 and callable(self.between):
                self.between()

    def check_cancelled(self) -> None:
        pass


def test_a_bootstrapped_till_sells_before_its_index_is_built_and_then_finds_by_name(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    products = sql(ws, "SELECT count(*) FROM products")[0][0]
    assert products > 0
    assert _needs_rebuild(ws.path)  # the bootstrap left the index to be built
    pid, name_en, code = _a_product(ws)
    with ws.db.session() as session:
        assert catalog.lookup_barcode(session, code).product_id.hex == pid
    sell(ws)  # the catalog is complete: the till sells

    assert search_index.build_in_steps_if_needed(ws.path) == products
    assert not _needs_rebuild(ws.path)
    assert pid in _found(ws, name_en)
    assert search_index.build_in_steps_if_needed(ws.path) is None  # ready: nothing to do


def test_a_sale_and_a_catalog_change_between_steps_go_through_and_the_index_stays_true(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    products = sql(ws, "SELECT count(*) FROM products")[0][0]
    # The most popular product is indexed in the first step, the least popular last.
    [(first_hex,)] = sql(ws, "SELECT id FROM products ORDER BY popularity DESC, rowid LIMIT 1")
    [(last_hex,)] = sql(ws, "SELECT id FROM products ORDER BY popularity, rowid DESC LIMIT 1")
    sold: list[uuid.UUID] = []

    def sell_and_rename() -> None:
        sold.append(sell(ws))  # the build holds no write lock between its steps
        with ws.db.session() as session:
            for hex_id, name in ((first_hex, "Zyxwv early"), (last_hex, "Qwxyz late")):
                product = session.get(Product, uuid.UUID(hex=hex_id))
                assert product is not None
                product.name_en = name

    steps = _Steps(sell_and_rename)
    indexed = search_index.build_in_steps(ws.path, steps, step=3, parallel_from=products + 1)

    assert steps.steps > 1
    assert len(sold) == 1
    assert sql(ws, "SELECT count(*) FROM orders WHERE id = ?", sold[0].hex)[0][0] == 1
    # The renamed product not yet reached was indexed by the ORM with a key
    # above the build's, and skipped by the build.
    assert indexed == products - 1
    assert sql(ws, "SELECT count(*) FROM product_search_keys")[0][0] == products
    assert _found(ws, "zyxwv") == {first_hex}
    assert _found(ws, "qwxyz") == {last_hex}
    assert not _needs_rebuild(ws.path)
    conn = sqlite3.connect(ws.path)
    try:
        conn.execute("INSERT INTO product_search(product_search) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_a_later_build_supersedes_an_earlier_one(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    products = sql(ws, "SELECT count(*) FROM products")[0][0]
    later: list[int] = []

    def build_again() -> None:
        later.append(search_index.build_in_steps(ws.path, step=5, parallel_from=products + 1))

    with pytest.raises(search_index.BuildSuperseded):
        search_index.build_in_steps(
            ws.path, _Steps(build_again), step=3, parallel_from=products + 1
        )
    assert later == [products]
    assert not _needs_rebuild(ws.path)


def test_an_engine_pass_that_loads_the_catalog_then_builds_the_index(
    sync_server: SyncServer, tmp_path: Path, memory_keyring: object
) -> None:
    path = tmp_path / "late-load.db"
    settings = SyncSettings(server_url=sync_server.server.url)
    tokens = KeyringTokenStore()
    code = serverproc.enrolment_code(sync_server.server, sync_server.branches.workstation_ids[0][0])
    enrol(path, settings, code, tokens, load_catalog=False)
    db = open_database(path)
    try:
        report = SyncEngine(db, tokens).run_once()
        assert report.status.state == "idle", report.status.last_error
        with db.engine.connect() as conn:
            products = conn.exec_driver_sql("SELECT count(*) FROM products").scalar_one()
        assert products > 0
        assert not _needs_rebuild(path)
        with db.engine.connect() as conn:
            keys = conn.exec_driver_sql("SELECT count(*) FROM product_search_keys").scalar_one()
        assert keys == products
    finally:
        db.dispose()


def test_a_load_again_after_a_410_leaves_the_index_outdated_until_it_is_built(
    sync_server: SyncServer, enrolled_workstation: EnrolWorkstation
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    search_index.build_in_steps_if_needed(ws.path)
    assert not _needs_rebuild(ws.path)
    transport = Transport(sync_server.server.url, token=ws.tokens.get(ws.enrolment.device_id))

    bootstrap(ws.path, transport, reset=True)

    # Rows were replaced under the index: a start-up after a crash here must build it.
    assert _needs_rebuild(ws.path)
    assert search_index.build_in_steps_if_needed(ws.path) is not None
    assert not _needs_rebuild(ws.path)
