"""WeChat Pay API v3 付款碼支付: codepay, query by out_trade_no, codepay reverse.

Requests are signed and responses verified by ``wechatpayv3``
(WECHATPAY2-SHA256-RSA2048), in its "WeChat Pay public key" mode, so no
platform certificate has to be downloaded.  The SDK only checks the signature
of 2xx responses and hides the headers of the others; its transport is
replaced here so that refusals (4xx) are believed only when signed too, every
call has a connect and read timeout, and "could not connect" is told apart
from "sent, but no trustworthy answer".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
from wechatpayv3 import WeChatPay, WeChatPayType  # type: ignore[import-untyped]
from wechatpayv3.type import RequestType  # type: ignore[import-untyped]
from wechatpayv3.utils import build_authorization  # type: ignore[import-untyped]

from shop_desktop.services.wallets.base import (
    BarcodePayment,
    GatewayAnswer,
    Reversal,
    TradeState,
    WalletCharge,
    WalletKind,
    WalletTiming,
    gateway_minor_units,
    normalize_payment_code,
    transport_failure,
)
from shop_desktop.services.wallets.config import WechatSettings

# The description may be 127 long; counted in UTF-8 bytes it fits however WeChat counts.
_DESCRIPTION_BYTES = 127
# Codes that mean the shop's credentials or account are wrong, not the customer's payment.
_CREDENTIAL_CODES = frozenset(
    {"SIGN_ERROR", "APPID_MCHID_NOT_MATCH", "MCH_NOT_EXISTS", "NO_AUTH", "NOAUTH"}
)
# Codes that mean "the outcome is not known yet: ask again".
_TRY_AGAIN = frozenset(
    {"SYSTEM_ERROR", "SYSTEMERROR", "BANK_ERROR", "BANKERROR", "FREQUENCY_LIMITED", "ORDERPAID"}
)
_NOT_FOUND = frozenset({"ORDER_NOT_EXIST", "ORDERNOTEXIST"})
_WAITING_STATES = frozenset({"USERPAYING", "NOTPAY", "ACCEPT"})
_FAILED_STATES = frozenset({"PAYERROR", "CLOSED", "REVOKED", "REFUND"})


@dataclass(frozen=True)
class _Reply:
    status: int
    body: dict[str, Any]
    verified: bool

    @property
    def code(self) -> str:
        return str(self.body.get("code", ""))

    @property
    def message(self) -> str:
        return str(self.body.get("message", ""))


class _BadBody(Exception):
    """The gateway's body was not the JSON object the API documents."""


class _VerifyingTransport:
    """The SDK's signing and verification, over a transport that keeps the headers.

    Stands in for the SDK's ``Core`` as ``WeChatPay._core``: the SDK's API
    functions (``pay``, ``query``, ``codepay_reverse``) build the path and body
    and call ``request``; the keys are the ones the SDK's ``Core`` loaded.
    """

    def __init__(self, core: Any, gateway_url: str, timeout: tuple[float, float]) -> None:
        self._core = core
        self._gateway = gateway_url.rstrip("/")
        self._timeout = timeout

    def request(
        self,
        path: str,
        method: RequestType = RequestType.GET,
        data: dict[str, Any] | None = None,
        **_unused: Any,
    ) -> _Reply:
        core = self._core
        # Signed exactly as the SDK signs: the body text is json.dumps(data).
        body = json.dumps(data) if data else ""
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Wechatpay-Serial": core._public_key_id,
            "Authorization": build_authorization(
                path, method.value, core._mchid, core._cert_serial_no, core._private_key, data=data
            ),
        }
        response = requests.request(
            method.value,
            self._gateway + path,
            data=body.encode("utf-8") if body else None,
            headers=headers,
            timeout=self._timeout,
        )
        try:
            text = response.content.decode("utf-8")
            parsed = json.loads(text) if text else {}
        except ValueError as exc:
            raise _BadBody(f"HTTP {response.status_code}: not JSON") from exc
        if not isinstance(parsed, dict):
            raise _BadBody(f"HTTP {response.status_code}: not a JSON object")
        return _Reply(response.status_code, parsed, self._signed_by_wechat(response.headers, text))

    def _signed_by_wechat(self, headers: Any, text: str) -> bool:
        # Only the configured WeChat Pay public key is accepted: an unknown
        # serial would make the SDK try to download platform certificates.
        if headers.get("Wechatpay-Serial") != self._core._public_key_id:
            return False
        try:
            return bool(self._core._verify_signature(headers, text))
        except Exception:  # the SDK raises a bare Exception for an unknown signature type
            return False


class _WechatClient(WeChatPay):  # type: ignore[misc]
    _core: Any

    def __init__(self, settings: WechatSettings, timeout: tuple[float, float]) -> None:
        super().__init__(
            wechatpay_type=WeChatPayType.CODEPAY,
            mchid=settings.mch_id,
            private_key=settings.merchant_private_key_pem,
            cert_serial_no=settings.merchant_cert_serial_no,
            appid=settings.app_id,
            apiv3_key=settings.apiv3_key,
            timeout=timeout,
            public_key=settings.wechatpay_public_key_pem,
            public_key_id=settings.wechatpay_public_key_id,
        )
        self._core = _VerifyingTransport(self._core, settings.gateway_url, timeout)


