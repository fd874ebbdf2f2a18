"""Mobile wallet settings: a manager enters the merchant details, keys go to the keyring,
and the till's next payment uses them."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from pytestqt.qtbot import QtBot

from shop_desktop.domain.money import TWD
from shop_desktop.services.wallets import (
    KEYRING_SERVICE,
    WalletCharge,
    WalletKind,
    WalletOutcome,
)
from shop_desktop.services.wallets import config as names
from shop_desktop.ui.places.wallet_settings import SecretDialog, WalletSettings

if TYPE_CHECKING:
    from tests.conftest import MemoryKeyring
    from tests.services import wallet_gateway as gw
    from tests.ui.conftest import Dialogs, StaffContext
else:
    import wallet_gateway as gw  # loaded by path in tests/conftest.py

WAIT_MS = 20_000


def test_a_manager_sets_up_alipay_and_the_till_pays_with_it(
    qtbot: QtBot,
    staff_context: StaffContext,
    memory_keyring: MemoryKeyring,
    alipay_gateway: gw.AlipayGateway,
    dialogs: type[Dialogs],
) -> None:
    context = staff_context("manager")
    panel = WalletSettings(context)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: "Not ready" in panel.status[WalletKind.ALIPAY].text(), timeout=WAIT_MS)
    settings = alipay_gateway.settings()
    panel.edits[names.ALIPAY_APP_ID_SETTING].setText(settings.app_id)
    panel.edits[names.ALIPAY_GATEWAY_SETTING].setText(settings.gateway_url)
    panel.save()
    for entry, pem in (
        (names.ALIPAY_APP_PRIVATE_KEY_ENTRY, settings.app_private_key_pem),
        (names.ALIPAY_PUBLIC_KEY_ENTRY, settings.alipay_public_key_pem),
    ):

        def paste(dialog: SecretDialog, text: str = pem) -> None:
            dialog.text.setPlainText(text)
            dialog.accept()

        dialogs.answer(SecretDialog, paste)
        panel.secret_buttons[entry].click()
        qtbot.waitUntil(
            functools.partial(memory_keyring.entries.__contains__, (KEYRING_SERVICE, entry)),
            timeout=WAIT_MS,
        )
    qtbot.waitUntil(
        lambda: panel.status[WalletKind.ALIPAY].text() == "Ready to take payments.",
        timeout=WAIT_MS,
    )
    # Ids in the settings file, keys only in the keyring.
    ini = context.preferences.path.read_text(encoding="utf-8")
    assert settings.app_id in ini
    assert "PRIVATE KEY" not in ini
    # The next payment uses what was saved.
    provider = context.wallet_provider(WalletKind.ALIPAY)
    result = provider.charge(
        WalletCharge(
            out_trade_no="settings01",
            amount_minor=120,
            currency=TWD,
            auth_code=gw.alipay_code("0"),
            subject="test",
        ),
        cancelled=lambda: False,
        on_status=lambda _status: None,
    )
    assert result.outcome is WalletOutcome.PAID


def test_a_cashier_sees_the_wallets_but_cannot_change_them(
    qtbot: QtBot, staff_context: StaffContext, memory_keyring: MemoryKeyring
) -> None:
    panel = WalletSettings(staff_context("cashier"))
    qtbot.addWidget(panel)
    assert not panel.save_button.isEnabled()
    assert all(edit.isReadOnly() for edit in panel.edits.values())
    assert not any(button.isEnabled() for button in panel.secret_buttons.values())
    qtbot.waitUntil(lambda: "Not ready" in panel.status[WalletKind.WECHAT].text(), timeout=WAIT_MS)
