"""How the Orders place names statuses, kinds and methods, and words a refused step.

Services refuse with a machine-readable reason; the sentences live here, each
written out as ``QCoreApplication.translate("Orders", ...)`` so lupdate finds
it. A pick-up or pay-later order that is DELIVERED was collected at the
counter, so it says so (已取貨) instead of "delivered". A paid order that was
cancelled had its invoice voided: it reads "voided", and its money says
whether the refund was given back or is still owed, never just "paid".
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from shop_desktop.data.models import OrderKind, OrderStatus, PaymentMethod, RefundStatus
from shop_desktop.domain.orders import IllegalTransition, MissingDetail, TransitionProblem
from shop_desktop.services.checkout import CheckoutError
from shop_desktop.services.documents.load import DocumentError, DocumentProblem
from shop_desktop.services.orders import OrderNotFound, OrderProblem
from shop_desktop.ui.sell.wording import checkout_problem

#: What a step on an order can be refused with: :func:`refusal` words each of them.
ORDER_REFUSALS: tuple[type[Exception], ...] = (
    MissingDetail,
    IllegalTransition,
    OrderNotFound,
    CheckoutError,
    DocumentError,
)

#: Kinds whose goods are handed over at the counter: DELIVERED means collected.
COLLECTED_AT_COUNTER = frozenset({OrderKind.PICK_UP, OrderKind.PAY_LATER})


def status_name(status: OrderStatus, kind: OrderKind | None = None) -> str:
    if status is OrderStatus.DELIVERED and kind in COLLECTED_AT_COUNTER:
        return QCoreApplication.translate("Orders", "Collected")
    names = {
        OrderStatus.OPEN: QCoreApplication.translate("Orders", "Open"),
        OrderStatus.AWAITING_PAYMENT: QCoreApplication.translate("Orders", "Awaiting payment"),
        OrderStatus.AWAITING_FULFILMENT: QCoreApplication.translate(
            "Orders", "Awaiting fulfilment"
        ),
        OrderStatus.PICKING: QCoreApplication.translate("Orders", "Picking"),
        OrderStatus.SHIPPED: QCoreApplication.translate("Orders", "Shipped"),
        OrderStatus.DELIVERED: QCoreApplication.translate("Orders", "Delivered"),
        OrderStatus.COMPLETED: QCoreApplication.translate("Orders", "Completed"),
        OrderStatus.CANCELLED: QCoreApplication.translate("Orders", "Cancelled"),
    }
    return names[status]


def order_state(status: OrderStatus, kind: OrderKind, *, invoiced: bool) -> str:
    """The status as the order list and the order's heading say it."""
    if status is OrderStatus.CANCELLED and invoiced:
        return QCoreApplication.translate("Orders", "Voided")
    return status_name(status, kind)


def money_state(*, invoiced: bool, refund: RefundStatus | None) -> str:
    """Where the customer's money is: paid, unpaid, refunded, or a refund still owed."""
    if refund is RefundStatus.OWED:
        return QCoreApplication.translate("Orders", "Refund owed")
    if refund is RefundStatus.DONE:
        return QCoreApplication.translate("Orders", "Refunded")
    if invoiced:
        return QCoreApplication.translate("Orders", "Paid")
    return QCoreApplication.translate("Orders", "Unpaid")


def refund_state(refunds: Iterable[RefundStatus]) -> RefundStatus | None:
    """OWED while any refund is owed, DONE once all were given back, None without refunds."""
    seen = set(refunds)
    if RefundStatus.OWED in seen:
        return RefundStatus.OWED
    return RefundStatus.DONE if seen else None


def kind_name(kind: OrderKind) -> str:
    names = {
        OrderKind.TAKE_AWAY: QCoreApplication.translate("Orders", "Take-away"),
        OrderKind.PICK_UP: QCoreApplication.translate("Orders", "Pick-up"),
        OrderKind.DELIVERY: QCoreApplication.translate("Orders", "Delivery"),
        OrderKind.PAY_LATER: QCoreApplication.translate("Orders", "Pay later"),
    }
    return names[kind]


def method_name(method: PaymentMethod) -> str:
    names = {
        PaymentMethod.CASH: QCoreApplication.translate("Orders", "Cash"),
        PaymentMethod.CARD: QCoreApplication.translate("Orders", "Card"),
        PaymentMethod.ALIPAY: QCoreApplication.translate("Orders", "Alipay"),
        PaymentMethod.WECHAT: QCoreApplication.translate("Orders", "WeChat Pay"),
        PaymentMethod.STORE_CREDIT: QCoreApplication.translate("Orders", "Store credit"),
    }
    return names[method]


def refund_status_name(status: RefundStatus) -> str:
    if status is RefundStatus.DONE:
        return QCoreApplication.translate("Orders", "refunded")
    return QCoreApplication.translate("Orders", "owed to the customer")


