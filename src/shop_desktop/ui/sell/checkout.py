"""Taking payment for a cart: any mix of cash, card, Alipay, WeChat Pay and store credit.

The tenders are taken by the shared :class:`~shop_desktop.ui.payment.tender_panel.TenderPanel`
(F1…F5, the amount pre-filled with what is still to pay, Enter takes it); this
dialog adds what makes the payment a sale -- take away now, pick up later,
delivery or pay on collection, the buyer's tax ID -- and, once nothing is left,
F9 completes the sale. The commit runs on a worker; the dialog shows what it
is waiting for and never freezes. Nothing is written until the sale is
committed in one transaction, so going back leaves the cart exactly as it was
(a wallet payment already taken is given back first).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data.models import OrderKind
from shop_desktop.domain.cart import Cart
from shop_desktop.domain.orders import IllegalTransition
from shop_desktop.domain.pricing import Bill
from shop_desktop.domain.tender import PaymentMethod
from shop_desktop.services.checkout import CheckoutError, CommittedSale, commit_sale
from shop_desktop.services.orders import DeliveryDetails, OrderNotFound, take_order
from shop_desktop.services.sale import sale_draft
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.payment.dialog import PaymentDialog
from shop_desktop.ui.payment.tender_panel import Payable
from shop_desktop.ui.sell.wording import checkout_problem
from shop_desktop.ui.tasks import Job


class CheckoutDialog(PaymentDialog):
    """Pay for one priced cart; :attr:`committed` holds the sale once it is written."""

    #: Emitted with the :class:`CommittedSale` after the sale is committed.
    sale_committed = Signal(object)

    def __init__(
        self, parent: QWidget | None, context: ShopContext, cart: Cart, bill: Bill
    ) -> None:
        payable = Payable(
            order_id=cart.cart_id,
            total_minor=bill.total_minor,
            currency=bill.currency,
            member_id=None if cart.member is None else cart.member.member_id,
            # Our trade numbers at the wallet provider start with the order's id, then
            # this opening's own part: a gateway refuses a number used before, and the
            # cashier may come back to pay the same cart again.
            trade_prefix=cart.cart_id.hex[:16] + uuid.uuid4().hex[:10],
        )
        super().__init__(parent, context, payable)
        self.setWindowTitle(self.tr("Payment"))
        self.cart = cart
        self.bill = bill
        self.committed: CommittedSale | None = None

        form = self.details
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
        form.addRow(self.kind_label, self.kind)
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
            form.addRow(label, field)
        if cart.member is not None:
            self.recipient.setText(cart.member.name)
        self.buyer_tax_id = QLineEdit()
        self.buyer_tax_id.setMaxLength(8)
        self.buyer_tax_id.setInputMask("99999999")
        self.buyer_tax_id_label = QLabel()
        form.addRow(self.buyer_tax_id_label, self.buyer_tax_id)

        self.complete_button.setObjectName("completeSale")
        self.unpaid_button = QPushButton()
        self.unpaid_button.setObjectName("takeUnpaid")
        self.unpaid_button.setAutoDefault(False)
        self.unpaid_button.clicked.connect(self.take_unpaid)
        # Beside the finish button, and held with Back while the till waits.
        self.buttons.insertWidget(self.buttons.indexOf(self.complete_button), self.unpaid_button)
        self.tender_panel.use_buttons(self.complete_button, self.back_button, self.unpaid_button)

        self.retranslate()
        self._kind_changed()

    def retranslate(self) -> None:
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
        self.complete_button.setText(self.tr("Complete sale (F9)"))
        self.tender_panel.retranslate()

    def show_problem(self, text: str) -> None:
        self.tender_panel.show_problem(text)

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
        self.tender_panel.problem.clear()

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
        if self.tender_panel.busy is not None:
            return
        if self.tender_panel.tenders:
            self.show_problem(
                self.tr("Payments were taken: complete the sale, or remove them to take it unpaid.")
            )
            return
        self._commit()

    # --- completing ---------------------------------------------------------

    @override
    def complete(self) -> None:
        if self.tender_panel.busy is not None:
            return
        if self.order_kind is OrderKind.PAY_LATER:
            self.show_problem(
                self.tr("A pay-on-collection order is paid when it is collected: take it unpaid.")
            )
            return
        if self.tender_panel.ready_to_finish():
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
            self.tender_panel.tenders,
            staff_id=self.context.staff.staff_id,
            buyer_tax_id=tax_id,
            kind=kind,
        )

        def commit(job: Job) -> CommittedSale:
            if kind is OrderKind.TAKE_AWAY:
                return commit_sale(job.session, draft)
            return take_order(job.session, draft, delivery)

        self.tender_panel.finish(
            commit,
            success=self._committed,
            refusal=self._refusal,
            waiting=self.tr("Saving the sale…"),
        )

    def _refusal(self, exc: BaseException) -> str | None:
        if isinstance(exc, CheckoutError):
            return checkout_problem(exc, self.money.code)
        if isinstance(exc, IllegalTransition | OrderNotFound):
            return self.tr("This kind of order cannot be taken this way: check how it is paid.")
        return None

    def _committed(self, sale: CommittedSale) -> None:
        self.committed = sale
        self.sale_committed.emit(sale)
        self.accept()

    @property
    def order_id(self) -> uuid.UUID:
        return self.cart.cart_id

    @property
    def took_cash(self) -> bool:
        """Cash is among the tenders: the drawer opens with the receipt."""
        return any(t.method is PaymentMethod.CASH for t in self.tender_panel.tenders)
