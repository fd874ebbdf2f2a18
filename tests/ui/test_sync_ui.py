"""Sync on screen, against the real server process on loopback: a manager enrols the till
from Settings → Server, sells while the server is down, sees it waiting in the status bar,
syncs when the server is back; refused operations are listed and sent again; a revoked
till says so."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from tests import serverproc as sp
from tests.sync import faultproxy as fp
from tests.sync.tills import orders_on_server

from shop_desktop.data.db import Database, open_database
from shop_desktop.data.models import OutboxEntry, OutboxStatus, Product, ProductBarcode
from shop_desktop.services.auth import log_in
from shop_desktop.services.sync.catalog_edits import edit_product
from shop_desktop.services.sync.credentials import KeyringTokenStore
from shop_desktop.services.sync.engine import (
    ERROR_CODES,
    SyncEngine,
    SyncReport,
    SyncStatus,
    read_enrolment,
    sync_settings,
)
from shop_desktop.services.sync.enrol import enrol
from shop_desktop.services.sync.state import SyncSettings
from shop_desktop.ui import i18n
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.places.server_settings import ServerSettings, TlsWarning
from shop_desktop.ui.preferences import Preferences
from shop_desktop.ui.sync.controller import SyncController
from shop_desktop.ui.sync.log_dialog import SyncLogDialog
from shop_desktop.ui.sync.status_widget import SyncStatusWidget
from shop_desktop.ui.sync.wording import PROGRAM_ERROR, op_type_name, refusal_reason, sync_problem

if TYPE_CHECKING:
    from tests.conftest import MemoryKeyring
    from tests.ui.conftest import Dialogs, StaffContext


WAIT_MS = 30_000
#: The seeded staff's password (``shop_server.seed.DEMO_PASSWORD``; tests never import the server).
DEMO_PASSWORD = "demo1234"
#: Long enough that the timer never starts a pass during a test: passes are asked for.
NO_TIMER_MS = 3_600_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[sp.RunningServer]:
    """A real ``shop-server`` on loopback (SQLite keeps this UI test quick) with a small catalog."""
    running = sp.start_server(tmp_path / "server", database="sqlite")
    try:
        sp.seed_demo(running, products=40, branches=1)
        yield running
    finally:
        running.stop()


@pytest.fixture
def tills(server: sp.RunningServer) -> list[str]:
    """Two workstations of one branch at the server (ids); each enrols with its own code."""
    return sp.setup_branches(server, branches=1, workstations=(2,)).workstation_ids[0]


class Till:
    """A new workstation database, enrolled the way ``shop-admin enrol`` does it, and the
    seeded shop administrator logged in on it."""

    def __init__(self, path: Path, server: sp.RunningServer, workstation_id: str) -> None:
        settings = SyncSettings(server_url=server.url)
        enrol(path, settings, sp.enrolment_code(server, workstation_id), KeyringTokenStore())
        self.database = open_database(path)
        data_dir = path.parent / f"{path.stem}-data"
        data_dir.mkdir()
        with self.database.session() as session:
            staff = log_in(session, "admin", DEMO_PASSWORD)
        self.context = ShopContext(
            database=self.database,
            staff=staff,
            preferences=Preferences(data_dir),
            data_dir=data_dir,
            log_file=None,
        )


@pytest.fixture
def make_till(
    tmp_path: Path, server: sp.RunningServer, tills: list[str], memory_keyring: MemoryKeyring
) -> Iterator[Callable[[int], Till]]:
    made: list[Till] = []

    def make(number: int) -> Till:
        till = Till(tmp_path / f"till{number}.db", server, tills[number])
        made.append(till)
        return till

    yield make
    for till in made:
        till.database.dispose()


@pytest.fixture
def till(make_till: Callable[[int], Till]) -> Till:
    return make_till(0)


@pytest.fixture
def controller(qtbot: QtBot, till: Till) -> Iterator[SyncController]:
    controller = SyncController(till.database, period_ms=NO_TIMER_MS)
    yield controller
    controller.stop()
    qtbot.waitUntil(lambda: not controller.busy, timeout=WAIT_MS)


def _pass(qtbot: QtBot, controller: SyncController, start: Callable[[], object]) -> SyncReport:
    """Run ``start`` (a click, a sale...) and wait for the pass it causes."""
    with qtbot.waitSignal(controller.pass_finished, timeout=WAIT_MS) as finished:
        start()
    report = finished.args[0]
    assert isinstance(report, SyncReport)
    return report


def _settings_page(
    qtbot: QtBot, context: ShopContext, controller: SyncController
) -> ServerSettings:
    page = ServerSettings(context, controller)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.state is not None, timeout=WAIT_MS)
    return page


def _a_product(database: Database) -> uuid.UUID:
    """A priced piece good with a barcode (the catalog came down from the server)."""
    with database.session() as session:
        return session.execute(
            select(Product.id)
            .join(ProductBarcode, ProductBarcode.product_id == Product.id)
            .where(Product.weighed.is_(False), Product.price_minor > 0, Product.active.is_(True))
            .order_by(Product.sku)
            .limit(1)
        ).scalar_one()


def _sell(qtbot: QtBot, place: SellPlace, product_id: uuid.UUID) -> None:
    register = place.register
    before = len(register.cart)
    register.add_product(product_id)
    qtbot.waitUntil(lambda: len(register.cart) == before + 1, timeout=WAIT_MS)
    dialog = register.pay()
    assert dialog is not None
    dialog.tender_panel.take_cash(dialog.bill.total_minor)
    with qtbot.waitSignal(register.sale_completed, timeout=WAIT_MS):
        dialog.complete()


def _server_orders(server: sp.RunningServer, database: Database) -> list[dict[str, Any]]:
    enrolment = read_enrolment(database)
    assert enrolment is not None
    token = KeyringTokenStore().get(enrolment.device_id)
    assert token is not None
    return orders_on_server(server.url, token, enrolment.branch_id)


def test_sell_offline_then_sync_when_the_server_is_back(
    qtbot: QtBot, till: Till, controller: SyncController, server: sp.RunningServer
) -> None:
    bar = SyncStatusWidget(till.context, controller)
    qtbot.addWidget(bar)
    page = _settings_page(qtbot, till.context, controller)
    assert bar.last_label.text() == "Last sync: never"
    _pass(qtbot, controller, controller.start)
    assert bar.state_label.text() == "Online"
    assert bar.pending_label.text() == "Pending: 0"

    # The server goes away; a sale is kept and waits, and the status bar says so.
    server.stop()
    place = SellPlace(till.context)
    qtbot.addWidget(place)
    qtbot.waitUntil(lambda: place.register.rules is not None, timeout=WAIT_MS)
    place.register.sale_completed.connect(controller.sale_committed)
    product = _a_product(till.database)
    report = _pass(qtbot, controller, lambda: _sell(qtbot, place, product))
    assert report.status.state == "offline"
    assert report.status.error_code == "unreachable"
    assert bar.state_label.text() == "Offline"
    assert bar.pending_label.text() == "Pending: 1"
    assert "cannot be reached" in bar.state_label.toolTip()
    # The engine's English sentence is for the log only; the screens word the code.
    assert report.status.last_error not in bar.state_label.toolTip()
    assert page.values["state"].text().startswith("Offline\n")
    assert "cannot be reached" in page.values["state"].text()
    assert report.retry_after_seconds is not None
    assert controller.seconds_until_next_pass() is not None

    # Back: "Sync now" sends it; online, nothing pending, last sync just now.
    server.restart()
    report = _pass(qtbot, controller, bar.sync_button.click)
    assert report.pushed == 1
    assert bar.state_label.text() == "Online"
    assert bar.pending_label.text() == "Pending: 0"
    assert bar.last_label.text() == "Last sync: just now"
    assert controller.status.last_success_at is not None
    assert len(_server_orders(server, till.database)) == 1
    assert bar.rejected_button.isHidden()
    assert controller.status.error_code == ""
    assert "cannot be reached" not in bar.state_label.toolTip()
    assert page.values["state"].text() == "Online"


def _stale_edit(qtbot: QtBot, make_till: Callable[[int], Till], till: Till) -> uuid.UUID:
    """Two managers change one price offline; the other till's edit reaches the server first,
    so this till's is refused as stale."""
    other = make_till(1)
    product = _a_product(till.database)
    for at, price in ((till, 4321), (other, 5432)):
        with at.database.session() as session:
            edit_product(
                session,
                product,
                {"price_minor": price},
                (at.context.staff.staff_id, at.context.staff.role),
            )
    first = SyncEngine(other.database, KeyringTokenStore()).run_once()
    assert first.pushed == 2  # the edit, and its audit entry (one op of that till's chain)
    return product


