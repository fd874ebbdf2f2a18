"""A manager connects the demo till to the central server: the first enrolment loads the
server's shop into a new database file, and the app moves to it at log-out.

The whole client runs (start-up, demo shop, log-in, main window) against a real
``shop-server`` process on loopback; the device token goes to an in-memory keyring.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from tests import serverproc as sp
from tests.ui.test_startup import StartShop, log_in_by_typing, wait_for_login

from shop_desktop.data.db import open_database
from shop_desktop.services.sync.engine import read_enrolment
from shop_desktop.ui.places.settings import SettingsPlace

if TYPE_CHECKING:
    from tests.conftest import MemoryKeyring
    from tests.ui.conftest import Dialogs

WAIT_MS = 60_000
#: The seeded staff's password (``shop_server.seed.DEMO_PASSWORD``; tests never import the server).
DEMO_PASSWORD = "demo1234"


def outbox_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])


def test_a_first_enrolment_moves_the_app_to_the_servers_shop(
    qtbot: QtBot,
    start_shop: StartShop,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    dialogs: type[Dialogs],
) -> None:
    server = sp.start_server(tmp_path / "server", database="sqlite")
    try:
        sp.seed_demo(server, products=40, branches=1)
        [workstation_id] = sp.setup_branches(server, branches=1, workstations=(1,)).workstation_ids[
            0
        ]
        desktop = start_shop(
            data_dir=tmp_path / "data", demo_products=120, demo_members=10, demo_days=1
        )
        window = log_in_by_typing(qtbot, desktop, "manager", "manager")
        assert desktop.database is not None
        demo_path = desktop.database.path
        demo_outbox = outbox_count(demo_path)

        window.show_place("settings")
        settings = window.current_place()
        assert isinstance(settings, SettingsPlace)
        page = settings.server
        page.url.setText(server.url)
        page.code.setText(sp.enrolment_code(server, workstation_id))

        def move_now(box: Any) -> None:
            assert "server's shop is ready" in box.text()
            box.button(QMessageBox.StandardButton.Yes).click()

        dialogs.answer(QMessageBox, move_now)
        # The page reads its state on a worker first.
        qtbot.waitUntil(lambda: page.last_op is None or page.last_op.outcome is not None)
        with qtbot.waitSignal(page.shop_database_ready, timeout=WAIT_MS) as ready:
            QTest.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
        shop_path = ready.args[0]
        assert isinstance(shop_path, Path)
        assert shop_path != demo_path
        assert shop_path.parent == demo_path.parent

        # The app logged out and opened the server's shop; staff log in with its accounts.
        wait_for_login(qtbot, desktop)
        assert desktop.database is not None
        assert desktop.database.path == shop_path
        enrolled = read_enrolment(desktop.database)
        assert enrolled is not None
        assert str(enrolled.workstation_id) == workstation_id
        assert memory_keyring.get_password("shop-desktop", f"device-token:{enrolled.device_id}")
        window = log_in_by_typing(qtbot, desktop, "admin", DEMO_PASSWORD)
        assert window.context.database.path == shop_path

        # The demo shop is left as it was: not enrolled, its sales never queued for the server.
        demo = open_database(demo_path)
        try:
            assert read_enrolment(demo) is None
        finally:
            demo.dispose()
        assert outbox_count(demo_path) == demo_outbox
    finally:
        server.stop()
