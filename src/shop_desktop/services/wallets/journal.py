"""Wallet charges written down before they are sent, and settled after a crash.

A till can die at any moment of a charge: after the customer's money moved
but before the sale that takes it was written, or before the request even
left. So each charge is first written to ``wallet_charges`` (provider, trade
number, amount, cart), committed, and only then sent; the answer updates the
record, and the sale's payment row settles it in the sale's own transaction
(the ``wallet_charges_sold`` trigger).

At the next start, before the till sells again, :func:`recover_wallet_charges`
asks the gateway about every record an earlier run left unsettled:

* paid, and no committed sale holds it: reversed (refunded), so no money
  stays with the shop without a sale; paid and a sale holds it: settled;
* still waiting for the customer, or unknown to the gateway: cancelled (closed);
* closed or declined: settled, nothing was charged;
* no trustworthy answer (offline, a bad signature, wallet not set up): kept,
  to be asked again later, and shown to the manager.

Reversing is safe to repeat: a trade already cancelled, or never received,
counts as reversed. Charges of the running till are never touched here; its
checkout still holds them.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shop_desktop.data.db import Database, StorageError, classify_sqlite_error
from shop_desktop.data.models import (
    UNSETTLED_WALLET_STATES,
    Payment,
    PaymentMethod,
    WalletChargeState,
)
from shop_desktop.data.models import WalletCharge as WalletChargeRecord
from shop_desktop.data.types import utcnow
from shop_desktop.services.wallets.base import (
    GatewayAnswer,
    TradeState,
    WalletCharge,
    WalletError,
    WalletErrorReason,
    WalletKind,
    WalletOutcome,
    WalletProvider,
    WalletResult,
    WalletStatus,
)

__all__ = [
    "RecordedWallet",
    "RecoveryReport",
    "UnsettledCharge",
    "current_run_id",
    "recover_wallet_charges",
    "unsettled_wallet_charges",
]

log = logging.getLogger(__name__)

_METHOD = {WalletKind.ALIPAY: PaymentMethod.ALIPAY, WalletKind.WECHAT: PaymentMethod.WECHAT}
_KIND = {method: kind for kind, method in _METHOD.items()}
_PROBLEM_LIMIT = 200

_run: tuple[int, str] | None = None


def current_run_id() -> str:
    """This process's run of the app; a forked child is a run of its own."""
    global _run  # noqa: PLW0603 - one id per process, made on first use
    pid = os.getpid()
    if _run is None or _run[0] != pid:
        _run = (pid, uuid.uuid4().hex)
    return _run[1]


# --- recording the running till's charges ---------------------------------------


class RecordedWallet:
    """A wallet provider whose every charge is on disk before it is sent.

    Wraps what ``make_provider`` returns; the checkout calls ``charge`` and
    ``reverse`` as before, on its worker thread. Each write is a short
    transaction of its own, committed before the gateway is called.
    """

    def __init__(self, provider: WalletProvider, database: Database) -> None:
        self.provider = provider
        self.database = database
        self.kind = provider.kind

    def charge(
        self,
        charge: WalletCharge,
        *,
        cancelled: Callable[[], bool],
        on_status: Callable[[WalletStatus], None],
    ) -> WalletResult:
        try:
            self._record(charge)
        except SQLAlchemyError as exc:
            # Nothing is sent that could not be written down first.
            known = classify_sqlite_error(self.database.path, getattr(exc, "orig", None) or exc)
            if known is not None:
                raise known from exc
            raise
        try:
            result = self.provider.charge(charge, cancelled=cancelled, on_status=on_status)
        except WalletError as exc:
            # Offline and refused-credentials errors come before the gateway
            # processed anything; the others say whether the trade was reversed.
            nothing_charged = exc.reason in (
                WalletErrorReason.OFFLINE,
                WalletErrorReason.NOT_CONFIGURED,
            )
            if nothing_charged or exc.reversed:
                self._settle(charge.out_trade_no, WalletChargeState.REVERSED, problem=str(exc))
            else:
                self._note(charge.out_trade_no, str(exc))
            raise
        if result.outcome is WalletOutcome.PAID:
            self._settle(
                charge.out_trade_no, WalletChargeState.PAID, transaction_id=result.transaction_id
            )
        elif result.outcome is WalletOutcome.DECLINED:
            self._settle(charge.out_trade_no, WalletChargeState.DECLINED)
        elif result.reversed:
            self._settle(charge.out_trade_no, WalletChargeState.REVERSED)
        else:
            # The customer may still confirm in the app: the next start asks again.
            self._note(charge.out_trade_no, f"{result.outcome.value}, not reversed")
        return result

    def _record(self, charge: WalletCharge) -> None:
        with self.database.session() as session:
            session.add(
                WalletChargeRecord(
                    out_trade_no=charge.out_trade_no,
                    provider=_METHOD[self.kind],
                    amount_minor=charge.amount_minor,
                    currency_code=charge.currency.code,
                    order_id=charge.order_id,
                    transaction_id="",
                    state=WalletChargeState.SENDING,
                    run_id=current_run_id(),
                    checks=0,
                    problem="",
                )
            )

    def reverse(self, out_trade_no: str) -> bool:
        reversed_ = self.provider.reverse(out_trade_no)
        if reversed_:
            self._settle(out_trade_no, WalletChargeState.REVERSED)
        return reversed_

    def look_up(self, out_trade_no: str) -> GatewayAnswer:
        return self.provider.look_up(out_trade_no)

    # After the gateway answered, the answer matters more than the bookkeeping: a
    # record that cannot be updated (disk full) stays unsettled, and the next
    # start asks the gateway and looks for the sale by the trade's own number.

    def _settle(
        self,
        out_trade_no: str,
        state: WalletChargeState,
        *,
        transaction_id: str | None = None,
        problem: str = "",
    ) -> None:
        try:
            with self.database.session() as session:
                _set_state(
                    session, out_trade_no, state, transaction_id=transaction_id, problem=problem
                )
        except (SQLAlchemyError, StorageError):
            log.exception("wallet charge %s not marked %s", out_trade_no, state.value)

    def _note(self, out_trade_no: str, problem: str) -> None:
        try:
            with self.database.session() as session:
                session.execute(
                    update(WalletChargeRecord)
                    .where(WalletChargeRecord.out_trade_no == out_trade_no)
                    .values(problem=problem[:_PROBLEM_LIMIT], updated_at=utcnow())
                )
        except (SQLAlchemyError, StorageError):
            log.exception("wallet charge %s: problem not noted", out_trade_no)