def test_a_refused_operation_is_listed_and_sent_again(
    qtbot: QtBot,
    qtmodeltester: Any,
    make_till: Callable[[int], Till],
    till: Till,
    controller: SyncController,
) -> None:
    _stale_edit(qtbot, make_till, till)
    bar = SyncStatusWidget(till.context, controller)
    qtbot.addWidget(bar)
    report = _pass(qtbot, controller, controller.sync_now)
    assert report.rejected == 1
    assert not bar.rejected_button.isHidden()
    assert bar.rejected_button.text() == "Refused: 1"
    assert bar.pending_label.text() == "Pending: 0"

    # The count opens the log on the refused tab; the reason is the server's.
    bar.rejected_button.click()
    dialog = bar.log_dialog
    assert isinstance(dialog, SyncLogDialog)  # a child of the status bar, closed with it
    qtbot.waitUntil(lambda: dialog.rejected_model.rowCount() == 1, timeout=WAIT_MS)
    assert dialog.tabs.currentIndex() == 1
    refused = dialog.rejected_model.rows[0]
    assert refused.op_type == "catalog.product_edit"
    assert refused.code == "stale_edit"
    assert "Someone changed this product" in refused.sentence
    # Shown in the user's words from the code, with the server's own text underneath.
    model = dialog.rejected_model
    reason = model.index(0, model.COLUMNS.index("code"))
    assert model.data(reason) == (
        "Someone changed this product at the same time; the server kept their version."
        " Edit the product again if needed."
    )
    tooltip = model.data(reason, Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith(model.data(reason) + "\nServer says: Someone changed this product")
    assert model.data(model.index(0, model.COLUMNS.index("op_type"))) == "Product edit"
    assert dialog.log_model.rowCount() > 0
    qtmodeltester.check(dialog.log_model)
    qtmodeltester.check(dialog.rejected_model)
    newest, *older = dialog.log_model.rows
    assert all(newest.at >= row.at for row in older)

    # "Send again" puts it back in the queue and syncs; the edit is still stale, so the
    # server refuses it again: kept and listed, never lost.
    assert not dialog.send_again.isEnabled()
    dialog.select_op(0)
    assert dialog.send_again.isEnabled()
    with (
        qtbot.waitSignal(dialog.requeued, timeout=WAIT_MS) as requeued,
        qtbot.waitSignal(controller.pass_finished, timeout=WAIT_MS) as again,
    ):
        QTest.mouseClick(dialog.send_again, Qt.MouseButton.LeftButton)
    assert requeued.args[0] == refused.op_id
    assert again.args[0].rejected == 1
    qtbot.waitUntil(lambda: dialog.rejected_model.rowCount() == 1, timeout=WAIT_MS)
    assert bar.rejected_button.text() == "Refused: 1"


def test_send_again_puts_the_operation_back_in_the_queue(
    qtbot: QtBot, make_till: Callable[[int], Till], till: Till, controller: SyncController
) -> None:
    _stale_edit(qtbot, make_till, till)
    assert _pass(qtbot, controller, controller.sync_now).rejected == 1
    # Without a controller the dialog only re-queues; the op waits for the next pass.
    dialog = SyncLogDialog(till.context, None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.rejected_model.rowCount() == 1, timeout=WAIT_MS)
    op_id = dialog.rejected_model.rows[0].op_id
    dialog.select_op(0)
    with (
        qtbot.waitSignal(dialog.loaded, timeout=WAIT_MS),
        qtbot.waitSignal(dialog.requeued, timeout=WAIT_MS),
    ):
        dialog.send_again.click()
    assert dialog.rejected_model.rowCount() == 0
    # It goes as a new op (the server answers a repeated op id with its first refusal).
    with till.database.session() as session:
        entries = [
            e
            for e in session.execute(select(OutboxEntry)).scalars()
            if e.op_type != "audit.entries"  # the edit's audit entry went up and was taken
        ]
        assert [(e.op_type, e.status) for e in entries] == [
            ("catalog.product_edit", OutboxStatus.PENDING)
        ]
        assert entries[0].op_id != op_id
    controller.refresh_status()
    qtbot.waitUntil(lambda: controller.status.pending_ops == 1, timeout=WAIT_MS)


def test_a_revoked_till_says_so_and_is_enrolled_again_from_settings(
    qtbot: QtBot,
    till: Till,
    controller: SyncController,
    server: sp.RunningServer,
    tills: list[str],
) -> None:
    page = _settings_page(qtbot, till.context, controller)
    bar = SyncStatusWidget(till.context, controller)
    qtbot.addWidget(bar)
    first = read_enrolment(till.database)
    assert first is not None
    assert page.values["device"].text() == str(first.device_id)
    assert page.values["invoice_prefix"].text() == first.invoice_prefix
    assert "Till 1" in page.values["workstation"].text()
    assert page.url.text() == server.url
    assert page.verify_tls.isChecked()

    sp.admin_post(server, f"/api/v1/admin/devices/{first.device_id}/revoke", {})
    report = _pass(qtbot, controller, controller.sync_now)
    assert report.status.state == "revoked"
    assert report.status.error_code == "revoked"
    assert bar.state_label.text() == "Access revoked"
    assert "revoked" in bar.state_label.toolTip()
    assert "enrol it again" in bar.state_label.toolTip()
    assert "revoked" in page.values["state"].text()

    # A manager types a new code: a new device id and invoice series; syncing again.
    page.code.setText(sp.enrolment_code(server, tills[0]))
    with (
        qtbot.waitSignal(page.enrolled, timeout=WAIT_MS),
        qtbot.waitSignal(controller.pass_finished, timeout=WAIT_MS) as after,
    ):
        QTest.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    assert after.args[0].status.state == "idle"
    second = read_enrolment(till.database)
    assert second is not None
    assert second.device_id != first.device_id
    assert second.invoice_prefix != first.invoice_prefix
    qtbot.waitUntil(lambda: page.values["device"].text() == str(second.device_id), timeout=WAIT_MS)
    assert bar.state_label.text() == "Online"
    assert page.message.text() == "This workstation is enrolled and has the server's catalog."


def _failure_sentence(qtbot: QtBot, page: ServerSettings, url: str, code: str) -> str:
    page.url.setText(url)
    page.code.setText(code)
    page.message.clear()
    op = page.enrol()
    if op is not None:
        with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
            pass
    sentence = page.message.text()
    assert sentence
    assert "error in the program" not in sentence, sentence
    return sentence


def test_enrolment_failures_are_plain_sentences(
    qtbot: QtBot, till: Till, controller: SyncController, server: sp.RunningServer
) -> None:
    page = _settings_page(qtbot, till.context, controller)
    before = read_enrolment(till.database)
    code = "AAAA-BBBB-CCCC"

    def fails(url: str, code: str = code) -> str:
        return _failure_sentence(qtbot, page, url, code)

    assert "not accepted" in fails(server.url)
    assert "cannot be reached" in fails(f"http://127.0.0.1:{sp.free_port()}")
    https = server.url.replace("http://", "https://")
    assert "certificate could not be verified" in fails(https)
    assert "starting with https://" in fails("shop.example.com")
    assert "Type the enrolment code" in fails(server.url, "")
    with fp.FaultProxy(server.url) as proxy:
        for kind, words in (
            ("garbage", "not like a Shop Desktop server"),
            ("wrong_shape", "not like a Shop Desktop server"),
            ("503", "having trouble"),
        ):
            proxy.plan(fp.Fault(kind, path_prefix="/api/v1/enrol"))  # type: ignore[arg-type]
            assert words in fails(proxy.url), kind
    assert read_enrolment(till.database) == before


def test_turning_tls_checks_off_asks_first(
    qtbot: QtBot, shop_context: ShopContext, dialogs: type[Dialogs]
) -> None:
    page = ServerSettings(shop_context)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.state is not None, timeout=WAIT_MS)
    seen: list[str] = []

    def keep(box: TlsWarning) -> None:
        seen.append(box.text())
        box.keep.click()

    dialogs.answer(TlsWarning, keep)
    page.verify_tls.click()
    assert page.verify_tls.isChecked()
    assert "pretend to be the server" in seen[0]

    dialogs.answer(TlsWarning, lambda box: box.turn_off.click())
    page.verify_tls.click()
    assert not page.verify_tls.isChecked()
    page.url.setText("https://shop.example.com")
    op = page.save()
    assert op is not None
    qtbot.waitUntil(lambda: op.outcome == "succeeded", timeout=WAIT_MS)
    saved = sync_settings(shop_context.database)
    assert saved.server_url == "https://shop.example.com"
    assert saved.verify_tls is False
    assert page.message.text() == "Server settings saved."


