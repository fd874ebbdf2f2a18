"""Taking payment for an order that was taken unpaid (pay-later, cash on delivery).

The tenders are taken by the same :class:`~shop_desktop.ui.payment.tender_panel.TenderPanel`
as at the counter, by the same rules, Alipay and WeChat Pay included; the
money then goes to :func:`~shop_desktop.services.orders.pay_order`, which
issues the invoice. The payment batch id is made when the dialog opens, so
pressing F9 twice (or a retry after a lost answer) records the payment once;
it also starts our wallet trade numbers, so each opening has its own.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget
from typing_extensions import override

from shop_desktop.domain.money import currency
from shop_desktop.services.orders import PaidOrder, pay_order
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.orders.view import OrderView
from shop_desktop.ui.orders.wording import refusal
from shop_desktop.ui.payment.dialog import PaymentDialog
from shop_desktop.ui.payment.tender_panel import Payable
from shop_desktop.ui.tasks import Job


class PayOrderDialog(PaymentDialog):
    """Pay the whole total of one unpaid order; :attr:`paid` holds the result."""

    #: Emitted with the :class:`PaidOrder` once the payment is written.
    order_paid = Signal(object)

    def __init__(self, parent: QWidget | None, context: ShopContext, order: OrderView) -> None:
        batch_id = uuid.uuid4()
        payable = Payable(
            order_id=order.id,
            total_minor=order.total_minor,
            currency=currency(order.currency_code),
            member_id=order.member_id,
            trade_prefix=batch_id.hex[:26],
        )
        super().__init__(parent, context, payable)
        self.order = order
        self.batch_id = batch_id
        self.paid: PaidOrder | None = None
        self.complete_button.setObjectName("completePayment")
        self.retranslate()

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
        self.back_button.setText(self.tr("Back (Esc)"))
        self.complete_button.setText(self.tr("Record payment (F9)"))
        self.tender_panel.retranslate()

    @override
    def complete(self) -> None:
        if not self.tender_panel.ready_to_finish():
            return
        order_id, batch_id = self.order.id, self.batch_id
        payments = self.tender_panel.tenders
        staff_id = self.context.staff.staff_id

        def pay(job: Job) -> PaidOrder:
            return pay_order(job.session, order_id, payments, staff_id=staff_id, batch_id=batch_id)

        self.tender_panel.finish(
            pay,
            success=self._recorded,
            refusal=lambda exc: refusal(exc, self.money.code),
            waiting=self.tr("Recording the payment…"),
        )

    def _recorded(self, paid: PaidOrder) -> None:
        self.paid = paid
        self.order_paid.emit(paid)
        self.accept()
