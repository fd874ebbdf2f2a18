"""What a crash or a log-out must not cost the till: open carts, wallet money, a quick commit.

The whole client is started on a real demo database and logged into by
typing, as a cashier does; what reached the disk is read back with SQL of
this test's own or by starting another client on a copy of the files.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pytestqt.qtbot import QtBot
from tests.ui.test_register import add, open_register, products
from tests.ui.test_startup import log_in_by_typing, wait_for_login

from shop_desktop.data.db import Database
from shop_desktop.domain.money import TWD
from shop_desktop.services.wallets import (
    RecoveryReport,
    WalletCharge,
    WalletKind,
    WalletOutcome,
    WalletProvider,
    make_provider,
)
from shop_desktop.ui.application import ShopDesktop
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.idle_checkpoints import IdleCheckpoints
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.sell.register import Register
from shop_desktop.ui.tasks import BackgroundOp

if TYPE_CHECKING:
    from tests.services import wallet_gateway as gw
    from tests.ui.conftest import StaffContext
else:
    import wallet_gateway as gw  # loaded by path in tests/conftest.py

WAIT_MS = 60_000
StartShop = Callable[..., ShopDesktop]


def register_of(window: MainWindow) -> Register:
    place = window.place(SellPlace.key)
    assert isinstance(place, SellPlace)
    return place.register


def reopened(qtbot: QtBot, register: Register) -> Register:
    qtbot.waitUntil(lambda: register.carts_reopened, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: register.rules is not None, timeout=WAIT_MS)
    return register


def tabs(register: Register) -> list[tuple[str, list[tuple[str, int]]]]:
    """Each tab's cart: its id and its lines (SKU, quantity in thousandths)."""
    return [
        (str(panel.cart.cart_id), [(i.product.sku, i.qty_milli) for i in panel.cart.items])
        for panel in register.panels()
    ]


