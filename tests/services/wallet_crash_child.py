"""A till that dies during a wallet charge, started as ``python wallet_crash_child.py``.

Like ``crash_child.py`` it is a zygote: it imports the till's code once, then
for each line ``DB CONFIG STOP`` read on stdin forks one till, writes
``pid PID``, and when that till has died writes ``exit STATUS`` (the raw
``waitpid`` status). The till rings up one product of the demo shop, charges it through the recorded
wallet provider (``services.wallets.RecordedWallet``, real signing against the
simulated gateway named in CONFIG), and commits the sale, as the checkout does.
At each step it writes ``phase NAME OUT_TRADE_NO`` on stdout; at the phase
named STOP it stops and waits to be killed (the test sends SIGKILL as soon as
it reads that line, so the kill lands exactly there, whatever the machine's
speed):

* ``sending``: the record is on disk, the pay request not yet sent;
* ``waiting_for_user``: the gateway has the trade, the customer is confirming;
* ``paid``: the gateway charged the customer, the sale is not committed;
* ``committed``: the sale with its wallet payment is committed.

CONFIG is JSON: ``kind`` (alipay/wechat), ``settings`` (the gateway's
settings as a dict), ``timing`` (a WalletTiming as a dict) and ``auth_code``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from shop_desktop.data.db import open_database
from shop_desktop.data.models import PaymentMethod, Product
from shop_desktop.domain.cart import Cart
from shop_desktop.domain.money import currency
from shop_desktop.services.auth import log_in
from shop_desktop.services.checkout import DraftPayment, commit_sale
from shop_desktop.services.sale import cart_product, load_pricing_rules, price, sale_draft
from shop_desktop.services.wallets import (
    AlipaySettings,
    RecordedWallet,
    WalletCharge,
    WalletKind,
    WalletOutcome,
    WalletStatus,
    WalletTiming,
    WechatSettings,
    make_provider,
)


def till(db_path: Path, config_path: Path, stop_at: str) -> int:
    config = json.loads(config_path.read_text(encoding="utf-8"))
    kind = WalletKind(config["kind"])
    settings = (AlipaySettings if kind is WalletKind.ALIPAY else WechatSettings)(
        **config["settings"]
    )
    database = open_database(db_path)
    provider = RecordedWallet(
        make_provider(kind, settings, timing=WalletTiming(**config["timing"])), database
    )

    with database.session() as session:
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
    bill = price(
        cart,
        rules,
        currency_code=staff.currency_code,
        at=datetime.now().astimezone().replace(tzinfo=None),
    )
    out_trade_no = f"{cart.cart_id.hex[:26]}01"

    def reached(phase: str) -> None:
        print(f"phase {phase} {out_trade_no}", flush=True)
        if phase == stop_at:
            while True:  # until the SIGKILL
                signal.pause()

    def on_status(status: WalletStatus) -> None:
        reached(status.value)

    charge = WalletCharge(
        out_trade_no=out_trade_no,
        amount_minor=bill.total_minor,
        currency=currency(staff.currency_code),
        auth_code=config["auth_code"],
        subject=staff.branch_name_zh,
        store_id=staff.branch_code,
        terminal_id=staff.workstation_code,
        order_id=cart.cart_id,
    )
    result = provider.charge(charge, cancelled=lambda: False, on_status=on_status)
    if result.outcome is not WalletOutcome.PAID:
        print(f"not paid: {result}", file=sys.stderr, flush=True)
        return 3
    reached("paid")
    method = PaymentMethod.ALIPAY if kind is WalletKind.ALIPAY else PaymentMethod.WECHAT
    draft = sale_draft(
        cart,
        bill,
        [DraftPayment(method, bill.total_minor, reference=result.transaction_id)],
        staff_id=staff.staff_id,
    )
    with database.session() as session:
        commit_sale(session, draft)
    reached("committed")
    return 0


def zygote() -> int:
    for line in sys.stdin:
        db_path, config_path, stop_at = line.split()
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            print(f"pid {os.getpid()}", flush=True)
            code = 1
            try:
                code = till(Path(db_path), Path(config_path), stop_at)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(zygote())
