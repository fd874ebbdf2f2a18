"""Charging a customer's Alipay or WeChat payment code (付款碼) at the till.

The cashier scans the code the customer shows in the app; the till sends it
with the amount to the wallet's gateway and waits for a definite answer.  This
module holds what both wallets share: the names the checkout codes against
(:class:`WalletCharge`, :class:`WalletResult`, :class:`WalletError`, ...) and
the barcode-payment routine both gateways document (pay; while the customer is
still confirming in the app, query every few seconds; when time runs out, the
cashier gives up or no trustworthy answer comes back, cancel/reverse the
trade so that no money moves without a sale).  ``alipay.py`` and ``wechat.py``
only translate that routine into their gateway's calls.

Nothing here is reported as paid unless a response whose signature verified
said so.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Protocol

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from shop_desktop.domain.money import Currency

log = logging.getLogger(__name__)


class WalletKind(Enum):
    ALIPAY = "alipay"
    WECHAT = "wechat"


# Alipay: 25-30 then digits, 16-24 digits in all.  WeChat: 10-15 then digits,
# 18 digits in all.  The prefixes do not overlap, so a code names its wallet.
_ALIPAY_CODE = re.compile(r"(?:2[5-9]|30)[0-9]{14,22}")
_WECHAT_CODE = re.compile(r"1[0-5][0-9]{16}")


def normalize_payment_code(code: str) -> str:
    """The digits of a scanned or typed payment code.

    A keyboard-wedge scanner behind a CJK input method can type full-width
    digits, and a cashier copying the number under the barcode types it in
    groups; both are the same code.
    """
    return "".join(unicodedata.normalize("NFKC", code).split())


def detect_wallet(code: str) -> WalletKind | None:
    """Which wallet issued a payment code, or None when it is not one."""
    digits = normalize_payment_code(code)
    if _WECHAT_CODE.fullmatch(digits):
        return WalletKind.WECHAT
    if _ALIPAY_CODE.fullmatch(digits):
        return WalletKind.ALIPAY
    return None


# Both gateways take at most 32 characters; Alipay only letters, digits and
# "_", so an id made of those works with either wallet.
_OUT_TRADE_NO = re.compile(r"[0-9A-Za-z_]{1,32}")


@dataclass(frozen=True)
class WalletCharge:
    """One attempt to charge a payment code.

    ``out_trade_no`` identifies the attempt at the gateway: a new one for each
    scan, since a gateway refuses a second code under the same number.
    """

    out_trade_no: str
    amount_minor: int
    currency: Currency
    auth_code: str
    subject: str
    store_id: str = ""
    terminal_id: str = ""
    #: The cart (the order's id once it is paid) the charge is for, kept with its record.
    order_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        if not _OUT_TRADE_NO.fullmatch(self.out_trade_no):
            raise ValueError(
                f"out_trade_no must be 1-32 letters, digits or '_', got {self.out_trade_no!r}"
            )
        if isinstance(self.amount_minor, bool) or not isinstance(self.amount_minor, int):
            raise TypeError(f"amount_minor must be an int, got {self.amount_minor!r}")
        if self.amount_minor <= 0:
            raise ValueError(f"amount_minor must be positive, got {self.amount_minor}")
        if not isinstance(self.currency, Currency):
            raise TypeError(f"currency must be a Currency, got {self.currency!r}")


class WalletOutcome(Enum):
    PAID = "paid"
    DECLINED = "declined"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class WalletResult:
    """A definite answer about one charge.

    For TIMED_OUT and CANCELLED, ``reversed`` says whether the gateway
    confirmed the trade is cancelled (or refunded).  When it is False the
    customer could still complete the payment in the app, so the cashier must
    look at the customer's app before taking another payment.
    """

    outcome: WalletOutcome
    kind: WalletKind
    out_trade_no: str
    transaction_id: str = ""
    provider_code: str = ""
    provider_message: str = ""
    reversed: bool = False


class WalletErrorReason(Enum):
    OFFLINE = "offline"  # could not connect at all (nothing was charged)
    BAD_RESPONSE = "bad_response"  # no trustworthy answer; see WalletError.reversed
    NOT_CONFIGURED = "not_configured"  # settings or keys missing, or refused by the gateway
    UNKNOWN_STATE = "unknown_state"  # could not confirm AND could not reverse: check the app


class WalletError(Exception):
    """No definite answer about a charge; ``reason`` says which kind (the UI words it).

    ``reversed`` is True when the trade was nevertheless cancelled at the
    gateway, so nothing was charged.  ``provider_code`` is the gateway's own
    code when it gave one (e.g. ``isv.invalid-signature``, ``SIGN_ERROR``).
    """

    def __init__(
        self,
        reason: WalletErrorReason,
        *,
        kind: WalletKind | None = None,
        out_trade_no: str = "",
        provider_code: str = "",
        detail: str = "",
        reversed: bool = False,
    ) -> None:
        parts = [reason.value]
        if kind is not None:
            parts.append(kind.value)
        if out_trade_no:
            parts.append(out_trade_no)
        if provider_code:
            parts.append(provider_code)
        if detail:
            parts.append(detail)
        super().__init__(": ".join(parts))
        self.reason = reason
        self.kind = kind
        self.out_trade_no = out_trade_no
        self.provider_code = provider_code
        self.detail = detail
        self.reversed = reversed


class WalletStatus(Enum):
    SENDING = "sending"
    WAITING_FOR_USER = "waiting_for_user"
    QUERYING = "querying"
    REVERSING = "reversing"


class WalletProvider(Protocol):
    kind: WalletKind

    def charge(
        self,
        charge: WalletCharge,
        *,
        cancelled: Callable[[], bool],
        on_status: Callable[[WalletStatus], None],
    ) -> WalletResult: ...

    def reverse(self, out_trade_no: str) -> bool: ...

    def look_up(self, out_trade_no: str) -> GatewayAnswer: ...


@dataclass(frozen=True)
class WalletTiming:
    """How long the till waits, in seconds.

    The gateways suggest querying every few seconds while the customer
    confirms (a password for a large amount) and giving up after about a
    minute.  Tests use tiny values.
    """

    poll_interval: float = 3.0
    wait_timeout: float = 60.0
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    #: Queries in a row without a trustworthy answer before the trade is reversed.
    query_attempts: int = 3
    #: Cancel/reverse calls before giving up and telling the cashier to check the app.
    reverse_attempts: int = 3

    @property
    def request_timeout(self) -> tuple[float, float]:
        """``requests``' (connect, read) timeout."""
        return (self.connect_timeout, self.read_timeout)


