"""The Shift panel: the till's shift at a glance, and everything done with it.

No shift open: count the float and open one. Open: cash in, cash out (a
supervisor approves), the X report, and closing with the blind count, after
which the Z report is shown and can be printed (thermal roll or A4) or saved
as PDF. Every read and write runs on a worker (``ui/tasks.py``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.domain.money import Money, currency
from shop_desktop.services.auth import APPROVER_ROLES, Approval
from shop_desktop.services.printers import send_raw
from shop_desktop.services.shifts import (
    ShiftError,
    ShiftProblem,
    ShiftReport,
    ShiftView,
    current_shift,
    move_cash,
    open_shift,
    x_report,
)
from shop_desktop.ui.context import ORDERS, ShopContext
from shop_desktop.ui.printing import PRINT_REFUSALS, DocumentPrinter, describe_print_failure
from shop_desktop.ui.sell.dialogs import ApprovalDialog
from shop_desktop.ui.shift.count import DenominationCounter
from shop_desktop.ui.shift.dialogs import CashDialog, CloseShiftDialog
from shop_desktop.ui.shift.wording import shift_problem
from shop_desktop.ui.tasks import BackgroundOp, Job

T = TypeVar("T")

#: The data area a shift's writes announce (screens showing the drawer reload).
SHIFT = "shift"


def report_html(rows: list[tuple[str, str, str]]) -> str:
    """The report's rows as a two-column table: label left, figure right."""
    out = ["<table cellspacing='0' cellpadding='2'>"]
    for kind, raw_label, raw_figure in rows:
        label, figure = html.escape(raw_label), html.escape(raw_figure)
        if kind == "section":
            out.append(f"<tr><td colspan='2'><br><b>{label}</b></td></tr>")
        elif kind == "total":
            out.append(f"<tr><td><b>{label}</b></td><td align='right'><b>{figure}</b></td></tr>")
        else:
            out.append(f"<tr><td>{label}</td><td align='right'>{figure}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _rows_of(report: ShiftReport) -> list[tuple[str, str, str]]:
    # Imported here, on the worker: the documents module loads ReportLab.
    from shop_desktop.services.documents.shift_report import report_rows

    return [(r.kind, r.label, r.figure) for r in report_rows(report)]


class ShiftPanel(QWidget):
    """The shift at this till: open it, move cash, read X, close with Z."""

    #: The open shift (a ShiftView) or None, after each load or change.
    shift_loaded = Signal(object)
    #: A report now shown (a ShiftReport): X or Z.
    report_shown = Signal(object)
    #: A problem or notice shown in the panel's message line.
    notice = Signal(str)

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.shift: ShiftView | None = None
        self.report: ShiftReport | None = None
        self.busy: BackgroundOp[Any] | None = None
        self.currency_code = context.staff.currency_code
        self.money = currency(self.currency_code)
        self.printer = DocumentPrinter(context, self)
        self.printer.printed.connect(self._say)
        self.printer.saved.connect(self._say)
        self.printer.failed.connect(self._say)

        self._build_shift_part()
        self._build_report_part()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.float_box)
        layout.addWidget(self.shift_actions)
        layout.addWidget(self.message)
        layout.addWidget(self.report_view, 1)
        layout.addLayout(self.paper)
        self.retranslate()
        self._show_shift(None)

    def _build_shift_part(self) -> None:
        self.status = QLabel()
        self.status.setObjectName("shiftStatus")
        self.status.setWordWrap(True)
        status_font = QFont(self.status.font())
        status_font.setBold(True)
        status_font.setPointSizeF(status_font.pointSizeF() * 1.2)
        self.status.setFont(status_font)

        self.float_box = QGroupBox()
        self.counter = DenominationCounter(self.currency_code)
        self.open_button = QPushButton()
        self.open_button.setObjectName("openShiftButton")
        self.open_button.clicked.connect(self.open_shift)
        inside = QVBoxLayout(self.float_box)
        inside.addWidget(self.counter)
        button_row = QHBoxLayout()
        button_row.addWidget(self.open_button)
        button_row.addStretch(1)
        inside.addLayout(button_row)

        self.cash_in_button = QPushButton()
        self.cash_in_button.clicked.connect(lambda: self.move_cash(into_drawer=True))
        self.cash_out_button = QPushButton()
        self.cash_out_button.clicked.connect(lambda: self.move_cash(into_drawer=False))
        self.x_button = QPushButton()
        self.x_button.clicked.connect(self.show_x_report)
        self.close_button = QPushButton()
        self.close_button.setObjectName("closeShiftButton")
        self.close_button.clicked.connect(self.close_shift)
        self.shift_actions = QWidget()
        row = QHBoxLayout(self.shift_actions)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.cash_in_button, self.cash_out_button, self.x_button, self.close_button):
            row.addWidget(button)
        row.addStretch(1)

    def _build_report_part(self) -> None:
        self.message = QLabel()
        self.message.setObjectName("shiftMessage")
        self.message.setWordWrap(True)
        self.report_view = QTextBrowser()
        self.report_view.setObjectName("shiftReport")
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_report)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save_report)
        self.paper = QHBoxLayout()
        self.paper.addWidget(self.print_button)
        self.paper.addWidget(self.save_button)
        self.paper.addStretch(1)

    # --- reading --------------------------------------------------------------------

    def refresh(self) -> None:
        self._run(lambda job: current_shift(job.session), self._show_shift)

    def _show_shift(self, shift: ShiftView | None) -> None:
        self.shift = shift
        self.float_box.setVisible(shift is None)
        self.shift_actions.setVisible(shift is not None)
        has_report = self.report is not None
        self.print_button.setEnabled(has_report)
        self.save_button.setEnabled(has_report)
        self._status_text()
        if shift is None:
            self.counter.first_box().setFocus()
        self.shift_loaded.emit(shift)

    def _status_text(self) -> None:
        shift = self.shift
        if shift is None:
            self.status.setText(self.tr("No shift is open. Count the float and open a shift."))
            return
        self.status.setText(
            self.tr("Shift {number} open since {time}, by {name}; float {amount}.").format(
                number=shift.number,
                time=shift.opened_at.astimezone().strftime("%H:%M"),
                name=shift.opened_by_name,
                amount=Money(shift.float_minor, self.money).format(),
            )
        )

    def show_x_report(self) -> None:
        def read(job: Job) -> tuple[ShiftReport, list[tuple[str, str, str]]]:
            report = x_report(job.session)
            return report, _rows_of(report)

        self._run(read, self._show_report)

    def _show_report(self, shown: tuple[ShiftReport, list[tuple[str, str, str]]]) -> None:
        report, rows = shown
        self.report = report
        self.report_view.setHtml(report_html(rows))
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.report_shown.emit(report)

    # --- writing --------------------------------------------------------------------

    def open_shift(self) -> None:
        counts, staff = self.counter.counts(), self.context.staff.staff_id

        def op(job: Job) -> ShiftView:
            return open_shift(job.session, staff, counts)

        def opened(shift: ShiftView) -> None:
            self.counter.clear()
            self.report = None
            self.report_view.clear()
            self._say(self.tr("Shift {number} is open.").format(number=shift.number))
            self._show_shift(shift)

        self._run(op, opened, announce=True)

    def move_cash(self, *, into_drawer: bool) -> None:
        answer = CashDialog.ask(self, into_drawer, self.currency_code)
        if answer is None:
            return
        approval: Approval | None = None
        if not into_drawer and not self._may_take_cash_out():
            approval = ApprovalDialog.ask(
                self, self.context, 0, self.tr("Taking cash out of the drawer"), "cash_out"
            )
            if approval is None:
                return
        staff = self.context.staff.staff_id
        approver = None if approval is None else approval.staff_id

        def op(job: Job) -> None:
            move_cash(
                job.session,
                staff,
                into_drawer=into_drawer,
                amount_minor=answer.amount_minor,
                reason=answer.reason,
                approved_by=approver,
            )

        amount = Money(answer.amount_minor, self.money).format()
        said = (
            self.tr("{amount} put into the drawer.")
            if into_drawer
            else self.tr("{amount} taken out of the drawer.")
        ).format(amount=amount)
        self._run(op, lambda _none: self._say(said), announce=True)

    def _may_take_cash_out(self) -> bool:
        """Whether this person takes cash out without asking (the service checks again)."""
        return self.context.staff.role in APPROVER_ROLES

    def close_shift(self) -> None:
        report = CloseShiftDialog.ask(self, self.context, self.currency_code)
        if report is None:
            return

        def rows(job: Job) -> tuple[ShiftReport, list[tuple[str, str, str]]]:
            del job
            return report, _rows_of(report)

        def shown(made: tuple[ShiftReport, list[tuple[str, str, str]]]) -> None:
            self._show_report(made)
            # The Z report comes off the receipt printer at the close, as the drawer is emptied.
            if self.context.preferences.receipt_target:
                self.print_report()

        self._say(self.tr("Shift {number} is closed.").format(number=report.number))
        self._show_shift(None)
        self.context.notify_changed(frozenset({SHIFT, ORDERS}))
        self._run(rows, shown)

    # --- paper ----------------------------------------------------------------------

    def print_report(self) -> None:
        """On the receipt printer as ESC/POS when one is set up, else the PDF to a printer."""
        report = self.report
        if report is None:
            return
        target = self.context.preferences.receipt_target
        if target:

            def send(job: Job) -> None:
                del job
                from shop_desktop.services.documents.shift_report import shift_report_escpos

                send_raw(target, shift_report_escpos(report))

            def refused(exc: Exception) -> None:
                self._say(describe_print_failure(exc) or str(exc))

            sent = self.tr("Sent to {printer}.").format(printer=target)
            self.busy = (
                BackgroundOp(
                    self, op=send, success=lambda _n: self._say(sent),
                    database=self.context.database,
                )
                .failure(refused, *PRINT_REFUSALS)
                .run()
            )  # fmt: skip
            return
        self.printer.print_document(
            lambda job: _pdf(report), title=self.tr("Shift report"), ask=True
        )

    def save_report(self) -> None:
        report = self.report
        if report is None:
            return
        kind = "Z" if report.closed else "X"
        self.printer.save_pdf(
            lambda job: _pdf(report),
            suggested_name=f"{kind}-{report.workstation_code}-{report.number:04d}.pdf",
        )

    # --- the work -------------------------------------------------------------------

    def _run(
        self,
        op: Callable[[Job], T],
        success: Callable[[T], None],
        *,
        announce: bool = False,
    ) -> None:
        def refused(exc: ShiftError) -> None:
            self._say(shift_problem(exc, self.currency_code))
            if exc.reason in (ShiftProblem.NO_OPEN_SHIFT, ShiftProblem.ALREADY_OPEN):
                self.refresh()

        running = BackgroundOp(self, op=op, success=success, database=self.context.database)
        running.failure(refused, ShiftError)
        if announce:
            running.announcing(self.context, SHIFT)
        self.busy = running.run()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.notice.emit(text)

    def retranslate(self) -> None:
        self.float_box.setTitle(self.tr("Float: the cash in the drawer at the start"))
        self.open_button.setText(self.tr("Open shift"))
        self.cash_in_button.setText(self.tr("Cash in…"))
        self.cash_out_button.setText(self.tr("Cash out…"))
        self.x_button.setText(self.tr("X report"))
        self.close_button.setText(self.tr("Close shift…"))
        self.print_button.setText(self.tr("Print report"))
        self.save_button.setText(self.tr("Save as PDF…"))
        self._status_text()

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _pdf(report: ShiftReport) -> bytes:
    from shop_desktop.services.documents.shift_report import shift_report_pdf

    return shift_report_pdf(report)
