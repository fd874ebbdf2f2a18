"""Fixtures for the server's tests: real ``shop-server`` processes on loopback.

One SQLite and one PostgreSQL server per test session, shared (each test
makes its own branches, so tests do not see each other's data); tests that
need an empty database start their own with ``fresh_server``. PostgreSQL
must be reachable: when it is not, these tests fail, they never skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import pytest
from tests import serverproc as sp

Database = Literal["sqlite", "postgresql"]


def _running(tmp: Path, database: Database) -> Iterator[sp.RunningServer]:
    server = sp.start_server(tmp, database=database)
    try:
        yield server
    finally:
        server.stop()
        sp.drop_database(server.database_url)


@pytest.fixture(scope="session")
def server_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sp.RunningServer]:
    yield from _running(tmp_path_factory.mktemp("server_sqlite"), "sqlite")


@pytest.fixture(scope="session")
def server_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sp.RunningServer]:
    yield from _running(tmp_path_factory.mktemp("server_pg"), "postgresql")


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest) -> sp.RunningServer:
    """The shared server of each database in turn."""
    name = "server_sqlite" if request.param == "sqlite" else "server_pg"
    running: sp.RunningServer = request.getfixturevalue(name)
    assert running.process.poll() is None, running.log_tail()
    return running


@pytest.fixture
def fresh_server(
    tmp_path: Path,
) -> Iterator[Callable[..., sp.RunningServer]]:
    """Start servers on empty databases (stopped and dropped after the test)."""
    started: list[sp.RunningServer] = []

    def start(database: Database, extra_env: dict[str, str] | None = None) -> sp.RunningServer:
        server = sp.start_server(
            tmp_path / f"{database}{len(started)}", database=database, extra_env=extra_env
        )
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
        sp.drop_database(server.database_url)