# --- amounts as the gateways want them -------------------------------------

# Gateways count in ISO 4217 minor units: TWD has two decimals there although
# the shop (and Taiwanese cash) counts whole dollars.
_ISO_EXPONENTS = {
    "CNY": 2,
    "TWD": 2,
    "HKD": 2,
    "MOP": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "SGD": 2,
    "JPY": 0,
    "KRW": 0,
}


def _gateway_exponent(currency: Currency) -> int:
    return _ISO_EXPONENTS.get(currency.code, currency.exponent)


def gateway_minor_units(amount_minor: int, currency: Currency) -> int:
    """The amount in the gateway's minor units (WeChat's ``amount.total``: fen for CNY)."""
    shift = _gateway_exponent(currency) - currency.exponent
    factor: int = 10 ** abs(shift)
    if shift >= 0:
        return amount_minor * factor
    whole, rest = divmod(amount_minor, factor)
    if rest:
        raise ValueError(f"{amount_minor} minor units of {currency.code} are not a whole amount")
    return whole


def gateway_major_text(amount_minor: int, currency: Currency) -> str:
    """The amount in major units as text (Alipay's ``total_amount``: ``"12.50"``)."""
    exponent = _gateway_exponent(currency)
    amount = Decimal(gateway_minor_units(amount_minor, currency)).scaleb(-exponent)
    return f"{amount:f}"


# --- what a gateway call told us -------------------------------------------


