"""Settings → Staff 員工: an administrator adds staff, disables them, resets a password,
sets their role, the branch they work at and their own limits.

Shown to administrators only; the service checks again (``services.staff.save_staff``)
and so does the server when the edit reaches it (``staff.edit``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data.models import Role
from shop_desktop.domain.money import Money, currency
from shop_desktop.domain.permissions import (
    ROLE_LIMITS,
    Limits,
    Permission,
    PermissionDenied,
    allowed,
)
from shop_desktop.services.staff import (
    MIN_PASSWORD,
    BranchChoice,
    StaffEdit,
    StaffEditRefused,
    StaffRow,
    branch_choices,
    save_staff,
    staff_list,
)
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.labels import in_current_language, role_name
from shop_desktop.ui.rights import permission_denied
from shop_desktop.ui.tasks import BackgroundOp, Job


def _bp_text(bp: int | None) -> str:
    return "" if bp is None else f"{Decimal(bp) / 100:g}"


def _parse_percent(text: str) -> int | None:
    """Basis points from "12.5" (percent); None for empty; raises ValueError otherwise."""
    text = text.strip().rstrip("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    bp = value * 100
    if bp != bp.to_integral_value() or not 0 <= bp <= 10_000:
        raise ValueError(text)
    return int(bp)


def _parse_amount(text: str, exponent: int) -> int | None:
    """Minor units from "5,000" (major units); None for empty; raises ValueError otherwise."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text) * (10**exponent)
    except InvalidOperation:
        raise ValueError(text) from None
    if value != value.to_integral_value() or value < 0:
        raise ValueError(text)
    return int(value)


class StaffDialog(QDialog):
    """One person's details; empty limits mean their role's."""

    def __init__(
        self,
        parent: QWidget | None,
        context: ShopContext,
        branches: list[BranchChoice],
        person: StaffRow | None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.person = person
        self.money = currency(context.staff.currency_code)
        self.setWindowTitle(self.tr("Add staff") if person is None else self.tr("Edit staff"))
        self.setModal(True)
        self.setMinimumWidth(460)
        self._make_fields(branches, person)
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Name"), self.display_name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Works at"), self.branch)
        form.addRow(self.tr("Discount limit (%)"), self.discount)
        form.addRow(self.tr("Price change limit (%)"), self.price_override)
        form.addRow(self.tr("Refund limit"), self.refund)
        form.addRow(self.tr("Cash-out limit"), self.cash_out)
        form.addRow("", self.active)
        form.addRow(
            self.tr("New password") if person is not None else self.tr("Password"), self.password
        )
        self.problem = QLabel()
        self.problem.setObjectName("dialogProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a50e0e; font-weight: bold;")
        self.problem.setVisible(False)
        outer.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.saved_id: uuid.UUID | None = None

    def _make_fields(self, branches: list[BranchChoice], person: StaffRow | None) -> None:
        self.username = QLineEdit("" if person is None else person.username)
        self.username.setObjectName("staffUsername")
        self.display_name = QLineEdit("" if person is None else person.display_name)
        self.display_name.setObjectName("staffDisplayName")
        self.role = QComboBox()
        self.role.setObjectName("staffRole")
        for role in Role:
            self.role.addItem(role_name(role), role.value)
        self.role.setCurrentIndex(
            self.role.findData((Role.CASHIER if person is None else person.role).value)
        )
        self.branch = QComboBox()
        self.branch.setObjectName("staffBranch")
        self.branch.addItem(self.tr("Every branch"), "")
        for b in branches:
            self.branch.addItem(
                f"{in_current_language(b.name_zh, b.name_en)} ({b.code})", b.branch_id.hex
            )
        if person is not None:
            wanted = "" if person.branch_id is None else person.branch_id.hex
            self.branch.setCurrentIndex(max(0, self.branch.findData(wanted)))
        limits = Limits() if person is None else person.limits
        self.discount = QLineEdit(_bp_text(limits.discount_bp))
        self.discount.setObjectName("staffDiscount")
        self.price_override = QLineEdit(_bp_text(limits.price_override_bp))
        self.price_override.setObjectName("staffPriceOverride")
        self.refund = QLineEdit(self._amount_text(limits.refund_minor))
        self.refund.setObjectName("staffRefund")
        self.cash_out = QLineEdit(self._amount_text(limits.cash_out_minor))
        self.cash_out.setObjectName("staffCashOut")
        for edit in (self.discount, self.price_override, self.refund, self.cash_out):
            edit.setPlaceholderText(self.tr("Empty: the role's"))
        self.active = QCheckBox(self.tr("May sign in and work"))
        self.active.setObjectName("staffActive")
        self.active.setChecked(True if person is None else person.active)
        self.password = QLineEdit()
        self.password.setObjectName("staffPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(
            self.tr("At least {n} characters").format(n=MIN_PASSWORD)
            if person is None
            else self.tr("Empty: keep the current password")
        )

    def _amount_text(self, minor: int | None) -> str:
        return "" if minor is None else Money(minor, self.money).format(show_symbol=False)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(True)

    def edit(self) -> StaffEdit | None:
        """What was typed, or None (and a problem shown) when a limit is not a number."""
        try:
            discount = _parse_percent(self.discount.text())
            override_bp = _parse_percent(self.price_override.text())
        except ValueError:
            self.show_problem(self.tr("A limit in % is a number from 0 to 100, e.g. 12.5."))
            return None
        try:
            refund = _parse_amount(self.refund.text(), self.money.exponent)
            cash_out = _parse_amount(self.cash_out.text(), self.money.exponent)
        except ValueError:
            self.show_problem(self.tr("A limit is an amount, e.g. 5000, or empty."))
            return None
        role = Role(str(self.role.currentData()))
        branch = str(self.branch.currentData() or "")
        return StaffEdit(
            staff_id=None if self.person is None else self.person.staff_id,
            username=self.username.text(),
            display_name=self.display_name.text(),
            role=role,
            branch_id=uuid.UUID(branch) if branch else None,
            limits=Limits(discount, override_bp, refund, cash_out),
            active=self.active.isChecked(),
            password=self.password.text(),
        )

    @override
    def accept(self) -> None:
        edit = self.edit()
        if edit is None:
            return
        editor = self.context.staff.staff_id

        def save(job: Job) -> uuid.UUID:
            return save_staff(job.session, editor, edit)

        def refused(exc: Exception) -> None:
            if isinstance(exc, PermissionDenied):
                self.show_problem(permission_denied(exc))
            elif isinstance(exc, StaffEditRefused):
                self.show_problem(staff_edit_refused(exc))

        self.buttons.setEnabled(False)
        BackgroundOp(self, op=save, success=self._saved, database=self.context.database).failure(
            refused, StaffEditRefused, PermissionDenied
        ).after_failure(lambda: self.buttons.setEnabled(True)).run()

    def _saved(self, staff_id: uuid.UUID) -> None:
        self.saved_id = staff_id
        super().accept()


