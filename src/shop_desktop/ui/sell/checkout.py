"""Taking payment: cash, card, Alipay, WeChat Pay, store credit, and any mix of them.

Keyboard-first: F1…F5 pick the method, the amount is pre-filled with what is
still to pay, Enter takes the tender, and once nothing is left Enter completes
the sale. Wallet charges and the commit run on workers; the dialog shows what
it is waiting for and never freezes. Nothing is written until the sale is
committed in one transaction, so cancelling leaves the cart exactly as it was
(a wallet payment already taken is reversed first).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
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
from typing_extensions import override

from shop_desktop.data.db import StorageError
from shop_desktop.data.models import OrderKind, PaymentMethod
from shop_desktop.domain.cart import Cart
from shop_desktop.domain.money import Currency, InvalidAmount, Money
from shop_desktop.domain.orders import IllegalTransition
from shop_desktop.domain.pricing import Bill
from shop_desktop.services.checkout import (
    CheckoutError,
    CommittedSale,
    DraftPayment,
    commit_sale,
)
from shop_desktop.services.orders import DeliveryDetails, OrderNotFound, take_order
from shop_desktop.services.sale import sale_draft
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
from shop_desktop.ui.sell.wording import checkout_problem, wallet_error, wallet_name, wallet_result
from shop_desktop.ui.tasks import BackgroundOp, Job

#: Bills a customer typically hands over, in major units, for the quick-cash buttons.
QUICK_CASH_STEPS = (100, 500, 1000)


class Method(Enum):
    CASH = "cash"
    CARD = "card"
    ALIPAY = "alipay"
    WECHAT = "wechat"
    STORE_CREDIT = "store_credit"


_PAYMENT_METHOD = {
    Method.CASH: PaymentMethod.CASH,
    Method.CARD: PaymentMethod.CARD,
    Method.ALIPAY: PaymentMethod.ALIPAY,
    Method.WECHAT: PaymentMethod.WECHAT,
    Method.STORE_CREDIT: PaymentMethod.STORE_CREDIT,
}
_WALLET = {Method.ALIPAY: WalletKind.ALIPAY, Method.WECHAT: WalletKind.WECHAT}


@dataclass(frozen=True)
class Tender:
    method: Method
    amount_minor: int
    tendered_minor: int | None = None
    reference: str = ""
    card_last4: str = ""
    #: Our trade number at the wallet provider, kept to reverse it if the sale is abandoned.
    out_trade_no: str = ""

    @property
    def change_minor(self) -> int:
        return 0 if self.tendered_minor is None else self.tendered_minor - self.amount_minor

    def draft(self) -> DraftPayment:
        return DraftPayment(
            method=_PAYMENT_METHOD[self.method],
            amount_minor=self.amount_minor,
            tendered_minor=self.tendered_minor,
            reference=self.reference,
            card_last4=self.card_last4,
        )


def quick_cash(remaining_minor: int, money: Currency) -> list[int]:
    """Exact, then the next round sums a customer is likely to hand over."""
    unit = 10**money.exponent
    amounts = [remaining_minor]
    for step in QUICK_CASH_STEPS:
        size = step * unit
        rounded = -(-remaining_minor // size) * size
        if rounded > remaining_minor and rounded not in amounts:
            amounts.append(rounded)
    return amounts


class CheckoutDialog(QDialog):
    """Pay for one priced cart; :attr:`committed` holds the sale once it is written."""

    #: Emitted with the :class:`CommittedSale` after the sale is committed.
    sale_committed = Signal(object)

    def __init__(  # noqa: PLR0915 - the whole form is built and wired in one place
        self, parent: QWidget | None, context: ShopContext, cart: Cart, bill: Bill
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Payment"))
        self.setModal(True)
        self.setMinimumWidth(780)
        self.context = context
        self.cart = cart
        self.bill = bill
        self.money: Currency = bill.currency
        self.tenders: list[Tender] = []
        self.committed: CommittedSale | None = None
        self.store_credit: int | None = None
        self.busy: BackgroundOp[object] | None = None
        self._attempt = 0
        self.method = Method.CASH

        outer = QVBoxLayout(self)
        self.total_label = QLabel()
        self.total_label.setObjectName("checkoutTotal")
        big = QFont(self.total_label.font())
        big.setPointSizeF(big.pointSizeF() * 2.0)
        big.setBold(True)
        self.total_label.setFont(big)
        outer.addWidget(self.total_label)
        self.remaining_label = QLabel()
        self.remaining_label.setObjectName("checkoutRemaining")
        outer.addWidget(self.remaining_label)
        self.change_label = QLabel()
        self.change_label.setObjectName("checkoutChange")
        change_font = QFont(self.change_label.font())
        change_font.setPointSizeF(change_font.pointSizeF() * 1.6)
        change_font.setBold(True)
        self.change_label.setFont(change_font)
        outer.addWidget(self.change_label)

        methods = QHBoxLayout()
        outer.addLayout(methods)
        self.method_buttons: dict[Method, QPushButton] = {}
        for number, method in enumerate(Method, start=1):
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
        # Wallets (one page for both)
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
            Method.CASH: cash_page,
            Method.CARD: card_page,
            Method.ALIPAY: wallet_page,
            Method.WECHAT: wallet_page,
            Method.STORE_CREDIT: credit_page,
        }

        self.status = QLabel()
        self.status.setObjectName("checkoutStatus")
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        self.problem = QLabel()
        self.problem.setObjectName("checkoutProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a50e0e; font-weight: bold;")
        outer.addWidget(self.problem)

        self.tender_list = QListWidget()
        self.tender_list.setObjectName("tenders")
        self.tender_list.setMaximumHeight(110)
        outer.addWidget(self.tender_list)
        remove = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.tender_list)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove_selected_tender)

        tax_row = QFormLayout()
        outer.addLayout(tax_row)
        self.kind = QComboBox()
        self.kind.setObjectName("orderKind")
        for kind in (
            OrderKind.TAKE_AWAY,
            OrderKind.PICK_UP,
            OrderKind.DELIVERY,
            OrderKind.PAY_LATER,
        ):
            self.kind.addItem("", kind)
        if cart.delivery_code:
            self.kind.setCurrentIndex(self.kind.findData(OrderKind.DELIVERY))
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.kind_label = QLabel()
        tax_row.addRow(self.kind_label, self.kind)
        self.recipient = QLineEdit()
        self.recipient.setMaxLength(120)
        self.phone = QLineEdit()
        self.phone.setMaxLength(32)
        self.address = QLineEdit()
        self.address.setMaxLength(240)
        self.requested = QDateEdit(QDate.currentDate().addDays(1))
        self.requested.setCalendarPopup(True)
        self.requested.setMinimumDate(QDate.currentDate())
        self.recipient_label = QLabel()
        self.phone_label = QLabel()
        self.address_label = QLabel()
        self.requested_label = QLabel()
        self._delivery_rows = [
            (self.recipient_label, self.recipient),
            (self.phone_label, self.phone),
            (self.address_label, self.address),
            (self.requested_label, self.requested),
        ]
        for label, field in self._delivery_rows:
            tax_row.addRow(label, field)
        if cart.member is not None:
            self.recipient.setText(cart.member.name)
        self.buyer_tax_id = QLineEdit()
        self.buyer_tax_id.setMaxLength(8)
        self.buyer_tax_id.setInputMask("99999999")
        self.buyer_tax_id_label = QLabel()
        tax_row.addRow(self.buyer_tax_id_label, self.buyer_tax_id)

        buttons = QHBoxLayout()
        outer.addLayout(buttons)
        self.back_button = QPushButton()
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.reject)
        self.cancel_wait_button = QPushButton()
        self.cancel_wait_button.setAutoDefault(False)
        self.cancel_wait_button.clicked.connect(self.cancel_wait)
        self.cancel_wait_button.setVisible(False)
        self.complete_button = QPushButton()
        self.complete_button.setObjectName("completeSale")
        self.complete_button.clicked.connect(self.complete)
        self.unpaid_button = QPushButton()
        self.unpaid_button.setObjectName("takeUnpaid")
        self.unpaid_button.setAutoDefault(False)
        self.unpaid_button.clicked.connect(self.take_unpaid)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.cancel_wait_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unpaid_button)
        buttons.addWidget(self.complete_button)
        complete_key = QShortcut(QKeySequence(Qt.Key.Key_F9), self)
        complete_key.activated.connect(self.complete)

        self.retranslate()
        self.choose(Method.CASH)
        self._kind_changed()
        self._load_store_credit()

    # --- words --------------------------------------------------------------

    def retranslate(self) -> None:
        names = {
            Method.CASH: self.tr("Cash"),
            Method.CARD: self.tr("Card"),
            Method.ALIPAY: wallet_name("alipay"),
            Method.WECHAT: wallet_name("wechat"),
            Method.STORE_CREDIT: self.tr("Store credit"),
        }
        for number, (method, button) in enumerate(self.method_buttons.items(), start=1):
            button.setText(f"{names[method]} (F{number})")
        self.cash_received_label.setText(self.tr("Cash received"))
        self.card_amount_label.setText(self.tr("Amount"))
        self.card_approval_label.setText(self.tr("Approval code"))
        self.card_last4_label.setText(self.tr("Last four digits"))
        self.wallet_amount_label.setText(self.tr("Amount"))
        self.wallet_code_label.setText(self.tr("Payment code"))
        self.wallet_code.setPlaceholderText(self.tr("Scan the code in the customer's app"))
        self.credit_balance_label.setText(self.tr("Balance"))
        self.credit_amount_label.setText(self.tr("Amount"))
        self.buyer_tax_id_label.setText(self.tr("Buyer's tax ID (optional)"))
        self.kind_label.setText(self.tr("Order"))
        kinds = {
            OrderKind.TAKE_AWAY: self.tr("Take away now"),
            OrderKind.PICK_UP: self.tr("Pick up later (paid now)"),
            OrderKind.DELIVERY: self.tr("Delivery"),
            OrderKind.PAY_LATER: self.tr("Pay on collection"),
        }
        for index in range(self.kind.count()):
            self.kind.setItemText(index, kinds[self.kind.itemData(index)])
        self.recipient_label.setText(self.tr("Customer"))
        self.phone_label.setText(self.tr("Phone"))
        self.address_label.setText(self.tr("Delivery address"))
        self.requested_label.setText(self.tr("Requested date"))
        self.unpaid_button.setText(self.tr("Take order unpaid"))
        self.back_button.setText(self.tr("Back to cart (Esc)"))
        self.cancel_wait_button.setText(self.tr("Stop waiting"))
        self.complete_button.setText(self.tr("Complete sale (F9)"))
        self._names = names
        self.update_amounts()

    # --- amounts ------------------------------------------------------------

    def fmt(self, minor: int) -> str:
        return Money(minor, self.money).format()

    @property
    def paid_minor(self) -> int:
        return sum(t.amount_minor for t in self.tenders)

    @property
    def remaining_minor(self) -> int:
        return self.bill.total_minor - self.paid_minor

    @property
    def change_minor(self) -> int:
        return sum(t.change_minor for t in self.tenders)

    def _parse(self, edit: QLineEdit, default: int) -> int | None:
        text = edit.text().strip()
        if not text:
            return default
        try:
            value = Money.parse(text, self.money).minor
        except (InvalidAmount, ValueError):
            value = -1
        if value <= 0:
            self.show_problem(
                self.tr("Type an amount, for example {example}.").format(
                    example=Money(100 * 10**self.money.exponent, self.money).format(
                        show_symbol=False
                    )
                )
            )
            edit.selectAll()
            edit.setFocus()
            return None
        return value

    def update_amounts(self) -> None:
        self.total_label.setText(
            self.tr("Total {amount}").format(amount=self.fmt(self.bill.total_minor))
        )
        remaining = self.remaining_minor
        self.remaining_label.setText(
            self.tr("Paid {paid} · Still to pay {remaining}").format(
                paid=self.fmt(self.paid_minor), remaining=self.fmt(remaining)
            )
        )
        change = self.change_minor
        self.change_label.setText(
            self.tr("Change {amount}").format(amount=self.fmt(change)) if change else ""
        )
        self.tender_list.clear()
        for tender in self.tenders:
            text = f"{self._names[tender.method]}  {self.fmt(tender.amount_minor)}"
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
        done = remaining == 0 and self.busy is None
        self.complete_button.setEnabled(done)
        self.complete_button.setDefault(done)
        if done:
            self.complete_button.setFocus()
        for edit in (self.card_amount, self.wallet_amount, self.credit_amount):
            edit.setPlaceholderText(self.fmt(max(remaining, 0)))

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    # --- choosing and taking tenders ----------------------------------------

    def choose(self, method: Method) -> None:
        if self.busy is not None:
            return
        self.method = method
        for m, button in self.method_buttons.items():
            button.setChecked(m is method)
        self.pages.setCurrentWidget(self._pages[method])
        self.problem.clear()
        focus = {
            Method.CASH: self.cash_received,
            Method.CARD: self.card_amount,
            Method.ALIPAY: self.wallet_code,
            Method.WECHAT: self.wallet_code,
            Method.STORE_CREDIT: self.credit_amount,
        }[method]
        focus.setFocus()
        focus.selectAll()

    def _nothing_left(self) -> bool:
        if self.remaining_minor <= 0:
            self.show_problem(self.tr("The total is paid: complete the sale with F9."))
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
        # Cash above what is left comes back as change; below it pays part.
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
            self.card_approval.setFocus()
            return
        for edit in (self.card_amount, self.card_approval, self.card_last4):
            edit.clear()
        self._add(Tender(Method.CARD, amount, reference=approval, card_last4=last4))

    def take_store_credit(self) -> None:
        if self.busy is not None or self._nothing_left():
            return
        if self.cart.member is None:
            self.show_problem(self.tr("Store credit needs a member: attach the member first."))
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

    def _load_store_credit(self) -> None:
        member = self.cart.member
        if member is None:
            self.credit_balance.setText(self.tr("No member attached"))
            return

        def balance(job: Job) -> int:
            return store_credit_balance(job.session, member.member_id)

        def loaded(value: int) -> None:
            self.store_credit = value
            self.credit_balance.setText(self.fmt(value))

        BackgroundOp(self, op=balance, success=loaded, database=self.context.database).run()

    # --- wallets ------------------------------------------------------------

    def take_wallet(self) -> None:
        if self.busy is not None or self._nothing_left():
            return
        chosen = _WALLET.get(self.method)
        if chosen is None:
            return
        amount = self._parse(self.wallet_amount, self.remaining_minor)
        if amount is None:
            return
        if amount > self.remaining_minor:
            self.show_problem(self.tr("A wallet cannot pay more than is left to pay."))
            return
        code = "".join(self.wallet_code.text().split())
        kind = detect_wallet(code)
        if kind is None:
            self.show_problem(
                self.tr("That is not an Alipay or WeChat Pay payment code. Scan it again.")
            )
            self.wallet_code.selectAll()
            return
        if kind is not chosen:
            # The customer's app decides; the cashier's key press was a guess.
            self.choose(Method.ALIPAY if kind is WalletKind.ALIPAY else Method.WECHAT)
        self._attempt += 1
        charge = WalletCharge(
            out_trade_no=f"{self.cart.cart_id.hex[:26]}{self._attempt:02d}",
            amount_minor=amount,
            currency=self.money,
            auth_code=code,
            # Shown in the customer's app, whatever language the till speaks.
            subject=self.context.staff.branch_name_zh or self.context.staff.branch_name_en,
            store_id=self.context.staff.branch_code,
            terminal_id=self.context.staff.workstation_code,
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
        self._set_busy(
            self.tr("Sending the payment to {wallet}…").format(wallet=wallet_name(kind.value))
        )
        op: BackgroundOp[WalletResult] = BackgroundOp(
            self, op=pay, success=lambda result: self._wallet_done(charge, result)
        ).failure(self._wallet_failed)
        op.progressed.connect(lambda _f, status: self._wallet_status(kind, status))
        self.busy = op  # type: ignore[assignment]  # kept only to cancel and to know we wait
        op.run()

    def _wallet_status(self, kind: WalletKind, status: str) -> None:
        name = wallet_name(kind.value)
        texts = {
            WalletStatus.SENDING.value: self.tr("Sending the payment to {wallet}…"),
            WalletStatus.WAITING_FOR_USER.value: self.tr(
                "Waiting for the customer to confirm in {wallet}…"
            ),
            WalletStatus.QUERYING.value: self.tr("Checking the payment with {wallet}…"),
            WalletStatus.REVERSING.value: self.tr("Cancelling the payment at {wallet}…"),
        }
        if status in texts:
            self.status.setText(texts[status].format(wallet=name))

    def _set_busy(self, text: str) -> None:
        self.status.setText(text)
        self.cancel_wait_button.setVisible(True)
        self.back_button.setEnabled(False)
        for button in self.method_buttons.values():
            button.setEnabled(False)
        self.complete_button.setEnabled(False)

    def _clear_busy(self) -> None:
        self.busy = None
        self.status.clear()
        self.cancel_wait_button.setVisible(False)
        self.back_button.setEnabled(True)
        for button in self.method_buttons.values():
            button.setEnabled(True)
        self.update_amounts()

    def cancel_wait(self) -> None:
        if self.busy is not None:
            self.busy.cancel()

    def _wallet_done(self, charge: WalletCharge, result: WalletResult) -> None:
        self._clear_busy()
        if result.outcome is WalletOutcome.PAID:
            method = Method.ALIPAY if result.kind is WalletKind.ALIPAY else Method.WECHAT
            self._add(
                Tender(
                    method,
                    charge.amount_minor,
                    reference=result.transaction_id,
                    out_trade_no=charge.out_trade_no,
                )
            )
            self.status.setText(wallet_result(result))
            return
        self.show_problem(wallet_result(result))

    def _wallet_failed(self, exc: BaseException) -> None:
        self._clear_busy()
        if isinstance(exc, WalletError):
            self.show_problem(wallet_error(exc))
            return
        from shop_desktop.ui import errors

        errors.report_exception(exc, self)

    def remove_selected_tender(self) -> None:
        row = self.tender_list.currentRow()
        if self.busy is not None or not 0 <= row < len(self.tenders):
            return
        tender = self.tenders[row]
        if tender.out_trade_no:
            self._reverse([tender], then=lambda: self._drop(tender))
            return
        self._drop(tender)

    def _drop(self, tender: Tender) -> None:
        if tender in self.tenders:
            self.tenders.remove(tender)
        self.update_amounts()

    def _reverse(self, tenders: list[Tender], then: Callable[[], None]) -> None:
        """Give wallet payments back before they are forgotten."""
        provider_for = self.context.wallet_provider

        def reverse(_job: Job) -> list[Tender]:
            failed: list[Tender] = []
            for tender in tenders:
                kind = _WALLET[tender.method]
                if not provider_for(kind).reverse(tender.out_trade_no):
                    failed.append(tender)
            return failed

        def reversed_(failed: list[Tender]) -> None:
            self._clear_busy()
            if failed:
                self.show_problem(
                    self.tr(
                        "A wallet payment could not be cancelled. It stays on this sale;"
                        " call a manager to refund it."
                    )
                )
                return
            then()

        def failed(exc: BaseException) -> None:
            self._clear_busy()
            if isinstance(exc, WalletError):
                self.show_problem(wallet_error(exc))
                return
            from shop_desktop.ui import errors

            errors.report_exception(exc, self)

        self._set_busy(self.tr("Cancelling the wallet payment…"))
        op: BackgroundOp[list[Tender]] = BackgroundOp(self, op=reverse, success=reversed_).failure(
            failed
        )
        self.busy = op  # type: ignore[assignment]
        op.run()

    # --- the kind of order ----------------------------------------------------

    @property
    def order_kind(self) -> OrderKind:
        kind = self.kind.currentData()
        return kind if isinstance(kind, OrderKind) else OrderKind.TAKE_AWAY

    def _kind_changed(self) -> None:
        kind = self.order_kind
        shown = {
            OrderKind.TAKE_AWAY: (),
            OrderKind.PICK_UP: (self.recipient, self.phone, self.requested),
            OrderKind.DELIVERY: (self.recipient, self.phone, self.address, self.requested),
            OrderKind.PAY_LATER: (self.recipient, self.phone, self.requested),
        }[kind]
        for label, field in self._delivery_rows:
            label.setVisible(field in shown)
            field.setVisible(field in shown)
        # Cash on delivery and pay-on-collection orders are taken without payment.
        self.unpaid_button.setVisible(kind in (OrderKind.DELIVERY, OrderKind.PAY_LATER))
        self.problem.clear()

    def _delivery_details(self) -> DeliveryDetails | None:
        kind = self.order_kind
        if kind is OrderKind.TAKE_AWAY:
            return None
        if not self.recipient.text().strip():
            self.show_problem(self.tr("Type the customer's name for this order."))
            self.recipient.setFocus()
            return None
        if kind is OrderKind.DELIVERY and not self.address.text().strip():
            self.show_problem(self.tr("A delivery needs an address."))
            self.address.setFocus()
            return None
        requested = self.requested.date()
        return DeliveryDetails(
            recipient_name=self.recipient.text().strip(),
            phone=self.phone.text().strip(),
            address=self.address.text().strip(),
            requested_date=requested.toPython() if requested.isValid() else None,  # type: ignore[arg-type]
        )

    def take_unpaid(self) -> None:
        """A pay-on-collection or cash-on-delivery order: nothing is paid now."""
        if self.busy is not None:
            return
        if self.tenders:
            self.show_problem(
                self.tr("Payments were taken: complete the sale, or remove them to take it unpaid.")
            )
            return
        self._commit()

    # --- completing ---------------------------------------------------------

    def complete(self) -> None:
        if self.busy is not None:
            return
        if self.order_kind is OrderKind.PAY_LATER:
            self.show_problem(
                self.tr("A pay-on-collection order is paid when it is collected: take it unpaid.")
            )
            return
        if self.remaining_minor > 0:
            self.show_problem(
                self.tr("{missing} is still to be paid.").format(
                    missing=self.fmt(self.remaining_minor)
                )
            )
            return
        self._commit()

    def _commit(self) -> None:
        tax_id = self.buyer_tax_id.text().strip()
        if tax_id and len(tax_id) != 8:
            self.show_problem(self.tr("A buyer's tax ID has eight digits."))
            self.buyer_tax_id.setFocus()
            return
        kind = self.order_kind
        delivery = self._delivery_details()
        if kind is not OrderKind.TAKE_AWAY and delivery is None:
            return
        draft = sale_draft(
            self.cart,
            self.bill,
            [t.draft() for t in self.tenders],
            staff_id=self.context.staff.staff_id,
            buyer_tax_id=tax_id,
            kind=kind,
        )

        def commit(job: Job) -> CommittedSale:
            if kind is OrderKind.TAKE_AWAY:
                return commit_sale(job.session, draft)
            return take_order(job.session, draft, delivery)

        def failed(exc: BaseException) -> None:
            self._clear_busy()
            if isinstance(exc, CheckoutError):
                self.show_problem(checkout_problem(exc, self.money.code))
                return
            if isinstance(exc, IllegalTransition | OrderNotFound):
                self.show_problem(
                    self.tr("This kind of order cannot be taken this way: check how it is paid.")
                )
                return
            from shop_desktop.ui import errors

            if isinstance(exc, StorageError):
                errors.show_storage_error(self, exc)
                return
            errors.report_exception(exc, self)

        self._set_busy(self.tr("Saving the sale…"))
        self.cancel_wait_button.setVisible(False)
        op: BackgroundOp[CommittedSale] = (
            BackgroundOp(self, op=commit, success=self._committed, database=self.context.database)
            .failure(failed)
            .announcing(self.context, ORDERS)
        )
        self.busy = op  # type: ignore[assignment]
        op.run()

    def _committed(self, sale: CommittedSale) -> None:
        self.busy = None
        self.committed = sale
        self.sale_committed.emit(sale)
        super().accept()

    @override
    def reject(self) -> None:
        if self.busy is not None:
            return
        wallet = [t for t in self.tenders if t.out_trade_no]
        if wallet:
            answer = QMessageBox.question(
                self,
                self.tr("Cancel payment"),
                self.tr(
                    "Mobile wallet payments were taken for this sale. Give them back to the"
                    " customer and return to the cart?"
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self._reverse(wallet, then=super().reject)
            return
        super().reject()

    @property
    def order_id(self) -> uuid.UUID:
        return self.cart.cart_id