def _set_state(
    session: Session,
    out_trade_no: str,
    state: WalletChargeState,
    *,
    transaction_id: str | None = None,
    problem: str = "",
) -> None:
    now = utcnow()
    values: dict[str, object] = {
        "state": state,
        "updated_at": now,
        "problem": problem[:_PROBLEM_LIMIT],
        "settled_at": None if state in UNSETTLED_WALLET_STATES else now,
    }
    if transaction_id is not None:
        values["transaction_id"] = transaction_id
    query = update(WalletChargeRecord).where(WalletChargeRecord.out_trade_no == out_trade_no)
    if state is not WalletChargeState.REVERSED:
        # The sale's trigger may have settled it meanwhile; a sale is never undone here.
        query = query.where(WalletChargeRecord.state != WalletChargeState.SOLD)
    session.execute(query.values(**values))


# --- after a crash ----------------------------------------------------------------


@dataclass(frozen=True)
class UnsettledCharge:
    """A charge an earlier run left open, as the manager is shown it."""

    out_trade_no: str
    kind: WalletKind
    amount_minor: int
    currency_code: str
    started_at: datetime
    #: "sending" (what happened is not known) or "paid" (paid, no sale yet).
    state: str
    checks: int
    problem: str


@dataclass(frozen=True)
class RecoveryReport:
    """What :func:`recover_wallet_charges` did, by trade number."""

    #: A committed sale holds the payment: nothing to give back.
    sold: tuple[str, ...] = ()
    #: Paid without a sale: refunded at the gateway.
    refunded: tuple[str, ...] = ()
    #: Not paid: cancelled at the gateway (or it never got there, or the wallet declined).
    closed: tuple[str, ...] = ()
    #: No trustworthy answer: asked again later.
    waiting: tuple[UnsettledCharge, ...] = ()

    @property
    def settled(self) -> int:
        return len(self.sold) + len(self.refunded) + len(self.closed)


def unsettled_wallet_charges(
    session: Session, *, this_run: str | None = None
) -> list[UnsettledCharge]:
    """Charges left open by earlier runs (not ``this_run``'s), oldest first."""
    this_run = current_run_id() if this_run is None else this_run
    rows = session.scalars(
        select(WalletChargeRecord)
        .where(
            WalletChargeRecord.state.in_(UNSETTLED_WALLET_STATES),
            WalletChargeRecord.run_id != this_run,
        )
        .order_by(WalletChargeRecord.started_at, WalletChargeRecord.out_trade_no)
    )
    return [
        UnsettledCharge(
            out_trade_no=row.out_trade_no,
            kind=_KIND[row.provider],
            amount_minor=row.amount_minor,
            currency_code=row.currency_code,
            started_at=row.started_at,
            state=row.state.value,
            checks=row.checks,
            problem=row.problem,
        )
        for row in rows
    ]


