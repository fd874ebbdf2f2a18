"""A wallet charge interrupted by a crash is settled at the next start.

Each crash case runs ``wallet_crash_child.py`` as a real process on a real,
migrated demo database; it charges through the simulated gateway with real
signatures and is killed with SIGKILL at the phase it reports on its stdout
(never after a timer). Then the "next start" code,
``recover_wallet_charges``, runs in this process against the same file and
the same gateway, and the gateway's own record of the trade says what
happened to the customer's money. The rest checks the record kept around a
charge in the running till, without crashes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select
from tests.shop_rows import sql

from shop_desktop.data.db import Database, open_database
from shop_desktop.data.models import PaymentMethod, Product
from shop_desktop.domain.cart import Cart
from shop_desktop.domain.money import TWD
from shop_desktop.services.auth import log_in
from shop_desktop.services.checkout import DraftPayment, commit_sale
from shop_desktop.services.sale import cart_product, load_pricing_rules, price, sale_draft
from shop_desktop.services.wallets import (
    RecordedWallet,
    RecoveryReport,
    WalletCharge,
    WalletError,
    WalletErrorReason,
    WalletKind,
    WalletOutcome,
    WalletProvider,
    make_provider,
    recover_wallet_charges,
    unsettled_wallet_charges,
)

if TYPE_CHECKING:
    from tests.services import wallet_gateway as gw
else:
    import wallet_gateway as gw  # loaded by path in conftest.py

CHILD = Path(__file__).with_name("wallet_crash_child.py")
WALL = datetime(2026, 11, 20, 14, 30)  # noqa: DTZ001 - shop wall time, as promotions read it
Gateway = gw.AlipayGateway | gw.WechatGateway


def gateway_for(kind: WalletKind, alipay: gw.AlipayGateway, wechat: gw.WechatGateway) -> Gateway:
    return alipay if kind is WalletKind.ALIPAY else wechat


def code_for(kind: WalletKind, last_digit: str) -> str:
    return gw.alipay_code(last_digit) if kind is WalletKind.ALIPAY else gw.wechat_code(last_digit)


def wallets_at(gateway: Gateway, url: str | None = None) -> Callable[[WalletKind], WalletProvider]:
    settings = gateway.settings()
    if url is not None:
        settings = dataclasses.replace(settings, gateway_url=url)

    def provider(kind: WalletKind) -> WalletProvider:
        return make_provider(kind, settings, timing=gw.TEST_TIMING)

    return provider


class Tills:
    """The zygote of ``wallet_crash_child.py``: forks one till per crash."""

    def __init__(self, errors: Path) -> None:
        self._errors = errors.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
        )
        self.errors = errors

    def _line(self) -> list[str]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the till's zygote died: {self.errors.read_text()}")
        return line.split()

    def crash(
        self, tmp_path: Path, db_path: Path, gateway: Gateway, kind: WalletKind, code: str,
        stop_at: str,
    ) -> str:  # fmt: skip
        """Run a till until it reports ``stop_at``, kill it there; its trade number."""
        config = tmp_path / f"wallet-{stop_at}.json"
        config.write_text(
            json.dumps(
                {
                    "kind": kind.value,
                    "settings": dataclasses.asdict(gateway.settings()),
                    "timing": dataclasses.asdict(gw.TEST_TIMING),
                    "auth_code": code,
                }
            ),
            encoding="utf-8",
        )
        assert self.process.stdin is not None
        self.process.stdin.write(f"{db_path} {config} {stop_at}\n")
        self.process.stdin.flush()
        word, pid = self._line()
        assert word == "pid"
        phases: list[str] = []
        number = ""
        while True:
            words = self._line()
            if words[0] == "exit":
                raise AssertionError(
                    f"the till ended before {stop_at}, after {phases}: {self.errors.read_text()}"
                )
            _, phase, number = words
            phases.append(phase)
            if phase == stop_at:
                break
        os.kill(int(pid), signal.SIGKILL)
        word, status = self._line()
        assert word == "exit"
        assert os.WIFSIGNALED(int(status))
        assert os.WTERMSIG(int(status)) == signal.SIGKILL
        assert phases[0] == "sending"
        return number

    def close(self) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()
        assert self.process.wait() == 0
        self.process.stdout.close()
        self._errors.close()


@pytest.fixture(scope="module")
def tills(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tills]:
    zygote = Tills(tmp_path_factory.mktemp("tills") / "errors.txt")
    yield zygote
    zygote.close()


def record(db: Database, out_trade_no: str) -> dict[str, Any]:
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT state, transaction_id, settled_at, checks, order_id, amount_minor"
            " FROM wallet_charges WHERE out_trade_no = ?",
            (out_trade_no,),
        ).one()
    return dict(row._mapping)


def orders_with(db: Database, out_trade_no: str) -> int:
    cart_prefix = out_trade_no[:26]
    return int(sql(db, "SELECT count(*) FROM orders WHERE id LIKE ?", f"{cart_prefix}%")[0][0])


@pytest.fixture(params=[WalletKind.ALIPAY, WalletKind.WECHAT], ids=lambda kind: kind.value)
def kind(request: pytest.FixtureRequest) -> WalletKind:
    value = request.param
    assert isinstance(value, WalletKind)
    return value


# --- killed during the charge ---------------------------------------------------------


def test_killed_after_the_gateway_charged_the_next_start_refunds_it(
    tills: Tills,
    tmp_path: Path,
    demo_db_path: Path,
    kind: WalletKind,
    alipay_gateway: gw.AlipayGateway,
    wechat_gateway: gw.WechatGateway,
) -> None:
    gateway = gateway_for(kind, alipay_gateway, wechat_gateway)
    number = tills.crash(tmp_path, demo_db_path, gateway, kind, code_for(kind, "0"), "paid")
    assert gateway.trade(number).status is gw.TradeStatus.PAID

    database = open_database(demo_db_path)  # the next start
    try:
        assert record(database, number)["state"] == "paid"
        assert orders_with(database, number) == 0
        report = recover_wallet_charges(database, wallets_at(gateway))
        assert report == RecoveryReport(refunded=(number,))
        assert gateway.trade(number).status is gw.TradeStatus.REFUNDED
        settled = record(database, number)
        assert settled["state"] == "reversed"
        assert settled["settled_at"] is not None
        # Safe to repeat: nothing is left to do, and reversing again changes nothing.
        reversals = len(gateway.calls("reverse"))
        assert recover_wallet_charges(database, wallets_at(gateway)) == RecoveryReport()
        assert len(gateway.calls("reverse")) == reversals
        assert wallets_at(gateway)(kind).reverse(number)
        assert gateway.trade(number).status is gw.TradeStatus.REFUNDED
    finally:
        database.dispose()


def test_killed_before_the_request_left_the_next_start_closes_it(
    tills: Tills, tmp_path: Path, demo_db_path: Path, alipay_gateway: gw.AlipayGateway
) -> None:
    number = tills.crash(
        tmp_path,
        demo_db_path,
        alipay_gateway,
        WalletKind.ALIPAY,
        gw.alipay_code("0"),
        "sending",
    )
    assert alipay_gateway.calls("pay") == []

    database = open_database(demo_db_path)
    try:
        assert record(database, number)["state"] == "sending"
        report = recover_wallet_charges(database, wallets_at(alipay_gateway))
        assert report == RecoveryReport(closed=(number,))
        assert [
            call.fields["biz_content"]["out_trade_no"] for call in alipay_gateway.calls("reverse")
        ] == [number]
        assert alipay_gateway.calls("pay") == []
        assert record(database, number)["state"] == "reversed"
    finally:
        database.dispose()


def test_killed_while_the_customer_confirms_the_next_start_closes_the_trade(
    tills: Tills, tmp_path: Path, demo_db_path: Path, wechat_gateway: gw.WechatGateway
) -> None:
    # Last digit 2: the customer never confirms in the app.
    number = tills.crash(
        tmp_path,
        demo_db_path,
        wechat_gateway,
        WalletKind.WECHAT,
        gw.wechat_code("2"),
        "waiting_for_user",
    )
    assert wechat_gateway.trade(number).status is gw.TradeStatus.PAYING

    database = open_database(demo_db_path)
    try:
        report = recover_wallet_charges(database, wallets_at(wechat_gateway))
        assert report == RecoveryReport(closed=(number,))
        assert wechat_gateway.trade(number).status is gw.TradeStatus.CLOSED
        assert record(database, number)["state"] == "reversed"
    finally:
        database.dispose()


def test_killed_after_the_sale_committed_the_next_start_keeps_the_payment(
    tills: Tills, tmp_path: Path, demo_db_path: Path, alipay_gateway: gw.AlipayGateway
) -> None:
    number = tills.crash(
        tmp_path,
        demo_db_path,
        alipay_gateway,
        WalletKind.ALIPAY,
        gw.alipay_code("1"),
        "committed",
    )
    database = open_database(demo_db_path)
    try:
        # Settled in the sale's own transaction, by the payment row.
        settled = record(database, number)
        assert settled["state"] == "sold"
        assert orders_with(database, number) == 1
        assert settled["order_id"] is not None
        assert recover_wallet_charges(database, wallets_at(alipay_gateway)) == RecoveryReport()
        assert alipay_gateway.trade(number).status is gw.TradeStatus.PAID
        assert alipay_gateway.calls("reverse") == []
    finally:
        database.dispose()


def test_an_unreachable_gateway_keeps_the_charge_for_later(
    tills: Tills, tmp_path: Path, demo_db_path: Path, alipay_gateway: gw.AlipayGateway
) -> None:
    number = tills.crash(
        tmp_path, demo_db_path, alipay_gateway, WalletKind.ALIPAY, gw.alipay_code("0"), "paid"
    )
    database = open_database(demo_db_path)
    try:
        offline = wallets_at(alipay_gateway, url="http://127.0.0.1:9/gateway.do")
        report = recover_wallet_charges(database, offline)
        assert [charge.out_trade_no for charge in report.waiting] == [number]
        assert report.waiting[0].checks == 1
        assert report.waiting[0].problem.startswith("not_sent")
        assert record(database, number)["state"] == "paid"
        with database.session() as session:
            shown = unsettled_wallet_charges(session)
        assert [(c.out_trade_no, c.kind, c.state) for c in shown] == [
            (number, WalletKind.ALIPAY, "paid")
        ]
        assert alipay_gateway.trade(number).status is gw.TradeStatus.PAID

        # The gateway is back: the next try gives the money back.
        later = recover_wallet_charges(database, wallets_at(alipay_gateway))
        assert later == RecoveryReport(refunded=(number,))
        assert alipay_gateway.trade(number).status is gw.TradeStatus.REFUNDED
    finally:
        database.dispose()


# --- the record kept by the running till ------------------------------------------------


def charge_for(code: str, number: str = "T0000000000000000000000000001") -> WalletCharge:
    return WalletCharge(
        out_trade_no=number,
        amount_minor=120,
        currency=TWD,
        auth_code=code,
        subject="Shop Desktop",
        store_id="TPE01",
        order_id=uuid.uuid4(),
    )


def test_each_answer_leaves_the_record_in_its_state(
    demo_db: Database, alipay_gateway: gw.AlipayGateway
) -> None:
    wallet = RecordedWallet(wallets_at(alipay_gateway)(WalletKind.ALIPAY), demo_db)
    cases = {"0": "paid", "3": "declined"}
    for digit, state in cases.items():
        number = f"T{digit}"
        result = wallet.charge(
            charge_for(gw.alipay_code(digit), number), cancelled=lambda: False, on_status=print
        )
        assert record(demo_db, number)["state"] == state, result
    assert record(demo_db, "T0")["transaction_id"] == alipay_gateway.trade("T0").transaction_id

    # The cashier removes the wallet payment: given back, the record says so.
    assert wallet.reverse("T0")
    assert record(demo_db, "T0")["state"] == "reversed"

    # Nothing could be sent: nothing was charged.
    offline = RecordedWallet(
        wallets_at(alipay_gateway, "http://127.0.0.1:9/gateway.do")(WalletKind.ALIPAY), demo_db
    )
    with pytest.raises(WalletError) as raised:
        offline.charge(
            charge_for(gw.alipay_code("0"), "T9"), cancelled=lambda: False, on_status=print
        )
    assert raised.value.reason is WalletErrorReason.OFFLINE
    assert record(demo_db, "T9")["state"] == "reversed"


def test_the_running_tills_own_charges_are_left_alone(
    demo_db: Database, alipay_gateway: gw.AlipayGateway
) -> None:
    wallet = RecordedWallet(wallets_at(alipay_gateway)(WalletKind.ALIPAY), demo_db)
    result = wallet.charge(
        charge_for(gw.alipay_code("0"), "T1"), cancelled=lambda: False, on_status=print
    )
    assert result.outcome is WalletOutcome.PAID
    # The checkout still holds this payment for a sale about to commit.
    assert recover_wallet_charges(demo_db, wallets_at(alipay_gateway)) == RecoveryReport()
    assert alipay_gateway.trade("T1").status is gw.TradeStatus.PAID
    # Another run (the next start) settles it.
    report = recover_wallet_charges(demo_db, wallets_at(alipay_gateway), this_run="next")
    assert report == RecoveryReport(refunded=("T1",))


def test_a_sale_found_under_the_gateways_number_is_kept_even_if_the_record_missed_it(
    demo_db: Database, alipay_gateway: gw.AlipayGateway
) -> None:
    """The record never heard "paid" (its update failed), but the sale committed."""
    with demo_db.session() as session:
        staff = log_in(session, "cashier", "cashier")
        product_id = session.scalar(
            select(Product.id)
            .where(Product.active, Product.weighed.is_(False), Product.price_minor > 0)
            .order_by(Product.sku)
            .limit(1)
        )
        assert product_id is not None
        cart = Cart()
        cart.add(cart_product(session, product_id))
        rules = load_pricing_rules(session)
    bill = price(cart, rules, currency_code=staff.currency_code, at=WALL)
    number = f"{cart.cart_id.hex[:26]}01"
    paid = wallets_at(alipay_gateway)(WalletKind.ALIPAY).charge(
        dataclasses.replace(charge_for(gw.alipay_code("0"), number), amount_minor=bill.total_minor),
        cancelled=lambda: False,
        on_status=print,
    )
    with demo_db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO wallet_charges (out_trade_no, provider, amount_minor, currency_code,"
            " transaction_id, state, run_id, started_at, updated_at, checks, problem)"
            " VALUES (?, 'alipay', ?, 'TWD', '', 'sending', 'a run that died',"
            " '2026-11-20 03:00:00.000000', '2026-11-20 03:00:00.000000', 0, '')",
            (number, bill.total_minor),
        )
    payment = DraftPayment(PaymentMethod.ALIPAY, bill.total_minor, reference=paid.transaction_id)
    with demo_db.session() as session:
        commit_sale(session, sale_draft(cart, bill, [payment], staff_id=staff.staff_id))
    assert record(demo_db, number)["state"] == "sending"  # the trigger could not match it

    report = recover_wallet_charges(demo_db, wallets_at(alipay_gateway))
    assert report == RecoveryReport(sold=(number,))
    assert record(demo_db, number)["state"] == "sold"
    assert alipay_gateway.trade(number).status is gw.TradeStatus.PAID
    assert alipay_gateway.calls("reverse") == []