def saved(path: Path) -> list[tuple[str, int]]:
    """What is on disk: each saved cart's id and number of lines, in tab order."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT id, json_array_length(payload, '$.items') FROM open_carts ORDER BY position"
        ).fetchall()
    finally:
        conn.close()
    return [(str(uuid.UUID(hex=cart_id)), lines) for cart_id, lines in rows]


def test_open_carts_survive_a_crash(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path, demo_db: Database, tmp_path: Path
) -> None:
    first, second, third = products(demo_db, 3)
    desktop = start_shop(db=demo_db_path)
    register = reopened(qtbot, register_of(log_in_by_typing(qtbot, desktop, "cashier", "cashier")))
    add(qtbot, register, first)
    add(qtbot, register, first)
    add(qtbot, register, second)
    register.new_cart()
    add(qtbot, register, third)
    before = tabs(register)
    assert [len(lines) for _, lines in before] == [2, 1]
    # Saved as they changed, with no log-out or quit.
    expected = [(cart_id, len(lines)) for cart_id, lines in before]
    qtbot.waitUntil(lambda: saved(demo_db_path) == expected, timeout=WAIT_MS)

    # The power goes: what is on disk now is all the next start gets.
    crashed = tmp_path / "after-crash"
    crashed.mkdir()
    for suffix in ("", "-wal"):
        source = Path(f"{demo_db_path}{suffix}")
        if source.exists():
            shutil.copyfile(source, crashed / f"shop.db{suffix}")

    again = start_shop(db=crashed / "shop.db", data_dir=tmp_path / "data-again")
    back = reopened(qtbot, register_of(log_in_by_typing(qtbot, again, "cashier", "cashier")))
    assert tabs(back) == before
    assert back.tabs.currentIndex() == 0
    bills = [panel.bill for panel in (back.panels()[0], register.panels()[0])]
    assert bills[0] is not None
    assert bills[1] is not None
    assert bills[0].total_minor == bills[1].total_minor


def test_open_carts_are_parked_at_a_log_out_not_reopened(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path, demo_db: Database
) -> None:
    (item,) = products(demo_db, 1)
    desktop = start_shop(db=demo_db_path)
    window = log_in_by_typing(qtbot, desktop, "cashier", "cashier")
    register = reopened(qtbot, register_of(window))
    # The cashier logs out within the moment before a change is saved on its own.
    register._autosave.setInterval(3_600_000)
    add(qtbot, register, item)
    before = tabs(register)
    assert saved(demo_db_path) == []
    with qtbot.waitSignal(desktop.login_shown, timeout=WAIT_MS):
        window.log_out()

    # Another cashier at this till starts with an empty cart...
    other = reopened(
        qtbot, register_of(log_in_by_typing(qtbot, desktop, "supervisor", "supervisor"))
    )
    assert [lines for _, lines in tabs(other)] == [[]]
    assert desktop.main_window is not None
    with qtbot.waitSignal(desktop.login_shown, timeout=WAIT_MS):
        desktop.main_window.log_out()

    # ...and the first one finds it parked, not as an open tab (never both).
    wait_for_login(qtbot, desktop)
    back = reopened(qtbot, register_of(log_in_by_typing(qtbot, desktop, "cashier", "cashier")))
    assert [lines for _, lines in tabs(back)] == [[]]
    assert back.parked_waiting == 1
    with qtbot.waitSignal(back.cart_changed, timeout=WAIT_MS):
        back.recall_cart(uuid.UUID(before[0][0]))
    qtbot.waitUntil(lambda: tabs(back) == before, timeout=WAIT_MS)

    # Emptied carts are forgotten: a paid or cleared cart does not come back.
    qtbot.waitUntil(lambda: len(saved(demo_db_path)) == 1, timeout=WAIT_MS)
    back.panel().cart.remove(back.panel().cart.items[0].line_id)
    back.reprice()
    qtbot.waitUntil(lambda: saved(demo_db_path) == [], timeout=WAIT_MS)


# --- wallet charges left open by the last run ---------------------------------------


def wallets_at(
    gateway: gw.AlipayGateway, url: str | None = None
) -> Callable[[WalletKind], WalletProvider]:
    settings = gateway.settings()
    if url is not None:
        settings = settings.__class__(**{**settings.__dict__, "gateway_url": url})

    def provider(kind: WalletKind) -> WalletProvider:
        return make_provider(kind, settings, timing=gw.TEST_TIMING)

    return provider


def left_open_by_a_crash(database: Database, gateway: gw.AlipayGateway) -> str:
    """A charge the gateway took, recorded by a run of the till that then died."""
    number = f"{uuid.uuid4().hex[:26]}01"
    charge = WalletCharge(
        out_trade_no=number,
        amount_minor=150,
        currency=TWD,
        auth_code=gw.alipay_code("0"),
        subject="Shop Desktop",
    )
    result = wallets_at(gateway)(WalletKind.ALIPAY).charge(
        charge, cancelled=lambda: False, on_status=lambda _status: None
    )
    assert result.outcome is WalletOutcome.PAID
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO wallet_charges (out_trade_no, provider, amount_minor, currency_code,"
            " transaction_id, state, run_id, started_at, updated_at, checks, problem)"
            " VALUES (?, 'alipay', 150, 'TWD', ?, 'paid', 'a run that died',"
            " '2026-11-20 03:00:00.000000', '2026-11-20 03:00:00.000000', 0, '')",
            (number, result.transaction_id),
        )
    return number


def state_of(database: Database, number: str) -> Any:
    with database.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT state FROM wallet_charges WHERE out_trade_no = ?", (number,)
        ).scalar()


@pytest.fixture
def cashier(staff_context: StaffContext) -> ShopContext:
    return staff_context("cashier")


def test_a_wallet_charge_left_open_is_refunded_before_the_till_takes_a_payment(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database, alipay_gateway: gw.AlipayGateway
) -> None:
    number = left_open_by_a_crash(demo_db, alipay_gateway)
    (item,) = products(demo_db, 1)
    # The gateway answers only when the test says, so the till is caught in between.
    answer = threading.Event()
    provider_for = wallets_at(alipay_gateway)

    def slow_wallets(kind: WalletKind) -> WalletProvider:
        assert answer.wait(WAIT_MS / 1000)
        return provider_for(kind)

    cashier.wallet_provider = slow_wallets
    register = open_register(qtbot, cashier)
    notices: list[str] = []
    problems: list[str] = []
    register.notice.connect(notices.append)
    register.problem.connect(problems.append)
    add(qtbot, register, item)
    assert register.settling_wallets
    assert register.pay() is None
    assert "being checked" in problems[-1]

    with qtbot.waitSignal(register.wallet_charges_checked, timeout=WAIT_MS) as checked:
        answer.set()
    assert checked.args == [RecoveryReport(refunded=(number,))]
    assert alipay_gateway.trade(number).status is gw.TradeStatus.REFUNDED
    assert state_of(demo_db, number) == "reversed"
    assert number in notices[-1]
    assert not register.settling_wallets
    dialog = register.pay()
    assert dialog is not None
    dialog.reject()


def test_a_wallet_charge_the_gateway_cannot_answer_for_is_shown_and_tried_again(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database, alipay_gateway: gw.AlipayGateway
) -> None:
    number = left_open_by_a_crash(demo_db, alipay_gateway)
    cashier.wallet_provider = wallets_at(alipay_gateway, "http://127.0.0.1:9/gateway.do")
    register = Register(cashier)
    qtbot.addWidget(register)
    problems: list[str] = []
    register.problem.connect(problems.append)
    with qtbot.waitSignal(register.wallet_charges_checked, timeout=WAIT_MS) as checked:
        pass
    report = checked.args[0]
    assert isinstance(report, RecoveryReport)
    assert [c.out_trade_no for c in report.waiting] == [number]
    assert number in problems[-1]
    assert "NT$150" in problems[-1]
    assert state_of(demo_db, number) == "paid"
    # The till sells meanwhile; the charge is asked about again later.
    assert not register.settling_wallets
    assert register._wallet_retry.isActive()

    cashier.wallet_provider = wallets_at(alipay_gateway)
    with qtbot.waitSignal(register.wallet_charges_checked, timeout=WAIT_MS) as again:
        register._wallet_retry.timeout.emit()
    assert again.args == [RecoveryReport(refunded=(number,))]
    assert alipay_gateway.trade(number).status is gw.TradeStatus.REFUNDED


# --- the WAL folded when the till rests ---------------------------------------------


def wal_frames(database: Database) -> int:
    wal = Path(f"{database.path}-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return 0
    page_size = int.from_bytes(wal.read_bytes()[8:12], "big")
    return (wal.stat().st_size - 32) // (page_size + 24)


def test_the_register_folds_the_wal_when_idle_after_sales_and_at_log_out(
    qtbot: QtBot, cashier: ShopContext, demo_db: Database
) -> None:
    register = open_register(qtbot, cashier)
    reopened(qtbot, register)
    # Quicker ones than the register's own, which rest meanwhile; no reader holds
    # an old snapshot, so each checkpoint can fold everything.
    register.checkpoints.stop()
    qtbot.waitUntil(lambda: not BackgroundOp.running(), timeout=WAIT_MS)
    checkpoints = IdleCheckpoints(demo_db, register, idle_ms=3_600_000, every_sales=3)
    with demo_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0

    seen: list[object] = []
    checkpoints.checkpointed.connect(seen.append)
    checkpoints.sale_committed()
    checkpoints.sale_committed()
    assert seen == []
    with qtbot.waitSignal(checkpoints.checkpointed, timeout=WAIT_MS) as third:
        checkpoints.sale_committed()
    assert third.args[0].checkpointed == third.args[0].wal_frames

    quick = IdleCheckpoints(demo_db, register, idle_ms=10, every_sales=1000)
    with demo_db.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE products SET description = description || ' ' WHERE rowid <= 50"
        )
    assert wal_frames(demo_db) > 0
    with qtbot.waitSignal(quick.checkpointed, timeout=WAIT_MS) as idle:
        pass
    assert idle.args[0].wal_frames > 0
    assert idle.args[0].checkpointed == idle.args[0].wal_frames
    checkpoints.stop()
    quick.stop()

    with qtbot.waitSignal(register.checkpoints.checkpointed, timeout=WAIT_MS):
        register.leaving()
