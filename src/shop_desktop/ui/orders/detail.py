"""One order: its goods, payments, refunds, delivery and history, and the next steps.

Only the steps :func:`~shop_desktop.domain.orders.allowed_transitions` offers
from the order's status get a button; paying has its own button (leaving
"awaiting payment" *is* paying) and so has cancelling (it needs a reason).
The services check again when the step is written -- another till may have
moved the order meanwhile -- and a refusal is told in a sentence, nothing
changed.
"""

from __future__ import annotations

import html
import importlib
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from shop_desktop.data.models import OrderStatus, RefundStatus
from shop_desktop.domain.money import Money, currency
from shop_desktop.domain.orders import allowed_transitions
from shop_desktop.services.documents import (
    DocumentKind,
    render_credit_note,
    render_invoice,
    sale_document,
)
from shop_desktop.services.orders import (
    VoidedInvoice,
    advance,
    cancel_order,
    order_detail,
    void_invoice,
)
from shop_desktop.ui.context import ORDERS, ShopContext
from shop_desktop.ui.i18n import say
from shop_desktop.ui.labels import in_current_language
from shop_desktop.ui.orders.models import local_time
from shop_desktop.ui.orders.pay import PayOrderDialog
from shop_desktop.ui.orders.view import OrderView
from shop_desktop.ui.orders.wording import (
    ORDER_REFUSALS,
    event_action,
    kind_name,
    method_name,
    order_state,
    refund_state,
    refund_status_name,
    refusal,
    status_name,
    step_action,
)
from shop_desktop.ui.sell.dialogs import ApprovalDialog
from shop_desktop.ui.tasks import BackgroundOp, Job

#: Steps that get a plain button; the others have their own (Pay, Cancel).
STEP_BUTTONS = (
    OrderStatus.PICKING,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)


