"""Alipay 當面付 barcode payment: alipay.trade.pay, .query and .cancel.

Requests are signed and responses verified by ``python-alipay-sdk`` (RSA2:
SHA256withRSA over the sorted parameters; the response signature over the
exact text of the ``*_response`` object).  Only the transport is ours, so that
every call has a connect and read timeout, goes to the configured gateway, and
tells "could not connect" from "sent, but no trustworthy answer".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, cast

import requests
from alipay import AliPay  # type: ignore[import-untyped]
from alipay.exceptions import (  # type: ignore[import-untyped]
    AliPayException,
    AliPayValidationError,
)

from shop_desktop.services.wallets.base import (
    BarcodePayment,
    GatewayAnswer,
    Reversal,
    TradeState,
    WalletCharge,
    WalletKind,
    WalletTiming,
    gateway_major_text,
    normalize_payment_code,
    transport_failure,
)
from shop_desktop.services.wallets.config import AlipaySettings

# Gateway-level refusals (bad parameters of the call itself, signature, app id,
# permissions): the request was not processed, so nothing was charged.
_GATEWAY_REFUSALS = frozenset({"40001", "40002", "40003", "40006"})
# Business answers that mean "ask again" rather than "no".
_TRY_AGAIN = frozenset({"ACQ.SYSTEM_ERROR", "ACQ.TRADE_HAS_SUCCESS"})
_SUBJECT_LIMIT = 256


class _HttpStatus(Exception):
    """The gateway answered with an HTTP error page instead of a signed response."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class _UnsignedReply(Exception):
    """A response without a signature: the gateway's own refusals look like this."""

    def __init__(self, raw: str) -> None:
        super().__init__(raw[:200])
        self.raw = raw


class _AlipayClient(AliPay):  # type: ignore[misc]
    """The SDK's signing and verification over ``requests`` with timeouts."""

    def __init__(self, settings: AlipaySettings, timeout: tuple[float, float]) -> None:
        super().__init__(
            appid=settings.app_id,
            app_private_key_string=settings.app_private_key_pem,
            alipay_public_key_string=settings.alipay_public_key_pem,
            sign_type=settings.sign_type,
        )
        self._gateway = settings.gateway_url
        self._timeout = timeout

    def verified_sync_response(self, data: dict[str, Any], response_type: str) -> Any:
        # The SDK sends everything in a GET query string through urllib; the
        # gateway documents a form POST, which keeps the payment code out of
        # URLs and proxy logs.
        body = self.sign_data(data)
        response = requests.post(
            self._gateway,
            data=body.encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
            timeout=self._timeout,
        )
        if response.status_code != 200:
            raise _HttpStatus(response.status_code)
        raw = response.content.decode("utf-8")
        try:
            return self._verify_and_return_sync_response(raw, response_type)
        except AliPayException as exc:
            # The SDK raises this for responses without "sign".
            raise _UnsignedReply(raw) from exc


def _unsigned_answer(raw: str, response_type: str) -> GatewayAnswer:
    """Read an unsigned response: only a gateway refusal is believed from one."""
    try:
        document = json.loads(raw)
        reply = document.get(response_type) or document.get("error_response") or {}
        code, sub_code = str(reply.get("code", "")), str(reply.get("sub_code", ""))
        message = str(reply.get("sub_msg") or reply.get("msg") or "")
    except (ValueError, AttributeError):
        return GatewayAnswer(TradeState.UNKNOWN, code="BAD_RESPONSE")
    if code in _GATEWAY_REFUSALS:
        return GatewayAnswer(TradeState.REJECTED, code=sub_code or code, message=message)
    return GatewayAnswer(TradeState.UNKNOWN, code="UNSIGNED_RESPONSE", message=sub_code or code)


def _read_pay(reply: Mapping[str, Any]) -> GatewayAnswer:
    code, sub_code = str(reply.get("code", "")), str(reply.get("sub_code", ""))
    message = str(reply.get("sub_msg") or reply.get("msg") or "")
    if code == "10000":
        return GatewayAnswer(TradeState.PAID, transaction_id=str(reply.get("trade_no", "")))
    if code == "10003":
        return GatewayAnswer(TradeState.USER_PAYING, code="WAIT_BUYER_PAY", message=message)
    if code == "40004" and sub_code not in _TRY_AGAIN:
        return GatewayAnswer(TradeState.DECLINED, code=sub_code, message=message)
    if code in _GATEWAY_REFUSALS:
        return GatewayAnswer(TradeState.REJECTED, code=sub_code or code, message=message)
    # 20000 (service unavailable), a system error, or something new: find out.
    return GatewayAnswer(TradeState.UNKNOWN, code=sub_code or code, message=message)


