"""The tender panel: how money is taken, the same in every dialog that takes it.

Checkout and paying an order that was taken unpaid (and, later, refunds) are
built around this one widget. Keyboard-first: F1…F5 pick cash, card, Alipay,
WeChat Pay or store credit; the amount is what is still to pay unless the
cashier types another; Enter takes the tender. Cash offers quick amounts and
shows the change; a card takes the terminal's approval code and the last four
digits only; a wallet takes the customer's payment code and is charged on a
worker, so the window never freezes while the customer confirms. The rules
are the domain's (:mod:`shop_desktop.domain.tender`): this widget only reads
the fields, shows the result and words a refusal.

The dialog around it owns what the tenders are for: it hands over its finish
button (enabled once everything is paid), waits for its own write through
:meth:`TenderPanel.wait_for`, and leaves through
:meth:`TenderPanel.give_back_wallets`, so a wallet payment is never forgotten.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shop_desktop.data.db import StorageError
from shop_desktop.domain.money import Currency, Money
from shop_desktop.domain.tender import (
    WALLETS,
    PaymentMethod,
    Tender,
    TenderList,
    TenderProblem,
    TenderRefused,
    amount_typed,
    quick_cash,
)
from shop_desktop.services.store_credit import store_credit_balance
from shop_desktop.services.wallets import (
    WalletCharge,
    WalletError,
    WalletKind,
    WalletOutcome,
    WalletResult,
    WalletStatus,
    detect_wallet,
)
from shop_desktop.ui.context import ORDERS, ShopContext
from shop_desktop.ui.orders.wording import method_name
from shop_desktop.ui.sell.wording import wallet_error, wallet_name, wallet_result
from shop_desktop.ui.tasks import BackgroundOp, Job

T = TypeVar("T")


@dataclass(frozen=True)
class Payable:
    """What the tenders pay for."""

    #: The order the money is for (a cart's id is its order's id).
    order_id: uuid.UUID
    total_minor: int
    currency: Currency
    #: The member paying, if any: store credit needs one.
    member_id: uuid.UUID | None
    #: Starts our trade numbers at the wallet provider (26 letters or digits);
    #: the panel adds the attempt, so each scan has its own.
    trade_prefix: str


class TenderPanel(QWidget):
    """Take the tenders for one :class:`Payable`; :attr:`taken` holds them."""

    #: Emitted after a tender was taken or taken off again.
    tenders_changed = Signal()

    def __init__(  # noqa: PLR0915 - the whole form is built and wired in one place
        self, parent: QWidget | None, context: ShopContext, payable: Payable
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.payable = payable
        self.money = payable.currency
        self.taken = TenderList(payable.total_minor, member=payable.member_id is not None)
        #: The wallet charge, give-back or the dialog's own write under way, if any.
        self.busy: BackgroundOp[Any] | None = None
        self.method = PaymentMethod.CASH
        self._attempt = 0
        self._finish: QPushButton | None = None
        self._held: tuple[QPushButton, ...] = ()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.total_label = QLabel()
        self.total_label.setObjectName("tenderTotal")
        big = QFont(self.total_label.font())
        big.setPointSizeF(big.pointSizeF() * 2.0)
        big.setBold(True)
        self.total_label.setFont(big)
        outer.addWidget(self.total_label)
        self.remaining_label = QLabel()
        self.remaining_label.setObjectName("tenderRemaining")
        outer.addWidget(self.remaining_label)
        self.change_label = QLabel()
        self.change_label.setObjectName("tenderChange")
        change_font = QFont(self.change_label.font())
        change_font.setPointSizeF(change_font.pointSizeF() * 1.6)
        change_font.setBold(True)
        self.change_label.setFont(change_font)
        outer.addWidget(self.change_label)

        methods = QHBoxLayout()
        outer.addLayout(methods)
        self.method_buttons: dict[PaymentMethod, QPushButton] = {}
        for number, method in enumerate(PaymentMethod, start=1):
            button = QPushButton()
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, m=method: self.choose(m))
            methods.addWidget(button)
            self.method_buttons[method] = button
            shortcut = QShortcut(QKeySequence(f"F{number}"), self)
            shortcut.activated.connect(lambda m=method: self.choose(m))

        self.pages = QStackedWidget()
        outer.addWidget(self.pages)
        # Cash
        cash_page = QWidget()
        self.pages.addWidget(cash_page)
        cash_form = QFormLayout(cash_page)
        self.cash_received = QLineEdit()
        self.cash_received.setObjectName("cashReceived")
        self.cash_received.returnPressed.connect(self.take_cash)
        self.cash_received_label = QLabel()
        cash_form.addRow(self.cash_received_label, self.cash_received)
        self.quick_row = QHBoxLayout()
        cash_form.addRow(self.quick_row)
        self.quick_buttons: list[QPushButton] = []
        # Card
        card_page = QWidget()
        self.pages.addWidget(card_page)
        card_form = QFormLayout(card_page)
        self.card_amount = QLineEdit()
        self.card_approval = QLineEdit()
        self.card_approval.setMaxLength(32)
        self.card_last4 = QLineEdit()
        self.card_last4.setMaxLength(4)
        self.card_last4.setInputMask("9999")
        for edit in (self.card_amount, self.card_approval, self.card_last4):
            edit.returnPressed.connect(self.take_card)
        self.card_amount_label = QLabel()
        self.card_approval_label = QLabel()
        self.card_last4_label = QLabel()
        card_form.addRow(self.card_amount_label, self.card_amount)
        card_form.addRow(self.card_approval_label, self.card_approval)
        card_form.addRow(self.card_last4_label, self.card_last4)
        # Wallets (one page for both: the customer's code says which)
        wallet_page = QWidget()
        self.pages.addWidget(wallet_page)
        wallet_form = QFormLayout(wallet_page)
        self.wallet_amount = QLineEdit()
        self.wallet_code = QLineEdit()
        self.wallet_code.setObjectName("walletCode")
        self.wallet_code.setMaxLength(32)
        self.wallet_amount.returnPressed.connect(self.wallet_code.setFocus)
        self.wallet_code.returnPressed.connect(self.take_wallet)
        self.wallet_amount_label = QLabel()
        self.wallet_code_label = QLabel()
        wallet_form.addRow(self.wallet_amount_label, self.wallet_amount)
        wallet_form.addRow(self.wallet_code_label, self.wallet_code)
        # Store credit
        credit_page = QWidget()
        self.pages.addWidget(credit_page)
        credit_form = QFormLayout(credit_page)
        self.credit_balance = QLabel("…")
        self.credit_amount = QLineEdit()
        self.credit_amount.returnPressed.connect(self.take_store_credit)
        self.credit_balance_label = QLabel()
        self.credit_amount_label = QLabel()
        credit_form.addRow(self.credit_balance_label, self.credit_balance)
        credit_form.addRow(self.credit_amount_label, self.credit_amount)
        self._pages = {
            PaymentMethod.CASH: cash_page,
            PaymentMethod.CARD: card_page,
            PaymentMethod.ALIPAY: wallet_page,
            PaymentMethod.WECHAT: wallet_page,
            PaymentMethod.STORE_CREDIT: credit_page,
        }
        #: Where the cursor goes when a method is picked: a wallet waits for the scan.
        self._first_field = {
            PaymentMethod.CASH: self.cash_received,
            PaymentMethod.CARD: self.card_amount,
            PaymentMethod.ALIPAY: self.wallet_code,
            PaymentMethod.WECHAT: self.wallet_code,
            PaymentMethod.STORE_CREDIT: self.credit_amount,
        }

        waiting = QHBoxLayout()
        outer.addLayout(waiting)
        self.status = QLabel()
        self.status.setObjectName("tenderStatus")
        self.status.setWordWrap(True)
        waiting.addWidget(self.status, 1)
        self.stop_button = QPushButton()
        self.stop_button.setAutoDefault(False)
        self.stop_button.clicked.connect(self.stop_waiting)
        self.stop_button.setVisible(False)
        waiting.addWidget(self.stop_button)
        self.problem = QLabel()
        self.problem.setObjectName("tenderProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a50e0e; font-weight: bold;")
        outer.addWidget(self.problem)

        taken_row = QHBoxLayout()
        outer.addLayout(taken_row)
        self.tender_list = QListWidget()
        self.tender_list.setObjectName("tenders")
        self.tender_list.setMaximumHeight(110)
        taken_row.addWidget(self.tender_list, 1)
        remove = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.tender_list)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove_selected_tender)
        self.remove_button = QPushButton()
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected_tender)
        taken_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)

        self.retranslate()
        self.choose(PaymentMethod.CASH)
        self._load_store_credit()

    # --- words --------------------------------------------------------------

    def retranslate(self) -> None:
        for number, (method, button) in enumerate(self.method_buttons.items(), start=1):
            button.setText(f"{method_name(method)} (F{number})")
        self.cash_received_label.setText(self.tr("Cash received"))
        self.card_amount_label.setText(self.tr("Amount"))
        self.card_approval_label.setText(self.tr("Approval code"))
        self.card_last4_label.setText(self.tr("Last four digits"))
        self.wallet_amount_label.setText(self.tr("Amount"))
        self.wallet_code_label.setText(self.tr("Payment code"))
        self.wallet_code.setPlaceholderText(self.tr("Scan the code in the customer's app"))
        self.credit_balance_label.setText(self.tr("Balance"))
        self.credit_amount_label.setText(self.tr("Amount"))
        self.stop_button.setText(self.tr("Stop waiting"))
        self.remove_button.setText(self.tr("Remove payment (Del)"))
        if self.payable.member_id is None:
            self.credit_balance.setText(self.tr("No member attached"))
        self.update_amounts()

    def refusal_text(self, refused: TenderRefused) -> str:
        """A refused tender in one sentence for the cashier."""
        reason = refused.reason
        if reason is TenderProblem.MORE_THAN_LEFT:
            method = refused.detail.get("method")
            if method is PaymentMethod.CARD:
                return self.tr("A card cannot pay more than is left to pay.")
            if method is PaymentMethod.STORE_CREDIT:
                return self.tr("Store credit cannot pay more than is left to pay.")
            return self.tr("A wallet cannot pay more than is left to pay.")
        example = Money(100 * 10**self.money.exponent, self.money).format(show_symbol=False)
        texts = {
            TenderProblem.NOTHING_LEFT: self.tr("Nothing is left to pay: finish with F9."),
            TenderProblem.BAD_AMOUNT: self.tr("Type an amount, for example {example}.").format(
                example=example
            ),
            TenderProblem.NO_APPROVAL_CODE: self.tr(
                "Type the approval code from the card terminal."
            ),
            TenderProblem.BAD_CARD_DIGITS: self.tr(
                "Type exactly the last four digits of the card."
            ),
            TenderProblem.STORE_CREDIT_NEEDS_MEMBER: self.tr(
                "Store credit needs a member, and none is attached."
            ),
            TenderProblem.STORE_CREDIT_SHORT: self.tr("The member's store credit is not enough."),
            TenderProblem.TENDER_BELOW_AMOUNT: self.tr(
                "The cash handed over is less than the amount."
            ),
            TenderProblem.CHANGE_NOT_CASH: self.tr("Only cash can give change."),
            TenderProblem.UNDERPAID: self.tr("{missing} is still to be paid.").format(
                missing=self.fmt(self.taken.remaining_minor)
            ),
            TenderProblem.OVERPAID: self.tr("More was taken than the total."),
        }
        return texts[reason]

    # --- amounts ------------------------------------------------------------

    def fmt(self, minor: int) -> str:
        return Money(minor, self.money).format()

    @property
    def tenders(self) -> tuple[Tender, ...]:
        return self.taken.tenders

    @property
    def remaining_minor(self) -> int:
        return self.taken.remaining_minor

    @property
    def change_minor(self) -> int:
        return self.taken.change_minor

    @property
    def cash_received_minor(self) -> int:
        """Cash the customer handed over, all cash tenders together (change included)."""
        return sum(
            t.amount_minor if t.tendered_minor is None else t.tendered_minor
            for t in self.taken.tenders
            if t.method is PaymentMethod.CASH
        )

    def update_amounts(self) -> None:
        taken = self.taken
        self.total_label.setText(
            self.tr("Total {amount}").format(amount=self.fmt(taken.total_minor))
        )
        remaining = taken.remaining_minor
        self.remaining_label.setText(
            self.tr("Paid {paid} · Still to pay {remaining}").format(
                paid=self.fmt(taken.paid_minor), remaining=self.fmt(remaining)
            )
        )
        change = taken.change_minor
        self.change_label.setText(
            self.tr("Change {amount}").format(amount=self.fmt(change)) if change else ""
        )
        self.tender_list.clear()
        for tender in taken.tenders:
            text = f"{method_name(tender.method)}  {self.fmt(tender.amount_minor)}"
            if tender.tendered_minor is not None:
                text += "  " + self.tr("received {received}, change {change}").format(
                    received=self.fmt(tender.tendered_minor), change=self.fmt(tender.change_minor)
                )
            if tender.card_last4:
                text += f"  ****{tender.card_last4}"
            if tender.reference:
                text += f"  #{tender.reference}"
            self.tender_list.addItem(text)
        for button in self.quick_buttons:
            self.quick_row.removeWidget(button)
            button.deleteLater()
        self.quick_buttons = []
        if remaining > 0:
            for amount in quick_cash(remaining, self.money):
                button = QPushButton(self.fmt(amount))
                button.setAutoDefault(False)
                button.clicked.connect(lambda _c=False, a=amount: self.take_cash(a))
                self.quick_row.addWidget(button)
                self.quick_buttons.append(button)
        done = taken.is_paid and self.busy is None
        if self._finish is not None:
            # Enabled, never the default: Enter takes a tender, F9 finishes.
            self._finish.setEnabled(done)
        for edit in (self.card_amount, self.wallet_amount, self.credit_amount):
            edit.setPlaceholderText(self.fmt(max(remaining, 0)))

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    # --- the dialog around it -----------------------------------------------

    def use_buttons(self, finish: QPushButton, *held: QPushButton) -> None:
        """``finish`` is enabled (and the default) once all is paid; ``held`` wait while busy."""
        self._finish = finish
        self._held = held
        self.update_amounts()

    def ready_to_finish(self) -> bool:
        """Everything is paid and nothing is under way; says what is missing if not."""
        if self.busy is not None:
            return False
        if self.taken.remaining_minor > 0:
            self.show_problem(
                self.tr("{missing} is still to be paid.").format(
                    missing=self.fmt(self.taken.remaining_minor)
                )
            )
            return False
        return True

    def finish(
        self,
        write: Callable[[Job], T],
        *,
        success: Callable[[T], None],
        refusal: Callable[[BaseException], str | None],
        waiting: str,
    ) -> None:
        """Write what the tenders paid for, on a worker, holding the panel meanwhile.

        ``refusal`` words the refusals the dialog expects (None for anything
        else, which is then handled as the background helper would);
        ``waiting`` says what the till is doing. Other screens hear that
        orders changed.
        """

        def written(result: T) -> None:
            self.busy = None
            success(result)

        def failed(exc: BaseException) -> None:
            self.done_waiting()
            self.show_refusal(exc, refusal(exc))

        op: BackgroundOp[T] = (
            BackgroundOp(self, op=write, success=written, database=self.context.database)
            .failure(failed)
            .announcing(self.context, ORDERS)
        )
        self.wait_for(op, waiting)
        op.run()

    def wait_for(self, op: BackgroundOp[Any], text: str, *, cancellable: bool = False) -> None:
        """Hold every key and button while ``op`` runs; call :meth:`done_waiting` when it ends."""
        self.busy = op
        self.status.setText(text)
        self.stop_button.setVisible(cancellable)
        for button in (*self.method_buttons.values(), *self._held):
            button.setEnabled(False)
        if self._finish is not None:
            self._finish.setEnabled(False)

    def done_waiting(self) -> None:
        self.busy = None
        self.status.clear()
        self.stop_button.setVisible(False)
        for button in (*self.method_buttons.values(), *self._held):
            button.setEnabled(True)
        self.update_amounts()

    def stop_waiting(self) -> None:
        if self.busy is not None:
            self.busy.cancel()

    def show_refusal(self, exc: BaseException, said: str | None) -> None:
        """A refusal the caller could word is shown here; anything else as the helper would:
        storage errors in plain words, bugs reported as bugs."""
        if said is not None:
            self.show_problem(said)
            return
        from shop_desktop.ui import errors

        if isinstance(exc, StorageError):
            errors.show_storage_error(self, exc)
            return
        errors.report_exception(exc, self)

    def give_back_wallets(self, then: Callable[[], None]) -> None:
        """Leave: wallet payments already taken are given back first (after asking)."""
        if self.busy is not None:
            return
        wallet = list(self.taken.wallet_tenders)
        if not wallet:
            then()
            return
        answer = QMessageBox.question(
            self,
            self.tr("Cancel payment"),
            self.tr(
                "Mobile wallet payments were taken. Give them back to the customer and stop"
                " taking payment?"
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._reverse(wallet, then=then)

    # --- choosing and taking tenders ----------------------------------------

    def choose(self, method: PaymentMethod) -> None:
        if self.busy is not None:
            return
        self.method = method
        for m, button in self.method_buttons.items():
            button.setChecked(m is method)
        self.pages.setCurrentWidget(self._pages[method])
        self.problem.clear()
        focus = self._first_field[method]
        focus.setFocus()
        focus.selectAll()

    def _typed(self, edit: QLineEdit) -> int | None:
        try:
            return amount_typed(edit.text(), self.money)
        except TenderRefused:
            edit.selectAll()
            edit.setFocus()
            raise

    def _take(self, take: Callable[[], TenderList], *cleared: QLineEdit) -> TenderProblem | None:
        """Take a tender by the rules; a refusal is shown, changes nothing and is returned."""
        if self.busy is not None:
            return None
        try:
            self.taken = take()
        except TenderRefused as refused:
            self.show_problem(self.refusal_text(refused))
            return refused.reason
        for edit in cleared:
            edit.clear()
        self.problem.clear()
        self.update_amounts()
        self.tenders_changed.emit()
        return None

    def take_cash(self, received_minor: int | None = None) -> None:
        """Cash handed over (typed, a quick amount, or exactly what is left)."""
        self._take(
            lambda: self.taken.take_cash(
                self._typed(self.cash_received) if received_minor is None else received_minor
            ),
            self.cash_received,
        )

    def take_card(self) -> None:
        refused = self._take(
            lambda: self.taken.take_card(
                self._typed(self.card_amount),
                approval_code=self.card_approval.text(),
                last4=self.card_last4.text(),
            ),
            self.card_amount,
            self.card_approval,
            self.card_last4,
        )
        if refused is TenderProblem.NO_APPROVAL_CODE:
            self.card_approval.setFocus()

    def take_store_credit(self) -> None:
        self._take(
            lambda: self.taken.take_store_credit(self._typed(self.credit_amount)),
            self.credit_amount,
        )

    def remove_selected_tender(self) -> None:
        row = self.tender_list.currentRow()
        if self.busy is not None or not 0 <= row < len(self.taken.tenders):
            return
        tender = self.taken.tenders[row]
        if tender.method in WALLETS:
            self._reverse([tender], then=lambda: None)
            return
        self._drop([tender])

    def _drop(self, tenders: list[Tender]) -> None:
        for tender in tenders:
            if tender in self.taken.tenders:
                self.taken = self.taken.without(tender)
        self.update_amounts()
        self.tenders_changed.emit()

    def _load_store_credit(self) -> None:
        member_id = self.payable.member_id
        if member_id is None:
            return

        def balance(job: Job) -> int:
            return store_credit_balance(job.session, member_id)

        def loaded(value: int) -> None:
            self.taken = replace(self.taken, credit_balance_minor=value)
            self.credit_balance.setText(self.fmt(value))

        BackgroundOp(self, op=balance, success=loaded, database=self.context.database).run()

    # --- wallets ------------------------------------------------------------

    def take_wallet(self) -> None:
        """Charge the customer's payment code for the amount, on a worker."""
        chosen = self.method
        if self.busy is not None or chosen not in WALLETS:
            return
        try:
            amount = self.taken.wallet_charge(self._typed(self.wallet_amount), chosen)
        except TenderRefused as refused:
            self.show_problem(self.refusal_text(refused))
            return
        code = "".join(self.wallet_code.text().split())
        kind = detect_wallet(code)
        if kind is None:
            self.show_problem(
                self.tr("That is not an Alipay or WeChat Pay payment code. Scan it again.")
            )
            self.wallet_code.selectAll()
            return
        method = PaymentMethod(kind.value)
        if method is not chosen:
            # The customer's app decides; the cashier's key press was a guess.
            self.choose(method)
        self._attempt += 1
        staff = self.context.staff
        charge = WalletCharge(
            out_trade_no=f"{self.payable.trade_prefix}{self._attempt:02d}",
            amount_minor=amount,
            currency=self.money,
            auth_code=code,
            # Shown in the customer's app, whatever language the till speaks.
            subject=staff.branch_name_zh or staff.branch_name_en,
            store_id=staff.branch_code,
            terminal_id=staff.workstation_code,
            order_id=self.payable.order_id,
        )
        provider_for = self.context.wallet_provider

        def pay(job: Job) -> WalletResult:
            provider = provider_for(kind)

            def on_status(status: WalletStatus) -> None:
                job.state.set_progress(0.0, status.value)

            return provider.charge(
                charge, cancelled=job.state.is_cancel_requested, on_status=on_status
            )

        self.wallet_code.clear()
        self.wallet_amount.clear()
        op: BackgroundOp[WalletResult] = BackgroundOp(
            self, op=pay, success=lambda result: self._wallet_done(charge, result)
        ).failure(self._wallet_failed)
        op.progressed.connect(lambda _f, status: self._wallet_status(kind, status))
        self.wait_for(
            op,
            self.tr("Sending the payment to {wallet}…").format(wallet=wallet_name(kind.value)),
            cancellable=True,
        )
        op.run()

    def _wallet_status(self, kind: WalletKind, status: str) -> None:
        texts = {
            WalletStatus.SENDING.value: self.tr("Sending the payment to {wallet}…"),
            WalletStatus.WAITING_FOR_USER.value: self.tr(
                "Waiting for the customer to confirm in {wallet}…"
            ),
            WalletStatus.QUERYING.value: self.tr("Checking the payment with {wallet}…"),
            WalletStatus.REVERSING.value: self.tr("Cancelling the payment at {wallet}…"),
        }
        if status in texts:
            self.status.setText(texts[status].format(wallet=wallet_name(kind.value)))

    def _wallet_done(self, charge: WalletCharge, result: WalletResult) -> None:
        self.done_waiting()
        if result.outcome is not WalletOutcome.PAID:
            self.show_problem(wallet_result(result))
            return
        method = PaymentMethod(result.kind.value)
        self._take(
            lambda: self.taken.take_wallet(
                method,
                charge.amount_minor,
                transaction_id=result.transaction_id,
                out_trade_no=charge.out_trade_no,
            )
        )
        self.status.setText(wallet_result(result))

    def _wallet_failed(self, exc: BaseException) -> None:
        self.done_waiting()
        self.show_refusal(exc, wallet_error(exc) if isinstance(exc, WalletError) else None)

    def _reverse(self, tenders: list[Tender], then: Callable[[], None]) -> None:
        """Give wallet payments back before they are forgotten, then drop them."""
        provider_for = self.context.wallet_provider

        def reverse(_job: Job) -> list[Tender]:
            failed: list[Tender] = []
            for tender in tenders:
                if not provider_for(WalletKind(tender.method.value)).reverse(tender.out_trade_no):
                    failed.append(tender)
            return failed

        def reversed_(failed: list[Tender]) -> None:
            self.done_waiting()
            self._drop([t for t in tenders if t not in failed])
            if failed:
                self.show_problem(
                    self.tr(
                        "A wallet payment could not be cancelled. It stays on this payment;"
                        " call a manager to refund it."
                    )
                )
                return
            then()

        def failed(exc: BaseException) -> None:
            self.done_waiting()
            self.show_refusal(exc, wallet_error(exc) if isinstance(exc, WalletError) else None)

        op: BackgroundOp[list[Tender]] = BackgroundOp(self, op=reverse, success=reversed_).failure(
            failed
        )
        self.wait_for(op, self.tr("Cancelling the wallet payment…"))
        op.run()