def test_a_cashier_cannot_change_the_server_or_read_the_log(
    qtbot: QtBot, staff_context: StaffContext
) -> None:
    context = staff_context("cashier")
    page = ServerSettings(context)
    qtbot.addWidget(page)
    assert not page.enrol_button.isEnabled()
    assert not page.verify_tls.isEnabled()
    assert page.url.isReadOnly()
    assert not page.log_button.isEnabled()
    assert SyncLogDialog.open_for(context, None, page) is None
    qtbot.waitUntil(lambda: page.state is not None, timeout=WAIT_MS)


def _status(**changes: Any) -> SyncStatus:
    base = SyncStatus(
        state="idle",
        online=True,
        pending_ops=0,
        rejected_ops=0,
        last_success_at=None,
        clock_skew_seconds=None,
        last_error="",
        next_attempt_at=None,
    )
    return dataclasses.replace(base, **changes)


def test_the_status_bar_words(qtbot: QtBot, shop_context: ShopContext) -> None:
    controller = SyncController(shop_context.database, period_ms=NO_TIMER_MS)
    bar = SyncStatusWidget(shop_context, controller)
    qtbot.addWidget(bar)
    bar.show()
    when = datetime.now(UTC) - timedelta(minutes=5, seconds=10)
    bar.show_status(_status(last_success_at=when, clock_skew_seconds=30.0))
    assert bar.last_label.text() == "Last sync: 5 min ago"
    assert when.astimezone().strftime("%H:%M:%S") in bar.last_label.toolTip()
    assert not bar.skew_label.isVisible()
    bar.show_status(_status(clock_skew_seconds=-600.0, rejected_ops=2, pending_ops=7))
    assert bar.skew_label.isVisible()
    assert bar.skew_label.text() == "Clock 10 min fast"
    assert bar.pending_label.text() == "Pending: 7"
    assert bar.rejected_button.text() == "Refused: 2"
    assert bar.rejected_button.isEnabled()  # a manager may read the log
    bar.show_status(_status(clock_skew_seconds=86_400.0))
    assert bar.skew_label.text() == "Clock 24 h slow"
    assert bar.age_text(3 * 86_400) == "3 days ago"
    bar.show_status(_status(state="cloned", online=True))
    assert bar.state_label.text() == "Enrol again"
    assert "copied from another workstation" in bar.state_label.toolTip()
    bar.show_status(_status(state="upgrade_required"))
    assert bar.state_label.text() == "Update needed"


