"""``shop-desktop --db NEW_PATH``: a path with no file asks what it should become (issue 12,
item 10): a demo shop built there, this workstation enrolled with the shop's server, or
nothing at all. Never an empty database whose log-in stays grey.

The enrolment runs against a real ``shop-server`` process on loopback; the device token
goes to an in-memory keyring.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from tests import serverproc as sp
from tests.ui.test_startup import (
    CriticalBoxes,
    StartShop,
    log_in_by_typing,
    wait_for_login,
)

from shop_desktop.data.db import open_database
from shop_desktop.services.sync.engine import read_enrolment
from shop_desktop.ui.application import ShopDesktop
from shop_desktop.ui.first_run import FirstRunDialog

if TYPE_CHECKING:
    from tests.conftest import MemoryKeyring

WAIT_MS = 60_000
#: The seeded staff's password (``shop_server.seed.DEMO_PASSWORD``; tests never import the server).
DEMO_PASSWORD = "demo1234"


@pytest.fixture
def critical(monkeypatch: pytest.MonkeyPatch) -> CriticalBoxes:
    boxes = CriticalBoxes()
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(boxes))
    return boxes


def wait_for_first_run(qtbot: QtBot, desktop: ShopDesktop) -> FirstRunDialog:
    qtbot.waitUntil(lambda: desktop.first_run_dialog is not None, timeout=WAIT_MS)
    dialog = desktop.first_run_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def files_at(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir()) if path.parent.exists() else []


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    QTest.keyClicks(widget, text)


def test_a_demo_shop_is_built_at_the_new_path_and_a_cashier_logs_in(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, critical: CriticalBoxes
) -> None:
    path = tmp_path / "shops" / "big.db"  # the folder does not exist yet either
    desktop = start_shop(db=path, demo_products=120, demo_members=10, demo_days=1)
    dialog = wait_for_first_run(qtbot, desktop)

    assert not path.exists()
    assert dialog.demo_button.hasFocus()
    QTest.keyClick(dialog.demo_button, Qt.Key.Key_Space)  # the focused first choice

    window = log_in_by_typing(qtbot, desktop, "cashier", "cashier")
    assert critical.shown == []
    assert desktop.first_run_dialog is None
    assert desktop.database is not None
    assert desktop.database.path == path.resolve()
    assert window.context.staff.username == "cashier"


def test_quitting_at_the_choice_makes_nothing(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, critical: CriticalBoxes
) -> None:
    path = tmp_path / "new.db"
    desktop = start_shop(db=path)
    dialog = wait_for_first_run(qtbot, desktop)
    assert str(path) in dialog._where.text()
    with qtbot.waitSignal(desktop.ended, timeout=WAIT_MS) as ended:
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert ended.args == [0]
    assert not path.exists()
    assert critical.shown == []
    assert desktop.login_dialog is None


def test_a_folder_that_cannot_be_written_is_said_plainly_before_any_choice(
    qtbot: QtBot, start_shop: StartShop, read_only_dir: Path, critical: CriticalBoxes
) -> None:
    path = read_only_dir / "new.db"
    desktop = start_shop(db=path)
    with qtbot.waitSignal(desktop.ended, timeout=WAIT_MS) as ended:
        pass
    assert ended.args == [2]
    assert desktop.first_run_dialog is None
    assert len(critical.shown) == 1
    _title, text = critical.shown[0]
    assert "cannot be written" in text
    assert str(path) in text
    assert "Traceback" not in text
    assert sorted(p.name for p in read_only_dir.iterdir()) == ["shop.db"]


def test_enrolling_loads_the_servers_shop_into_the_new_path(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    server = sp.start_server(tmp_path / "server", database="sqlite")
    try:
        sp.seed_demo(server, products=40, branches=1)
        [workstation_id] = sp.setup_branches(server, branches=1, workstations=(1,)).workstation_ids[
            0
        ]
        path = tmp_path / "till" / "shop.db"
        desktop = start_shop(db=path)
        dialog = wait_for_first_run(qtbot, desktop)

        # A wrong code: said in plain words, nothing left behind, the choice stays.
        type_into(qtbot, dialog.url, server.url)
        QTest.keyClick(dialog.url, Qt.Key.Key_Return)  # on to the code, not the demo
        assert dialog.code.hasFocus()
        assert desktop.first_run_dialog is dialog
        with qtbot.waitSignal(dialog.problem, timeout=WAIT_MS) as refused:
            QTest.keyClicks(dialog.code, "WRONG-CODE")
            QTest.keyClick(dialog.code, Qt.Key.Key_Return)
        assert "was not accepted" in refused.args[0]
        assert dialog.message.isVisible()
        assert not path.exists()
        assert files_at(path) == []
        assert desktop.first_run_dialog is dialog

        dialog.code.clear()
        QTest.keyClicks(dialog.code, sp.enrolment_code(server, workstation_id))
        with qtbot.waitSignal(desktop.login_shown, timeout=WAIT_MS):
            QTest.keyClick(dialog.code, Qt.Key.Key_Return)
        login = wait_for_login(qtbot, desktop)
        assert login.log_in_button.isEnabled()
        assert desktop.database is not None
        assert desktop.database.path == path.resolve()
        enrolled = read_enrolment(desktop.database)
        assert enrolled is not None
        assert str(enrolled.workstation_id) == workstation_id
        assert memory_keyring.get_password("shop-desktop", f"device-token:{enrolled.device_id}")
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT count(*) FROM products").fetchone()[0] == 40

        window = log_in_by_typing(qtbot, desktop, "admin", DEMO_PASSWORD)
        assert window.context.database.path == path.resolve()
    finally:
        server.stop()


def test_the_next_start_after_a_demo_opens_it_without_asking(
    qtbot: QtBot, start_shop: StartShop, tmp_path: Path
) -> None:
    path = tmp_path / "try.db"
    first = start_shop(db=path, demo_products=60, demo_members=5, demo_days=1)
    QTest.keyClick(wait_for_first_run(qtbot, first).demo_button, Qt.Key.Key_Space)
    wait_for_login(qtbot, first)
    first.shut_down()

    again = start_shop(db=path)
    wait_for_login(qtbot, again)
    assert again.first_run_dialog is None
    database = open_database(path)
    try:
        assert read_enrolment(database) is None
    finally:
        database.dispose()
