"""Alipay and WeChat Pay payment codes (付款碼) charged at the till.

The checkout codes against these names only; the gateways' SDKs are imported
when :func:`make_provider` first builds a provider.
"""

from shop_desktop.services.wallets.base import (
    WalletCharge,
    WalletError,
    WalletErrorReason,
    WalletKind,
    WalletOutcome,
    WalletProvider,
    WalletResult,
    WalletStatus,
    WalletTiming,
    detect_wallet,
    normalize_payment_code,
)
from shop_desktop.services.wallets.config import (
    KEYRING_SERVICE,
    AlipaySettings,
    KeyringSecrets,
    SecretStore,
    WechatSettings,
    load_wallet_settings,
    make_provider,
    missing_wallet_settings,
)
from shop_desktop.services.wallets.journal import (
    RecordedWallet,
    RecoveryReport,
    UnsettledCharge,
    recover_wallet_charges,
    unsettled_wallet_charges,
)

__all__ = [
    "KEYRING_SERVICE",
    "AlipaySettings",
    "KeyringSecrets",
    "RecordedWallet",
    "RecoveryReport",
    "SecretStore",
    "UnsettledCharge",
    "WalletCharge",
    "WalletError",
    "WalletErrorReason",
    "WalletKind",
    "WalletOutcome",
    "WalletProvider",
    "WalletResult",
    "WalletStatus",
    "WalletTiming",
    "WechatSettings",
    "detect_wallet",
    "load_wallet_settings",
    "make_provider",
    "missing_wallet_settings",
    "normalize_payment_code",
    "recover_wallet_charges",
    "unsettled_wallet_charges",
]