#: An English detail that must never reach the tooltip: it is the log's.
LOG_ONLY = "HTTP 502 bad_gateway (for the log file only)"


def _bar(qtbot: QtBot, context: ShopContext) -> SyncStatusWidget:
    controller = SyncController(context.database, period_ms=NO_TIMER_MS)
    bar = SyncStatusWidget(context, controller)
    qtbot.addWidget(bar)
    return bar


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def test_each_problem_code_is_worded_and_the_english_detail_is_not_shown(
    qtbot: QtBot, shop_context: ShopContext
) -> None:
    bar = _bar(qtbot, shop_context)
    general = sync_problem("no_such_code")
    for code in sorted(ERROR_CODES | {PROGRAM_ERROR}):
        assert sync_problem(code) != general, code
        state = code if code in {"revoked", "cloned", "upgrade_required"} else "offline"
        bar.show_status(_status(state=state, online=False, error_code=code, last_error=LOG_ONLY))
        assert LOG_ONLY not in bar.state_label.toolTip(), code
        if code != state:
            assert sync_problem(code) in bar.state_label.toolTip(), code
    bar.show_status(_status(state="offline", online=False, error_code="unreachable"))
    assert "The server cannot be reached" in bar.state_label.toolTip()
    assert bar.light.toolTip() == bar.state_label.toolTip()