class TradeState(Enum):
    """A gateway's answer about a trade, as far as the routine needs to know."""

    PAID = "paid"
    USER_PAYING = "user_paying"  # the customer is still confirming in the app
    DECLINED = "declined"  # final: nothing was charged
    NOT_FOUND = "not_found"  # the gateway has no such trade (yet)
    UNKNOWN = "unknown"  # garbage, bad signature, 5xx, dropped: may have reached the gateway
    NOT_SENT = "not_sent"  # could not connect: the request never left the till
    REJECTED = "rejected"  # refused before processing: wrong keys, app id, permissions


@dataclass(frozen=True)
class GatewayAnswer:
    state: TradeState
    transaction_id: str = ""
    code: str = ""
    message: str = ""


class Reversal(Enum):
    DONE = "done"  # the trade is cancelled, refunded, or never existed
    RETRY = "retry"  # no trustworthy answer, or the gateway asks to try again
    REFUSED = "refused"  # the gateway will not cancel this trade


def transport_failure(exc: requests.RequestException) -> GatewayAnswer:
    """What a failed HTTP exchange means for the trade.

    Only a connection that was never made proves the gateway saw nothing; a
    dropped connection or a read timeout may have come after the gateway
    charged the customer.
    """
    reason: object = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    never_left = isinstance(exc, requests.ConnectTimeout) or (
        isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)
    )
    state = TradeState.NOT_SENT if never_left else TradeState.UNKNOWN
    return GatewayAnswer(state, code=type(exc).__name__, message=str(exc))


# --- the barcode-payment routine -------------------------------------------

# Pauses are cut into slices so that the cashier's Cancel is seen promptly.
_PAUSE_SLICE = 0.05


def _never() -> bool:
    return False


