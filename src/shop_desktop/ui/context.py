"""What every screen needs to know about the running shop, and the change hub."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from shop_desktop.data.db import Database
from shop_desktop.services.auth import StaffSession
from shop_desktop.services.wallets import (
    KeyringSecrets,
    RecordedWallet,
    WalletKind,
    WalletProvider,
    load_wallet_settings,
    make_provider,
)
from shop_desktop.ui.preferences import Preferences

#: Areas of data a write can change; screens refresh when theirs is named.
CATALOG = "catalog"
ORDERS = "orders"
MEMBERS = "members"
STAFF = "staff"


class ShopContext(QObject):
    """The open database, who is logged in, and where things are kept.

    Write ops announce what they changed through :attr:`data_changed`
    (Anki's ``operation_did_execute``), so each screen decides for itself
    whether to reload instead of every write knowing every screen.
    """

    #: A frozenset of area names (:data:`CATALOG`, :data:`ORDERS`, ...).
    data_changed = Signal(object)

    def __init__(
        self,
        *,
        database: Database,
        staff: StaffSession,
        preferences: Preferences,
        data_dir: Path,
        log_file: Path | None,
    ) -> None:
        super().__init__()
        self.database = database
        self.staff = staff
        self.preferences = preferences
        self.data_dir = data_dir
        self.log_file = log_file
        #: Makes the provider for a mobile wallet; called on a worker thread,
        #: because reading the OS keyring can wait on D-Bus. Tests point it
        #: at the gateway simulator.
        self.wallet_provider: Callable[[WalletKind], WalletProvider] = _configured_wallets(
            preferences.wallet_settings(), database
        )

    def reload_wallets(self) -> None:
        """After the wallet settings changed: the next payment uses them."""
        self.wallet_provider = _configured_wallets(
            self.preferences.wallet_settings(), self.database
        )

    def notify_changed(self, areas: frozenset[str]) -> None:
        self.data_changed.emit(areas)


def _configured_wallets(
    settings: Mapping[str, str], database: Database
) -> Callable[[WalletKind], WalletProvider]:
    def provider(kind: WalletKind) -> WalletProvider:
        alipay, wechat = load_wallet_settings(settings, KeyringSecrets())
        # Each charge is on disk before it is sent, so a crash mid-charge is settled later.
        return RecordedWallet(
            make_provider(kind, alipay if kind is WalletKind.ALIPAY else wechat), database
        )

    return provider