class ReasonDialog(QDialog):
    """Asks why (a cancellation must say why, for the customer and the books)."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.edit = QLineEdit()
        self.edit.setMaxLength(240)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, prompt: str) -> str | None:
        """The reason typed, or None when the staff gave up."""
        dialog = cls(parent, title, prompt)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.edit.text().strip()
        finally:
            dialog.deleteLater()


class ShipDialog(QDialog):
    """The carrier and the tracking number a parcel is sent with."""

    def __init__(self, parent: QWidget | None, number: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ship order {number}").format(number=number))
        self.setModal(True)
        self.carrier = QLineEdit()
        self.carrier.setMaxLength(60)
        self.carrier.setPlaceholderText(self.tr("For example 黑貓宅急便 T-Cat"))
        self.tracking = QLineEdit()
        self.tracking.setMaxLength(60)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Carrier"), self.carrier)
        form.addRow(self.tr("Tracking number"), self.tracking)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, number: str) -> tuple[str, str] | None:
        dialog = cls(parent, number)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.carrier.text().strip(), dialog.tracking.text().strip()
        finally:
            dialog.deleteLater()


def _e(text: object) -> str:
    return html.escape(str(text))


class OrderDetailView(QWidget):
    """The order picked in the list; empty until one is."""

    #: Emitted with the :class:`OrderView` each time the order is (re)read.
    loaded = Signal(object)
    #: Emitted with the refusal or failure sentence shown to the staff.
    refused = Signal(str)
    #: Emitted after a step, payment or cancel was written.
    order_changed = Signal(object)

    def __init__(  # noqa: PLR0915 - the whole view is built and wired in one place
        self, context: ShopContext, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.order: OrderView | None = None
        self.order_id: uuid.UUID | None = None
        self._generation = 0
        self.loading: BackgroundOp[OrderView] | None = None
        self.busy: BackgroundOp[Any] | None = None

        self.heading = QLabel()
        self.heading.setObjectName("orderHeading")
        self.heading.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("orderProblem")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a50e0e; font-weight: bold;")
        self.notice = QLabel()
        self.notice.setObjectName("orderNotice")
        self.notice.setWordWrap(True)
        self.body = QTextBrowser()
        self.body.setObjectName("orderBody")
        self.body.setOpenLinks(False)

        self.steps_row = QHBoxLayout()
        self.step_buttons: dict[OrderStatus, QPushButton] = {}
        for status in STEP_BUTTONS:
            button = QPushButton()
            button.setObjectName(f"step_{status.value}")
            button.clicked.connect(lambda _c=False, s=status: self.step_to(s))
            self.steps_row.addWidget(button)
            self.step_buttons[status] = button
        self.pay_button = QPushButton()
        self.pay_button.setObjectName("payOrder")
        self.pay_button.clicked.connect(self.pay)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelOrder")
        self.cancel_button.clicked.connect(self.cancel)
        self.void_button = QPushButton()
        self.void_button.setObjectName("voidInvoice")
        self.void_button.clicked.connect(self.void)
        self.steps_row.addWidget(self.pay_button)
        self.steps_row.addWidget(self.cancel_button)
        self.steps_row.addWidget(self.void_button)
        self.steps_row.addStretch(1)
        # Two by two: four buttons in a row would make the pane wider than the
        # order list beside it can spare on a 1366-pixel till.
        docs_row = QGridLayout()
        self.invoice_button = QPushButton()
        self.invoice_button.clicked.connect(self.print_invoice)
        self.save_pdf_button = QPushButton()
        self.save_pdf_button.clicked.connect(self.save_invoice_pdf)
        self.receipt_button = QPushButton()
        self.receipt_button.clicked.connect(self.reprint_receipt)
        self.credit_note_button = QPushButton()
        self.credit_note_button.clicked.connect(self.print_credit_note)
        for place, button in enumerate(
            (
                self.invoice_button,
                self.save_pdf_button,
                self.receipt_button,
                self.credit_note_button,
            )
        ):
            docs_row.addWidget(button, place // 2, place % 2)
        docs_row.setColumnStretch(2, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(self.steps_row)
        layout.addWidget(self.message)
        layout.addWidget(self.notice)
        layout.addWidget(self.body, 1)
        layout.addLayout(docs_row)
        self.retranslate()
        self._show(None)

    def retranslate(self) -> None:
        self.pay_button.setText(self.tr("Take payment…"))
        self.cancel_button.setText(self.tr("Cancel order…"))
        self.invoice_button.setText(self.tr("Print invoice"))
        self.save_pdf_button.setText(self.tr("Save PDF"))
        self.receipt_button.setText(self.tr("Reprint receipt (copy)"))
        self.void_button.setText(self.tr("Void invoice…"))
        self.credit_note_button.setText(self.tr("Print credit note"))
        self._show(self.order)

    # --- reading ------------------------------------------------------------------

    def show_order(self, order_id: uuid.UUID | None) -> None:
        """Show this order (read in the background); None empties the view."""
        if order_id != self.order_id:
            self.message.clear()
            self.notice.clear()
        self.order_id = order_id
        if order_id is None:
            self._generation += 1
            self._show(None)
            return
        self.reload()

    def reload(self) -> None:
        order_id = self.order_id
        if order_id is None:
            return
        self._generation += 1
        generation = self._generation

        def load(job: Job) -> OrderView:
            return order_detail(job.session, order_id)

        def loaded(view: OrderView) -> None:
            if generation == self._generation:
                self._show(view)
                self.loaded.emit(view)

        def refused(exc: Exception) -> None:
            if generation == self._generation:
                self._refuse(exc)

        self.loading = (
            BackgroundOp(self, op=load, success=loaded, database=self.context.database)
            .failure(refused, *ORDER_REFUSALS)
            .run()
        )

    # --- showing ------------------------------------------------------------------

    def _fmt(self, minor: int) -> str:
        code = self.order.currency_code if self.order else self.context.staff.currency_code
        return Money(minor, currency(code)).format()

    def _show(self, view: OrderView | None) -> None:
        self.order = view
        for button in (
            *self.step_buttons.values(),
            self.pay_button,
            self.cancel_button,
            self.invoice_button,
            self.save_pdf_button,
            self.receipt_button,
            self.void_button,
            self.credit_note_button,
        ):
            button.setVisible(view is not None)
        if view is None:
            self.heading.setText(self.tr("Pick an order in the list to see it here."))
            self.body.clear()
            return
        allowed = allowed_transitions(view.kind, view.status)
        for status, button in self.step_buttons.items():
            button.setText(step_action(status, view.kind))
            button.setVisible(status in allowed)
        waiting = self.busy is not None
        for button in (
            *self.step_buttons.values(),
            self.cancel_button,
            self.pay_button,
            self.void_button,
        ):
            button.setEnabled(not waiting)
        open_ = view.status not in (OrderStatus.CANCELLED, OrderStatus.COMPLETED)
        self.pay_button.setVisible(not view.paid and open_)
        # A paid order is cancelled by voiding its invoice (credit note, approval).
        self.cancel_button.setVisible(OrderStatus.CANCELLED in allowed and not view.paid)
        self.void_button.setVisible(OrderStatus.CANCELLED in allowed and view.paid)
        self.credit_note_button.setVisible(view.credit_note_no is not None)
        self.invoice_button.setVisible(view.paid)
        self.save_pdf_button.setVisible(view.paid)
        self.receipt_button.setVisible(view.paid)
        refund = refund_state(r.status for r in view.refunds)
        if refund is RefundStatus.OWED:
            paid = self.tr("refund owed")
        elif refund is RefundStatus.DONE:
            paid = self.tr("refunded")
        elif view.paid:
            paid = self.tr("paid, invoice {invoice}").format(invoice=view.invoice_no)
        else:
            paid = self.tr("not paid")
        self.heading.setText(
            self.tr("Order {number} · {kind} · {status} · {paid}").format(
                number=view.number,
                kind=kind_name(view.kind),
                status=order_state(view.status, view.kind, invoiced=view.paid),
                paid=paid,
            )
        )
        self.body.setHtml(self._html(view))

    def _html(self, view: OrderView) -> str:  # noqa: PLR0912 - one page, section by section
        fmt = self._fmt
        parts: list[str] = []
        customer = view.member_name or (view.delivery.recipient_name if view.delivery else "")
        parts.append(
            "<p>"
            + _e(
                self.tr("Taken {time} by {staff}").format(
                    time=local_time(view.created_at), staff=view.staff_name
                )
            )
            + "<br>"
            + _e(self.tr("Customer: {name}").format(name=customer or self.tr("walk-in")))
            + "</p>"
        )
        # Written out one by one, so lupdate finds each heading.
        titles = {
            "Goods": self.tr("Goods"),
            "Payments": self.tr("Payments"),
            "Not paid yet.": self.tr("Not paid yet."),
            "Refunds": self.tr("Refunds"),
            "Delivery": self.tr("Delivery"),
            "History": self.tr("History"),
            "Documents": self.tr("Documents"),
        }
        parts.append(f"<h3>{_e(titles['Goods'])}</h3><table cellspacing='4'>")
        parts.append(
            "<tr>"
            + "".join(
                f"<th align='left'>{_e(h)}</th>"
                for h in (self.tr("Item"), self.tr("Qty"), self.tr("Price"), self.tr("Amount"))
            )
            + "</tr>"
        )
        for line in view.lines:
            qty = line.qty_milli / 1000 if line.qty_milli % 1000 else line.qty_milli // 1000
            parts.append(
                f"<tr><td>{_e(line.sku)} {_e(in_current_language(line.name_zh, line.name_en))}"
                f"</td><td align='right'>{_e(qty)}</td>"
                f"<td align='right'>{_e(fmt(line.unit_price_minor))}</td>"
                f"<td align='right'>{_e(fmt(line.line_total_minor))}</td></tr>"
            )
            for promotion in line.promotions:
                parts.append(
                    "<tr><td colspan='3'>&nbsp;&nbsp;"
                    + _e(
                        self.tr("Promotion: {name}").format(
                            name=in_current_language(promotion.name_zh, promotion.name_en)
                        )
                    )
                    + f"</td><td align='right'>-{_e(fmt(promotion.amount_minor))}</td></tr>"
                )
        parts.append("</table>")
        totals = [
            (self.tr("Subtotal"), view.subtotal_minor),
            (self.tr("Discounts"), -view.discount_minor),
            (self.tr("Delivery fee"), view.delivery_fee_minor),
            (self.tr("Total"), view.total_minor),
        ]
        parts.append(
            "<p>"
            + "<br>".join(f"{_e(name)}: {_e(fmt(amount))}" for name, amount in totals if amount)
            + "</p>"
        )
        parts.append(f"<h3>{_e(titles['Payments'])}</h3>")
        if view.payments:
            parts.append("<ul>")
            for p in view.payments:
                text = f"{method_name(p.method)} {fmt(p.amount_minor)}"
                if p.change_minor:
                    text += " · " + self.tr("change {change}").format(change=fmt(p.change_minor))
                if p.card_last4:
                    text += f" · ****{p.card_last4}"
                if p.reference:
                    text += f" · #{p.reference}"
                parts.append(f"<li>{_e(local_time(p.at))} {_e(text)}</li>")
            parts.append("</ul>")
        else:
            parts.append(f"<p>{_e(titles['Not paid yet.'])}</p>")
        if view.refunds:
            parts.append(f"<h3>{_e(titles['Refunds'])}</h3><ul>")
            for r in view.refunds:
                text = self.tr("{method} {amount} {status}: {reason}").format(
                    method=method_name(r.method),
                    amount=fmt(r.amount_minor),
                    status=refund_status_name(r.status),
                    reason=r.reason,
                )
                parts.append(f"<li>{_e(local_time(r.at))} {_e(text)}</li>")
            parts.append("</ul>")
        if view.delivery is not None:
            d = view.delivery
            parts.append(f"<h3>{_e(titles['Delivery'])}</h3><p>")
            rows = [
                (self.tr("Recipient"), d.recipient_name),
                (self.tr("Phone"), d.phone),
                (self.tr("Address"), d.address),
                (
                    self.tr("Wanted on"),
                    d.requested_date.isoformat() if d.requested_date else "",
                ),
                (self.tr("Carrier"), d.carrier),
                (self.tr("Tracking number"), d.tracking_no),
                (self.tr("Shipped"), local_time(d.shipped_at) if d.shipped_at else ""),
                (self.tr("Delivered"), local_time(d.delivered_at) if d.delivered_at else ""),
            ]
            parts.append("<br>".join(f"{_e(k)}: {_e(v)}" for k, v in rows if v))
            parts.append("</p>")
        if view.paid:
            parts.append(f"<h3>{_e(titles['Documents'])}</h3><ul>")
            parts.append(
                "<li>" + _e(self.tr("Invoice {number}").format(number=view.invoice_no)) + "</li>"
            )
            if view.credit_note_no is not None:
                parts.append(
                    "<li>"
                    + _e(
                        self.tr("Credit note {number}, voiding invoice {invoice}").format(
                            number=view.credit_note_no, invoice=view.invoice_no
                        )
                    )
                    + "</li>"
                )
            parts.append("</ul>")
        parts.append(f"<h3>{_e(titles['History'])}</h3><ul>")
        for event in view.events:
            text = self.tr("{action} → {status}, by {staff}").format(
                action=event_action(event.action),
                status=status_name(event.to_status, view.kind),
                staff=event.staff_name,
            )
            if event.reason:
                text += " · " + self.tr("why: {reason}").format(reason=event.reason)
            parts.append(f"<li>{_e(local_time(event.at))} {_e(text)}</li>")
        parts.append("</ul>")
        return "".join(parts)

    # --- steps --------------------------------------------------------------------

    def _refuse(self, exc: Exception) -> None:
        currency_code = self.order.currency_code if self.order else "TWD"
        say(self.message, lambda: refusal(exc, currency_code) or str(exc))
        self.refused.emit(self.message.text())

    def _write(
        self,
        op: Callable[[Job], object],
        done: Callable[[], str],
        after: Callable[[object], None] | None = None,
    ) -> None:
        """Run one write for this order, then show the order as it is now.

        ``after`` gets the write's result once it is on disk (to offer what
        comes next, such as printing the credit note).
        """
        order = self.order
        if order is None or self.busy is not None:
            return
        self.message.clear()
        self.notice.clear()

        def written(result: object) -> None:
            self.busy = None
            say(self.notice, done)
            self.order_changed.emit(order.id)
            self.reload()
            if after is not None:
                after(result)

        def put_back() -> None:
            self.busy = None
            self._show(self.order)
            # The order may have moved on elsewhere: show it as it is.
            self.reload()

        self.busy = (
            BackgroundOp(self, op=op, success=written, database=self.context.database)
            .failure(self._refuse, *ORDER_REFUSALS)
            .after_failure(put_back)
            .announcing(self.context, ORDERS)
        )
        self._show(order)
        self.busy.run()

    def step_to(self, to_status: OrderStatus) -> None:
        order = self.order
        if order is None or self.busy is not None:
            return
        carrier = tracking = ""
        if to_status is OrderStatus.SHIPPED:
            answer = ShipDialog.ask(self, order.number)
            if answer is None:
                return
            carrier, tracking = answer
        order_id, staff_id = order.id, self.context.staff.staff_id

        def step(job: Job) -> OrderStatus:
            return advance(
                job.session,
                order_id,
                to_status,
                staff_id=staff_id,
                carrier=carrier,
                tracking_no=tracking,
            )

        self._write(
            step,
            lambda: self.tr("Order {number} is now: {status}.").format(
                number=order.number, status=status_name(to_status, order.kind)
            ),
        )

    def cancel(self) -> None:
        order = self.order
        if order is None or self.busy is not None:
            return
        reason = ReasonDialog.ask(
            self,
            self.tr("Cancel order {number}").format(number=order.number),
            self.tr(
                "Why is the order cancelled? The goods go back on the shelf and any payment"
                " is refunded."
            ),
        )
        if reason is None:
            return
        order_id, staff_id = order.id, self.context.staff.staff_id

        def cancel(job: Job) -> object:
            return len(cancel_order(job.session, order_id, reason, staff_id=staff_id))

        self._write(
            cancel, lambda: self.tr("Order {number} is cancelled.").format(number=order.number)
        )

    def void(self) -> None:
        """Void a paid order's invoice: a reason, a manager's approval, then the credit note."""
        order = self.order
        if order is None or self.busy is not None:
            return
        reason = ReasonDialog.ask(
            self,
            self.tr("Void invoice {invoice}").format(invoice=order.invoice_no),
            self.tr(
                "Why is the invoice voided? The order is cancelled, the goods go back on the"
                " shelf, the payment is refunded and a credit note is issued."
            ),
        )
        if not reason:
            if reason is not None:
                self._refuse_text(lambda: self.tr("Say why the invoice is voided."))
            return
        approval = ApprovalDialog.ask(
            self,
            self.context,
            0,
            self.tr("Voiding invoice {invoice}").format(invoice=order.invoice_no),
            f"void invoice {order.invoice_no}",
        )
        if approval is None:
            self._refuse_text(lambda: self.tr("Not approved: the invoice is unchanged."))
            return
        order_id, staff_id, approver = order.id, self.context.staff.staff_id, approval.staff_id

        def void(job: Job) -> VoidedInvoice:
            return void_invoice(
                job.session, order_id, reason, staff_id=staff_id, approved_by=approver
            )

        def offer_credit_note(result: object) -> None:
            assert isinstance(result, VoidedInvoice)
            if confirm(
                self,
                self.tr("Credit note {number}").format(number=result.credit_note_no),
                self.tr("Invoice {invoice} is void. Print the credit note {number} now?").format(
                    invoice=result.invoice_no, number=result.credit_note_no
                ),
            ):
                self._print_credit_note(order_id, result.credit_note_no)

        self._write(
            void,
            lambda: self.tr("Invoice {invoice} is void; order {number} is cancelled.").format(
                invoice=order.invoice_no, number=order.number
            ),
            offer_credit_note,
        )

    def _refuse_text(self, said: Callable[[], str]) -> None:
        say(self.message, said)
        self.refused.emit(self.message.text())

    def pay(self) -> None:
        order = self.order
        if order is None or self.busy is not None:
            return
        paid = PayOrderDialog.ask(self, self.context, order)
        if paid is None:
            return
        self.message.clear()

        def text() -> str:
            said = self.tr("Paid. Invoice {invoice}.").format(invoice=paid.invoice_no)
            if paid.change_minor:
                said += " " + self.tr("Give {change} change.").format(
                    change=self._fmt(paid.change_minor)
                )
            return said

        say(self.notice, text)
        self.order_changed.emit(order.id)
        self.reload()

    # --- documents ----------------------------------------------------------------

    def _printer(self) -> Any:
        """The shared document printer, or None (and a word why) while it is missing."""
        try:
            # Imported when used: the printing module is written alongside this one.
            printing = importlib.import_module("shop_desktop.ui.printing")
        except ImportError:
            say(self.message, lambda: self.tr("Printing is not set up on this workstation yet."))
            return None
        printer = printing.DocumentPrinter(self.context, self)
        printer.printed.connect(self.notice.setText)
        printer.saved.connect(self.notice.setText)
        printer.failed.connect(self.message.setText)
        return printer

    def _invoice_pdf(self) -> Callable[[Job], bytes]:
        assert self.order is not None
        order_id = self.order.id

        def make(job: Job) -> bytes:
            return render_invoice(sale_document(job.session, order_id, kind=DocumentKind.INVOICE))

        return make

    def print_invoice(self) -> None:
        printer = self._printer()
        if printer is not None and self.order is not None:
            title = self.tr("Invoice {number}").format(number=self.order.invoice_no)
            printer.print_document(self._invoice_pdf(), title=title, ask=True)

    def save_invoice_pdf(self) -> None:
        printer = self._printer()
        if printer is not None and self.order is not None:
            name = f"{self.order.invoice_no or self.order.number}.pdf"
            printer.save_pdf(self._invoice_pdf(), suggested_name=name)

    def print_credit_note(self) -> None:
        order = self.order
        if order is not None and order.credit_note_no is not None:
            self._print_credit_note(order.id, order.credit_note_no)

    def _print_credit_note(self, order_id: uuid.UUID, number: str) -> None:
        printer = self._printer()
        if printer is None:
            return

        def make(job: Job) -> bytes:
            doc = sale_document(job.session, order_id, kind=DocumentKind.CREDIT_NOTE)
            return render_credit_note(doc)

        title = self.tr("Credit note {number}").format(number=number)
        printer.print_document(make, title=title, ask=True)

    def reprint_receipt(self) -> None:
        printer = self._printer()
        if printer is not None and self.order is not None:
            printer.print_receipt(self.order.id, copy=True)


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """A yes/no question (kept here so tests can answer it like any dialog)."""
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes
