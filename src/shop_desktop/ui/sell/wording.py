"""What the counter says when it refuses something: one sentence per reason, in both languages.

Domain and service errors carry a machine-readable reason; the words live here,
so a cashier never sees an exception's text or a traceback. Every sentence is
written out as ``QCoreApplication.translate("Counter", ...)`` so that lupdate
finds it; a helper function would hide it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication

from shop_desktop.domain.cart import MILLI, CartError, CartProblem
from shop_desktop.domain.money import Money, currency
from shop_desktop.domain.pricing import CouponRejection
from shop_desktop.services.auth import ApprovalRefused
from shop_desktop.services.checkout import CheckoutError, CheckoutProblem
from shop_desktop.services.coupons import CouponNotUsable, CouponProblem
from shop_desktop.services.wallets import (
    WalletError,
    WalletErrorReason,
    WalletOutcome,
    WalletResult,
)
from shop_desktop.ui.i18n import ZH_TW, current_language
from shop_desktop.ui.labels import in_current_language


def _then(first: str, second: str) -> str:
    """Two sentences in a row: Chinese needs no space after its full stop."""
    return f"{first}{second}" if first.endswith(("。", "！", "？")) else f"{first} {second}"


def cart_problem(exc: CartError) -> str:
    reason = exc.reason
    if reason is CartProblem.TOO_LARGE:
        limit = exc.detail.get("limit_milli")
        if isinstance(limit, int):
            return QCoreApplication.translate(
                "Counter", "That quantity is too large: at most {limit} on one line."
            ).format(limit=f"{limit / MILLI:g}" if limit % MILLI else f"{limit // MILLI:,}")
    if reason is CartProblem.BAD_DISCOUNT and isinstance(exc.detail.get("limit_minor"), int):
        return QCoreApplication.translate(
            "Counter", "A discount cannot be more than the line is worth."
        )
    texts = {
        CartProblem.NOT_A_NUMBER: QCoreApplication.translate(
            "Counter", "Type a number, for example 2 or 1.25."
        ),
        CartProblem.ZERO: QCoreApplication.translate(
            "Counter", "The quantity cannot be zero. To take the item off, remove the line."
        ),
        CartProblem.NEGATIVE: QCoreApplication.translate(
            "Counter", "The quantity cannot be negative. Returns are taken in After-sales."
        ),
        CartProblem.TOO_LARGE: QCoreApplication.translate("Counter", "That quantity is too large."),
        CartProblem.NOT_WHOLE: QCoreApplication.translate(
            "Counter", "This product is sold by the piece: use a whole number."
        ),
        CartProblem.TOO_PRECISE: QCoreApplication.translate(
            "Counter", "Use at most three decimals (grams)."
        ),
        CartProblem.TOO_MANY_LINES: QCoreApplication.translate(
            "Counter", "The cart is full. Take payment for these items and start a new cart."
        ),
        CartProblem.NO_SUCH_LINE: QCoreApplication.translate(
            "Counter", "That line is no longer in the cart."
        ),
        CartProblem.BAD_PRICE: QCoreApplication.translate(
            "Counter", "That price is not possible for this product."
        ),
        CartProblem.BAD_DISCOUNT: QCoreApplication.translate(
            "Counter", "That discount is not possible."
        ),
        CartProblem.COUPON_ALREADY_ADDED: QCoreApplication.translate(
            "Counter", "This coupon is already in the cart."
        ),
        CartProblem.NOTHING_TO_UNDO: QCoreApplication.translate(
            "Counter", "There is nothing to undo."
        ),
    }
    return texts[reason]


def coupon_problem(exc: CouponNotUsable) -> str:
    texts = {
        CouponProblem.UNKNOWN: QCoreApplication.translate(
            "Counter", "No coupon has the code {code}."
        ),
        CouponProblem.USED: QCoreApplication.translate(
            "Counter", "Coupon {code} has already been used."
        ),
        CouponProblem.EXPIRED: QCoreApplication.translate("Counter", "Coupon {code} has expired."),
        CouponProblem.NOT_YET_VALID: QCoreApplication.translate(
            "Counter", "Coupon {code} is not valid yet."
        ),
        CouponProblem.INACTIVE: QCoreApplication.translate(
            "Counter", "Coupon {code} has been withdrawn."
        ),
        CouponProblem.OTHER_MEMBER: QCoreApplication.translate(
            "Counter", "Coupon {code} belongs to another member."
        ),
        CouponProblem.OFFLINE_ALLOWANCE_USED: QCoreApplication.translate(
            "Counter",
            "Too many single-use coupons are waiting for the server; coupon {code} can be"
            " used once this till has synced.",
        ),
    }
    return texts[exc.reason].format(code=exc.code)


def coupon_rejection(code: str, reason: CouponRejection) -> str:
    texts = {
        CouponRejection.EXPIRED: QCoreApplication.translate(
            "Counter", "Coupon {code} has expired."
        ),
        CouponRejection.NOT_YET_VALID: QCoreApplication.translate(
            "Counter", "Coupon {code} is not valid yet."
        ),
        CouponRejection.MIN_SPEND: QCoreApplication.translate(
            "Counter", "Coupon {code} needs a larger purchase."
        ),
        CouponRejection.NOTHING_TO_APPLY: QCoreApplication.translate(
            "Counter", "Coupon {code} does not apply to these items."
        ),
        CouponRejection.DUPLICATE: QCoreApplication.translate(
            "Counter", "Coupon {code} was entered twice."
        ),
        CouponRejection.NOT_FOR_MEMBER: QCoreApplication.translate(
            "Counter", "Coupon {code} is for another member level."
        ),
        CouponRejection.NOT_STACKABLE: QCoreApplication.translate(
            "Counter", "Coupon {code} cannot be combined with a better offer already applied."
        ),
    }
    return texts[reason].format(code=code)


def approval_refused(exc: ApprovalRefused) -> str:
    texts = {
        "credentials": QCoreApplication.translate("Counter", "Wrong user name or password."),
        "inactive": QCoreApplication.translate("Counter", "This account is disabled."),
        "role": QCoreApplication.translate(
            "Counter", "Only a supervisor or manager can approve this."
        ),
        "limit": QCoreApplication.translate("Counter", "This is beyond that manager's own limit."),
    }
    return texts.get(exc.reason, texts["credentials"])


def checkout_problem(exc: CheckoutError, currency_code: str) -> str:
    money = currency(currency_code)

    def amount(key: str) -> str:
        value = exc.detail.get(key)
        return Money(value, money).format() if isinstance(value, int) else ""

    reason = exc.reason
    problem, code = exc.detail.get("coupon_problem"), exc.detail.get("coupon")
    if reason is CheckoutProblem.COUPON_UNKNOWN and isinstance(problem, str) and code:
        # Expired, withdrawn... since it went into the cart: say which and why.
        try:
            return coupon_problem(CouponNotUsable(CouponProblem(problem), str(code)))
        except ValueError:
            pass
    if reason is CheckoutProblem.UNDERPAID:
        return QCoreApplication.translate("Counter", "{missing} is still to be paid.").format(
            missing=amount("missing")
        )
    products = exc.detail.get("products")
    if reason is CheckoutProblem.OUT_OF_STOCK and isinstance(products, list) and products:
        return QCoreApplication.translate(
            "Counter",
            "Not enough stock for {products}. Selling below zero stock is turned off on this"
            " workstation; lower the quantity or take the item off.",
        ).format(products=_list(_shortfall(p) for p in products if isinstance(p, dict)))
    texts = {
        CheckoutProblem.EMPTY: QCoreApplication.translate("Counter", "The cart is empty."),
        CheckoutProblem.TOTALS_MISMATCH: QCoreApplication.translate(
            "Counter",
            "The bill no longer adds up. Nothing was charged; please price the cart again.",
        ),
        CheckoutProblem.UNDERPAID: QCoreApplication.translate(
            "Counter", "Part of the total is still to be paid."
        ),
        CheckoutProblem.OVERPAID: QCoreApplication.translate(
            "Counter", "More was taken than the total; only cash can give change."
        ),
        CheckoutProblem.TENDER_BELOW_AMOUNT: QCoreApplication.translate(
            "Counter", "The cash handed over is less than the amount."
        ),
        CheckoutProblem.COUPON_USED: QCoreApplication.translate(
            "Counter",
            "A coupon in this cart has just been used on another sale. Remove it and try again.",
        ),
        CheckoutProblem.COUPON_UNKNOWN: QCoreApplication.translate(
            "Counter", "A coupon in this cart no longer exists."
        ),
        CheckoutProblem.STORE_CREDIT_SHORT: QCoreApplication.translate(
            "Counter", "The member's store credit is not enough."
        ),
        CheckoutProblem.STORE_CREDIT_NEEDS_MEMBER: QCoreApplication.translate(
            "Counter", "Store credit needs a member: attach the member first."
        ),
        CheckoutProblem.BAD_CARD_DIGITS: QCoreApplication.translate(
            "Counter", "Type exactly the last four digits of the card."
        ),
        CheckoutProblem.BAD_QUANTITY: QCoreApplication.translate(
            "Counter", "A quantity in the cart is not possible."
        ),
        CheckoutProblem.OUT_OF_STOCK: QCoreApplication.translate(
            "Counter",
            "Not enough stock for an item in the cart, and selling below zero stock is turned"
            " off on this workstation.",
        ),
    }
    return texts[reason]


def _quantity(qty_milli: int, unit: str, *, weighed: bool) -> str:
    """2000 pieces -> "2"; 750 g of a weighed product -> "0.750 kg". Integers only."""
    sign = "-" if qty_milli < 0 else ""
    whole, part = divmod(abs(qty_milli), MILLI)
    if weighed or part:
        return f"{sign}{whole:,}.{part:03d} {unit}".rstrip()
    return f"{sign}{whole:,}"


def _shortfall(product: dict[str, Any]) -> str:
    """A product the cart wants more of than is on hand: its name, what is left, what is wanted."""
    name = in_current_language(str(product.get("name_zh", "")), str(product.get("name_en", "")))
    unit, weighed = str(product.get("unit", "")), bool(product.get("weighed", False))
    on_hand, wanted = product.get("on_hand_milli"), product.get("wanted_milli")
    if not isinstance(on_hand, int) or not isinstance(wanted, int):
        return name
    in_cart = _quantity(wanted, unit, weighed=weighed)
    if on_hand <= 0:
        return QCoreApplication.translate(
            "Counter", "{name} (none left, {wanted} in the cart)"
        ).format(name=name, wanted=in_cart)
    return QCoreApplication.translate(
        "Counter", "{name} (only {left} left, {wanted} in the cart)"
    ).format(name=name, left=_quantity(on_hand, unit, weighed=weighed), wanted=in_cart)


def _list(parts: Iterable[str]) -> str:
    """Names in a row: Chinese separates them with 、, English with a semicolon."""
    return ("、" if current_language() == ZH_TW else "; ").join(parts)


def member_level(level: str) -> str:
    """A member level (stored as ``regular``, ``silver``, ``gold``, ``vip``) in words."""
    words = {
        "regular": QCoreApplication.translate("Counter", "regular"),
        "silver": QCoreApplication.translate("Counter", "silver"),
        "gold": QCoreApplication.translate("Counter", "gold"),
        "vip": QCoreApplication.translate("Counter", "VIP"),
    }
    return words.get(level, level)


def wallet_name(kind_value: str) -> str:
    return (
        QCoreApplication.translate("Counter", "Alipay")
        if kind_value == "alipay"
        else QCoreApplication.translate("Counter", "WeChat Pay")
    )


def wallet_result(result: WalletResult) -> str:
    """Why a wallet payment did not go through (PAID never comes here)."""
    name = wallet_name(result.kind.value)
    if result.outcome is WalletOutcome.DECLINED:
        text = QCoreApplication.translate("Counter", "{wallet} declined the payment.").format(
            wallet=name
        )
        if result.provider_message or result.provider_code:
            detail = result.provider_message or result.provider_code
            said = QCoreApplication.translate("Counter", "The provider said: {detail}")
            text = _then(text, said.format(detail=detail))
        return text
    if result.outcome is WalletOutcome.TIMED_OUT:
        text = QCoreApplication.translate(
            "Counter", "The customer did not confirm the payment in time."
        )
    elif result.outcome is WalletOutcome.CANCELLED:
        text = QCoreApplication.translate("Counter", "The payment was cancelled.")
    else:
        return QCoreApplication.translate("Counter", "{wallet} payment received.").format(
            wallet=name
        )
    if result.reversed:
        after = QCoreApplication.translate("Counter", "Nothing was charged.")
    else:
        after = QCoreApplication.translate(
            "Counter", "Ask the customer to check their app before trying again."
        )
    return _then(text, after)


def wallet_error(exc: WalletError) -> str:
    texts = {
        WalletErrorReason.OFFLINE: QCoreApplication.translate(
            "Counter",
            "No connection to the payment provider: Alipay and WeChat Pay cannot be used now. "
            "Take cash or card instead.",
        ),
        WalletErrorReason.BAD_RESPONSE: QCoreApplication.translate(
            "Counter",
            "The payment provider answered with something we cannot trust. Nothing was recorded;"
            " ask the customer to check their app before trying again.",
        ),
        WalletErrorReason.NOT_CONFIGURED: QCoreApplication.translate(
            "Counter",
            "This mobile wallet is not set up on this workstation. Ask a manager to enter its"
            " merchant details in Settings.",
        ),
        WalletErrorReason.UNKNOWN_STATE: QCoreApplication.translate(
            "Counter",
            "The payment could not be confirmed or cancelled. Ask the customer to show the"
            " payment in their app, and call a manager.",
        ),
    }
    return texts[exc.reason]