def test_an_unknown_code_gets_the_general_sentence(qtbot: QtBot, shop_context: ShopContext) -> None:
    """A newer server or an older stored state may bring a code this app does not know."""
    bar = _bar(qtbot, shop_context)
    bar.show_status(
        _status(state="idle", online=True, error_code="from_the_future", last_error=LOG_ONLY)
    )
    tooltip = bar.state_label.toolTip()
    assert tooltip == sync_problem("from_the_future")
    assert "sync log" in tooltip
    assert LOG_ONLY not in tooltip
    assert "from_the_future" not in tooltip
    # All well: no problem sentence at all.
    bar.show_status(_status(state="idle", online=True))
    assert bar.state_label.toolTip() == ""


def test_every_reject_code_has_its_own_reason() -> None:
    """The server's codes (src/shop_server/push.py, docs/sync-protocol.md) and the client's."""
    general = refusal_reason("no_such_code")
    assert general == "The server refused this operation."
    for code in (
        "invalid",
        "stale_edit",
        "wrong_branch",
        "unknown_op",
        "unsupported_version",
        "device_seq_reused",
        "too_large",
        "unknown_order",
        "unknown_product",
        "conflict",
        "duplicate_invoice_no",
        "not_permitted",
    ):
        assert refusal_reason(code) != general, code
    assert op_type_name("order.completed") == "Sale"
    assert op_type_name("something.new") == "something.new"


