"""Small keyboard-first dialogs of the counter: quantity, note, discount, price, approval, member,
coupon and parked carts.

Each has a classmethod ``ask(...)`` that returns the answer or ``None``, so
tests can drive them (pytest-qt's advice for modal dialogs) and callers stay one line.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.domain.cart import WHOLE_BP, CartError, CartItem, CartMember, parse_quantity
from shop_desktop.domain.money import Currency, InvalidAmount, Money
from shop_desktop.services.auth import (
    Approval,
    ApprovalRefused,
    ApprovalRequest,
    approve_or_refusal,
)
from shop_desktop.services.parked_carts import ParkedCart
from shop_desktop.services.sale import find_members
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.labels import in_current_language
from shop_desktop.ui.sell.cart_model import quantity_text
from shop_desktop.ui.sell.wording import approval_refused, cart_problem, member_level
from shop_desktop.ui.tasks import BackgroundOp, Job, JobSession


class _Form(QDialog):
    """A dialog with a message line for problems and OK/Cancel; Enter is OK."""

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.outer.addLayout(self.form)
        self.problem = QLabel()
        self.problem.setObjectName("dialogProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a50e0e; font-weight: bold;")
        self.problem.setVisible(False)
        self.outer.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.outer.addWidget(self.buttons)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(True)

    def first_field(self) -> QLineEdit | QAbstractSpinBox | None:
        """The first field of the form a cashier types into (the OK button was made first,
        so Qt's own focus chain would start there)."""
        for row in range(self.form.rowCount()):
            for role in (QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole):
                item = self.form.itemAt(row, role)
                widget = item.widget() if item is not None else None
                if isinstance(widget, QLineEdit | QAbstractSpinBox) and widget.isEnabled():
                    return widget
        return None

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        field = self.first_field()
        if field is not None:
            # Typing replaces the value shown: Ctrl+U, 3, Enter makes three.
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            field.selectAll()


class QuantityDialog(_Form):
    def __init__(self, parent: QWidget | None, item: CartItem) -> None:
        super().__init__(parent, self.tr("Quantity"))
        self.item = item
        name = in_current_language(item.product.name_zh, item.product.name_en)
        self.form.addRow(QLabel(name))
        self.edit = QLineEdit(quantity_text(item).split(" ")[0].replace(",", ""))
        self.edit.selectAll()
        if item.product.weighed:
            label = self.tr("Weight ({unit})").format(unit=item.product.unit)
        else:
            label = self.tr("Quantity")
        self.form.addRow(label, self.edit)
        self.qty_milli: int | None = None

    @override
    def accept(self) -> None:
        try:
            self.qty_milli = parse_quantity(self.edit.text(), weighed=self.item.product.weighed)
        except CartError as exc:
            self.show_problem(cart_problem(exc))
            self.edit.selectAll()
            self.edit.setFocus()
            return
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, item: CartItem) -> int | None:
        dialog = cls(parent, item)
        return dialog.qty_milli if dialog.exec() == QDialog.DialogCode.Accepted else None


class NoteDialog(_Form):
    def __init__(self, parent: QWidget | None, note: str) -> None:
        super().__init__(parent, self.tr("Line note"))
        self.edit = QLineEdit(note)
        self.edit.setMaxLength(240)
        self.form.addRow(self.tr("Note"), self.edit)

    @classmethod
    def ask(cls, parent: QWidget | None, note: str) -> str | None:
        dialog = cls(parent, note)
        return dialog.edit.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _parse_money(text: str, money: Currency) -> int | None:
    try:
        return Money.parse(text, money).minor
    except (InvalidAmount, ValueError):
        return None


class DiscountDialog(_Form):
    """A staff discount on one line: percent off, or an amount off."""

    def __init__(self, parent: QWidget | None, item: CartItem, money: Currency) -> None:
        super().__init__(parent, self.tr("Line discount"))
        self._currency = money
        self.percent = QRadioButton(self.tr("Percent off"))
        self.amount = QRadioButton(self.tr("Amount off"))
        group = QButtonGroup(self)
        group.addButton(self.percent)
        group.addButton(self.amount)
        self.form.addRow(self.percent, self.amount)
        self.edit = QLineEdit()
        self.form.addRow(self.tr("Discount"), self.edit)
        if item.manual_discount_minor:
            self.amount.setChecked(True)
            self.edit.setText(Money(item.manual_discount_minor, money).format(show_symbol=False))
        else:
            self.percent.setChecked(True)
            if item.manual_discount_bp:
                self.edit.setText(f"{Decimal(item.manual_discount_bp) / 100:g}")
        self.edit.selectAll()
        self.answer: tuple[int, int] | None = None

    @override
    def accept(self) -> None:
        text = self.edit.text().strip().rstrip("%") or "0"
        if self.percent.isChecked():
            try:
                value = Decimal(text) * 100
            except InvalidOperation:
                value = Decimal(-1)
            if not value.is_finite() or value != value.to_integral_value():
                value = Decimal(-1)
            if not 0 <= value <= WHOLE_BP:
                self.show_problem(self.tr("Type a percentage from 0 to 100."))
                return
            self.answer = (int(value), 0)
        else:
            minor = _parse_money(text, self._currency)
            if minor is None or minor < 0:
                self.show_problem(self.tr("Type an amount, for example 50."))
                return
            self.answer = (0, minor)
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, item: CartItem, money: Currency) -> tuple[int, int] | None:
        """(percent_bp, amount_minor), one of them zero; ``None`` if cancelled."""
        dialog = cls(parent, item, money)
        return dialog.answer if dialog.exec() == QDialog.DialogCode.Accepted else None