def staff_edit_refused(exc: StaffEditRefused) -> str:
    texts = {
        StaffEditRefused.USERNAME: QCoreApplication.translate(
            "StaffSettings", "Type a user name (up to 64 characters)."
        ),
        StaffEditRefused.USERNAME_TAKEN: QCoreApplication.translate(
            "StaffSettings", "Someone already has this user name."
        ),
        StaffEditRefused.DISPLAY_NAME: QCoreApplication.translate(
            "StaffSettings", "Type the person's name."
        ),
        StaffEditRefused.PASSWORD: QCoreApplication.translate(
            "StaffSettings", "A password needs at least {n} characters."
        ).format(n=MIN_PASSWORD),
        StaffEditRefused.LIMIT: QCoreApplication.translate(
            "StaffSettings", "A limit cannot be below zero or above 100%."
        ),
        StaffEditRefused.NOT_FOUND: QCoreApplication.translate(
            "StaffSettings", "This person is no longer on the staff list."
        ),
        StaffEditRefused.SELF: QCoreApplication.translate(
            "StaffSettings", "You cannot disable yourself or give up being an administrator."
        ),
    }
    return texts.get(exc.reason, texts[StaffEditRefused.USERNAME])


class StaffSettings(QGroupBox):
    """The staff list with Add and Edit, for administrators."""

    #: The list was read (or read again after a save): how many people it shows.
    staff_shown = Signal(int)

    COLUMNS = 6

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.may_edit = allowed(context.staff, Permission.EDIT_STAFF)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("staffTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(220)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton()
        self.add_button.setObjectName("staffAdd")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("staffEdit")
        self.edit_button.clicked.connect(self.edit_selected)
        self.note = QLabel()
        self.note.setWordWrap(True)
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addWidget(self.note, 1)
        layout.addLayout(row)
        self.rows: list[StaffRow] = []
        self.branches: list[BranchChoice] = []
        self.retranslate()
        self.load()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Staff"))
        self.add_button.setText(self.tr("Add…"))
        self.edit_button.setText(self.tr("Edit…"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("User name"),
                self.tr("Name"),
                self.tr("Role"),
                self.tr("Works at"),
                self.tr("Limits"),
                self.tr("Status"),
            ]
        )
        if self.rows:
            self._fill(self.rows)

    def load(self) -> None:
        def read(job: Job) -> tuple[list[StaffRow], list[BranchChoice]]:
            return staff_list(job.session), branch_choices(job.session)

        BackgroundOp(self, op=read, success=self._loaded, database=self.context.database).run()

    def _loaded(self, found: tuple[list[StaffRow], list[BranchChoice]]) -> None:
        self.rows, self.branches = found
        self._fill(self.rows)
        self.staff_shown.emit(len(self.rows))

    def _fill(self, rows: list[StaffRow]) -> None:
        names = {b.branch_id: in_current_language(b.name_zh, b.name_en) for b in self.branches}
        self.table.setRowCount(len(rows))
        for n, person in enumerate(rows):
            cells = [
                person.username,
                person.display_name,
                role_name(person.role),
                self.tr("Every branch")
                if person.branch_id is None
                else names.get(person.branch_id, str(person.branch_id)),
                self._limits_text(person),
                self.tr("Active") if person.active else self.tr("Disabled"),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, person.staff_id)
                self.table.setItem(n, column, item)

    def _limits_text(self, person: StaffRow) -> str:
        money = currency(self.context.staff.currency_code)
        if person.role is Role.ADMIN:
            return self.tr("No limits")
        limits = person.limits.over(ROLE_LIMITS[person.role.value])

        def amount(minor: int | None) -> str:
            return self.tr("any") if minor is None else Money(minor, money).format()

        def percent(bp: int | None) -> str:
            return self.tr("any") if bp is None else f"{_bp_text(bp)}%"

        return self.tr("discount {d}, price {p}, refund {r}, cash out {c}").format(
            d=percent(limits.discount_bp),
            p=percent(limits.price_override_bp),
            r=amount(limits.refund_minor),
            c=amount(limits.cash_out_minor),
        )

    def selected(self) -> StaffRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def add(self) -> None:
        self._open(None)

    def edit_selected(self) -> None:
        person = self.selected()
        if person is None:
            self.note.setText(self.tr("Pick someone in the list first."))
            return
        self._open(person)

    def _open(self, person: StaffRow | None) -> None:
        self.note.clear()
        dialog = StaffDialog(self, self.context, self.branches, person)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.note.setText(self.tr("Saved. Other tills get it at their next sync."))
            self.load()