def test_zh_tw_tooltip_words_an_offline_code_in_chinese(
    qtbot: QtBot, shop_context: ShopContext
) -> None:
    """Needs the coordinator's ``make translations``; fails until zh_TW is translated."""
    bar = _bar(qtbot, shop_context)
    english = sync_problem("unreachable")
    i18n.switch_language(i18n.ZH_TW)
    bar.show_status(
        _status(state="offline", online=False, error_code="unreachable", last_error=LOG_ONLY)
    )
    tooltip = bar.state_label.toolTip()
    chinese = sync_problem("unreachable")
    assert chinese != english
    assert _has_chinese(chinese)
    assert chinese in tooltip
    assert english not in tooltip
    assert LOG_ONLY not in tooltip
    assert all(_has_chinese(line) for line in tooltip.splitlines())


def test_zh_tw_unknown_code_falls_back_to_a_chinese_sentence(
    qtbot: QtBot, shop_context: ShopContext
) -> None:
    """Needs the coordinator's ``make translations``; fails until zh_TW is translated."""
    bar = _bar(qtbot, shop_context)
    i18n.switch_language(i18n.ZH_TW)
    bar.show_status(_status(state="idle", online=True, error_code="from_the_future"))
    tooltip = bar.state_label.toolTip()
    assert tooltip == sync_problem("from_the_future")
    assert _has_chinese(tooltip)
    assert _has_chinese(refusal_reason("stale_edit"))
    assert _has_chinese(refusal_reason("from_the_future"))