class PriceDialog(_Form):
    """Set the unit price of a line; empty goes back to the catalog price."""

    def __init__(self, parent: QWidget | None, item: CartItem, money: Currency) -> None:
        super().__init__(parent, self.tr("Change price"))
        self._currency = money
        catalog = Money(item.product.price_minor, money).format()
        self.form.addRow(self.tr("Catalog price"), QLabel(catalog))
        current = item.price_override_minor
        self.edit = QLineEdit(
            "" if current is None else Money(current, money).format(show_symbol=False)
        )
        self.edit.setPlaceholderText(self.tr("Empty: catalog price"))
        self.form.addRow(self.tr("New price"), self.edit)
        self.answer: tuple[int | None] | None = None

    @override
    def accept(self) -> None:
        text = self.edit.text().strip()
        if not text:
            self.answer = (None,)
        else:
            minor = _parse_money(text, self._currency)
            if minor is None or minor < 0:
                self.show_problem(self.tr("Type a price, for example 120."))
                return
            self.answer = (minor,)
        super().accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, item: CartItem, money: Currency
    ) -> tuple[int | None] | None:
        """``(price,)`` with ``price`` None for the catalog price; ``None`` if cancelled."""
        dialog = cls(parent, item, money)
        return dialog.answer if dialog.exec() == QDialog.DialogCode.Accepted else None


class ApprovalDialog(_Form):
    """A supervisor or manager types their password at the till to approve an action
    beyond the person's rights: one dialog for every such action (a discount or price
    beyond the limit, a void, a refund, a reprint, the drawer, cash out).

    The approver is checked against the permission matrix for ``request``: they must
    be allowed to do it themselves, within their own limit.
    """

    def __init__(
        self,
        parent: QWidget | None,
        context: ShopContext,
        request: ApprovalRequest,
        what: str,
    ) -> None:
        super().__init__(parent, self.tr("Manager approval"))
        self.context = context
        #: What is approved, with the audit log's words in one language whoever is at the till.
        self.request = request
        self.explain = QLabel(
            self.tr("{what} needs a supervisor's or manager's approval.").format(what=what)
        )
        self.explain.setWordWrap(True)
        self.form.addRow(self.explain)
        self.username = QLineEdit()
        self.username.setObjectName("approverName")
        # The approver's secret: a password today; a PIN is checked by the same
        # service (``auth.approve``) once staff have one, with no change here.
        self.password = QLineEdit()
        self.password.setObjectName("approverSecret")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("Manager"), self.username)
        self.form.addRow(self.tr("Password"), self.password)
        self.approval: Approval | None = None

    @override
    def accept(self) -> None:
        username, secret, request = self.username.text(), self.password.text(), self.request
        if not username.strip() or not secret:
            self.show_problem(self.tr("Type the manager's user name and password."))
            (self.password if username.strip() else self.username).setFocus()
            return

        def check(job: Job) -> Approval | ApprovalRefused:
            # A refusal comes back as a value, so its audit entry commits.
            return approve_or_refusal(job.session, username, secret, request)

        def refused(exc: ApprovalRefused) -> None:
            self.show_problem(approval_refused(exc))
            self.password.clear()
            self.password.setFocus()
            self.buttons.setEnabled(True)

        self.buttons.setEnabled(False)
        BackgroundOp(
            self,
            op=check,
            success=lambda answer: self._approved(answer, refused),
            database=self.context.database,
        ).failure(refused, ApprovalRefused).after_failure(
            lambda: self.buttons.setEnabled(True)
        ).run()

    def _approved(
        self,
        answer: Approval | ApprovalRefused,
        refused: Callable[[ApprovalRefused], None],
    ) -> None:
        if isinstance(answer, ApprovalRefused):
            refused(answer)
            return
        self.approval = answer
        super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        context: ShopContext,
        request: ApprovalRequest,
        what: str,
    ) -> Approval | None:
        """The approval, or ``None`` if cancelled. ``what`` is shown (translated);
        ``request.what`` goes to the audit log."""
        dialog = cls(parent, context, request, what)
        return dialog.approval if dialog.exec() == QDialog.DialogCode.Accepted else None