class BarcodePayment(ABC):
    """Pay, wait while the customer confirms, reverse when in doubt.

    Subclasses make the three gateway calls and translate their answers; the
    decisions about money are made here, once for both wallets.
    """

    kind: WalletKind

    def __init__(self, timing: WalletTiming | None = None) -> None:
        self.timing = timing or WalletTiming()

    @abstractmethod
    def _pay(self, charge: WalletCharge) -> GatewayAnswer:
        """Send the payment code and amount."""

    @abstractmethod
    def _query(self, out_trade_no: str) -> GatewayAnswer:
        """Ask for the trade's state."""

    @abstractmethod
    def _reverse_once(self, out_trade_no: str) -> Reversal:
        """Ask once to cancel the trade (refunding it if it was paid)."""

    def charge(
        self,
        charge: WalletCharge,
        *,
        cancelled: Callable[[], bool],
        on_status: Callable[[WalletStatus], None],
    ) -> WalletResult:
        """Charge the payment code; blocks until there is an answer.

        Returns PAID, DECLINED, TIMED_OUT or CANCELLED (the last two after
        reversing the trade).  Raises :class:`WalletError` when no definite
        answer could be had: OFFLINE when nothing was sent, NOT_CONFIGURED
        when the gateway refused the shop's credentials, BAD_RESPONSE when
        the answers could not be trusted but the trade was reversed, and
        UNKNOWN_STATE when it could not be reversed either.
        """
        reported: list[WalletStatus] = []

        def report(status: WalletStatus) -> None:
            if not reported or reported[-1] is not status:
                reported.append(status)
                on_status(status)

        out_trade_no = charge.out_trade_no
        report(WalletStatus.SENDING)
        answer = self._pay(charge)
        log.info("%s pay %s: %s %s", self.kind.value, out_trade_no, answer.state.value, answer.code)
        if answer.state is TradeState.NOT_SENT:
            raise WalletError(
                WalletErrorReason.OFFLINE,
                kind=self.kind,
                out_trade_no=out_trade_no,
                provider_code=answer.code,
                detail=answer.message,
            )
        if answer.state is TradeState.REJECTED:
            raise WalletError(
                WalletErrorReason.NOT_CONFIGURED,
                kind=self.kind,
                out_trade_no=out_trade_no,
                provider_code=answer.code,
                detail=answer.message,
            )

        deadline = time.monotonic() + self.timing.wait_timeout
        untrusted_queries = 0
        last_look = False
        while True:
            if answer.state is TradeState.PAID:
                return WalletResult(
                    WalletOutcome.PAID,
                    self.kind,
                    out_trade_no,
                    transaction_id=answer.transaction_id,
                    provider_code=answer.code,
                    provider_message=answer.message,
                )
            if answer.state is TradeState.DECLINED:
                return WalletResult(
                    WalletOutcome.DECLINED,
                    self.kind,
                    out_trade_no,
                    provider_code=answer.code,
                    provider_message=answer.message,
                )
            confirmed = answer.state is TradeState.USER_PAYING
            report(WalletStatus.WAITING_FOR_USER if confirmed else WalletStatus.QUERYING)
            if untrusted_queries >= max(1, self.timing.query_attempts):
                return self._give_up(answer, out_trade_no, None, report)
            if cancelled():
                return self._give_up(answer, out_trade_no, WalletOutcome.CANCELLED, report)
            if time.monotonic() >= deadline:
                if last_look:
                    return self._give_up(answer, out_trade_no, WalletOutcome.TIMED_OUT, report)
                # The customer may have confirmed a moment ago: look once more
                # rather than refund a payment that just went through.
                last_look = True
            elif self._pause(self.timing.poll_interval, cancelled):
                return self._give_up(answer, out_trade_no, WalletOutcome.CANCELLED, report)
            answer = self._query(out_trade_no)
            log.info("%s query %s: %s", self.kind.value, out_trade_no, answer.state.value)
            if answer.state is TradeState.USER_PAYING:
                untrusted_queries = 0
            elif answer.state not in (TradeState.PAID, TradeState.DECLINED):
                untrusted_queries += 1

    def _give_up(
        self,
        last: GatewayAnswer,
        out_trade_no: str,
        outcome: WalletOutcome | None,
        report: Callable[[WalletStatus], None],
    ) -> WalletResult:
        """Reverse the trade and say how the charge ended.

        outcome is None when the gateway never gave a trustworthy answer.
        """
        report(WalletStatus.REVERSING)
        reversed_ = self.reverse(out_trade_no)
        confirmed = last.state is TradeState.USER_PAYING
        if outcome is not None and (reversed_ or confirmed):
            return WalletResult(
                outcome,
                self.kind,
                out_trade_no,
                provider_code=last.code,
                provider_message=last.message,
                reversed=reversed_,
            )
        reason = WalletErrorReason.BAD_RESPONSE if reversed_ else WalletErrorReason.UNKNOWN_STATE
        raise WalletError(
            reason,
            kind=self.kind,
            out_trade_no=out_trade_no,
            provider_code=last.code,
            detail=last.message,
            reversed=reversed_,
        )

    def look_up(self, out_trade_no: str) -> GatewayAnswer:
        """What the gateway says of a trade now (one query, no retries)."""
        answer = self._query(out_trade_no)
        log.info("%s look-up %s: %s", self.kind.value, out_trade_no, answer.state.value)
        return answer

    def reverse(self, out_trade_no: str) -> bool:
        """Cancel a trade, refunding it if it was paid; True once the gateway confirms.

        Safe to repeat: a trade that is already cancelled, or that never
        reached the gateway, counts as reversed.
        """
        for attempt in range(max(1, self.timing.reverse_attempts)):
            if attempt:
                self._pause(self.timing.poll_interval, _never)
            answer = self._reverse_once(out_trade_no)
            log.info("%s reverse %s: %s", self.kind.value, out_trade_no, answer.value)
            if answer is Reversal.DONE:
                return True
            if answer is Reversal.REFUSED:
                return False
        return False

    @staticmethod
    def _pause(seconds: float, cancelled: Callable[[], bool]) -> bool:
        """Wait, watching for the cashier's Cancel; True if it was pressed."""
        end = time.monotonic() + seconds
        while True:
            if cancelled():
                return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(left, _PAUSE_SLICE))
