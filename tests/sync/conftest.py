"""Fixtures for sync tests: a real server process per backend, enrolled workstations.

Shared with the end-to-end tests: ``sync_server`` (a running ``shop-server``
with two branches, one till each, and a small demo catalog) and
``enrolled_workstation(server, workstation_id)``, which enrols a brand-new
workstation database through the client's own ``enrol`` and returns a
:class:`Workstation` handle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from tests import serverproc

from shop_desktop.data.db import Database, open_database
from shop_desktop.services.sync.credentials import KeyringTokenStore
from shop_desktop.services.sync.engine import SyncEngine
from shop_desktop.services.sync.enrol import EnrolResult, enrol
from shop_desktop.services.sync.state import SyncSettings


class MemoryKeyring(KeyringBackend):
    """keyring's real API over a dict; installed with ``set_keyring`` for the test only."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's own is unannotated
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@dataclass
class SyncServer:
    server: serverproc.RunningServer
    branches: serverproc.Branches
    backend: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sync_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SyncServer]:
    """A real server on loopback with two neighbouring branches (one till each) and 20 products."""
    backend = str(request.param)
    server = serverproc.start_server(
        tmp_path_factory.mktemp(f"server-{backend}"),
        database="postgresql" if backend == "postgresql" else "sqlite",
    )
    try:
        branches = serverproc.setup_branches(server, 2, (1, 1))
        serverproc.seed_demo(server, 20)
        yield SyncServer(server, branches, backend)
    finally:
        server.stop()
        if backend == "postgresql":
            serverproc.drop_database(server.database_url)


@dataclass
class Workstation:
    path: Path
    db: Database
    engine: SyncEngine
    tokens: KeyringTokenStore
    settings: SyncSettings
    enrolment: EnrolResult


EnrolWorkstation = Callable[[SyncServer, str], Workstation]


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
