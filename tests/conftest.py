"""Shared fixtures: databases built once per test session and copied per test.

Like Anki's ``getEmptyCol`` and qutebrowser's ``init_sql``: migrating (or
building a demo shop) is done once into a template file, and each test gets
its own copy, so tests are fast and never share state.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import keyring
import pytest
from hypothesis import HealthCheck, settings
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from shop_desktop.data.db import Database, create_sqlite_engine, open_database, upgrade

# Property tests never depend on the machine's speed (no per-example deadline, no
# "too slow" health check). In CI the examples are derived from each test, not drawn
# at random, so a run is the same every time; on a developer's machine they are
# drawn afresh, to keep finding new cases.
settings.register_profile(
    "shop",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", parent=settings.get_profile("shop"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "shop")

#: The fixed end of demo history in tests, so results never depend on today.
DEMO_END = date(2026, 11, 20)

_TESTS = Path(__file__).resolve().parent
#: Folders and files whose tests start servers, kill processes or run a benchmark:
#: ``make check`` (``-m "not slow"``) leaves them to ``make test``.
_SLOW_FOLDERS = ("server", "sync")
_SLOW_FILES = frozenset(
    {
        "test_first_enrolment.py",
        "test_sync_ui.py",
        "test_sync_log_wording.py",
        "test_wallet_crash.py",
        "test_admin_cli.py",
        "test_pricing_properties.py",
        "test_bench_stats.py",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        relative = item.path.relative_to(_TESTS).parts
        if relative[0] in _SLOW_FOLDERS or item.path.name in _SLOW_FILES:
            item.add_marker(pytest.mark.slow)


def _copy_db(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.db"
    engine = create_sqlite_engine(path)
    upgrade(engine)
    # Fold the WAL back so a plain file copy carries everything.
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def migrated_db_path(migrated_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of an empty database at the head revision."""
    return _copy_db(migrated_template, tmp_path / "shop.db")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from shop_desktop.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, products=400, members=60, days=3, seed=7, end_date=DEMO_END)
    return path


@pytest.fixture
def demo_db_path(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of a small, deterministic demo shop."""
    return _copy_db(demo_template, tmp_path / "shop.db")


@pytest.fixture
def demo_db(demo_db_path: Path) -> Iterator[Database]:
    database = open_database(demo_db_path)
    yield database
    database.dispose()


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder with one file, ``shop.db`` (a migrated database), that cannot be written.

    As a normal user, permission bits do it. Root ignores permission bits
    (CI runs as root), so there a read-only tmpfs is mounted instead: both
    are the real thing the app meets on a locked-down or read-only disk.
    """
    import os
    import subprocess

    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        _fill_read_only_dir(folder)
        (folder / "shop.db").chmod(0o444)
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], check=True)
    try:
        _fill_read_only_dir(folder)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def _fill_read_only_dir(folder: Path) -> None:
    engine = create_sqlite_engine(folder / "shop.db")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


# --- the OS keyring, in memory -----------------------------------------------------


class MemoryKeyring(KeyringBackend):
    """keyring's real API over a dict: CI has no desktop keyring, and a test must never
    touch a developer's own. It sets no ``priority``, so keyring never picks it on its
    own; the ``memory_keyring`` fixture installs it for one test."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's own is unannotated
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        # As keyring's own backends do: deleting what is not there is an error.
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring for one test; the previous backend comes back after.

    The previous one is saved from ``keyring.core`` rather than with ``get_keyring()``,
    which would pick (and on a developer's desktop, unlock) the real keyring just to
    restore it.
    """
    previous = keyring.core._keyring_backend
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.core._keyring_backend = previous


# --- simulated wallet gateways (tests/services/wallet_gateway.py) -------------


def _load_wallet_gateway() -> ModuleType:
    name = "wallet_gateway"
    if name in sys.modules:
        return sys.modules[name]
    where = Path(__file__).parent / "services" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, where)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from tests.services import wallet_gateway as gw
else:
    gw = _load_wallet_gateway()


@pytest.fixture(scope="session")
def wallet_keys() -> gw.WalletKeys:
    """RSA-2048 keys for both gateways; generated once, it is slow."""
    return gw.WalletKeys.generate()


@pytest.fixture(scope="session")
def _alipay_gateway_running(wallet_keys: gw.WalletKeys) -> Iterator[gw.AlipayGateway]:
    with gw.AlipayGateway(wallet_keys) as gateway:
        yield gateway


@pytest.fixture(scope="session")
def _wechat_gateway_running(wallet_keys: gw.WalletKeys) -> Iterator[gw.WechatGateway]:
    with gw.WechatGateway(wallet_keys) as gateway:
        yield gateway


@pytest.fixture
def alipay_gateway(_alipay_gateway_running: gw.AlipayGateway) -> gw.AlipayGateway:
    """A simulated Alipay gateway on loopback, with no requests or trades yet.

    One server runs for the session (its URL stays the same, so providers
    made for it can be reused); each test starts from a reset.
    """
    _alipay_gateway_running.reset()
    return _alipay_gateway_running


@pytest.fixture
def wechat_gateway(_wechat_gateway_running: gw.WechatGateway) -> gw.WechatGateway:
    """A simulated WeChat Pay gateway on loopback, with no requests or trades yet."""
    _wechat_gateway_running.reset()
    return _wechat_gateway_running
