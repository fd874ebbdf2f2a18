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
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from typing_extensions import override

from shop_desktop.domain.money import currency
from shop_desktop.services.orders import PaidOrder, pay_order
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.orders.view import OrderView
from shop_desktop.ui.orders.wording import refusal
from shop_desktop.ui.payment.tender_panel import TenderPanel
from shop_desktop.ui.tasks import Job


class PayOrderDialog(QDialog):
    """Pay the whole total of one unpaid order; :attr:`paid` holds the result."""

    #: Emitted with the :class:`PaidOrder` once the payment is written.
    order_paid = Signal(object)

    def __init__(self, parent: QWidget | None, context: ShopContext, order: OrderView) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setMinimumWidth(780)
        self.context = context
        self.order = order
        self.money = currency(order.currency_code)
        self.batch_id = uuid.uuid4()
        self.paid: PaidOrder | None = None

        outer = QVBoxLayout(self)
        self.tender_panel = TenderPanel(
            self,
            context,
            total_minor=order.total_minor,
            currency=self.money,
            member_id=order.member_id,
            trade_prefix=self.batch_id.hex[:26],
        )
        outer.addWidget(self.tender_panel)
        buttons = QHBoxLayout()
        outer.addLayout(buttons)
        self.back_button = QPushButton()
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.reject)
        self.complete_button = QPushButton()
        self.complete_button.setObjectName("completePayment")
        self.complete_button.clicked.connect(self.complete)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.complete_button)
        QShortcut(QKeySequence("F9"), self).activated.connect(self.complete)
        self.tender_panel.use_buttons(self.complete_button, self.back_button)
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
        super().accept()

    @override
    def reject(self) -> None:
        # A wallet payment already taken is given back before the order is left unpaid.
        self.tender_panel.give_back_wallets(then=super().reject)
