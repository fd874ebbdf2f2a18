"""Alipay and WeChat Pay payment codes against the simulated gateways, over real HTTP.

The gateways (``wallet_gateway.py``) check the SDK's request signatures and
sign their answers with keys made for this test session, so a test passes
only if signing and verification are real.  A payment code's last digit picks
what the customer and the network do (see ``BEHAVIOUR_BY_LAST_DIGIT``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

import keyring
import pytest
from hypothesis import given
from hypothesis import strategies as st
from keyring.backend import KeyringBackend
from keyring.backends import fail

from shop_desktop.domain.money import CNY, JPY, TWD, Currency, Money
from shop_desktop.services.wallets import (
    KEYRING_SERVICE,
    AlipaySettings,
    KeyringSecrets,
    WalletCharge,
    WalletError,
    WalletErrorReason,
    WalletKind,
    WalletOutcome,
    WalletProvider,
    WalletResult,
    WalletStatus,
    WalletTiming,
    WechatSettings,
    detect_wallet,
    load_wallet_settings,
    make_provider,
    missing_wallet_settings,
)
from shop_desktop.services.wallets import config as wallet_config
from shop_desktop.services.wallets.base import gateway_major_text, gateway_minor_units

if TYPE_CHECKING:
    from tests.conftest import MemoryKeyring
    from tests.services import wallet_gateway as gw
else:
    import wallet_gateway as gw  # loaded by path in conftest.py


@dataclass
class Till:
    """One provider wired to one simulated gateway, remembering what it reported."""

    kind: WalletKind
    gateway: gw.AlipayGateway | gw.WechatGateway
    provider: WalletProvider
    statuses: list[WalletStatus] = field(default_factory=list)

    def code(self, last_digit: str) -> str:
        if self.kind is WalletKind.ALIPAY:
            return gw.alipay_code(last_digit)
        return gw.wechat_code(last_digit)

    def charge(
        self,
        auth_code: str,
        *,
        out_trade_no: str = "S001_1",
        amount_minor: int = 1250,
        currency: Currency = CNY,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> WalletResult:
        charge = WalletCharge(
            out_trade_no=out_trade_no,
            amount_minor=amount_minor,
            currency=currency,
            auth_code=auth_code,
            subject="Shop Desktop 台北店",
            store_id="TPE01",
            terminal_id="POS2",
        )
        return self.provider.charge(charge, cancelled=cancelled, on_status=self.statuses.append)

    def apis(self) -> list[str]:
        return [request.api for request in self.gateway.requests]


@functools.cache
def _provider(
    kind: WalletKind, settings: AlipaySettings | WechatSettings, timing: WalletTiming
) -> WalletProvider:
    # Loading RSA keys takes the SDKs tens of milliseconds; providers hold no
    # state between charges, so tests share them.
    return make_provider(kind, settings, timing=timing)


def make_till(
    kind: WalletKind,
    gateway: gw.AlipayGateway | gw.WechatGateway,
    timing: WalletTiming = gw.TEST_TIMING,
    settings: AlipaySettings | WechatSettings | None = None,
) -> Till:
    return Till(kind, gateway, _provider(kind, settings or gateway.settings(), timing))


@pytest.fixture(params=[WalletKind.ALIPAY, WalletKind.WECHAT], ids=lambda kind: kind.value)
def kind(request: pytest.FixtureRequest) -> WalletKind:
    value: WalletKind = request.param
    return value


@pytest.fixture
def gateway(
    kind: WalletKind, request: pytest.FixtureRequest
) -> gw.AlipayGateway | gw.WechatGateway:
    name = "alipay_gateway" if kind is WalletKind.ALIPAY else "wechat_gateway"
    value: gw.AlipayGateway | gw.WechatGateway = request.getfixturevalue(name)
    return value


@pytest.fixture
def till(kind: WalletKind, gateway: gw.AlipayGateway | gw.WechatGateway) -> Till:
    return make_till(kind, gateway)


# --- the customer pays, waits, declines ------------------------------------------


def test_a_code_that_pays_at_once_is_paid_with_the_gateways_trade_number(till: Till) -> None:
    result = till.charge(till.code("0"))

    trade = till.gateway.trade("S001_1")
    assert result == WalletResult(
        WalletOutcome.PAID, till.kind, "S001_1", transaction_id=trade.transaction_id
    )
    assert trade.status is gw.TradeStatus.PAID
    assert till.apis() == ["pay"]
    assert till.gateway.requests[0].signature_valid
    assert till.statuses == [WalletStatus.SENDING]


def test_a_customer_confirming_in_the_app_is_polled_until_paid(till: Till) -> None:
    result = till.charge(till.code("1"))  # "paying" for two queries, then paid

    assert result.outcome is WalletOutcome.PAID
    assert result.transaction_id == till.gateway.trade("S001_1").transaction_id
    assert till.apis() == ["pay", "query", "query", "query"]
    assert till.statuses == [WalletStatus.SENDING, WalletStatus.WAITING_FOR_USER]


def test_a_customer_who_never_confirms_times_out_and_the_trade_is_reversed(
    kind: WalletKind, gateway: gw.AlipayGateway | gw.WechatGateway
) -> None:
    till = make_till(kind, gateway, gw.SHORT_WAIT_TIMING)

    result = till.charge(till.code("2"))

    assert result.outcome is WalletOutcome.TIMED_OUT
    assert result.reversed
    assert result.provider_code in ("WAIT_BUYER_PAY", "USERPAYING")
    assert gateway.trade("S001_1").status is gw.TradeStatus.CLOSED
    # One last look before giving up, then the reversal.
    apis = till.apis()
    assert apis[0] == "pay"
    assert apis[-2:] == ["query", "reverse"]
    assert set(apis[1:-1]) == {"query"}
    assert till.statuses == [
        WalletStatus.SENDING,
        WalletStatus.WAITING_FOR_USER,
        WalletStatus.REVERSING,
    ]


def test_insufficient_balance_is_declined_with_the_providers_code(till: Till) -> None:
    result = till.charge(till.code("3"))

    expected_code = (
        "ACQ.BUYER_BALANCE_NOT_ENOUGH" if till.kind is WalletKind.ALIPAY else "NOTENOUGH"
    )
    assert result.outcome is WalletOutcome.DECLINED
    assert result.provider_code == expected_code
    assert result.provider_message  # the provider's own words, for the log
    assert result.transaction_id == ""
    assert till.apis() == ["pay"]


def test_the_cashier_cancelling_mid_wait_reverses_the_trade(till: Till) -> None:
    gateway = till.gateway
    gateway.script(till.code("0"), gw.Behaviour(paying_queries=gw.FOREVER))

    result = till.charge(till.code("0"), cancelled=lambda: bool(gateway.calls("query")))

    assert result.outcome is WalletOutcome.CANCELLED
    assert result.reversed
    assert gateway.trade("S001_1").status is gw.TradeStatus.CLOSED
    assert till.apis() == ["pay", "query", "reverse"]
    assert till.statuses[-1] is WalletStatus.REVERSING


def test_a_paid_charge_can_be_reversed_when_the_sale_cannot_be_kept(till: Till) -> None:
    assert till.charge(till.code("0")).outcome is WalletOutcome.PAID

    assert till.provider.reverse("S001_1")

    assert till.gateway.trade("S001_1").status is gw.TradeStatus.REFUNDED
    # Reversing again, or a trade the gateway never saw, is harmless.
    assert till.provider.reverse("S001_1")
    assert till.provider.reverse("NEVER_SENT")


def test_the_scanned_code_is_sent_as_plain_digits(till: Till) -> None:
    spaced = " " + " ".join(till.code("0")) + "\r\n"

    till.charge(spaced)

    assert till.gateway.trade("S001_1").auth_code == till.code("0")


def test_a_long_subject_is_cut_to_what_each_gateway_takes(
    alipay_gateway: gw.AlipayGateway, wechat_gateway: gw.WechatGateway
) -> None:
    subject = "珍珠奶茶大杯少冰" * 40  # 320 characters, 960 bytes of UTF-8
    for kind, gateway in ((WalletKind.ALIPAY, alipay_gateway), (WalletKind.WECHAT, wechat_gateway)):
        till = make_till(kind, gateway)
        charge = WalletCharge("S001_1", 1250, CNY, till.code("0"), subject, store_id="TPE01")
        result = till.provider.charge(charge, cancelled=lambda: False, on_status=lambda _: None)
        assert result.outcome is WalletOutcome.PAID

    alipay_subject = alipay_gateway.calls("pay")[0].fields["biz_content"]["subject"]
    wechat_description = wechat_gateway.calls("pay")[0].fields["description"]
    assert alipay_subject == subject[:256]
    assert subject.startswith(wechat_description)
    assert 120 < len(wechat_description.encode("utf-8")) <= 127


def test_alipay_posts_the_payment_code_instead_of_putting_it_in_the_url(
    alipay_gateway: gw.AlipayGateway,
) -> None:
    till = make_till(WalletKind.ALIPAY, alipay_gateway)

    till.charge(till.code("0"))

    pay = alipay_gateway.calls("pay")[0]
    assert pay.method == "POST"
    assert till.code("0") not in pay.path
    assert pay.fields["biz_content"]["scene"] == "bar_code"


def test_wechat_signs_in_public_key_mode(wechat_gateway: gw.WechatGateway) -> None:
    till = make_till(WalletKind.WECHAT, wechat_gateway)

    till.charge(till.code("0"))

    pay = wechat_gateway.calls("pay")[0]
    assert pay.headers["Wechatpay-Serial"] == wechat_gateway.public_key_id
    assert pay.headers["Authorization"].startswith("WECHATPAY2-SHA256-RSA2048 ")
    assert pay.fields["payer"] == {"auth_code": till.code("0")}
    assert pay.fields["scene_info"] == {"store_info": {"out_id": "TPE01"}, "device_id": "POS2"}


# --- the network and the gateway misbehave --------------------------------------


def test_a_gateway_that_cannot_be_reached_is_offline_and_nothing_was_sent(
    kind: WalletKind, wallet_keys: gw.WalletKeys
) -> None:
    gateway = (
        gw.AlipayGateway(wallet_keys)
        if kind is WalletKind.ALIPAY
        else gw.WechatGateway(wallet_keys)
    )
    with gateway:
        settings = gateway.settings()
    till = make_till(kind, gateway, settings=settings)  # nothing listens there any more

    with pytest.raises(WalletError) as caught:
        till.charge(till.code("0"))

    assert caught.value.reason is WalletErrorReason.OFFLINE
    assert caught.value.kind is kind
    assert not caught.value.reversed
    assert till.statuses == [WalletStatus.SENDING]


@pytest.mark.parametrize(
    "last_digit",
    ["4", "5", "6", "7", "8"],
    ids=["dropped", "http-500", "garbage", "truncated", "bad-signature"],
)
def test_answers_that_cannot_be_trusted_are_never_paid_and_the_trade_is_reversed(
    till: Till, last_digit: str
) -> None:
    # The gateway did take the customer's money; only its answers are lost.
    with pytest.raises(WalletError) as caught:
        till.charge(till.code(last_digit))

    assert caught.value.reason is WalletErrorReason.BAD_RESPONSE
    assert caught.value.reversed
    assert till.gateway.trade("S001_1").status is gw.TradeStatus.REFUNDED
    assert till.apis() == ["pay", "query", "query", "reverse"]
    assert till.statuses == [WalletStatus.SENDING, WalletStatus.QUERYING, WalletStatus.REVERSING]


def test_a_lost_answer_is_recovered_by_querying(till: Till) -> None:
    result = till.charge(till.code("9"))  # the pay answer is dropped, queries answer

    assert result.outcome is WalletOutcome.PAID
    assert result.transaction_id == till.gateway.trade("S001_1").transaction_id
    assert till.apis() == ["pay", "query"]


def test_the_reversal_is_retried_until_the_gateway_confirms(
    kind: WalletKind, gateway: gw.AlipayGateway | gw.WechatGateway
) -> None:
    till = make_till(kind, gateway, gw.SHORT_WAIT_TIMING)
    gateway.script(till.code("0"), gw.Behaviour(paying_queries=gw.FOREVER, reverse_failures=2))

    result = till.charge(till.code("0"))

    assert result.outcome is WalletOutcome.TIMED_OUT
    assert result.reversed
    assert len(gateway.calls("reverse")) == 3


def test_a_wait_that_cannot_be_reversed_says_so(
    kind: WalletKind, gateway: gw.AlipayGateway | gw.WechatGateway
) -> None:
    till = make_till(kind, gateway, gw.SHORT_WAIT_TIMING)
    gateway.script(
        till.code("0"), gw.Behaviour(paying_queries=gw.FOREVER, reverse_failures=gw.FOREVER)
    )

    result = till.charge(till.code("0"))

    # The customer may still confirm in the app: the cashier must look.
    assert result.outcome is WalletOutcome.TIMED_OUT
    assert not result.reversed
    assert len(gateway.calls("reverse")) == gw.SHORT_WAIT_TIMING.reverse_attempts


def test_no_trustworthy_answer_and_no_reversal_is_an_unknown_state(till: Till) -> None:
    till.gateway.script(
        till.code("0"), gw.Behaviour(fault=gw.Fault.HTTP_500, reverse_failures=gw.FOREVER)
    )

    with pytest.raises(WalletError) as caught:
        till.charge(till.code("0"))

    assert caught.value.reason is WalletErrorReason.UNKNOWN_STATE
    assert not caught.value.reversed
    assert till.gateway.trade("S001_1").status is gw.TradeStatus.PAID


# --- keys: signing and verification are real ---------------------------------------


def test_the_gateway_rejects_a_request_signed_with_the_wrong_key(
    kind: WalletKind, gateway: gw.AlipayGateway | gw.WechatGateway, wallet_keys: gw.WalletKeys
) -> None:
    if isinstance(gateway, gw.AlipayGateway):
        settings: AlipaySettings | WechatSettings = gateway.settings(
            app_private_key=wallet_keys.stranger
        )
    else:
        settings = gateway.settings(merchant_private_key=wallet_keys.stranger)
    till = make_till(kind, gateway, settings=settings)

    with pytest.raises(WalletError) as caught:
        till.charge(till.code("0"))

    assert caught.value.reason is WalletErrorReason.NOT_CONFIGURED
    expected = "isv.invalid-signature" if kind is WalletKind.ALIPAY else "SIGN_ERROR"
    assert caught.value.provider_code == expected
    assert [request.signature_valid for request in gateway.requests] == [False]
    assert gateway.trades == {}


def test_answers_signed_by_someone_else_are_never_believed(
    kind: WalletKind, gateway: gw.AlipayGateway | gw.WechatGateway, wallet_keys: gw.WalletKeys
) -> None:
    if isinstance(gateway, gw.AlipayGateway):
        settings: AlipaySettings | WechatSettings = gateway.settings(
            alipay_public_key=wallet_keys.stranger
        )
    else:
        settings = gateway.settings(wechatpay_public_key=wallet_keys.stranger)
    till = make_till(kind, gateway, settings=settings)

    with pytest.raises(WalletError) as caught:
        till.charge(till.code("0"))  # the gateway says "paid", correctly signed by itself

    # Not even the reversal's confirmation can be trusted.
    assert caught.value.reason is WalletErrorReason.UNKNOWN_STATE
    assert len(gateway.calls("reverse")) == gw.TEST_TIMING.reverse_attempts


# --- amounts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount_minor", "currency", "sent"),
    [
        (1250, CNY, ("12.50", 1250)),
        (1, CNY, ("0.01", 1)),
        (100, TWD, ("100.00", 10000)),  # TWD has cents in ISO 4217, not in the shop
        (1999, TWD, ("1999.00", 199900)),
        (500, JPY, ("500", 500)),
    ],
)
def test_amounts_are_sent_as_each_gateway_counts_them(
    alipay_gateway: gw.AlipayGateway,
    wechat_gateway: gw.WechatGateway,
    amount_minor: int,
    currency: Currency,
    sent: tuple[str, int],
) -> None:
    alipay_amount, wechat_total = sent
    make_till(WalletKind.ALIPAY, alipay_gateway).charge(
        gw.alipay_code("0"), amount_minor=amount_minor, currency=currency
    )
    make_till(WalletKind.WECHAT, wechat_gateway).charge(
        gw.wechat_code("0"), amount_minor=amount_minor, currency=currency
    )

    biz = alipay_gateway.calls("pay")[0].fields["biz_content"]
    assert biz["total_amount"] == alipay_amount
    assert biz.get("trans_currency", "CNY") == currency.code
    assert wechat_gateway.calls("pay")[0].fields["amount"] == {
        "total": wechat_total,
        "currency": currency.code,
    }


@given(st.integers(min_value=1, max_value=10**12))
def test_a_cny_amount_is_the_same_money_in_both_forms(amount_minor: int) -> None:
    text = gateway_major_text(amount_minor, CNY)

    assert Decimal(text) == Money(amount_minor, CNY).amount
    assert text == f"{Money(amount_minor, CNY).amount:f}"
    assert gateway_minor_units(amount_minor, CNY) == amount_minor


# --- payment codes and charges ------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("134567890123456789", WalletKind.WECHAT),
        ("104567890123456789", WalletKind.WECHAT),
        ("154567890123456789", WalletKind.WECHAT),
        ("164567890123456789", None),  # 16 is not a WeChat prefix
        ("13456789012345678", None),  # 17 digits
        ("1345678901234567890", None),  # 19 digits
        ("2876344382566439", WalletKind.ALIPAY),  # 16 digits, the shortest
        ("250000000000000000000000", WalletKind.ALIPAY),  # 24 digits, the longest
        ("300000000000000000", WalletKind.ALIPAY),
        ("287634438256643", None),  # 15 digits
        ("2500000000000000000000000", None),  # 25 digits
        ("240000000000000000", None),
        ("310000000000000000", None),
        (" 28763443825664394\r\n", WalletKind.ALIPAY),  # a scanner's Enter
        ("2876 3443 8256 6439 4", WalletKind.ALIPAY),  # typed from the app's screen
        ("１３４５６７８９０１２３４５６７８９", WalletKind.WECHAT),  # full-width digits
        ("١٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩", None),  # digits, but not ASCII ones
        ("13456789012345678a", None),
        ("-13456789012345678", None),
        ("4710088431234", None),  # a product's EAN-13 barcode
        ("", None),
        ("   ", None),
    ],
)
def test_detect_wallet(code: str, expected: WalletKind | None) -> None:
    assert detect_wallet(code) is expected


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"out_trade_no": ""}, ValueError),
        ({"out_trade_no": "A" * 33}, ValueError),
        ({"out_trade_no": "order-1"}, ValueError),  # Alipay takes no "-"
        ({"amount_minor": 0}, ValueError),
        ({"amount_minor": -100}, ValueError),
        ({"amount_minor": True}, TypeError),
    ],
)
def test_a_charge_the_gateways_would_refuse_is_refused_here(
    changes: dict[str, object], error: type[Exception]
) -> None:
    fields: dict[str, object] = {
        "out_trade_no": "S001_1",
        "amount_minor": 1250,
        "currency": CNY,
        "auth_code": gw.alipay_code("0"),
        "subject": "Shop",
    }
    with pytest.raises(error):
        WalletCharge(**{**fields, **changes})  # type: ignore[arg-type]


# --- settings and secrets -------------------------------------------------------------


def _stored_settings(
    alipay_gateway: gw.AlipayGateway, wechat_gateway: gw.WechatGateway
) -> tuple[dict[str, str], dict[str, str]]:
    """(app settings, keyring entries) as a set-up till would hold them."""
    alipay, wechat = alipay_gateway.settings(), wechat_gateway.settings()
    non_secret = {
        wallet_config.ALIPAY_APP_ID_SETTING: alipay.app_id,
        wallet_config.ALIPAY_GATEWAY_SETTING: alipay.gateway_url,
        wallet_config.WECHAT_MCH_ID_SETTING: wechat.mch_id,
        wallet_config.WECHAT_APP_ID_SETTING: wechat.app_id,
        wallet_config.WECHAT_GATEWAY_SETTING: wechat.gateway_url,
        wallet_config.WECHAT_CERT_SERIAL_SETTING: wechat.merchant_cert_serial_no,
        wallet_config.WECHAT_PUBLIC_KEY_ID_SETTING: wechat.wechatpay_public_key_id,
    }
    secrets = {
        wallet_config.ALIPAY_APP_PRIVATE_KEY_ENTRY: alipay.app_private_key_pem,
        wallet_config.ALIPAY_PUBLIC_KEY_ENTRY: alipay.alipay_public_key_pem,
        wallet_config.WECHAT_MERCHANT_PRIVATE_KEY_ENTRY: wechat.merchant_private_key_pem,
        wallet_config.WECHAT_APIV3_KEY_ENTRY: wechat.apiv3_key,
        wallet_config.WECHAT_PUBLIC_KEY_ENTRY: wechat.wechatpay_public_key_pem,
    }
    return non_secret, secrets


def test_settings_come_from_app_settings_and_secrets(
    alipay_gateway: gw.AlipayGateway, wechat_gateway: gw.WechatGateway
) -> None:
    non_secret, secrets = _stored_settings(alipay_gateway, wechat_gateway)

    alipay, wechat = load_wallet_settings(non_secret, gw.MemorySecrets(secrets))

    assert alipay == alipay_gateway.settings()
    assert wechat == wechat_gateway.settings()


def test_an_unset_gateway_url_means_the_production_gateway(
    alipay_gateway: gw.AlipayGateway, wechat_gateway: gw.WechatGateway
) -> None:
    non_secret, secrets = _stored_settings(alipay_gateway, wechat_gateway)
    del non_secret[wallet_config.ALIPAY_GATEWAY_SETTING]
    non_secret[wallet_config.WECHAT_GATEWAY_SETTING] = "  "

    alipay, wechat = load_wallet_settings(non_secret, gw.MemorySecrets(secrets))

    assert alipay is not None
    assert alipay.gateway_url == "https://openapi.alipay.com/gateway.do"
    assert wechat is not None
    assert wechat.gateway_url == "https://api.mch.weixin.qq.com"


def test_a_wallet_missing_a_secret_is_not_configured(
    alipay_gateway: gw.AlipayGateway, wechat_gateway: gw.WechatGateway
) -> None:
    non_secret, secrets = _stored_settings(alipay_gateway, wechat_gateway)
    del secrets[wallet_config.WECHAT_APIV3_KEY_ENTRY]
    store = gw.MemorySecrets(secrets)

    alipay, wechat = load_wallet_settings(non_secret, store)

    assert alipay is not None
    assert wechat is None
    assert missing_wallet_settings(WalletKind.WECHAT, non_secret, store) == (
        wallet_config.WECHAT_APIV3_KEY_ENTRY,
    )
    assert missing_wallet_settings(WalletKind.ALIPAY, non_secret, store) == ()
    with pytest.raises(WalletError) as caught:
        make_provider(WalletKind.WECHAT, wechat)
    assert caught.value.reason is WalletErrorReason.NOT_CONFIGURED
    assert caught.value.kind is WalletKind.WECHAT


def test_nothing_set_up_is_no_wallet_at_all() -> None:
    assert load_wallet_settings({}, gw.MemorySecrets()) == (None, None)


def test_a_key_that_is_not_a_key_is_found_when_the_provider_is_made(
    alipay_gateway: gw.AlipayGateway, wechat_gateway: gw.WechatGateway
) -> None:
    broken_alipay = replace(alipay_gateway.settings(), app_private_key_pem="not a key")
    broken_wechat = replace(wechat_gateway.settings(), wechatpay_public_key_pem="not a key")

    for kind, settings in (
        (WalletKind.ALIPAY, broken_alipay),
        (WalletKind.WECHAT, broken_wechat),
    ):
        with pytest.raises(WalletError) as caught:
            make_provider(kind, settings)
        assert caught.value.reason is WalletErrorReason.NOT_CONFIGURED


def test_a_gateway_url_that_is_not_http_is_not_configured(
    alipay_gateway: gw.AlipayGateway,
) -> None:
    settings = replace(alipay_gateway.settings(), gateway_url="openapi.alipay.com/gateway.do")

    with pytest.raises(WalletError) as caught:
        make_provider(WalletKind.ALIPAY, settings)

    assert caught.value.reason is WalletErrorReason.NOT_CONFIGURED


def test_settings_for_the_other_wallet_are_a_programming_error(
    wechat_gateway: gw.WechatGateway,
) -> None:
    with pytest.raises(TypeError):
        make_provider(WalletKind.ALIPAY, wechat_gateway.settings())


@pytest.fixture
def installed_keyring() -> Iterator[Callable[[KeyringBackend], None]]:
    """Install keyring backends for one test; the previous state comes back after.

    Saved from ``keyring.core`` rather than with ``get_keyring()``, which would
    pick (and on a developer's desktop, unlock) the real keyring just to restore it.
    """
    previous = keyring.core._keyring_backend
    yield keyring.set_keyring
    keyring.core._keyring_backend = previous


def test_keys_kept_in_the_keyring_charge_a_payment(
    memory_keyring: MemoryKeyring,
    alipay_gateway: gw.AlipayGateway,
    wechat_gateway: gw.WechatGateway,
) -> None:
    non_secret, secrets = _stored_settings(alipay_gateway, wechat_gateway)
    store = KeyringSecrets()
    for name, value in secrets.items():
        store.set(name, value)

    alipay, _ = load_wallet_settings(non_secret, KeyringSecrets())
    provider = make_provider(WalletKind.ALIPAY, alipay, timing=gw.TEST_TIMING)
    till = Till(WalletKind.ALIPAY, alipay_gateway, provider)

    assert till.charge(gw.alipay_code("0")).outcome is WalletOutcome.PAID
    assert set(memory_keyring.entries) == {(KEYRING_SERVICE, name) for name in secrets}
    assert store.get("no such entry") is None


def test_a_machine_without_a_keyring_has_no_wallets_configured(
    installed_keyring: Callable[[KeyringBackend], None],
) -> None:
    installed_keyring(fail.Keyring())  # type: ignore[no-untyped-call]

    with pytest.raises(WalletError) as caught:
        load_wallet_settings({}, KeyringSecrets())
    assert caught.value.reason is WalletErrorReason.NOT_CONFIGURED

    with pytest.raises(WalletError) as caught:
        KeyringSecrets().set(wallet_config.WECHAT_APIV3_KEY_ENTRY, "x")
    assert caught.value.reason is WalletErrorReason.NOT_CONFIGURED
