"""Taking payment for an order that was taken unpaid (pay-later, cash on delivery).

The same rules as at the counter (checkout's ``Tender``: cash may be more than
what is left and gives change, card and store credit may not), but the money
goes to :func:`~shop_desktop.services.orders.pay_order`, which issues the
invoice. The payment batch id is made when the dialog opens, so pressing
Complete twice (or a retry after a lost answer) records the payment once.
Mobile wallets are taken at the counter only.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data.db import StorageError
from shop_desktop.domain.money import Currency, InvalidAmount, Money, currency
from shop_desktop.services.orders import PaidOrder, pay_order
from shop_desktop.services.store_credit import store_credit_balance
from shop_desktop.ui.context import ORDERS, ShopContext
from shop_desktop.ui.orders.view import OrderView
from shop_desktop.ui.orders.wording import refusal
from shop_desktop.ui.sell.checkout import Method, Tender, quick_cash
from shop_desktop.ui.tasks import BackgroundOp, Job

#: What an unpaid order can be paid with here, in key order (F1, F2, F3).
METHODS = (Method.CASH, Method.CARD, Method.STORE_CREDIT)


class PayOrderDialog(QDialog):
    """Pay the whole total of one unpaid order; :attr:`paid` holds the result."""

    #: Emitted with the :class:`PaidOrder` once the payment is written.
    order_paid = Signal(object)

    def __init__(  # noqa: PLR0915 - the whole form is built and wired in one place
        self, parent: QWidget | None, context: ShopContext, order: OrderView
    ) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setMinimumWidth(620)
        self.context = context
        self.order = order
        self.money: Currency = currency(order.currency_code)
        self.batch_id = uuid.uuid4()
        self.tenders: list[Tender] = []
        self.paid: PaidOrder | None = None
        self.store_credit: int | None = None
        self.busy: BackgroundOp[PaidOrder] | None = None
        self.method = Method.CASH

        outer = QVBoxLayout(self)
        self.total_label = QLabel()
        big = QFont(self.total_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setBold(True)
        self.total_label.setFont(big)
        outer.addWidget(self.total_label)
        self.remaining_label = QLabel()
        outer.addWidget(self.remaining_label)
        self.change_label = QLabel()
        self.change_label.setObjectName("payChange")
        outer.addWidget(self.change_label)

        methods = QHBoxLayout()
        outer.addLayout(methods)
        self.method_buttons: dict[Method, QPushButton] = {}
        for number, method in enumerate(METHODS, start=1):
            button = QPushButton()
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, m=method: self.choose(m))
            methods.addWidget(button)
            self.method_buttons[method] = button
            shortcut = QShortcut(QKeySequence(f"F{number}"), self)
            shortcut.activated.connect(lambda m=method: self.choose(m))

        self.pages = QStackedWidget()
        outer.addWidget(self.pages)
        cash_page = QWidget()
        cash_form = QFormLayout(cash_page)
        self.cash_received = QLineEdit()
        self.cash_received.setObjectName("cashReceived")
        self.cash_received.returnPressed.connect(self.take_cash)
        self.cash_received_label = QLabel()
        cash_form.addRow(self.cash_received_label, self.cash_received)
        self.quick_row = QHBoxLayout()
        cash_form.addRow(self.quick_row)
        self.quick_buttons: list[QPushButton] = []
        card_page = QWidget()
        card_form = QFormLayout(card_page)
        self.card_amount = QLineEdit()
        self.card_approval = QLineEdit()
        self.card_approval.setMaxLength(32)
        self.card_last4 = QLineEdit()
        self.card_last4.setMaxLength(4)
        for edit in (self.card_amount, self.card_approval, self.card_last4):
            edit.returnPressed.connect(self.take_card)
        self.card_amount_label = QLabel()
        self.card_approval_label = QLabel()
        self.card_last4_label = QLabel()
        card_form.addRow(self.card_amount_label, self.card_amount)
        card_form.addRow(self.card_approval_label, self.card_approval)
        card_form.addRow(self.card_last4_label, self.card_last4)
        credit_page = QWidget()
        credit_form = QFormLayout(credit_page)
        self.credit_balance = QLabel("…")
        self.credit_amount = QLineEdit()
        self.credit_amount.returnPressed.connect(self.take_store_credit)
        self.credit_balance_label = QLabel()
        self.credit_amount_label = QLabel()
        credit_form.addRow(self.credit_balance_label, self.credit_balance)
        credit_form.addRow(self.credit_amount_label, self.credit_amount)
        self._pages = {Method.CASH: cash_page, Method.CARD: card_page}
        self._pages[Method.STORE_CREDIT] = credit_page
        for page in (cash_page, card_page, credit_page):
            self.pages.addWidget(page)

        self.problem = QLabel()
        self.problem.setObjectName("payProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a50e0e; font-weight: bold;")
        outer.addWidget(self.problem)
        self.tender_list = QListWidget()
        self.tender_list.setMaximumHeight(100)
        outer.addWidget(self.tender_list)

        buttons = QHBoxLayout()
        outer.addLayout(buttons)
        self.back_button = QPushButton()
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.reject)
        self.remove_button = QPushButton()
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected_tender)
        self.complete_button = QPushButton()
        self.complete_button.setObjectName("completePayment")
        self.complete_button.clicked.connect(self.complete)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.complete_button)
        QShortcut(QKeySequence("F9"), self).activated.connect(self.complete)

        self.retranslate()
        self.choose(Method.CASH)
        self._load_store_credit()

    @classmethod
    def ask(
        cls, parent: QWidget | None, context: ShopContext, order: OrderView
    ) -> PaidOrder | None:
        """Open the dialog until paid or given up; the payment, if any."""
        dialog = cls(parent, context, order)
        try:
            dialog.exec()
            return dialog.paid
        finally:
            dialog.deleteLater()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Payment for order {number}").format(number=self.order.number))
        self._names = {
            Method.CASH: self.tr("Cash"),
            Method.CARD: self.tr("Card"),
            Method.STORE_CREDIT: self.tr("Store credit"),
        }
        for number, (method, button) in enumerate(self.method_buttons.items(), start=1):
            button.setText(f"{self._names[method]} (F{number})")
        self.cash_received_label.setText(self.tr("Cash received"))
        self.card_amount_label.setText(self.tr("Amount"))
        self.card_approval_label.setText(self.tr("Approval code"))
        self.card_last4_label.setText(self.tr("Last four digits"))
        self.credit_balance_label.setText(self.tr("Balance"))
        self.credit_amount_label.setText(self.tr("Amount"))
        self.back_button.setText(self.tr("Back (Esc)"))
        self.remove_button.setText(self.tr("Remove payment"))
        self.complete_button.setText(self.tr("Record payment (F9)"))
        self.update_amounts()

    # --- amounts ------------------------------------------------------------------

    def fmt(self, minor: int) -> str:
        return Money(minor, self.money).format()

    @property
    def remaining_minor(self) -> int:
        return self.order.total_minor - sum(t.amount_minor for t in self.tenders)

    def update_amounts(self) -> None:
        self.total_label.setText(
            self.tr("Total {amount}").format(amount=self.fmt(self.order.total_minor))
        )
        remaining = self.remaining_minor
        self.remaining_label.setText(
            self.tr("Still to pay {remaining}").format(remaining=self.fmt(remaining))
        )
        change = sum(t.change_minor for t in self.tenders)
        self.change_label.setText(
            self.tr("Change {amount}").format(amount=self.fmt(change)) if change else ""
        )
        self.tender_list.clear()
        for tender in self.tenders:
            text = f"{self._names[tender.method]}  {self.fmt(tender.amount_minor)}"
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
        done = remaining == 0 and self.busy is None
        self.complete_button.setEnabled(done)
        self.complete_button.setDefault(done)
        for edit in (self.card_amount, self.credit_amount):
            edit.setPlaceholderText(self.fmt(max(remaining, 0)))

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    def _parse(self, edit: QLineEdit, default: int) -> int | None:
        text = edit.text().strip()
        if not text:
            return default
        try:
            value = Money.parse(text, self.money).minor
        except (InvalidAmount, ValueError):
            value = -1
        if value <= 0:
            self.show_problem(self.tr("Type an amount, for example 100."))
            edit.selectAll()
            return None
        return value

    # --- tenders ------------------------------------------------------------------

    def choose(self, method: Method) -> None:
        if self.busy is not None:
            return
        self.method = method
        for m, button in self.method_buttons.items():
            button.setChecked(m is method)
        self.pages.setCurrentWidget(self._pages[method])
        self.problem.clear()

    def _nothing_left(self) -> bool:
        if self.remaining_minor <= 0:
            self.show_problem(self.tr("The total is paid: record the payment with F9."))
            return True
        return False

    def _add(self, tender: Tender) -> None:
        self.tenders.append(tender)
        self.problem.clear()
        self.update_amounts()

    def take_cash(self, received: int | None = None) -> None:
        if self.busy is not None or self._nothing_left():
            return
        remaining = self.remaining_minor
        if received is None:
            received = self._parse(self.cash_received, remaining)
            if received is None:
                return
        self.cash_received.clear()
        self._add(Tender(Method.CASH, min(received, remaining), tendered_minor=received))

    def take_card(self) -> None:
        if self.busy is not None or self._nothing_left():
            return
        amount = self._parse(self.card_amount, self.remaining_minor)
        if amount is None:
            return
        if amount > self.remaining_minor:
            self.show_problem(self.tr("A card cannot pay more than is left to pay."))
            return
        last4 = self.card_last4.text().strip()
        if last4 and (len(last4) != 4 or not last4.isdigit()):
            self.show_problem(self.tr("Type exactly the last four digits of the card."))
            return
        approval = self.card_approval.text().strip()
        if not approval:
            self.show_problem(self.tr("Type the approval code from the card terminal."))
            return
        for edit in (self.card_amount, self.card_approval, self.card_last4):
            edit.clear()
        self._add(Tender(Method.CARD, amount, reference=approval, card_last4=last4))

    def take_store_credit(self) -> None:
        if self.busy is not None or self._nothing_left():
            return
        if self.order.member_id is None:
            self.show_problem(self.tr("Store credit needs a member, and this order has none."))
            return
        amount = self._parse(self.credit_amount, min(self.remaining_minor, self.store_credit or 0))
        if amount is None:
            return
        used = sum(t.amount_minor for t in self.tenders if t.method is Method.STORE_CREDIT)
        if self.store_credit is None or amount + used > self.store_credit:
            self.show_problem(self.tr("The member's store credit is not enough."))
            return
        if amount > self.remaining_minor:
            self.show_problem(self.tr("Store credit cannot pay more than is left to pay."))
            return
        self.credit_amount.clear()
        self._add(Tender(Method.STORE_CREDIT, amount))

    def remove_selected_tender(self) -> None:
        row = self.tender_list.currentRow()
        if self.busy is None and 0 <= row < len(self.tenders):
            del self.tenders[row]
            self.update_amounts()

    def _load_store_credit(self) -> None:
        member_id = self.order.member_id
        if member_id is None:
            self.credit_balance.setText(self.tr("No member on this order"))
            return

        def balance(job: Job) -> int:
            return store_credit_balance(job.session, member_id)

        def loaded(value: int) -> None:
            self.store_credit = value
            self.credit_balance.setText(self.fmt(value))

        BackgroundOp(self, op=balance, success=loaded, database=self.context.database).run()

    # --- recording ----------------------------------------------------------------

    def complete(self) -> None:
        if self.busy is not None:
            return
        if self.remaining_minor > 0:
            self.show_problem(
                self.tr("{missing} is still to be paid.").format(
                    missing=self.fmt(self.remaining_minor)
                )
            )
            return
        order_id, batch_id = self.order.id, self.batch_id
        payments = [t.draft() for t in self.tenders]
        staff_id = self.context.staff.staff_id

        def pay(job: Job) -> PaidOrder:
            return pay_order(job.session, order_id, payments, staff_id=staff_id, batch_id=batch_id)

        def failed(exc: BaseException) -> None:
            self.busy = None
            self._enable(True)
            said = refusal(exc, self.money.code)
            if said is not None:
                self.show_problem(said)
                return
            from shop_desktop.ui import errors

            if isinstance(exc, StorageError):
                errors.show_storage_error(self, exc)
                return
            errors.report_exception(exc, self)

        self._enable(False)
        self.busy = (
            BackgroundOp(self, op=pay, success=self._recorded, database=self.context.database)
            .failure(failed)
            .announcing(self.context, ORDERS)
        )
        self.busy.run()

    def _enable(self, on: bool) -> None:
        for button in (*self.method_buttons.values(), self.back_button, self.remove_button):
            button.setEnabled(on)
        self.update_amounts()

    def _recorded(self, paid: PaidOrder) -> None:
        self.busy = None
        self.paid = paid
        self.order_paid.emit(paid)
        super().accept()

    @override
    def reject(self) -> None:
        if self.busy is None:
            super().reject()
