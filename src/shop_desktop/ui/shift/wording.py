"""The words for every refusal of a shift, in the counter's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from shop_desktop.domain.money import Money, currency
from shop_desktop.services.shifts import ShiftError, ShiftProblem


def shift_problem(exc: ShiftError, currency_code: str = "TWD") -> str:
    """What the cashier reads when the shift refused something."""
    if exc.reason is ShiftProblem.BAD_COUNT:
        if exc.detail.get("count_problem") == "bad_amount":
            return QCoreApplication.translate("Shift", "Enter an amount above zero.")
        return QCoreApplication.translate(
            "Shift", "A count cannot be negative or that large; check the numbers."
        )
    if exc.reason is ShiftProblem.NEEDS_MANAGER and "variance_minor" in exc.detail:
        variance = Money(abs(int(exc.detail["variance_minor"])), currency(currency_code)).format()
        return QCoreApplication.translate(
            "Shift",
            "The count is {amount} off. A supervisor or manager must check it and add a note.",
        ).format(amount=variance)
    texts = {
        ShiftProblem.NO_OPEN_SHIFT: QCoreApplication.translate(
            "Shift", "No shift is open at this till. Open one first."
        ),
        ShiftProblem.ALREADY_OPEN: QCoreApplication.translate(
            "Shift", "A shift is already open at this till."
        ),
        ShiftProblem.NEEDS_APPROVAL: QCoreApplication.translate(
            "Shift", "Taking cash out needs a supervisor's or manager's approval."
        ),
        ShiftProblem.NEEDS_MANAGER: QCoreApplication.translate(
            "Shift", "Only a supervisor or manager can see this."
        ),
        ShiftProblem.NO_REASON: QCoreApplication.translate(
            "Shift", "Say why: the reason is kept with the shift."
        ),
        ShiftProblem.NOT_FOUND: QCoreApplication.translate(
            "Shift", "This shift is not on this till."
        ),
    }
    return texts.get(
        exc.reason, QCoreApplication.translate("Shift", "The shift could not do that.")
    )


def variance_text(variance_minor: int, currency_code: str) -> str:
    """How far the count is off, in words that do not reveal the expected amount."""
    amount = Money(abs(variance_minor), currency(currency_code)).format()
    if variance_minor == 0:
        return QCoreApplication.translate("Shift", "The drawer is exactly right.")
    if variance_minor > 0:
        return QCoreApplication.translate("Shift", "The drawer is {amount} over.").format(
            amount=amount
        )
    return QCoreApplication.translate("Shift", "The drawer is {amount} short.").format(
        amount=amount
    )