def _clip_utf8(text: str, limit: int) -> str:
    """At most ``limit`` bytes of UTF-8, never cutting a character in half."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _trade_state(reply: _Reply) -> GatewayAnswer:
    """A verified 2xx answer that carries a trade_state."""
    state = str(reply.body.get("trade_state", ""))
    message = str(reply.body.get("trade_state_desc", ""))
    if state == "SUCCESS":
        return GatewayAnswer(
            TradeState.PAID, transaction_id=str(reply.body.get("transaction_id", ""))
        )
    if state in _WAITING_STATES:
        return GatewayAnswer(TradeState.USER_PAYING, code=state, message=message)
    if state in _FAILED_STATES:
        return GatewayAnswer(TradeState.DECLINED, code=state, message=message)
    return GatewayAnswer(TradeState.UNKNOWN, code=state or "NO_TRADE_STATE", message=message)


def _read_pay(reply: _Reply) -> GatewayAnswer:
    if reply.status == 401 or reply.code in _CREDENTIAL_CODES:
        # Refused before anything was processed; WeChat does not sign these.
        return GatewayAnswer(TradeState.REJECTED, code=reply.code, message=reply.message)
    if not reply.verified:
        return GatewayAnswer(TradeState.UNKNOWN, code="BAD_SIGNATURE", message=reply.code)
    if reply.code == "USERPAYING":
        # Answered as an error code (HTTP 202) rather than as a trade_state.
        return GatewayAnswer(TradeState.USER_PAYING, code=reply.code, message=reply.message)
    if 200 <= reply.status < 300:
        return _trade_state(reply)
    if reply.status >= 500 or reply.code in _TRY_AGAIN:
        return GatewayAnswer(TradeState.UNKNOWN, code=reply.code, message=reply.message)
    return GatewayAnswer(TradeState.DECLINED, code=reply.code, message=reply.message)


def _read_query(reply: _Reply) -> GatewayAnswer:
    if not reply.verified:
        return GatewayAnswer(TradeState.UNKNOWN, code="BAD_SIGNATURE", message=reply.code)
    if 200 <= reply.status < 300:
        return _trade_state(reply)
    if reply.code in _NOT_FOUND:
        return GatewayAnswer(TradeState.NOT_FOUND, code=reply.code)
    return GatewayAnswer(TradeState.UNKNOWN, code=reply.code, message=reply.message)


def _read_reverse(reply: _Reply) -> Reversal:
    if not reply.verified:
        return Reversal.RETRY
    if 200 <= reply.status < 300 or reply.code in _NOT_FOUND:
        return Reversal.DONE
    if reply.status >= 500 or reply.status == 429 or reply.code in _TRY_AGAIN:
        return Reversal.RETRY
    return Reversal.REFUSED


class WechatPayment(BarcodePayment):
    """WeChat Pay barcode payments through the configured gateway."""

    kind = WalletKind.WECHAT

    def __init__(self, settings: WechatSettings, timing: WalletTiming | None = None) -> None:
        super().__init__(timing)
        self._client = _WechatClient(settings, self.timing.request_timeout)

    def _pay(self, charge: WalletCharge) -> GatewayAnswer:
        scene: dict[str, Any] = {}
        if charge.store_id:
            scene["store_info"] = {"out_id": charge.store_id}
        if charge.terminal_id:
            scene["device_id"] = charge.terminal_id
        try:
            reply = self._client.pay(
                description=_clip_utf8(charge.subject, _DESCRIPTION_BYTES),
                out_trade_no=charge.out_trade_no,
                amount={
                    "total": gateway_minor_units(charge.amount_minor, charge.currency),
                    "currency": charge.currency.code,
                },
                payer={"auth_code": normalize_payment_code(charge.auth_code)},
                scene_info=scene or None,
                pay_type=WeChatPayType.CODEPAY,
            )
        except requests.RequestException as exc:
            return transport_failure(exc)
        except _BadBody as exc:
            return GatewayAnswer(TradeState.UNKNOWN, code="BAD_RESPONSE", message=str(exc))
        answer = _read_pay(reply)
        return self._same_trade(answer, reply, charge.out_trade_no)

    def _query(self, out_trade_no: str) -> GatewayAnswer:
        try:
            reply = self._client.query(out_trade_no=out_trade_no)
        except requests.RequestException as exc:
            return transport_failure(exc)
        except _BadBody as exc:
            return GatewayAnswer(TradeState.UNKNOWN, code="BAD_RESPONSE", message=str(exc))
        return self._same_trade(_read_query(reply), reply, out_trade_no)

    def _reverse_once(self, out_trade_no: str) -> Reversal:
        try:
            reply = self._client.codepay_reverse(out_trade_no=out_trade_no)
        except (requests.RequestException, _BadBody):
            return Reversal.RETRY
        return _read_reverse(reply)

    @staticmethod
    def _same_trade(answer: GatewayAnswer, reply: _Reply, out_trade_no: str) -> GatewayAnswer:
        echoed = reply.body.get("out_trade_no")
        if answer.state is TradeState.PAID and echoed != out_trade_no:
            # A signed "paid" about some other trade is no answer about this one.
            return GatewayAnswer(TradeState.UNKNOWN, code="OTHER_TRADE")
        return answer
