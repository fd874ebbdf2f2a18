"""The whole start: data folder, demo shop, opening, log-in, main window, log-out.

Storage problems must end the run with exit code 2 and a plain message,
leaving the file byte-for-byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from shop_desktop.data.db import create_sqlite_engine, upgrade
from shop_desktop.ui.application import ShopDesktop
from shop_desktop.ui.login import LoginDialog
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.preferences import Preferences
from shop_desktop.ui.tasks import BackgroundOp

StartShop = Callable[..., ShopDesktop]


WAIT_MS = 60_000


class CriticalBoxes:
    """Stands in for ``QMessageBox.critical`` and remembers what it was asked to say."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def __call__(self, parent: QWidget | None, title: str, text: str, *rest: object) -> int:
        self.shown.append((title, text))
        return int(QMessageBox.StandardButton.Ok.value)


@pytest.fixture
def critical(monkeypatch: pytest.MonkeyPatch) -> CriticalBoxes:
    boxes = CriticalBoxes()
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(boxes))
    return boxes


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wait_for_login(qtbot: QtBot, desktop: ShopDesktop) -> LoginDialog:
    qtbot.waitUntil(lambda: desktop.login_dialog is not None, timeout=WAIT_MS)
    dialog = desktop.login_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    if not dialog.workstation_checked:
        with qtbot.waitSignal(dialog.workstation_loaded, timeout=WAIT_MS):
            pass
    return dialog


def log_in_by_typing(qtbot: QtBot, desktop: ShopDesktop, user: str, password: str) -> MainWindow:
    dialog = wait_for_login(qtbot, desktop)
    QTest.keyClicks(dialog.username, user)
    QTest.keyClick(dialog.username, Qt.Key.Key_Return)  # moves on to the password
    assert dialog.password.hasFocus() or QApplication.focusWidget() is dialog.password
    QTest.keyClicks(dialog.password, password)
    with qtbot.waitSignal(desktop.main_window_shown, timeout=WAIT_MS) as shown:
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    window = shown.args[0]
    assert isinstance(window, MainWindow)
    qtbot.waitExposed(window)
    return window