def step_action(to_status: OrderStatus, kind: OrderKind) -> str:
    """The button that moves an order on to ``to_status``."""
    if to_status is OrderStatus.DELIVERED and kind in COLLECTED_AT_COUNTER:
        return QCoreApplication.translate("Orders", "Mark collected")
    actions = {
        OrderStatus.AWAITING_FULFILMENT: QCoreApplication.translate("Orders", "Take payment"),
        OrderStatus.PICKING: QCoreApplication.translate("Orders", "Start picking"),
        OrderStatus.SHIPPED: QCoreApplication.translate("Orders", "Ship…"),
        OrderStatus.DELIVERED: QCoreApplication.translate("Orders", "Mark delivered"),
        OrderStatus.COMPLETED: QCoreApplication.translate("Orders", "Complete"),
        OrderStatus.CANCELLED: QCoreApplication.translate("Orders", "Cancel order…"),
    }
    return actions.get(to_status, status_name(to_status, kind))


def event_action(action: str) -> str:
    """What happened in one line of an order's history."""
    names = {
        "taken": QCoreApplication.translate("Orders", "Order taken"),
        "paid": QCoreApplication.translate("Orders", "Paid"),
        "advanced": QCoreApplication.translate("Orders", "Moved on"),
        "cancelled": QCoreApplication.translate("Orders", "Cancelled"),
        "voided": QCoreApplication.translate("Orders", "Invoice voided"),
    }
    return names.get(action, action)


def refusal(exc: BaseException, currency_code: str = "TWD") -> str | None:
    """A refused step in a plain sentence, or None when it is not a refusal (a bug)."""
    if isinstance(exc, MissingDetail):
        return missing_detail(exc)
    if isinstance(exc, IllegalTransition):
        return illegal_transition(exc)
    if isinstance(exc, OrderNotFound):
        return order_problem(exc)
    if isinstance(exc, CheckoutError):
        return checkout_problem(exc, currency_code)
    if isinstance(exc, DocumentError):
        texts = {
            DocumentProblem.UNKNOWN_ORDER: QCoreApplication.translate(
                "Orders", "This order is not in this workstation's records."
            ),
            DocumentProblem.NOT_INVOICED: QCoreApplication.translate(
                "Orders", "This order has no invoice yet: it is not paid."
            ),
        }
        return texts[exc.reason]
    return None


def missing_detail(exc: MissingDetail) -> str:
    if "reason" in exc.missing:
        return QCoreApplication.translate("Orders", "Say why the order is cancelled.")
    return QCoreApplication.translate(
        "Orders", "A shipment needs the carrier and the tracking number."
    )


def illegal_transition(exc: IllegalTransition) -> str:
    texts = {
        TransitionProblem.TERMINAL: QCoreApplication.translate(
            "Orders",
            "This order is already closed (completed or cancelled): nothing more happens to it.",
        ),
        TransitionProblem.NOT_FOR_KIND: QCoreApplication.translate(
            "Orders", "This kind of order never takes that step."
        ),
        TransitionProblem.OUT_OF_ORDER: QCoreApplication.translate(
            "Orders",
            "That step is not the next one for this order. It may have just been moved on at"
            " another till; look at it again.",
        ),
        TransitionProblem.ALREADY_SHIPPED: QCoreApplication.translate(
            "Orders", "The goods have left the shop: take them back as a return in After-sales."
        ),
        TransitionProblem.UNPAID: QCoreApplication.translate(
            "Orders", "The order is not paid yet: take payment first."
        ),
        TransitionProblem.BAD_START: QCoreApplication.translate(
            "Orders", "This kind of order cannot start that way."
        ),
        TransitionProblem.MISSING_DETAIL: QCoreApplication.translate(
            "Orders", "Some details the step needs are missing."
        ),
        TransitionProblem.NOT_APPROVED: QCoreApplication.translate(
            "Orders",
            "Voiding an invoice needs a supervisor's or manager's approval. Nothing was changed.",
        ),
    }
    return texts[exc.reason]


def order_problem(exc: OrderNotFound) -> str:
    texts = {
        OrderProblem.NOT_FOUND: QCoreApplication.translate(
            "Orders", "This order is not in this workstation's records."
        ),
        OrderProblem.ALREADY_PAID: QCoreApplication.translate(
            "Orders", "This order is already paid."
        ),
        OrderProblem.CLOSED: QCoreApplication.translate(
            "Orders", "This order is closed (completed or cancelled): it takes no payment."
        ),
        OrderProblem.NO_DELIVERY_ADDRESS: QCoreApplication.translate(
            "Orders", "A delivery order needs an address to deliver to."
        ),
        OrderProblem.NOT_INVOICED: QCoreApplication.translate(
            "Orders", "This order has no invoice to void: it is not paid."
        ),
    }
    return texts[exc.reason]