def _read_query(reply: Mapping[str, Any]) -> GatewayAnswer:
    code, sub_code = str(reply.get("code", "")), str(reply.get("sub_code", ""))
    if code == "10000":
        status = str(reply.get("trade_status", ""))
        if status in ("TRADE_SUCCESS", "TRADE_FINISHED"):
            return GatewayAnswer(TradeState.PAID, transaction_id=str(reply.get("trade_no", "")))
        if status == "WAIT_BUYER_PAY":
            return GatewayAnswer(TradeState.USER_PAYING, code=status)
        if status == "TRADE_CLOSED":
            # Closed without payment: the customer cancelled in the app, or it expired.
            return GatewayAnswer(TradeState.DECLINED, code=status)
        return GatewayAnswer(TradeState.UNKNOWN, code=status)
    if sub_code == "ACQ.TRADE_NOT_EXIST":
        return GatewayAnswer(TradeState.NOT_FOUND, code=sub_code)
    return GatewayAnswer(TradeState.UNKNOWN, code=sub_code or code)


def _read_cancel(reply: Mapping[str, Any]) -> Reversal:
    code, sub_code = str(reply.get("code", "")), str(reply.get("sub_code", ""))
    if code == "10000":
        return Reversal.RETRY if reply.get("retry_flag") == "Y" else Reversal.DONE
    if sub_code == "ACQ.TRADE_NOT_EXIST":
        return Reversal.DONE
    if code == "40004" and sub_code != "ACQ.SYSTEM_ERROR":
        return Reversal.REFUSED
    return Reversal.RETRY


class AlipayPayment(BarcodePayment):
    """Alipay barcode payments through the configured gateway."""

    kind = WalletKind.ALIPAY

    def __init__(self, settings: AlipaySettings, timing: WalletTiming | None = None) -> None:
        super().__init__(timing)
        self._client = _AlipayClient(settings, self.timing.request_timeout)

    def _call(
        self,
        response_type: str,
        send: Callable[[], Any],
        out_trade_no: str,
    ) -> Mapping[str, Any] | GatewayAnswer:
        """Make one call: the verified reply, or what its failure means."""
        try:
            reply = send()
        except requests.RequestException as exc:
            return transport_failure(exc)
        except _HttpStatus as exc:
            return GatewayAnswer(TradeState.UNKNOWN, code=f"HTTP_{exc.status}")
        except _UnsignedReply as exc:
            return _unsigned_answer(exc.raw, response_type)
        except AliPayValidationError:
            return GatewayAnswer(TradeState.UNKNOWN, code="BAD_SIGNATURE")
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            # Not JSON, truncated, a signature that is not even base64, ...
            return GatewayAnswer(TradeState.UNKNOWN, code="BAD_RESPONSE", message=str(exc))
        if not isinstance(reply, dict):
            return GatewayAnswer(TradeState.UNKNOWN, code="BAD_RESPONSE")
        echoed = reply.get("out_trade_no")
        if echoed is not None and echoed != out_trade_no:
            # A signed answer about some other trade is no answer about this one.
            return GatewayAnswer(TradeState.UNKNOWN, code="OTHER_TRADE")
        return cast(Mapping[str, Any], reply)

    def _pay(self, charge: WalletCharge) -> GatewayAnswer:
        extra: dict[str, str] = {
            "total_amount": gateway_major_text(charge.amount_minor, charge.currency),
            "product_code": "FACE_TO_FACE_PAYMENT",
        }
        if charge.currency.code != "CNY":
            # Priced in the shop's currency; Alipay converts for the customer.
            extra["trans_currency"] = charge.currency.code
        if charge.store_id:
            extra["store_id"] = charge.store_id
        if charge.terminal_id:
            extra["terminal_id"] = charge.terminal_id
        reply = self._call(
            "alipay_trade_pay_response",
            lambda: self._client.api_alipay_trade_pay(
                out_trade_no=charge.out_trade_no,
                scene="bar_code",
                auth_code=normalize_payment_code(charge.auth_code),
                subject=charge.subject[:_SUBJECT_LIMIT],
                **extra,
            ),
            charge.out_trade_no,
        )
        return reply if isinstance(reply, GatewayAnswer) else _read_pay(reply)

    def _query(self, out_trade_no: str) -> GatewayAnswer:
        reply = self._call(
            "alipay_trade_query_response",
            lambda: self._client.api_alipay_trade_query(out_trade_no=out_trade_no),
            out_trade_no,
        )
        return reply if isinstance(reply, GatewayAnswer) else _read_query(reply)

    def _reverse_once(self, out_trade_no: str) -> Reversal:
        reply = self._call(
            "alipay_trade_cancel_response",
            lambda: self._client.api_alipay_trade_cancel(out_trade_no=out_trade_no),
            out_trade_no,
        )
        if isinstance(reply, GatewayAnswer):
            return Reversal.REFUSED if reply.state is TradeState.REJECTED else Reversal.RETRY
        return _read_cancel(reply)