def activate(qtbot: QtBot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_first_start_builds_the_demo_and_a_cashier_gets_to_work(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, critical: CriticalBoxes
) -> None:
    data_dir = tmp_path / "fresh"
    desktop = start_shop(data_dir=data_dir, demo_products=120, demo_members=10, demo_days=1)

    window = log_in_by_typing(qtbot, desktop, "cashier", "cashier")

    assert critical.shown == []
    assert (data_dir / "shop.db").is_file()
    assert (data_dir / "logs" / "shop-desktop.log").is_file()
    assert (data_dir / "settings.ini").parent == data_dir
    assert desktop.context is not None
    staff = desktop.context.staff
    assert staff.username == "cashier"
    assert window.staff_label.text().startswith(staff.display_name)
    assert "Cashier" in window.staff_label.text()
    assert window.branch_label.text() == staff.branch_name_en
    assert window.workstation_label.text() == staff.workstation_code
    qtbot.waitUntil(lambda: window.sync_status.state_label.text() == "Not connected to a server")
    assert window.current_place().key == "sell"

    activate(qtbot, window)
    for key, function_key, digit in [
        ("orders", Qt.Key.Key_F3, Qt.Key.Key_2),
        ("members", Qt.Key.Key_F4, Qt.Key.Key_3),
        ("after_sales", Qt.Key.Key_F5, Qt.Key.Key_4),
        ("reports", Qt.Key.Key_F6, Qt.Key.Key_5),
        ("catalog", Qt.Key.Key_F7, Qt.Key.Key_6),
        ("settings", Qt.Key.Key_F8, Qt.Key.Key_7),
        ("sell", Qt.Key.Key_F2, Qt.Key.Key_1),
    ]:
        QTest.keyClick(window, function_key)
        assert window.current_place().key == key
        window.show_place("sell" if key != "sell" else "settings")
        QTest.keyClick(window, digit, Qt.KeyboardModifier.ControlModifier)
        assert window.current_place().key == key

    with qtbot.waitSignal(desktop.login_shown, timeout=WAIT_MS):
        QTest.keyClick(
            window,
            Qt.Key.Key_L,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert desktop.main_window is None
    assert desktop.context is None
    assert desktop.exit_code is None

    again = log_in_by_typing(qtbot, desktop, "supervisor", "supervisor")
    assert desktop.context is not None
    assert desktop.context.staff.username == "supervisor"
    with qtbot.waitSignal(desktop.ended) as ended:
        activate(qtbot, again)
        QTest.keyClick(again, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert ended.args == [0]


def test_a_configured_database_is_used_and_never_replaced_by_a_demo(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path
) -> None:
    desktop = start_shop(db=demo_db_path)
    wait_for_login(qtbot, desktop)
    assert desktop.database is not None
    assert desktop.database.path == demo_db_path.resolve()
    assert not (Path(desktop.data_dir) / "shop.db").exists()


def test_closing_the_login_dialog_ends_the_run(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path
) -> None:
    desktop = start_shop(db=demo_db_path)
    dialog = wait_for_login(qtbot, desktop)
    with qtbot.waitSignal(desktop.ended) as ended:
        dialog.reject()
    assert ended.args == [0]


def _expect_refusal(
    qtbot: QtBot, desktop: ShopDesktop, critical: CriticalBoxes, words: str
) -> None:
    with qtbot.waitSignal(desktop.ended, timeout=WAIT_MS) as ended:
        pass
    assert ended.args == [2]
    assert desktop.exit_code == 2
    assert desktop.login_dialog is None
    assert len(critical.shown) == 1
    _title, text = critical.shown[0]
    assert words in text
    assert "Traceback" not in text


def test_random_bytes_are_refused_and_left_untouched(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, critical: CriticalBoxes
) -> None:
    path = tmp_path / "shop.db"
    path.write_bytes(os.urandom(8192))
    before = sha256(path)

    desktop = start_shop(db=path)
    _expect_refusal(qtbot, desktop, critical, "is damaged or is not a Shop Desktop database")

    assert str(path) in critical.shown[0][1]
    assert sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("shop")) == ["shop.db"]


def test_a_text_file_is_refused_and_left_untouched(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, critical: CriticalBoxes
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "shop.db"
    path.write_text("Shopping list: rice, soy sauce, tea eggs\n", encoding="utf-8")
    before = sha256(path)

    # No --db: the default file is there, so no demo is built over it.
    desktop = start_shop(data_dir=data_dir)
    _expect_refusal(qtbot, desktop, critical, "is damaged or is not a Shop Desktop database")

    assert sha256(path) == before


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(
    qtbot: QtBot,
    start_shop: StartShop,
    migrated_db_path: Path,
    critical: CriticalBoxes,
) -> None:
    connection = sqlite3.connect(migrated_db_path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    connection.close()
    before = sha256(migrated_db_path)

    desktop = start_shop(db=migrated_db_path)
    _expect_refusal(qtbot, desktop, critical, "newer version of Shop Desktop")

    assert sha256(migrated_db_path) == before
    assert not list(migrated_db_path.parent.glob("*.backup-*"))


def test_a_database_path_under_a_file_is_refused(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, critical: CriticalBoxes
) -> None:
    # Root ignores permission bits, but nobody can make a folder inside a
    # regular file: an honest "cannot be written" that runs everywhere.
    blocker = tmp_path / "receipts.txt"
    blocker.write_text("not a folder\n", encoding="utf-8")
    before = sha256(blocker)

    desktop = start_shop(db=blocker / "shop.db")
    _expect_refusal(qtbot, desktop, critical, "cannot be written")

    assert sha256(blocker) == before


def test_a_data_folder_that_cannot_be_made_is_refused(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, critical: CriticalBoxes
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    desktop = start_shop(data_dir=blocker / "data")
    assert desktop.exit_code == 2
    assert len(critical.shown) == 1
    assert str(blocker / "data") in critical.shown[0][1]


def test_a_read_only_data_folder_is_refused(
    qtbot: QtBot, start_shop: StartShop, read_only_dir: Path, critical: CriticalBoxes
) -> None:
    # read_only_dir is a read-only mount for root (CI) or a chmod-ed folder
    # otherwise, holding a good database: the app must refuse and touch nothing.
    before = sha256(read_only_dir / "shop.db")
    desktop = start_shop(data_dir=read_only_dir)
    _expect_refusal(qtbot, desktop, critical, "cannot be written")
    assert sha256(read_only_dir / "shop.db") == before
    assert sorted(p.name for p in read_only_dir.iterdir()) == ["shop.db"]


def test_an_older_database_is_backed_up_then_migrated(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, critical: CriticalBoxes
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "shop.db"
    engine = create_sqlite_engine(path)
    upgrade(engine, "0001_catalog")
    engine.dispose()

    desktop = start_shop(data_dir=data_dir)
    dialog = wait_for_login(qtbot, desktop)

    assert critical.shown == []
    backups = list(data_dir.glob("shop.backup-*.db"))
    assert len(backups) == 1
    assert "0001_catalog" in backups[0].name
    assert desktop.database is not None
    assert desktop.database.backup_path == backups[0]
    # Told without a blocking box: a note in the log-in dialog.
    assert dialog.notice.isVisible()
    assert str(backups[0]) in dialog.notice.text()
    # Migrated, but nobody enrolled this workstation: log-in cannot start.
    assert "not set up for a workstation" in dialog._where.text()
    assert not dialog.log_in_button.isEnabled()


def test_settings_decide_language_and_database(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, demo_db_path: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    preferences = Preferences(data_dir)
    preferences.database_path = demo_db_path
    preferences.language = "zh_TW"
    del preferences

    desktop = start_shop(data_dir=data_dir, language=None)
    dialog = wait_for_login(qtbot, desktop)
    assert desktop.database is not None
    assert desktop.database.path == demo_db_path.resolve()
    assert dialog.log_in_button.text() == "登入"


def test_the_demo_can_be_cancelled(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, critical: CriticalBoxes
) -> None:
    desktop = start_shop(data_dir=tmp_path / "data", demo_products=100_000)
    (building,) = BackgroundOp.running()
    with qtbot.waitSignal(desktop.ended, timeout=WAIT_MS) as ended:
        building.cancel()
    assert ended.args == [0]
    assert building.outcome == "cancelled"
    assert critical.shown == []
    # A half-built demo must not be taken for a real database next time.
    assert not (tmp_path / "data" / "shop.db").exists()


def test_a_bulk_loaded_catalog_gets_its_search_index_by_itself(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path, critical: CriticalBoxes
) -> None:
    import sqlite3

    from shop_desktop.data import search_index

    def needs_rebuild() -> bool:
        conn = sqlite3.connect(demo_db_path)
        try:
            return search_index.needs_rebuild(conn)
        finally:
            conn.close()

    assert needs_rebuild()  # the demo is loaded in bulk
    desktop = start_shop(db=demo_db_path)
    # Nobody waits for it: it starts when the file is open and the login
    # comes at once (tests/ui/test_search_index_startup.py looks at the till
    # while it is built).
    with qtbot.waitSignal(desktop.search_index_ready, timeout=WAIT_MS):
        log_in_by_typing(qtbot, desktop, "cashier", "cashier")

    assert critical.shown == []
    assert not needs_rebuild()
    conn = sqlite3.connect(demo_db_path)
    try:
        keys = conn.execute("SELECT count(*) FROM product_search_keys").fetchone()[0]
        products = conn.execute("SELECT count(*) FROM products").fetchone()[0]
    finally:
        conn.close()
    assert keys == products > 0


#: Loaded on first use, never for the first screen: wallet SDKs and their
#: crypto, PDF rendering, the server, migrations, pinyin tables.
NOT_AT_START_UP = (
    "alipay",
    "wechatpayv3",
    "cryptography",
    "reportlab",
    "PIL",
    "shop_server",
    "fastapi",
    "uvicorn",
    "alembic",
    "mako",
    "pypinyin",
    "opencc",
)


def test_start_up_imports_nothing_the_first_screen_does_not_need() -> None:
    code = (
        "import json, sys\n"
        "import shop_desktop.app, shop_desktop.ui.application, shop_desktop.ui.main_window\n"
        "import shop_desktop.ui.startup_probe\n"
        "from shop_desktop.data.db import open_database\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    loaded = {name.split(".")[0] for name in json.loads(out.stdout.splitlines()[-1])}
    assert "shop_desktop" in loaded
    assert loaded.isdisjoint(NOT_AT_START_UP), sorted(loaded & set(NOT_AT_START_UP))
