"""The shift's dialogs: cash in or out with a reason, and the blind count that closes it.

Each has a classmethod ``ask(...)`` returning the answer or ``None``, as the
counter's other dialogs do, so tests can drive them and callers stay one line.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QWidget
from typing_extensions import override

from shop_desktop.domain.money import InvalidAmount, Money, currency
from shop_desktop.services.auth import Approval
from shop_desktop.services.shifts import (
    CountOutcome,
    ShiftError,
    ShiftProblem,
    ShiftReport,
    check_count,
    close_shift,
    expected_cash,
)
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.sell.dialogs import ApprovalDialog, _Form
from shop_desktop.ui.shift.count import DenominationCounter
from shop_desktop.ui.shift.wording import shift_problem, variance_text
from shop_desktop.ui.tasks import BackgroundOp, Job

T = TypeVar("T")


@dataclass(frozen=True)
class CashMove:
    amount_minor: int
    reason: str


class CashDialog(_Form):
    """An amount and why: cash put into the drawer, or taken out of it."""

    def __init__(self, parent: QWidget | None, into_drawer: bool, currency_code: str) -> None:
        super().__init__(parent, "")
        self.setWindowTitle(self.tr("Cash in") if into_drawer else self.tr("Cash out"))
        self.money = currency(currency_code)
        self.amount = QLineEdit()
        self.amount.setObjectName("cashAmount")
        self.reason = QLineEdit()
        self.reason.setObjectName("cashReason")
        self.reason.setMaxLength(240)
        self.form.addRow(self.tr("Amount"), self.amount)
        self.form.addRow(self.tr("Reason"), self.reason)
        self.answer: CashMove | None = None

    @override
    def accept(self) -> None:
        try:
            amount = Money.parse(self.amount.text(), self.money).minor
        except InvalidAmount:
            amount = 0
        if amount <= 0:
            self.show_problem(self.tr("Enter an amount above zero."))
            self.amount.setFocus()
            self.amount.selectAll()
            return
        if not self.reason.text().strip():
            self.show_problem(self.tr("Say why: the reason is kept with the shift."))
            self.reason.setFocus()
            return
        self.answer = CashMove(amount, self.reason.text().strip())
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, into_drawer: bool, currency_code: str) -> CashMove | None:
        dialog = cls(parent, into_drawer, currency_code)
        return dialog.answer if dialog.exec() == QDialog.DialogCode.Accepted else None


class CloseShiftDialog(_Form):
    """The blind count: notes and coins in, how far off out, never what was expected.

    Enter checks the count; a variance within the threshold closes at once
    ("Close shift"); beyond it, a supervisor or manager approves, sees the
    expected cash, and a note is needed to close.
    """

    def __init__(self, parent: QWidget | None, context: ShopContext, currency_code: str) -> None:
        super().__init__(parent, "")
        self.context = context
        self.currency_code = currency_code
        self.money = currency(currency_code)
        self.setWindowTitle(self.tr("Close shift: count the drawer"))
        explain = QLabel(
            self.tr("Count the cash in the drawer by notes and coins, then press Enter.")
        )
        explain.setWordWrap(True)
        self.form.addRow(explain)
        self.counter = DenominationCounter(currency_code)
        self.form.addRow(self.counter)
        self.variance = QLabel()
        self.variance.setObjectName("countVariance")
        self.variance.setWordWrap(True)
        self.form.addRow(self.variance)
        self.expected = QLabel()
        self.expected.setObjectName("countExpected")
        self.form.addRow(self.expected)
        self.approve_button = QPushButton(self.tr("Supervisor approval…"))
        self.approve_button.setAutoDefault(False)
        self.approve_button.clicked.connect(self.ask_approval)
        self.form.addRow(self.approve_button)
        self.note = QLineEdit()
        self.note.setObjectName("varianceNote")
        self.note.setPlaceholderText(self.tr("Why the drawer is off"))
        self.form.addRow(self.tr("Note"), self.note)
        ok = self.buttons.button(self.buttons.StandardButton.Ok)
        ok.setText(self.tr("Check count"))
        self.close_button = self.buttons.addButton(
            self.tr("Close shift"), self.buttons.ButtonRole.ActionRole
        )
        self.close_button.setObjectName("closeShiftButton")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close_shift)
        self.counter.total_changed.connect(lambda _total: self._counted(None))
        self.outcome: CountOutcome | None = None
        self.approval: Approval | None = None
        self.report: ShiftReport | None = None
        self.busy: BackgroundOp[Any] | None = None  # the check, reveal or close under way
        self._counted(None)

    @override
    def first_field(self) -> QLineEdit | None:
        return None

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        box = self.counter.first_box()
        box.setFocus(Qt.FocusReason.OtherFocusReason)
        box.selectAll()

    def _counted(self, outcome: CountOutcome | None) -> None:
        """Show where the count stands; a change of the count asks for a new check."""
        self.outcome = outcome
        needs = outcome is not None and outcome.needs_manager
        self.variance.setText(
            "" if outcome is None else variance_text(outcome.variance_minor, self.currency_code)
        )
        if outcome is None:
            self.approval = None
            self.expected.setText("")
        self.approve_button.setVisible(needs and self.approval is None)
        self.note.setEnabled(outcome is not None)
        self.close_button.setEnabled(
            outcome is not None and (not needs or self.approval is not None)
        )

    @override
    def accept(self) -> None:
        """Enter: check the count (never closes by itself)."""
        counts = self.counter.counts()

        def check(job: Job) -> CountOutcome:
            return check_count(job.session, counts)

        self._run(check, self._counted)

    def ask_approval(self) -> None:
        approval = ApprovalDialog.ask(
            self,
            self.context,
            0,
            self.tr("Closing with this difference"),
            "shift_variance",
        )
        if approval is None:
            return
        self.approval = approval
        approver = approval.staff_id

        def reveal(job: Job) -> int:
            return expected_cash(job.session, approver)

        self._run(reveal, self._revealed)

    def _revealed(self, expected: int) -> None:
        self.expected.setText(
            self.tr("Expected in the drawer: {amount}").format(
                amount=Money(expected, self.money).format()
            )
        )
        self._counted(self.outcome)
        self.note.setFocus()

    def close_shift(self) -> None:
        counts, note = self.counter.counts(), self.note.text()
        staff = self.context.staff.staff_id
        approver: uuid.UUID | None = None if self.approval is None else self.approval.staff_id

        def close(job: Job) -> ShiftReport:
            return close_shift(job.session, staff, counts, note=note, approved_by=approver)

        self._run(close, self._closed)

    def _closed(self, report: ShiftReport) -> None:
        self.report = report
        super().accept()

    def _run(self, op: Callable[[Job], T], success: Callable[[T], None]) -> None:
        def refused(exc: ShiftError) -> None:
            self.show_problem(shift_problem(exc, self.currency_code))
            if exc.reason is ShiftProblem.NO_REASON:
                self.note.setFocus()

        self.problem.setVisible(False)
        self.buttons.setEnabled(False)
        running = BackgroundOp(self, op=op, success=success, database=self.context.database)
        running.failure(refused, ShiftError)
        running.finished.connect(lambda: self.buttons.setEnabled(True))
        self.busy = running.run()

    @classmethod
    def ask(
        cls, parent: QWidget | None, context: ShopContext, currency_code: str
    ) -> ShiftReport | None:
        dialog = cls(parent, context, currency_code)
        return dialog.report if dialog.exec() == QDialog.DialogCode.Accepted else None
