"""Fixtures for sync tests: a real server process per backend, enrolled workstations.

Shared with the end-to-end tests: ``sync_server`` (a running ``shop-server``
with two branches, one till each, and a small demo catalog, unless a module
overrides ``shop_layout``) and ``enrolled_workstation(server, workstation_id)``,
which enrols a brand-new workstation database through the client's own
``enrol`` and returns a ``Workstation`` handle (``tests/sync/tills.py``, with
what tests do with one).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests import serverproc
from tests.sync.tills import EnrolWorkstation, ShopLayout, SyncServer, Workstation

from shop_desktop.data.db import Database, open_database
from shop_desktop.services.sync.credentials import KeyringTokenStore
from shop_desktop.services.sync.engine import SyncEngine
from shop_desktop.services.sync.enrol import enrol
from shop_desktop.services.sync.state import SyncSettings

if TYPE_CHECKING:
    from tests.conftest import MemoryKeyring


@pytest.fixture(scope="module")
def shop_layout() -> ShopLayout:
    """Two neighbouring branches, one till each, 20 products; a test module needing
    another shop overrides this fixture."""
    return ShopLayout(tills_per_branch=(1, 1), products=20)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sync_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    shop_layout: ShopLayout,
) -> Iterator[SyncServer]:
    """A real server on loopback, laid out as ``shop_layout`` says, on each database in turn."""
    backend = str(request.param)
    server = serverproc.start_server(
        tmp_path_factory.mktemp(f"server-{backend}"),
        database="postgresql" if backend == "postgresql" else "sqlite",
    )
    try:
        tills = shop_layout.tills_per_branch
        branches = serverproc.setup_branches(server, len(tills), tills)
        serverproc.seed_demo(server, shop_layout.products)
        yield SyncServer(server, branches, backend)
    finally:
        server.stop()
        if backend == "postgresql":
            serverproc.drop_database(server.database_url)


@pytest.fixture
def enrolled_workstation(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> Iterator[EnrolWorkstation]:
    """Enrol a new workstation database (client ``enrol``: migrate, enrol, bootstrap)."""
    opened: list[Database] = []

    def make(server: SyncServer, workstation_id: str) -> Workstation:
        path = tmp_path / f"till-{len(opened)}.db"
        settings = SyncSettings(server_url=server.server.url)
        tokens = KeyringTokenStore()
        code = serverproc.enrolment_code(server.server, workstation_id)
        result = enrol(path, settings, code, tokens)
        db = open_database(path)
        opened.append(db)
        return Workstation(path, db, SyncEngine(db, tokens), tokens, settings, result)

    yield make
    for db in opened:
        db.dispose()
