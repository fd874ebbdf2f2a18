"""The sync log a manager reads is in the UI's language: each row is worded from its event
code and facts (written by the real engine against the real server on loopback), an older
row without an event keeps its stored English message, and a refused sale is named by its
number and its total in money, not by the engine's English summary."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from pytestqt.qtbot import QtBot
from tests import serverproc
from tests.sync.conftest import enrolled_workstation  # noqa: F401 - the shared fixture
from tests.sync.tills import EnrolWorkstation, SyncServer, Workstation, sell, sql

from shop_desktop.data.db import Database
from shop_desktop.domain.money import Money, currency
from shop_desktop.services.auth import log_in
from shop_desktop.services.sync.engine import save_sync_settings
from shop_desktop.services.sync.state import LogEvent, SyncSettings, write_log
from shop_desktop.ui import i18n
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.preferences import Preferences
from shop_desktop.ui.sync.log_dialog import SyncLogDialog, SyncLogModel
from shop_desktop.ui.sync.wording import refusal_reason, sync_problem

WAIT_MS = 30_000
#: The seeded staff's password (``shop_server.seed.DEMO_PASSWORD``; tests never import the server).
DEMO_PASSWORD = "demo1234"


@pytest.fixture(scope="module")
def sync_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncServer]:
    """One branch with two tills on a SQLite server: these tests are about words, not backends."""
    server = serverproc.start_server(tmp_path_factory.mktemp("server"), database="sqlite")
    try:
        branches = serverproc.setup_branches(server, 1, (2,))
        serverproc.seed_demo(server, 20, branches=1)
        yield SyncServer(server, branches, "sqlite")
    finally:
        server.stop()


def _manager(ws: Workstation, tmp_path: Path) -> ShopContext:
    """The seeded administrator logged in on the till (staff came down at enrolment)."""
    with ws.db.session() as session:
        staff = log_in(session, "admin", DEMO_PASSWORD)
    return _context(ws.db, staff, tmp_path / f"{ws.path.stem}-data")


def _context(database: Database, staff: Any, data_dir: Path) -> ShopContext:
    data_dir.mkdir(exist_ok=True)
    return ShopContext(
        database=database,
        staff=staff,
        preferences=Preferences(data_dir),
        data_dir=data_dir,
        log_file=None,
    )


def _dialog(qtbot: QtBot, context: ShopContext, *, rows: int = 1) -> SyncLogDialog:
    dialog = SyncLogDialog(context, None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.log_model.rowCount() >= rows, timeout=WAIT_MS)
    return dialog


def _shown(model: SyncLogModel, event: str, column: str = "message") -> list[str]:
    """What the log tab shows in ``column`` for each row of ``event``, newest first."""
    return [
        model.data(model.index(row, model.COLUMNS.index(column)))
        for row, record in enumerate(model.rows)
        if record.details.get("event") == event
    ]


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def test_the_log_words_a_push_and_a_failure(
    qtbot: QtBot,
    qtmodeltester: Any,
    tmp_path: Path,
    sync_server: SyncServer,
    enrolled_workstation: EnrolWorkstation,  # noqa: F811 - the fixture imported above
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][0])
    sell(ws)
    pushed = ws.engine.run_once()
    assert pushed.pushed == 1
    # The server moves away: the next pass cannot reach it.
    save_sync_settings(ws.db, SyncSettings(server_url=f"http://127.0.0.1:{_closed_port()}"))
    failed = ws.engine.run_once()
    assert failed.status.error_code == "unreachable"

    dialog = _dialog(qtbot, _manager(ws, tmp_path))
    model = dialog.log_model
    qtmodeltester.check(model)
    [push_row] = [row for row in model.rows if row.details.get("event") == LogEvent.PUSHED]
    assert _shown(model, LogEvent.PUSHED) == [
        f"Sent to the server: {pushed.pushed} new, {pushed.duplicates} already there,"
        f" {pushed.rejected} refused."
    ]
    assert _shown(model, LogEvent.PUSHED, "kind") == ["Sending"]
    assert _shown(model, LogEvent.PUSHED, "level") == ["Information"]
    # The engine's English sentence stays as the detail under the worded one.
    row = model.rows.index(push_row)
    tooltip = model.data(
        model.index(row, model.COLUMNS.index("message")), Qt.ItemDataRole.ToolTipRole
    )
    assert tooltip.splitlines()[:2] == [_shown(model, LogEvent.PUSHED)[0], push_row.message]

    [failure] = _shown(model, LogEvent.FAILED)
    assert failure.startswith(sync_problem("unreachable") + " Next try in ")
    assert failure.endswith(" s.")
    assert failed.status.last_error not in failure
    assert _shown(model, LogEvent.FAILED, "kind") == ["Problem"]
    assert _shown(model, LogEvent.FAILED, "level") == ["Warning"]

    # Enrolment, the catalog load and the settings are worded too.
    [enrolled] = _shown(model, LogEvent.ENROLLED)
    assert enrolled.startswith("Enrolled as workstation ")
    assert enrolled.endswith(f", invoice series {ws.enrolment.invoice_prefix}.")
    [loaded] = [r for r in model.rows if r.details.get("event") == LogEvent.BOOTSTRAP_DONE]
    rows = QLocale().toString(int(loaded.details["rows"]))
    assert _shown(model, LogEvent.BOOTSTRAP_DONE) == [
        f"Catalog loaded from the server: {rows} rows in"
        f" {QLocale().toString(float(loaded.details['seconds']), 'f', 1)} s."
    ]
    assert _shown(model, LogEvent.SETTINGS_CHANGED)[0].startswith(
        "Sync settings changed: server http://127.0.0.1:"
    )
    # Every row of this pass came from an event this app words: no stored English shown.
    assert all(
        model.data(model.index(n, model.COLUMNS.index("message"))) != record.message
        for n, record in enumerate(model.rows)
    )


def test_an_older_row_shows_its_stored_message(qtbot: QtBot, shop_context: ShopContext) -> None:
    database = shop_context.database
    older = "Received 12 changes from the server."  # written before rows carried events
    newer = "Something a newer app does."
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sync_log (at, kind, level, message, details)"
            " VALUES ('2024-01-02 03:04:05.000000', 'pull', 'info', ?, '{\"cursor\": 12}')",
            (older,),
        )
        conn.exec_driver_sql(
            "INSERT INTO sync_log (at, kind, level, message, details)"
            " VALUES ('2024-01-02 03:04:06.000000', 'later', 'notice', ?,"
            ' \'{"event": "from_the_future"}\')',
            (newer,),
        )
        # A known event whose facts are missing cannot be worded: its detail is shown.
        write_log(conn, "push", "Sent a batch.", event=LogEvent.PUSHED, details={})
        write_log(conn, "pull", "Received 1234 changes.", event=LogEvent.PULLED,
                  details={"changes": 1234, "cursor": 99})  # fmt: skip

    dialog = _dialog(qtbot, shop_context, rows=4)
    model = dialog.log_model
    shown = {
        record.message: (
            model.data(model.index(n, model.COLUMNS.index("message"))),
            model.data(model.index(n, model.COLUMNS.index("kind"))),
            model.data(model.index(n, model.COLUMNS.index("level"))),
        )
        for n, record in enumerate(model.rows)
    }
    assert shown[older] == (older, "Receiving", "Information")
    # An unknown kind and level are shown as stored rather than hidden.
    assert shown[newer] == (newer, "later", "notice")
    assert shown["Sent a batch."][0] == "Sent a batch."
    # Numbers in the user's locale.
    assert shown["Received 1234 changes."][0] == "Changes received from the server: 1,234."


def test_a_refused_sale_is_named_by_its_number_and_total(
    qtbot: QtBot,
    tmp_path: Path,
    sync_server: SyncServer,
    enrolled_workstation: EnrolWorkstation,  # noqa: F811 - the fixture imported above
) -> None:
    ws = enrolled_workstation(sync_server, sync_server.branches.workstation_ids[0][1])
    order_id = sell(ws, 3)
    # A newer app's payload version, unknown to this server: refused for good.
    sql(ws, "UPDATE outbox SET payload_version = 99")
    assert ws.engine.run_once().rejected == 1
    [(number, total, code)] = sql(
        ws, "SELECT number, total_minor, currency_code FROM orders WHERE id = ?", order_id.hex
    )

    dialog = _dialog(qtbot, _manager(ws, tmp_path))
    qtbot.waitUntil(lambda: dialog.rejected_model.rowCount() == 1, timeout=WAIT_MS)
    refused_model = dialog.rejected_model
    [op] = refused_model.rows
    assert (op.number, op.total_minor, op.currency_code) == (number, total, code)
    what = refused_model.data(refused_model.index(0, refused_model.COLUMNS.index("summary")))
    money = Money(total, currency(code)).format()
    assert what == f"Sale {number}, total {money}"
    assert what != op.summary  # the engine's English summary is for the log file

    [refusal] = _shown(dialog.log_model, LogEvent.REFUSED)
    assert refusal == (
        f"The server refused Sale no. {QLocale().toString(op.device_seq)}:"
        f" {refusal_reason('unsupported_version')}"
    )


def test_zh_tw_log_words_events_in_chinese(qtbot: QtBot, shop_context: ShopContext) -> None:
    """Needs the coordinator's ``make translations``; fails until zh_TW is translated."""
    with shop_context.database.engine.begin() as conn:
        write_log(conn, "push", "Sent 2 operations (0 already there, 1 refused).",
                  event=LogEvent.PUSHED,
                  details={"applied": 2, "duplicates": 0, "rejected": 1, "cursor": 7})  # fmt: skip
    i18n.switch_language(i18n.ZH_TW)
    dialog = _dialog(qtbot, shop_context)
    model = dialog.log_model
    [text] = _shown(model, LogEvent.PUSHED)
    assert _has_chinese(text)
    assert "Sent" not in text
    assert _has_chinese(_shown(model, LogEvent.PUSHED, "kind")[0])
    assert _has_chinese(_shown(model, LogEvent.PUSHED, "level")[0])
