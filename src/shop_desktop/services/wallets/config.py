"""Where the wallets' settings and keys come from, and building a provider from them.

Ids, serial numbers and gateway URLs are not secret and live with the app's
other settings (the ``*_SETTING`` names below).  Private keys, the gateways'
public keys and the APIv3 key are kept in the operating system's keyring
(the ``*_ENTRY`` names, service ``shop-desktop``), never in the settings file
or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from shop_desktop.services.wallets.base import (
    WalletError,
    WalletErrorReason,
    WalletKind,
    WalletProvider,
    WalletTiming,
)

KEYRING_SERVICE = "shop-desktop"

ALIPAY_GATEWAY = "https://openapi.alipay.com/gateway.do"
WECHAT_GATEWAY = "https://api.mch.weixin.qq.com"

# Non-secret settings, as keys of the app's settings.
ALIPAY_APP_ID_SETTING = "wallets/alipay/app_id"
ALIPAY_GATEWAY_SETTING = "wallets/alipay/gateway_url"
ALIPAY_SIGN_TYPE_SETTING = "wallets/alipay/sign_type"
WECHAT_MCH_ID_SETTING = "wallets/wechat/mch_id"
WECHAT_APP_ID_SETTING = "wallets/wechat/app_id"
WECHAT_GATEWAY_SETTING = "wallets/wechat/gateway_url"
WECHAT_CERT_SERIAL_SETTING = "wallets/wechat/merchant_cert_serial_no"
WECHAT_PUBLIC_KEY_ID_SETTING = "wallets/wechat/wechatpay_public_key_id"

# Secrets, as entry (user) names in the keyring.
ALIPAY_APP_PRIVATE_KEY_ENTRY = "alipay/app_private_key"
ALIPAY_PUBLIC_KEY_ENTRY = "alipay/alipay_public_key"
WECHAT_MERCHANT_PRIVATE_KEY_ENTRY = "wechat/merchant_private_key"
WECHAT_APIV3_KEY_ENTRY = "wechat/apiv3_key"
WECHAT_PUBLIC_KEY_ENTRY = "wechat/wechatpay_public_key"


@dataclass(frozen=True)
class AlipaySettings:
    app_id: str
    gateway_url: str
    app_private_key_pem: str
    alipay_public_key_pem: str
    sign_type: str = "RSA2"


@dataclass(frozen=True)
class WechatSettings:
    mch_id: str
    app_id: str
    gateway_url: str
    merchant_private_key_pem: str
    merchant_cert_serial_no: str
    apiv3_key: str
    wechatpay_public_key_pem: str
    wechatpay_public_key_id: str


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...


class KeyringSecrets:
    """Secrets in the operating system's keyring, under the service ``shop-desktop``.

    A keyring that is missing or locked raises WalletError(NOT_CONFIGURED):
    to the cashier the wallet is not usable until someone sets it up.
    """

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service

    def get(self, name: str) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            value = keyring.get_password(self.service, name)
        except KeyringError as exc:
            raise WalletError(WalletErrorReason.NOT_CONFIGURED, detail=f"keyring: {exc}") from exc
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str) -> None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(self.service, name, value)
        except KeyringError as exc:
            raise WalletError(WalletErrorReason.NOT_CONFIGURED, detail=f"keyring: {exc}") from exc


def _setting(values: Mapping[str, str], name: str) -> str:
    value = values.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _secret(secrets: SecretStore, name: str) -> str:
    # Kept as stored (a PEM ends with a newline); only blank counts as missing.
    value = secrets.get(name) or ""
    return value if value.strip() else ""


def _alipay_values(non_secret: Mapping[str, str], secrets: SecretStore) -> dict[str, str]:
    return {
        ALIPAY_APP_ID_SETTING: _setting(non_secret, ALIPAY_APP_ID_SETTING),
        ALIPAY_APP_PRIVATE_KEY_ENTRY: _secret(secrets, ALIPAY_APP_PRIVATE_KEY_ENTRY),
        ALIPAY_PUBLIC_KEY_ENTRY: _secret(secrets, ALIPAY_PUBLIC_KEY_ENTRY),
    }


def _wechat_values(non_secret: Mapping[str, str], secrets: SecretStore) -> dict[str, str]:
    return {
        WECHAT_MCH_ID_SETTING: _setting(non_secret, WECHAT_MCH_ID_SETTING),
        WECHAT_APP_ID_SETTING: _setting(non_secret, WECHAT_APP_ID_SETTING),
        WECHAT_CERT_SERIAL_SETTING: _setting(non_secret, WECHAT_CERT_SERIAL_SETTING),
        WECHAT_PUBLIC_KEY_ID_SETTING: _setting(non_secret, WECHAT_PUBLIC_KEY_ID_SETTING),
        WECHAT_MERCHANT_PRIVATE_KEY_ENTRY: _secret(secrets, WECHAT_MERCHANT_PRIVATE_KEY_ENTRY),
        WECHAT_APIV3_KEY_ENTRY: _secret(secrets, WECHAT_APIV3_KEY_ENTRY),
        WECHAT_PUBLIC_KEY_ENTRY: _secret(secrets, WECHAT_PUBLIC_KEY_ENTRY),
    }


def missing_wallet_settings(
    kind: WalletKind, non_secret: Mapping[str, str], secrets: SecretStore
) -> tuple[str, ...]:
    """Names of the settings and secrets still needed before ``kind`` can be used."""
    values = (
        _alipay_values(non_secret, secrets)
        if kind is WalletKind.ALIPAY
        else _wechat_values(non_secret, secrets)
    )
    return tuple(name for name, value in values.items() if not value)


def load_wallet_settings(
    non_secret: Mapping[str, str], secrets: SecretStore
) -> tuple[AlipaySettings | None, WechatSettings | None]:
    """Each wallet's settings, or None for a wallet that is not fully set up.

    A gateway URL left empty means the wallet's production gateway.
    """
    alipay: AlipaySettings | None = None
    values = _alipay_values(non_secret, secrets)
    if all(values.values()):
        alipay = AlipaySettings(
            app_id=values[ALIPAY_APP_ID_SETTING],
            gateway_url=_setting(non_secret, ALIPAY_GATEWAY_SETTING) or ALIPAY_GATEWAY,
            app_private_key_pem=values[ALIPAY_APP_PRIVATE_KEY_ENTRY],
            alipay_public_key_pem=values[ALIPAY_PUBLIC_KEY_ENTRY],
            sign_type=_setting(non_secret, ALIPAY_SIGN_TYPE_SETTING) or "RSA2",
        )
    wechat: WechatSettings | None = None
    values = _wechat_values(non_secret, secrets)
    if all(values.values()):
        wechat = WechatSettings(
            mch_id=values[WECHAT_MCH_ID_SETTING],
            app_id=values[WECHAT_APP_ID_SETTING],
            gateway_url=_setting(non_secret, WECHAT_GATEWAY_SETTING) or WECHAT_GATEWAY,
            merchant_private_key_pem=values[WECHAT_MERCHANT_PRIVATE_KEY_ENTRY],
            merchant_cert_serial_no=values[WECHAT_CERT_SERIAL_SETTING],
            apiv3_key=values[WECHAT_APIV3_KEY_ENTRY],
            wechatpay_public_key_pem=values[WECHAT_PUBLIC_KEY_ENTRY],
            wechatpay_public_key_id=values[WECHAT_PUBLIC_KEY_ID_SETTING],
        )
    return alipay, wechat


def make_provider(
    kind: WalletKind,
    settings: AlipaySettings | WechatSettings | None,
    *,
    timing: WalletTiming | None = None,
) -> WalletProvider:
    """The provider for ``kind``; WalletError(NOT_CONFIGURED) if its settings are missing or bad.

    Keys are loaded here, so a key that is not a valid PEM is found when the
    provider is made rather than at the customer's payment.
    """
    if settings is None:
        raise WalletError(WalletErrorReason.NOT_CONFIGURED, kind=kind, detail="no settings")
    if not settings.gateway_url.startswith(("https://", "http://")):
        raise WalletError(
            WalletErrorReason.NOT_CONFIGURED,
            kind=kind,
            detail=f"gateway URL {settings.gateway_url!r} is not http(s)",
        )
    # Imported here: the SDKs are slow to import and needed only once a wallet
    # is used (and each provider module imports its settings class from here).
    from shop_desktop.services.wallets.alipay import AlipayPayment
    from shop_desktop.services.wallets.wechat import WechatPayment

    try:
        if kind is WalletKind.ALIPAY and isinstance(settings, AlipaySettings):
            return AlipayPayment(settings, timing)
        if kind is WalletKind.WECHAT and isinstance(settings, WechatSettings):
            return WechatPayment(settings, timing)
    except Exception as exc:  # the SDKs raise ValueError or a bare Exception for a bad key
        raise WalletError(
            WalletErrorReason.NOT_CONFIGURED, kind=kind, detail=f"keys: {exc}"
        ) from exc
    raise TypeError(f"{type(settings).__name__} are not settings for {kind.value}")