def _held_by_a_sale(session: Session, out_trade_no: str, transaction_id: str = "") -> bool:
    """Whether a committed payment names this trade (belt and braces for the trigger).

    Only the trade itself counts, by our number or the gateway's: another
    attempt for the same cart may be what paid, while this one still holds
    the customer's money.
    """
    record = session.get(WalletChargeRecord, out_trade_no, populate_existing=True)
    if record is None:
        return False
    if record.state is WalletChargeState.SOLD:
        return True
    references = {out_trade_no, record.transaction_id, transaction_id} - {""}
    found = session.scalar(
        select(Payment.order_id)
        .where(Payment.method == record.provider, Payment.reference.in_(sorted(references)))
        .limit(1)
    )
    return found is not None


def recover_wallet_charges(
    database: Database,
    provider_for: Callable[[WalletKind], WalletProvider],
    *,
    this_run: str | None = None,
) -> RecoveryReport:
    """Settle every charge an earlier run left open; see the module's docstring.

    Network calls are made outside any transaction; each record's outcome is
    written in a short transaction of its own, so a crash here loses at most
    the answer about one trade, which the next call asks for again.
    """
    with database.session() as session:
        open_charges = unsettled_wallet_charges(session, this_run=this_run)
    found: dict[str, list[str]] = {"sold": [], "refunded": [], "closed": []}
    waiting: list[UnsettledCharge] = []
    for charge in open_charges:
        number = charge.out_trade_no
        with database.session() as session:
            if _held_by_a_sale(session, number):
                _set_state(session, number, WalletChargeState.SOLD)
                found["sold"].append(number)
                continue

        def sold_as(transaction_id: str, number: str = number) -> bool:
            with database.session() as session:
                return _held_by_a_sale(session, number, transaction_id)

        verdict, problem = _settle_at_gateway(charge, provider_for, sold_as)
        log.info("wallet charge %s after a restart: %s %s", number, verdict, problem)
        with database.session() as session:
            if verdict is None:
                session.execute(
                    update(WalletChargeRecord)
                    .where(WalletChargeRecord.out_trade_no == number)
                    .values(
                        checks=WalletChargeRecord.checks + 1,
                        problem=problem[:_PROBLEM_LIMIT],
                        updated_at=utcnow(),
                    )
                )
                waiting.append(
                    replace(charge, checks=charge.checks + 1, problem=problem[:_PROBLEM_LIMIT])
                )
                continue
            state = {
                "sold": WalletChargeState.SOLD,
                "declined": WalletChargeState.DECLINED,
            }.get(verdict, WalletChargeState.REVERSED)
            _set_state(session, number, state)
        found[verdict if verdict in ("sold", "refunded") else "closed"].append(number)
    return RecoveryReport(
        sold=tuple(found["sold"]),
        refunded=tuple(found["refunded"]),
        closed=tuple(found["closed"]),
        waiting=tuple(waiting),
    )


def _settle_at_gateway(
    charge: UnsettledCharge,
    provider_for: Callable[[WalletKind], WalletProvider],
    sold_as: Callable[[str], bool],
) -> tuple[str | None, str]:
    """Ask the gateway and act on its answer.

    ``sold_as(transaction_id)`` says whether a committed sale holds the trade
    under the gateway's number (the record may have missed it). Returns
    ("sold" | "refunded" | "closed" | "declined", "") once settled, or
    (None, why) when there is nothing trustworthy to act on yet.
    """
    try:
        provider = provider_for(charge.kind)
    except WalletError as exc:
        return None, f"wallet not usable: {exc}"
    answer = provider.look_up(charge.out_trade_no)
    if answer.state is TradeState.DECLINED:
        return "declined", ""
    if answer.state is TradeState.PAID and sold_as(answer.transaction_id):
        return "sold", ""
    if answer.state in (TradeState.PAID, TradeState.USER_PAYING, TradeState.NOT_FOUND):
        # No sale holds it (checked first): give paid money back, and close the
        # rest so a customer still looking at the app cannot pay for a sale that is gone.
        if not provider.reverse(charge.out_trade_no):
            return None, f"could not reverse ({answer.state.value})"
        return ("refunded" if answer.state is TradeState.PAID else "closed"), ""
    # UNKNOWN, NOT_SENT, REJECTED: nothing trustworthy to act on.
    return None, f"{answer.state.value} {answer.code}".strip()
