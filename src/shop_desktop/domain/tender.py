"""How a customer pays: the tenders taken for one bill, and the rules they keep.

One set of rules for every place that takes money -- the checkout dialog,
paying an order that was taken unpaid, the service's own check before a sale
is written (``services.checkout.check_tender``) and, later, refunds:

* **Cash** may be more than is still to pay: what is left is paid and the
  rest comes back as change. Only cash gives change.
* A **card** pays at most what is still to pay, with the approval code the
  terminal printed and the card's last four digits only: a full card number
  is never kept.
* **Alipay** and **WeChat Pay** pay at most what is still to pay; the tender
  keeps the provider's transaction id and our own trade number, so a payment
  taken for a sale that is then abandoned can be given back.
* **Store credit** needs a member, and pays at most what is still to pay and
  what the member has.
* Any mix of them (a split) is allowed; a bill is paid when its tenders cover
  the total exactly.

A refused tender raises :class:`TenderRefused`: its ``reason`` is machine
readable (the screens word it in the cashier's language), its text a plain
English sentence fit for a cashier (logs, the server). Amounts are integer
minor units. Pure Python: no Qt, no database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from shop_desktop.domain.money import Currency, Money

__all__ = [
    "QUICK_CASH_STEPS",
    "WALLETS",
    "PaymentMethod",
    "Tender",
    "TenderList",
    "TenderProblem",
    "TenderRefused",
    "amount_typed",
    "check_credit_balance",
    "check_unpaid",
    "quick_cash",
    "settle",
]


class PaymentMethod(Enum):
    """The ways a customer can pay, in the order of their keys at the counter (F1...F5)."""

    CASH = "cash"
    CARD = "card"
    ALIPAY = "alipay"
    WECHAT = "wechat"
    STORE_CREDIT = "store_credit"


#: The mobile wallets: charged through their provider before the sale is written.
WALLETS = frozenset({PaymentMethod.ALIPAY, PaymentMethod.WECHAT})

#: Bills a customer typically hands over, in major units, for the quick-cash amounts.
QUICK_CASH_STEPS = (100, 500, 1000)

_FOUR_DIGITS = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class Tender:
    """One payment towards a bill, as taken at the counter and as written with the sale."""

    method: PaymentMethod
    #: The amount applied to the bill.
    amount_minor: int
    #: Cash handed over (>= amount); change = tendered - amount. Only cash gives change.
    tendered_minor: int | None = None
    #: The card terminal's approval code, or the wallet provider's transaction id.
    reference: str = ""
    #: The card's last four digits only; a full card number is never stored.
    card_last4: str = ""
    #: Our trade number at the wallet provider, kept to give the payment back
    #: if the sale is abandoned before it is written.
    out_trade_no: str = ""

    @property
    def change_minor(self) -> int:
        return 0 if self.tendered_minor is None else self.tendered_minor - self.amount_minor


class TenderProblem(Enum):
    """Why a tender, or a list of them, was refused."""

    #: Nothing is left to pay: another tender would pay too much.
    NOTHING_LEFT = "nothing_left"
    #: Zero, negative, or text that is not an amount.
    BAD_AMOUNT = "bad_amount"
    #: A card, wallet or store credit for more than is still to pay (only cash gives change).
    MORE_THAN_LEFT = "more_than_left"
    #: A card payment without the terminal's approval code.
    NO_APPROVAL_CODE = "no_approval_code"
    #: Card digits that are not exactly four ASCII digits, or card digits on another method.
    BAD_CARD_DIGITS = "bad_card_digits"
    STORE_CREDIT_NEEDS_MEMBER = "store_credit_needs_member"
    #: More store credit than the member has (``missing``, ``balance``).
    STORE_CREDIT_SHORT = "store_credit_short"
    #: Cash handed over that is less than the amount it pays (``missing``).
    TENDER_BELOW_AMOUNT = "tender_below_amount"
    #: Change from a tender other than cash (``excess``).
    CHANGE_NOT_CASH = "change_not_cash"
    #: The tenders do not reach the total (``missing``).
    UNDERPAID = "underpaid"
    #: The tenders pay more than the total, or an unpaid order came with payments (``excess``).
    OVERPAID = "overpaid"


_SAID = {
    TenderProblem.NOTHING_LEFT: "The total is already paid.",
    TenderProblem.BAD_AMOUNT: "Type an amount above zero.",
    TenderProblem.MORE_THAN_LEFT: "Only cash can be more than is left to pay.",
    TenderProblem.NO_APPROVAL_CODE: "Type the approval code from the card terminal.",
    TenderProblem.BAD_CARD_DIGITS: "Type exactly the last four digits of the card.",
    TenderProblem.STORE_CREDIT_NEEDS_MEMBER: "Store credit needs a member.",
    TenderProblem.STORE_CREDIT_SHORT: "The member's store credit is not enough.",
    TenderProblem.TENDER_BELOW_AMOUNT: "The cash handed over is less than the amount.",
    TenderProblem.CHANGE_NOT_CASH: "Only cash can give change.",
    TenderProblem.UNDERPAID: "Part of the total is still to be paid.",
    TenderProblem.OVERPAID: "More was taken than the total.",
}


class TenderRefused(ValueError):
    """A tender the rules refuse; nothing was taken.

    ``reason`` says why; ``detail`` carries what is needed to say it:
    ``payment`` (the index of the tender concerned, when checking a list),
    ``method`` (a :class:`PaymentMethod`), ``amount_minor``, ``missing``,
    ``excess``, ``balance``.
    """

    def __init__(self, reason: TenderProblem, **detail: object) -> None:
        super().__init__(_SAID[reason])
        self.reason = reason
        self.detail = detail


def amount_typed(text: str, currency: Currency) -> int | None:
    """An amount the cashier typed, in minor units; None when nothing was typed.

    None means "the usual amount" (what is still to pay). Raises
    :class:`TenderRefused` BAD_AMOUNT for text that is not an amount above zero.
    """
    if not text.strip():
        return None
    try:
        minor = Money.parse(text, currency).minor
    except ValueError:  # InvalidAmount, and anything else that is not an amount
        raise TenderRefused(TenderProblem.BAD_AMOUNT) from None
    if minor <= 0:
        raise TenderRefused(TenderProblem.BAD_AMOUNT, amount_minor=minor)
    return minor


def quick_cash(left_minor: int, currency: Currency) -> list[int]:
    """Exact, then the next round sums a customer is likely to hand over."""
    unit = 10**currency.exponent
    amounts = [left_minor]
    for step in QUICK_CASH_STEPS:
        size = step * unit
        rounded = -(-left_minor // size) * size
        if rounded > left_minor and rounded not in amounts:
            amounts.append(rounded)
    return amounts


# --- a whole list of tenders, as the service checks it before writing --------------


def settle(tenders: Sequence[Tender], *, total_minor: int, member: bool) -> list[int]:
    """Tenders that pay ``total_minor`` exactly; returns the change each one gives.

    The check before anything is written, for a sale and for paying an order
    later. ``member``: whether the bill has a member (store credit needs one).
    Raises :class:`TenderRefused` with the first rule broken, in this order:
    each tender (card digits, amount, cash below amount, change from a
    non-cash tender), then the sum, then store credit without a member.
    """
    changes: list[int] = []
    paid = 0
    for i, tender in enumerate(tenders):
        if tender.card_last4 and (
            tender.method is not PaymentMethod.CARD or not _FOUR_DIGITS.fullmatch(tender.card_last4)
        ):
            raise TenderRefused(TenderProblem.BAD_CARD_DIGITS, payment=i, method=tender.method)
        if tender.amount_minor <= 0:
            raise TenderRefused(
                TenderProblem.BAD_AMOUNT, payment=i, amount_minor=tender.amount_minor
            )
        tendered = tender.amount_minor if tender.tendered_minor is None else tender.tendered_minor
        if tendered < tender.amount_minor:
            raise TenderRefused(
                TenderProblem.TENDER_BELOW_AMOUNT, payment=i, missing=tender.amount_minor - tendered
            )
        if tendered > tender.amount_minor and tender.method is not PaymentMethod.CASH:
            # Change comes out of the cash drawer only.
            raise TenderRefused(
                TenderProblem.CHANGE_NOT_CASH, payment=i, excess=tendered - tender.amount_minor
            )
        changes.append(tendered - tender.amount_minor)
        paid += tender.amount_minor
    if paid < total_minor:
        raise TenderRefused(TenderProblem.UNDERPAID, missing=total_minor - paid)
    if paid > total_minor:
        raise TenderRefused(TenderProblem.OVERPAID, excess=paid - total_minor)
    if not member and any(t.method is PaymentMethod.STORE_CREDIT for t in tenders):
        raise TenderRefused(TenderProblem.STORE_CREDIT_NEEDS_MEMBER)
    return changes


def check_unpaid(tenders: Sequence[Tender]) -> None:
    """An order taken unpaid comes with no payment at all: part-payments are not taken."""
    if tenders:
        raise TenderRefused(TenderProblem.OVERPAID, excess=sum(t.amount_minor for t in tenders))


def check_credit_balance(tenders: Sequence[Tender], balance_minor: int) -> None:
    """The member has the store credit these tenders spend (STORE_CREDIT_SHORT if not)."""
    wanted = _spent(tenders, PaymentMethod.STORE_CREDIT)
    if wanted > balance_minor:
        raise TenderRefused(
            TenderProblem.STORE_CREDIT_SHORT,
            missing=wanted - balance_minor,
            balance=balance_minor,
        )


def _spent(tenders: Sequence[Tender], method: PaymentMethod) -> int:
    return sum(t.amount_minor for t in tenders if t.method is method)


# --- taking tenders one by one, at the counter -----------------------------------------


@dataclass(frozen=True)
class TenderList:
    """The tenders taken so far for one bill, and who pays it.

    Each ``take_*`` method checks first and returns a new list with the
    tender added, so a refused tender (:class:`TenderRefused`) leaves the
    list as it was. An amount of None means the usual one: what is still to
    pay (for store credit, no more than the member has left).
    """

    total_minor: int
    tenders: tuple[Tender, ...] = ()
    #: Whether the bill has a member: store credit needs one.
    member: bool = False
    #: The member's store credit, once known; None while it is being looked up.
    credit_balance_minor: int | None = None

    @property
    def paid_minor(self) -> int:
        return sum(t.amount_minor for t in self.tenders)

    @property
    def remaining_minor(self) -> int:
        """What is still to pay; never below zero, as no tender pays more than is left."""
        return self.total_minor - self.paid_minor

    @property
    def change_minor(self) -> int:
        return sum(t.change_minor for t in self.tenders)

    @property
    def is_paid(self) -> bool:
        return self.remaining_minor == 0

    @property
    def wallet_tenders(self) -> tuple[Tender, ...]:
        """Payments already taken at a wallet provider (given back if the bill is abandoned)."""
        return tuple(t for t in self.tenders if t.method in WALLETS)

    def take_cash(self, received_minor: int | None = None) -> TenderList:
        """Cash handed over: what is left is paid, anything above it comes back as change."""
        left = self._left()
        received = left if received_minor is None else _above_zero(received_minor)
        return self._with(Tender(PaymentMethod.CASH, min(received, left), tendered_minor=received))

    def take_card(
        self, amount_minor: int | None, *, approval_code: str, last4: str = ""
    ) -> TenderList:
        """A card payment the terminal approved; ``last4`` may be left empty."""
        amount = self._within_left(amount_minor, PaymentMethod.CARD)
        last4 = last4.strip()
        if last4 and not _FOUR_DIGITS.fullmatch(last4):
            raise TenderRefused(TenderProblem.BAD_CARD_DIGITS, method=PaymentMethod.CARD)
        approval = approval_code.strip()
        if not approval:
            raise TenderRefused(TenderProblem.NO_APPROVAL_CODE, method=PaymentMethod.CARD)
        return self._with(Tender(PaymentMethod.CARD, amount, reference=approval, card_last4=last4))

    def wallet_charge(self, amount_minor: int | None, method: PaymentMethod) -> int:
        """What to ask the wallet provider for, before the customer's code is sent."""
        if method not in WALLETS:
            raise ValueError(f"{method.value} is not a mobile wallet")
        return self._within_left(amount_minor, method)

    def take_wallet(
        self, method: PaymentMethod, amount_minor: int, *, transaction_id: str, out_trade_no: str
    ) -> TenderList:
        """A wallet payment the provider confirmed (charged for :meth:`wallet_charge`)."""
        amount = self.wallet_charge(amount_minor, method)
        return self._with(
            Tender(method, amount, reference=transaction_id, out_trade_no=out_trade_no)
        )

    def take_store_credit(self, amount_minor: int | None = None) -> TenderList:
        """Store credit from the member's balance."""
        left = self._left()
        if not self.member:
            raise TenderRefused(
                TenderProblem.STORE_CREDIT_NEEDS_MEMBER, method=PaymentMethod.STORE_CREDIT
            )
        balance = self.credit_balance_minor or 0
        available = balance - _spent(self.tenders, PaymentMethod.STORE_CREDIT)
        if amount_minor is None:
            if available <= 0:
                raise TenderRefused(TenderProblem.STORE_CREDIT_SHORT, missing=left, balance=balance)
            amount_minor = min(left, available)
        amount = self._within_left(amount_minor, PaymentMethod.STORE_CREDIT)
        tender = Tender(PaymentMethod.STORE_CREDIT, amount)
        check_credit_balance((*self.tenders, tender), balance)
        return self._with(tender)

    def without(self, tender: Tender) -> TenderList:
        """The list with one tender taken off again (a wallet one must be given back first)."""
        index = self.tenders.index(tender)
        return replace(self, tenders=self.tenders[:index] + self.tenders[index + 1 :])

    def settle(self) -> list[int]:
        """The change per tender once the bill is paid exactly (:func:`settle`)."""
        return settle(self.tenders, total_minor=self.total_minor, member=self.member)

    def _left(self) -> int:
        left = self.remaining_minor
        if left <= 0:
            raise TenderRefused(TenderProblem.NOTHING_LEFT)
        return left

    def _within_left(self, amount_minor: int | None, method: PaymentMethod) -> int:
        left = self._left()
        amount = left if amount_minor is None else _above_zero(amount_minor)
        if amount > left:
            raise TenderRefused(TenderProblem.MORE_THAN_LEFT, method=method, excess=amount - left)
        return amount

    def _with(self, tender: Tender) -> TenderList:
        return replace(self, tenders=(*self.tenders, tender))


def _above_zero(amount_minor: int) -> int:
    if amount_minor <= 0:
        raise TenderRefused(TenderProblem.BAD_AMOUNT, amount_minor=amount_minor)
    return amount_minor