class PickDialog(_Form):
    """A line to type in and a list to pick from (members, parked carts)."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str) -> None:
        super().__init__(parent, title)
        self.edit = QLineEdit()
        self.form.addRow(prompt, self.edit)
        self.list = QListWidget()
        self.outer.insertWidget(1, self.list)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())

    def fill(self, entries: list[tuple[str, object]]) -> None:
        self.list.clear()
        for text, value in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.list.addItem(item)
        if entries:
            self.list.setCurrentRow(0)

    def picked(self) -> object:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)


class MemberDialog(PickDialog):
    """Find a member by card number, phone or name; Enter searches, Enter again picks."""

    def __init__(self, parent: QWidget | None, context: ShopContext) -> None:
        super().__init__(parent, self.tr("Member"), self.tr("Card, phone or name"))
        self.context = context
        self.member: CartMember | None = None
        self._searched = ""
        self.edit.returnPressed.connect(self.search)

    def search(self) -> None:
        typed = self.edit.text()
        self._searched = typed

        def look(job: Job) -> list[CartMember]:
            return find_members(job.session, typed)

        BackgroundOp(self, op=look, success=self._found, database=self.context.database).run()

    def _found(self, members: list[CartMember]) -> None:
        self.fill([(f"{m.code}  {m.name}  ({member_level(m.level)})", m) for m in members])
        if not members:
            self.show_problem(self.tr("No member matches."))
        else:
            self.problem.setVisible(False)
            self.list.setFocus()

    @override
    def accept(self) -> None:
        picked = self.picked()
        if isinstance(picked, CartMember):
            self.member = picked
            super().accept()
        elif self.edit.text() != self._searched or not self.edit.text():
            self.search()

    @classmethod
    def ask(cls, parent: QWidget | None, context: ShopContext) -> CartMember | None:
        dialog = cls(parent, context)
        return dialog.member if dialog.exec() == QDialog.DialogCode.Accepted else None


class CouponDialog(_Form):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, self.tr("Coupon"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(self.tr("Type or scan the coupon code"))
        self.edit.setMaxLength(32)
        self.form.addRow(self.tr("Code"), self.edit)

    @override
    def accept(self) -> None:
        if not self.edit.text().strip():
            self.show_problem(self.tr("Type or scan the coupon code."))
            return
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None) -> str | None:
        dialog = cls(parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.edit.text().strip().upper() if accepted else None


class RecallDialog(PickDialog):
    """The branch's parked carts, newest first."""

    def __init__(
        self,
        parent: QWidget | None,
        context: ShopContext,
        load: Callable[[JobSession], list[ParkedCart]],
        money: Currency,
    ) -> None:
        super().__init__(parent, self.tr("Recall a parked cart"), self.tr("Filter"))
        self.context = context
        self._currency = money
        self._all: list[ParkedCart] = []
        self.chosen: ParkedCart | None = None
        self.edit.textChanged.connect(self._filter)
        BackgroundOp(
            self, op=lambda job: load(job.session), success=self._loaded, database=context.database
        ).run()

    def _loaded(self, carts: list[ParkedCart]) -> None:
        self._all = carts
        self._filter(self.edit.text())
        if not carts:
            self.show_problem(self.tr("No carts are parked at this branch."))

    def _filter(self, typed: str) -> None:
        typed = typed.strip().lower()
        entries: list[tuple[str, object]] = []
        for cart in self._all:
            when = cart.parked_at.astimezone().strftime("%H:%M")
            text = self.tr(
                "{when}  {label}  {lines} item(s)  {total}  ({staff}, {station})"
            ).format(
                when=when,
                label=cart.label or "—",
                lines=cart.line_count,
                total=Money(cart.total_minor, self._currency).format(),
                staff=cart.staff_name,
                station=cart.workstation_code,
            )
            if not typed or typed in text.lower():
                entries.append((text, cart.id))
        self.fill(entries)

    @override
    def accept(self) -> None:
        picked = self.picked()
        chosen = next((c for c in self._all if c.id == picked), None)
        if chosen is None:
            return
        self.chosen = chosen
        super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        context: ShopContext,
        load: Callable[[JobSession], list[ParkedCart]],
        money: Currency,
    ) -> uuid.UUID | None:
        dialog = cls(parent, context, load, money)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return None
        return dialog.chosen.id
