"""The register: open carts in tabs, each with its lines and its whole bill, and the actions
a cashier takes on them — by keyboard first.

Pricing runs on the GUI thread: the engine prices a 200-line cart in a few
milliseconds (``shop-admin bench checkout``), less than a frame, so the bill
is always current. Everything that reads or writes the database runs through
:class:`~shop_desktop.ui.tasks.BackgroundOp`.

What a crash or a log-out must not lose is picked up here: the open carts are
saved shortly after every change and reopened at the cashier's next log-in on
this till (``services.open_carts``); wallet charges an earlier run left
unsettled are settled before this till takes another payment
(``services.wallets.journal``); and the database's WAL is folded back when
the till is idle, not inside a sale (:mod:`shop_desktop.ui.idle_checkpoints`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data.catalog import ScanResult
from shop_desktop.domain.cart import (
    MILLI,
    Cart,
    CartError,
    CartItem,
    CartMember,
    manual_discount_depth_bp,
    override_discount_bp,
)
from shop_desktop.domain.money import Currency, Money, currency
from shop_desktop.domain.permissions import Permission
from shop_desktop.domain.pricing import Bill, Coupon, DeliveryKind, DeliveryUnavailable
from shop_desktop.services.auth import record_sign_out
from shop_desktop.services.checkout import CommittedSale
from shop_desktop.services.coupons import CouponNotUsable
from shop_desktop.services.open_carts import ReopenedCart, reopen_carts, save_open_carts
from shop_desktop.services.parked_carts import (
    CartToPark,
    ParkedCart,
    ParkedCartGone,
    count_parked_by,
    leaving_label,
    list_parked_carts,
    park_cart,
    park_open_carts,
    recall_parked_cart,
    revive_cart,
)
from shop_desktop.services.rights import PrivilegedAct
from shop_desktop.services.sale import (
    PricingRules,
    ProductUnavailable,
    ScannedItem,
    cart_product,
    coupon_for_cart,
    load_pricing_rules,
    price,
    scanned_item,
)
from shop_desktop.services.stock import runs_short, stock_here
from shop_desktop.services.wallets import (
    RecoveryReport,
    UnsettledCharge,
    recover_wallet_charges,
    unsettled_wallet_charges,
)
from shop_desktop.ui.catalog.models import stock_text
from shop_desktop.ui.context import CATALOG, ORDERS, ShopContext
from shop_desktop.ui.elided_label import ElidedLabel
from shop_desktop.ui.idle_checkpoints import IdleCheckpoints
from shop_desktop.ui.labels import in_current_language
from shop_desktop.ui.printing import DocumentPrinter
from shop_desktop.ui.rights import approval_for
from shop_desktop.ui.sell.cart_model import CartModel
from shop_desktop.ui.sell.change_due import ChangeDue
from shop_desktop.ui.sell.checkout import CheckoutDialog
from shop_desktop.ui.sell.dialogs import (
    CouponDialog,
    DiscountDialog,
    MemberDialog,
    NoteDialog,
    PriceDialog,
    QuantityDialog,
    RecallDialog,
)
from shop_desktop.ui.sell.totals import TotalsPanel
from shop_desktop.ui.sell.wording import cart_problem, coupon_problem, member_level, wallet_name
from shop_desktop.ui.tasks import BackgroundOp, Job

#: Open carts are saved this long after the last change (a scan burst is one save).
AUTOSAVE_MS = 300
#: How long reopening the carts waits for the saves of the session just ended.
REOPEN_WAIT_MS = 10_000
#: How often wallet charges the gateway could not answer for are asked about again.
WALLET_RETRY_MS = 60_000


def local_now() -> datetime:
    """Shop wall time, which promotions' schedules are written in."""
    return datetime.now().astimezone().replace(tzinfo=None)


class _OpenCartSaves:
    """The open-cart saves of one database, written in the order they were asked for.

    Saves run on pool threads and two can be under way at once (a change,
    then the log-out): each has a number, and one older than what is already
    written is dropped. Reopening waits until none is pending, so the cashier
    who logs straight back in gets the carts of a moment ago.
    """

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._asked = 0
        self._written = 0
        self._pending = 0

    def ask(self) -> int:
        with self._turn:
            self._asked += 1
            self._pending += 1
            return self._asked

    @contextlib.contextmanager
    def in_order(self, number: int) -> Iterator[bool]:
        """Hold the turn while writing; yields False when a newer save was written first."""
        with self._turn:
            try:
                newest = number > self._written
                yield newest
                if newest:
                    self._written = number
            finally:
                self._pending -= 1
                self._turn.notify_all()

    @property
    def pending(self) -> int:
        """Saves asked for and not yet done."""
        with self._turn:
            return self._pending


_saves_by_database: dict[Path, _OpenCartSaves] = {}


def _open_cart_saves(path: Path) -> _OpenCartSaves:
    return _saves_by_database.setdefault(path, _OpenCartSaves())


class CartTable(QTableView):
    """The lines; + and - change the quantity of the current line by one."""

    step = Signal(int)

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.step.emit(1)
            return
        if event.key() == Qt.Key.Key_Minus:
            self.step.emit(-1)
            return
        super().keyPressEvent(event)


class CartPanel(QWidget):
    """One open cart: its lines, member, coupons and bill."""

    def __init__(self, cart: Cart, money: Currency, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cart = cart
        self.bill: Bill | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # One line, cut with "…": a long name or many coupons never widen the cart.
        self.member_line = ElidedLabel()
        self.member_line.setObjectName("cartMember")
        layout.addWidget(self.member_line)
        self.model = CartModel(cart, money)
        self.table = CartTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # One text line per cart line: promotions and notes are cut with "…"
        # in the name (whole in the tooltip), so six lines fit a 768-pixel till.
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        delivery = QHBoxLayout()
        layout.addLayout(delivery)
        self.delivery_label = QLabel()
        self.delivery = QComboBox()
        self.delivery.setObjectName("cartDelivery")
        self.delivery.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.zone = QLineEdit()
        self.zone.setObjectName("cartZone")
        self.zone.setMaxLength(40)
        self.zone.setVisible(False)
        delivery.addWidget(self.delivery_label)
        delivery.addWidget(self.delivery, 1)
        delivery.addWidget(self.zone)
        self.totals = TotalsPanel(money)
        layout.addWidget(self.totals)
        #: The cart's delivery zone has no fee: it cannot be paid for until that is fixed.
        self.delivery_problem = False

    def current_line(self) -> str | None:
        index = self.table.currentIndex()
        item = self.model.item_at(index.row()) if index.isValid() else None
        if item is None and self.cart.items:
            item = self.cart.items[-1]
        return None if item is None else item.line_id

    def display_bill(self, bill: Bill | None, select_line: str | None = None) -> None:
        keep = select_line or self.current_line()
        self.bill = bill
        self.model.reload(self.cart, bill)
        self.totals.show_bill(bill)
        row = self.cart.row_of(keep) if keep else -1
        if row < 0 and self.cart.items:
            row = len(self.cart.items) - 1
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(self.model.index(row, 0))
        member = self.cart.member
        coupons = ", ".join(self.cart.coupons)
        parts = []
        if member is not None:
            parts.append(
                self.tr("Member: {name} ({code}, {level})").format(
                    name=member.name, code=member.code, level=member_level(member.level)
                )
            )
        if coupons:
            parts.append(self.tr("Coupons: {codes}").format(codes=coupons))
        self.member_line.setText(" · ".join(parts))
        self.member_line.setVisible(bool(parts))


class Register(QWidget):
    """Open carts as tabs, the cashier's actions, and payment."""

    #: A problem the cashier must see (shown loud by the Sell place).
    problem = Signal(str)
    #: Good news worth a glance: change to give, a cart parked.
    notice = Signal(str)
    #: After any change of any cart (tests wait on it).
    cart_changed = Signal()
    #: A sale was committed.
    sale_completed = Signal(object)
    #: The open carts were written to disk (tests wait on it).
    open_carts_saved = Signal()
    #: The carts left open at the last log-out or crash are back in their tabs.
    open_carts_reopened = Signal()
    #: Wallet charges left by an earlier run were looked at: the RecoveryReport.
    wallet_charges_checked = Signal(object)
    #: The carts left open at leaving were parked (and the sign-out audited).
    carts_parked_on_leaving = Signal()

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.money = currency(context.staff.currency_code)
        self.rules: PricingRules | None = None
        self.checkout_dialog: CheckoutDialog | None = None
        self.last_op: BackgroundOp[object] | None = None
        self._cart_numbers = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("carts")
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_cart)
        self.tabs.currentChanged.connect(lambda _i: self.cart_changed.emit())
        layout.addWidget(self.tabs, 1)
        #: The last sale's change, over the next cart until the next customer starts.
        self.change_due = ChangeDue(self)
        self.tabs.currentChanged.connect(lambda _i: self.change_due.next_customer())
        grid = QGridLayout()
        layout.addLayout(grid)
        self.buttons: dict[str, QPushButton] = {}
        specs = [
            ("quantity", "Ctrl+U", self.change_quantity),
            ("discount", "Ctrl+D", self.discount_line),
            ("price", "Ctrl+R", self.change_price),
            ("note", "Ctrl+N", self.note_line),
            ("remove", "Ctrl+Del", self.remove_line),
            ("undo", "Ctrl+Z", self.undo),
            ("member", "F12", self.attach_member),
            ("coupon", "Ctrl+K", self.add_coupon),
            ("new", "Ctrl+T", self.new_cart),
            ("park", "F10", self.park),
            ("recall", "F11", self.recall),
            ("pay", "F9", self.pay),
        ]
        for position, (name, key, slot) in enumerate(specs):
            button = QPushButton()
            button.setObjectName(f"cart_{name}")
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            button.setProperty("shortcutText", key)
            grid.addWidget(button, position // 4, position % 4)
            self.buttons[name] = button
        self.buttons["pay"].setStyleSheet("font-weight: bold;")
        #: Receipts print by themselves after each paid sale; a printer problem
        #: is shown and never touches the sale: the Sell place's banner offers to
        #: print again or save it as PDF (``printer.print_failed``).
        self.printer = DocumentPrinter(context, self)
        self.retranslate()
        self.new_cart()
        self._pick_up_where_the_last_session_stopped()
        context.data_changed.connect(self._data_changed)

    def _pick_up_where_the_last_session_stopped(self) -> None:
        context = self.context
        #: Saving starts once the carts of the last session are back, never before.
        self.carts_reopened = False
        #: Carts this cashier parked (at a log-out, say) still waiting at the branch.
        self.parked_waiting = 0
        #: The name the carts parked at leaving got ("王小明 14:32"), once parked.
        self.leaving_label = ""
        self._saves = _open_cart_saves(context.database.path)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_open_carts)
        self.cart_changed.connect(self._save_soon)
        #: True while wallet charges of an earlier run are being settled: no payment meanwhile.
        self.settling_wallets = False
        self._wallet_retry = QTimer(self)
        self._wallet_retry.setSingleShot(True)
        self._wallet_retry.setInterval(WALLET_RETRY_MS)
        self._wallet_retry.timeout.connect(self.settle_wallet_charges)
        self.checkpoints = IdleCheckpoints(context.database, self)
        self.sale_completed.connect(lambda _sale: self.checkpoints.sale_committed())
        self._reopen_later = QTimer(self)
        self._reopen_later.setSingleShot(True)
        self._reopen_later.setInterval(20)
        self._reopen_later.timeout.connect(self.reopen_open_carts)
        self._reopen_waited_ms = 0
        self.load_rules(first=True)
        self.reopen_open_carts()

    def retranslate(self) -> None:
        names = {
            "quantity": self.tr("Quantity"),
            "discount": self.tr("Discount"),
            "price": self.tr("Price"),
            "note": self.tr("Note"),
            "remove": self.tr("Remove"),
            "undo": self.tr("Undo"),
            "member": self.tr("Member"),
            "coupon": self.tr("Coupon"),
            "new": self.tr("New cart"),
            "park": self.tr("Park"),
            "recall": self.tr("Recall"),
            "pay": self.tr("Pay"),
        }
        for name, button in self.buttons.items():
            key = QKeySequence(str(button.property("shortcutText"))).toString(
                QKeySequence.SequenceFormat.NativeText
            )
            button.setText(f"{names[name]}\n{key}")
        for panel in self.panels():
            self._fill_delivery(panel)
            self.reprice(panel)

    # --- carts ----------------------------------------------------------------

    def panel(self) -> CartPanel:
        widget = self.tabs.currentWidget()
        assert isinstance(widget, CartPanel)
        return widget

    @property
    def cart(self) -> Cart:
        return self.panel().cart

    @property
    def bill(self) -> Bill | None:
        return self.panel().bill

    def panels(self) -> list[CartPanel]:
        found = [self.tabs.widget(i) for i in range(self.tabs.count())]
        return [p for p in found if isinstance(p, CartPanel)]

    def new_cart(self, cart: Cart | None = None) -> CartPanel:
        """Open another cart in a tab (a second customer while the first fetches something)."""
        self.change_due.next_customer()
        current = self.tabs.currentWidget()
        if cart is not None and isinstance(current, CartPanel) and current.cart.is_empty:
            # A recalled cart takes the place of an empty one.
            self.tabs.removeTab(self.tabs.currentIndex())
            current.deleteLater()
        self._cart_numbers += 1
        if cart is None:
            cart = Cart(label=str(self._cart_numbers))
        panel = CartPanel(cart, self.money)
        panel.table.step.connect(self.step_quantity)
        self._fill_delivery(panel)
        panel.delivery.activated.connect(lambda _i, p=panel: self._delivery_chosen(p))
        panel.zone.editingFinished.connect(lambda p=panel: self._delivery_chosen(p))
        index = self.tabs.addTab(panel, "")
        self.tabs.setCurrentIndex(index)
        self.reprice(panel)
        return panel

    def close_cart(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if not isinstance(widget, CartPanel):
            return
        if not widget.cart.is_empty:
            self.problem.emit(self.tr("Park this cart (F10) or take payment before closing it."))
            return
        self.tabs.removeTab(index)
        widget.deleteLater()
        if self.tabs.count() == 0:
            self.new_cart()
        self._save_soon()

    def _title_tab(self, index: int) -> None:
        panel = self.tabs.widget(index)
        if not isinstance(panel, CartPanel):
            return
        label = panel.cart.label or str(index + 1)
        text = self.tr("Cart {label}").format(label=label)
        if panel.bill is not None and not panel.cart.is_empty:
            text += f" · {Money(panel.bill.total_minor, self.money).format()}"
        self.tabs.setTabText(index, text)

    # --- pricing --------------------------------------------------------------

    def load_rules(self, *, first: bool = False) -> None:
        """Load promotions; the first time, also find wallet charges a crash left open.

        Paying waits for the rules, so a charge left open is known before the
        till can take another payment.
        """

        def load(job: Job) -> tuple[PricingRules, list[UnsettledCharge]]:
            left_open = unsettled_wallet_charges(job.session) if first else []
            return load_pricing_rules(job.session), left_open

        BackgroundOp(
            self, op=load, success=self._rules_loaded, database=self.context.database
        ).run()

    def _rules_loaded(self, loaded: tuple[PricingRules, list[UnsettledCharge]]) -> None:
        rules, left_open = loaded
        if left_open:
            self.settle_wallet_charges()
        self.rules = rules
        for panel in self.panels():
            self._fill_delivery(panel)
            self.reprice(panel)

    def _fill_delivery(self, panel: CartPanel) -> None:
        combo = panel.delivery
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Taken now (no delivery)"), "")
        for option in (self.rules or PricingRules()).delivery:
            combo.addItem(in_current_language(option.name_zh, option.name_en), option.code)
        index = combo.findData(panel.cart.delivery_code)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        panel.delivery_label.setText(self.tr("Delivery"))
        panel.zone.setPlaceholderText(self.tr("Zone"))
        self._show_zone(panel)

    def _show_zone(self, panel: CartPanel) -> None:
        option = (self.rules or PricingRules()).delivery_option(panel.cart.delivery_code)
        panel.zone.setVisible(option is not None and option.rule.kind is DeliveryKind.BY_ZONE)
        if panel.zone.text() != panel.cart.delivery_zone:
            panel.zone.setText(panel.cart.delivery_zone)

    def _delivery_chosen(self, panel: CartPanel) -> None:
        code = panel.delivery.currentData()
        code = code if isinstance(code, str) else ""
        panel.cart.set_delivery(code, panel.zone.text())
        self._show_zone(panel)
        self.reprice(panel)

    def _data_changed(self, areas: frozenset[str]) -> None:
        if CATALOG in areas:
            self.load_rules()

    def reprice(self, panel: CartPanel | None = None, select_line: str | None = None) -> None:
        panel = panel or self.panel()
        rules = self.rules or PricingRules()
        at = local_now()
        try:
            bill = price(panel.cart, rules, currency_code=self.money.code, at=at)
            panel.delivery_problem = False
        except DeliveryUnavailable as exc:
            # Shown without the fee, and not payable until the zone is fixed.
            panel.delivery_problem = True
            self.problem.emit(
                self.tr("There is no delivery to zone {zone}. Choose another zone or rule.").format(
                    zone=exc.zone or "—"
                )
            )
            undelivered = panel.cart.copy()
            undelivered.delivery_code = ""
            bill = price(undelivered, rules, currency_code=self.money.code, at=at)
        self._show_zone(panel)
        chosen = max(panel.delivery.findData(panel.cart.delivery_code), 0)
        if chosen != panel.delivery.currentIndex():
            panel.delivery.setCurrentIndex(chosen)
        panel.display_bill(bill, select_line)
        index = self.tabs.indexOf(panel)
        if index >= 0:
            self._title_tab(index)
        self.buttons["undo"].setEnabled(self.cart.can_undo)
        self.cart_changed.emit()

    def _change(self, change: Callable[[], str | None]) -> None:
        """Run a cart change; a refusal is shown and the cart stays as it was."""
        self.change_due.next_customer()
        try:
            line = change()
        except CartError as exc:
            self.problem.emit(cart_problem(exc))
            return
        self.reprice(select_line=line if isinstance(line, str) else None)

    # --- adding ---------------------------------------------------------------

    def add_product(self, product_id: uuid.UUID) -> BackgroundOp[ScannedItem]:
        """Add one unit (or, for weighed goods, ask the weight) of a listed product."""

        def load(job: Job) -> ScannedItem:
            return ScannedItem(cart_product(job.session, product_id), MILLI)

        return self._add_loaded(load)

    def add_scanned(self, result: ScanResult) -> BackgroundOp[ScannedItem]:
        def load(job: Job) -> ScannedItem:
            return scanned_item(job.session, result)

        return self._add_loaded(load)

    def _add_loaded(self, load: Callable[[Job], ScannedItem]) -> BackgroundOp[ScannedItem]:
        panel = self.panel()
        branch_id = self.context.staff.branch_id

        def load_with_stock(job: Job) -> ScannedItem:
            item = load(job)
            stock = stock_here(job.session, item.product.product_id, branch_id)
            return dataclasses.replace(item, stock=stock)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ProductUnavailable):
                self.problem.emit(self.tr("This product is no longer sold."))
                return
            from shop_desktop.ui import errors

            errors.report_exception(exc, self)

        op: BackgroundOp[ScannedItem] = BackgroundOp(
            self,
            op=load_with_stock,
            success=lambda item: self._add_item(panel, item),
            database=self.context.database,
        ).failure(failed)
        self.last_op = op  # type: ignore[assignment]
        return op.run()

    def _add_item(self, panel: CartPanel, scanned: ScannedItem) -> None:
        if self.tabs.indexOf(panel) < 0:
            panel = self.panel()  # the cart was paid or parked meanwhile
        else:
            self.tabs.setCurrentWidget(panel)
        qty = scanned.qty_milli
        if scanned.product.weighed and scanned.label_price_minor is None and qty == MILLI:
            # Weighed goods picked from the list: the cashier types the weight.
            probe = CartItem("?", scanned.product, MILLI)
            asked = QuantityDialog.ask(self, probe)
            if asked is None:
                return
            qty = asked
        before = self._wanted(panel, scanned)
        self._change(
            lambda: panel.cart.add(
                scanned.product, qty, label_price_minor=scanned.label_price_minor
            )
        )
        self._warn_if_short(panel, scanned, before)

    @staticmethod
    def _wanted(panel: CartPanel, scanned: ScannedItem) -> int:
        product_id = scanned.product.product_id
        return sum(i.qty_milli for i in panel.cart if i.product.product_id == product_id)

    def _warn_if_short(self, panel: CartPanel, scanned: ScannedItem, before: int) -> None:
        """Out of stock here (or fewer than the cart holds): say so, without stopping the sale."""
        stock = scanned.stock
        product = scanned.product
        wanted = self._wanted(panel, scanned)
        if stock is None or wanted <= before or not runs_short(stock.on_hand_milli, wanted):
            return  # nothing was added (refused), or there is enough
        name = in_current_language(product.name_zh, product.name_en)
        on_hand = stock_text(stock.on_hand_milli, product.unit)
        if stock.on_hand_milli <= 0:
            said = self.tr("Not in stock here: {name} ({on_hand} on hand).")
        else:
            said = self.tr("Only {on_hand} of {name} in stock here.")
        if stock.allow_negative:
            then = self.tr("You can still sell it; the stock count goes below zero.")
        else:
            then = self.tr(
                "This till does not sell below zero stock: payment will be refused"
                " for more than that."
            )
        self.problem.emit(f"{said.format(name=name, on_hand=on_hand)} {then}")

    # --- changing lines -------------------------------------------------------

    def _current_item(self) -> CartItem | None:
        line = self.panel().current_line()
        if line is None:
            self.problem.emit(self.tr("The cart is empty."))
            return None
        return self.cart.item(line)

    def change_quantity(self) -> None:
        item = self._current_item()
        if item is None:
            return
        qty = QuantityDialog.ask(self, item)
        if qty is not None:
            self._change(lambda: self.cart.set_quantity(item.line_id, qty))

    def step_quantity(self, step: int) -> None:
        item = self._current_item()
        if item is None or item.product.weighed:
            return
        qty = item.qty_milli + step * MILLI
        self._change(lambda: self.cart.set_quantity(item.line_id, qty))

    def note_line(self) -> None:
        item = self._current_item()
        if item is None:
            return
        note = NoteDialog.ask(self, item.note)
        if note is not None:
            self._change(lambda: self.cart.set_note(item.line_id, note))

    def remove_line(self) -> None:
        item = self._current_item()
        if item is not None:
            self._change(lambda: self.cart.remove(item.line_id))

    def undo(self) -> None:
        self._change(self.cart.undo)

    def _approve(
        self, permission: Permission, depth_bp: int, what: str, record: str
    ) -> tuple[bool, uuid.UUID | None]:
        """Within the cashier's rights: yes. Beyond them: a manager's approval, or no."""
        if permission is Permission.DISCOUNT and depth_bp == 0:
            return True, None  # no discount at all (taken back)
        go = approval_for(self, self.context, permission, what=what, record=record, amount=depth_bp)
        if not go.ok:
            self.problem.emit(go.refusal or self.tr("Not approved: the cart is unchanged."))
        return go.ok, go.approved_by

    def open_drawer_without_sale(self) -> None:
        """Open the cash drawer with no sale: a right of its own, approved and audited."""
        go = approval_for(
            self,
            self.context,
            Permission.OPEN_DRAWER,
            what=self.tr("Opening the drawer without a sale"),
            record="drawer opened without a sale",
        )
        if not go.ok:
            self.problem.emit(go.refusal or self.tr("Not approved: the drawer stays shut."))
            return
        staff = self.context.staff
        act = PrivilegedAct(
            Permission.OPEN_DRAWER, staff.staff_id, staff.workstation_id, approved_by=go.approved_by
        )
        if self.printer.open_drawer(act) is None:
            self.problem.emit(
                self.tr("No thermal printer is set up here, so there is no cash drawer to open.")
            )

    def discount_line(self) -> None:
        item = self._current_item()
        if item is None:
            return
        answer = DiscountDialog.ask(self, item, self.money)
        if answer is None:
            return
        percent_bp, amount_minor = answer
        depth = manual_discount_depth_bp(item, discount_bp=percent_bp, discount_minor=amount_minor)
        name = in_current_language(item.product.name_zh, item.product.name_en)
        ok, approver = self._approve(
            Permission.DISCOUNT,
            depth,
            self.tr("A {depth}% discount on {name}").format(depth=f"{depth / 100:g}", name=name),
            f"line discount {depth / 100:g}% on {item.product.sku}",
        )
        if ok:
            self._change(
                lambda: self.cart.set_discount(
                    item.line_id,
                    percent_bp=percent_bp,
                    amount_minor=amount_minor,
                    approved_by=approver,
                )
            )

    def change_price(self) -> None:
        item = self._current_item()
        if item is None:
            return
        answer = PriceDialog.ask(self, item, self.money)
        if answer is None:
            return
        (new_price,) = answer
        depth = override_discount_bp(item, new_price)
        name = in_current_language(item.product.name_zh, item.product.name_en)
        what = self.tr("Selling {name} at {price}").format(
            name=name,
            price=Money(new_price or 0, self.money).format(),
        )
        record = (
            f"price of {item.product.sku} set to {new_price} (catalog {item.product.price_minor})"
        )
        ok, approver = (
            (True, None)
            if new_price is None  # back to the catalog price
            else self._approve(Permission.PRICE_OVERRIDE, depth, what, record)
        )
        if ok:
            self._change(lambda: self.cart.set_price(item.line_id, new_price, approved_by=approver))

    # --- member and coupons -----------------------------------------------------

    def attach_member(self) -> None:
        member = MemberDialog.ask(self, self.context)
        if member is not None:
            self.set_member(member)

    def set_member(self, member: CartMember | None) -> None:
        self._change(lambda: self.cart.attach_member(member))

    def add_coupon(self, code: str | None = None) -> BackgroundOp[Coupon] | None:
        if code is None:
            code = CouponDialog.ask(self)
        if not code:
            return None
        cart = self.cart
        if code.upper() in cart.coupons:
            self.problem.emit(self.tr("This coupon is already in the cart."))
            return None
        member_id = None if cart.member is None else cart.member.member_id
        at = local_now()

        def look(job: Job) -> Coupon:
            return coupon_for_cart(job.session, code, at=at, member_id=member_id)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, CouponNotUsable):
                self.problem.emit(coupon_problem(exc))
                return
            if isinstance(exc, ValueError):
                self.problem.emit(
                    self.tr("Coupon {code} cannot be read. Ask a manager.").format(code=code)
                )
                return
            from shop_desktop.ui import errors

            errors.report_exception(exc, self)

        op: BackgroundOp[Coupon] = BackgroundOp(
            self,
            op=look,
            success=lambda coupon: self._change(lambda: cart.add_coupon(coupon)),
            database=self.context.database,
        ).failure(failed)
        self.last_op = op  # type: ignore[assignment]
        return op.run()

    # --- parking ----------------------------------------------------------------

    def park(self) -> BackgroundOp[None] | None:
        panel = self.panel()
        cart = panel.cart
        if cart.is_empty:
            self.problem.emit(self.tr("The cart is empty: there is nothing to park."))
            return None
        staff = self.context.staff
        if not cart.label or cart.label.isdigit():
            first = in_current_language(
                cart.items[0].product.name_zh, cart.items[0].product.name_en
            )
            who = cart.member.name if cart.member else first
            cart.label = who[:40]
        payload = cart.to_json()
        total = 0 if panel.bill is None else panel.bill.total_minor

        def write(job: Job) -> None:
            park_cart(
                job.session,
                cart_id=cart.cart_id,
                branch_id=staff.branch_id,
                workstation_id=staff.workstation_id,
                staff_id=staff.staff_id,
                label=cart.label,
                payload=payload,
                total_minor=total,
            )

        def parked(_none: None) -> None:
            index = self.tabs.indexOf(panel)
            if index >= 0:
                self.tabs.removeTab(index)
                panel.deleteLater()
            if self.tabs.count() == 0:
                self.new_cart()
            self._save_soon()
            self.notice.emit(self.tr("Cart parked: recall it with F11 at any till of this branch."))

        op: BackgroundOp[None] = BackgroundOp(
            self, op=write, success=parked, database=self.context.database
        ).announcing(self.context, ORDERS)
        self.last_op = op  # type: ignore[assignment]
        return op.run()

    def recall(self) -> None:
        branch_id = self.context.staff.branch_id
        chosen = RecallDialog.ask(
            self, self.context, lambda session: list_parked_carts(session, branch_id), self.money
        )
        if chosen is not None:
            self.recall_cart(chosen)

    def recall_cart(self, cart_id: uuid.UUID) -> BackgroundOp[tuple[Cart, list[str]]]:
        staff = self.context.staff
        at = local_now()

        def take(job: Job) -> tuple[Cart, list[str]]:
            parked: ParkedCart = recall_parked_cart(
                job.session, cart_id, staff_id=staff.staff_id, workstation_id=staff.workstation_id
            )
            cart, refused = revive_cart(job.session, parked.payload, at=at)
            return cart, [coupon_problem(exc) for exc in refused]

        def recalled(found: tuple[Cart, list[str]]) -> None:
            cart, refused = found
            self.new_cart(cart)
            if refused:
                self.problem.emit("\n".join(refused))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ParkedCartGone):
                self.problem.emit(self.tr("That cart was already recalled at another till."))
                return
            from shop_desktop.ui import errors

            errors.report_exception(exc, self)

        op: BackgroundOp[tuple[Cart, list[str]]] = (
            BackgroundOp(self, op=take, success=recalled, database=self.context.database)
            .failure(failed)
            .announcing(self.context, ORDERS)
        )
        self.last_op = op  # type: ignore[assignment]
        return op.run()

    # --- paying -----------------------------------------------------------------

    def pay(self) -> CheckoutDialog | None:
        panel = self.panel()
        if panel.cart.is_empty:
            self.problem.emit(self.tr("The cart is empty."))
            return None
        if self.rules is None:
            self.problem.emit(self.tr("Promotions are still loading; try again in a moment."))
            return None
        if self.settling_wallets:
            self.problem.emit(
                self.tr(
                    "A wallet payment interrupted when the till last stopped is being checked;"
                    " try again in a moment."
                )
            )
            return None
        if self.checkout_dialog is not None:
            return self.checkout_dialog
        self.reprice(panel)
        if panel.delivery_problem:
            return None
        bill = panel.bill
        assert bill is not None
        # The dialog works on a copy: whatever happens there, the cart is untouched.
        dialog = CheckoutDialog(self, self.context, panel.cart.copy(), bill)
        dialog.sale_committed.connect(
            lambda sale: self._paid(
                panel,
                sale,
                cash=dialog.took_cash,
                received=dialog.tender_panel.cash_received_minor,
            )
        )
        dialog.finished.connect(self._checkout_closed)
        self.checkout_dialog = dialog
        dialog.open()
        return dialog

    def _checkout_closed(self, _result: int) -> None:
        dialog, self.checkout_dialog = self.checkout_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def _paid(
        self, panel: CartPanel, sale: CommittedSale, *, cash: bool = False, received: int = 0
    ) -> None:
        index = self.tabs.indexOf(panel)
        if index >= 0:
            self.tabs.removeTab(index)
            panel.deleteLater()
        if self.tabs.count() == 0:
            self.new_cart()
        if not sale.invoice_no:
            self.notice.emit(
                self.tr("Order {number} taken; it is paid later (Orders, F3).").format(
                    number=sale.number
                )
            )
        elif sale.change_minor:
            self.notice.emit(
                self.tr("Sale {number} done. Change: {change}").format(
                    number=sale.number, change=Money(sale.change_minor, self.money).format()
                )
            )
        else:
            self.notice.emit(self.tr("Sale {number} done.").format(number=sale.number))
        if sale.invoice_no and not sale.repeated:
            self.printer.print_receipt(sale.order_id, open_drawer=cash)
        if sale.invoice_no and sale.change_minor:
            self._place_change_due()
            self.change_due.show_change(
                number=sale.number,
                change_minor=sale.change_minor,
                received_minor=received,
                money=self.money,
            )
        self.sale_completed.emit(sale)
        QTimer.singleShot(0, self.cart_changed.emit)

    def _place_change_due(self) -> None:
        area = self.tabs.geometry()
        bar = self.tabs.tabBar().height()
        self.change_due.place_over(area.adjusted(8, bar + 8, -8, -8))

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_change_due()

    # --- what a crash or a log-out must not lose ------------------------------------

    def _save_soon(self) -> None:
        if self.carts_reopened:
            self._autosave.start()

    def save_open_carts(self) -> BackgroundOp[None] | None:
        """Write every open cart with lines to disk now, on a worker."""
        self._autosave.stop()
        if not self.carts_reopened:
            return None
        staff = self.context.staff
        database = self.context.database
        carts = [panel.cart.to_json() for panel in self.panels() if not panel.cart.is_empty]
        saves = self._saves
        number = saves.ask()

        def write(_job: Job) -> None:
            with saves.in_order(number) as newest:
                if newest:
                    # Its own transaction, committed before the turn passes on.
                    with database.session() as session:
                        save_open_carts(
                            session,
                            workstation_id=staff.workstation_id,
                            staff_id=staff.staff_id,
                            carts=carts,
                        )

        op: BackgroundOp[None] = BackgroundOp(
            self, op=write, success=lambda _none: self.open_carts_saved.emit(), database=database
        )
        return op.run()

    def reopen_open_carts(self) -> BackgroundOp[tuple[list[ReopenedCart], int]] | None:
        """Open again the carts this cashier left open at this till."""
        if self._saves.pending and self._reopen_waited_ms < REOPEN_WAIT_MS:
            # The last session's saves are still being written (a log-out a moment ago).
            self._reopen_waited_ms += self._reopen_later.interval()
            self._reopen_later.start()
            return None
        staff = self.context.staff
        at = local_now()

        def load(job: Job) -> tuple[list[ReopenedCart], int]:
            found = reopen_carts(
                job.session, workstation_id=staff.workstation_id, staff_id=staff.staff_id, at=at
            )
            return found, count_parked_by(job.session, staff.branch_id, staff.staff_id)

        def reopened(loaded: tuple[list[ReopenedCart], int]) -> None:
            found, parked = loaded
            self.parked_waiting = parked
            if parked:
                self.notice.emit(
                    self.tr("Carts you parked are waiting: {count}. Recall them with F11.").format(
                        count=parked
                    )
                )
            for item in found:
                self.new_cart(item.cart)
            refused = [coupon_problem(exc) for item in found for exc in item.refused]
            if refused:
                self.problem.emit("\n".join(refused))
            self.carts_reopened = True
            if found:
                self.tabs.setCurrentIndex(0)
            self.open_carts_reopened.emit()
            # Whatever was rung up while they loaded is saved with them.
            self._save_soon()

        op: BackgroundOp[tuple[list[ReopenedCart], int]] = BackgroundOp(
            self, op=load, success=reopened, database=self.context.database
        )
        # On failure the default report shows it; saving stays off so the
        # carts on disk are not overwritten by this session's empty ones.
        return op.run()

    def settle_wallet_charges(self) -> BackgroundOp[RecoveryReport]:
        """Settle wallet charges an earlier run left open (refund, close or confirm them)."""
        self._wallet_retry.stop()
        self.settling_wallets = True
        database = self.context.database
        provider_for = self.context.wallet_provider

        def settle(_job: Job) -> RecoveryReport:
            return recover_wallet_charges(database, provider_for)

        def settled(report: RecoveryReport) -> None:
            self.settling_wallets = False
            if report.refunded:
                self.notice.emit(
                    self.tr(
                        "Wallet payments taken when the till last stopped, without a sale, were"
                        " given back to the customers: {trades}."
                    ).format(trades=", ".join(report.refunded))
                )
            if report.waiting:
                trades = "; ".join(
                    f"{wallet_name(c.kind.value)} {c.out_trade_no}"
                    f" {Money(c.amount_minor, currency(c.currency_code)).format()}"
                    for c in report.waiting
                )
                self.problem.emit(
                    self.tr(
                        "Wallet payments interrupted when the till last stopped could not be"
                        " checked with the wallet provider yet: {trades}. The till keeps trying;"
                        " if this stays, a manager should check them with the provider."
                    ).format(trades=trades)
                )
                self._wallet_retry.start()
            self.wallet_charges_checked.emit(report)

        def try_again_later() -> None:
            # The helper has shown the storage error (or reported the bug).
            self.settling_wallets = False
            self._wallet_retry.start()

        op: BackgroundOp[RecoveryReport] = BackgroundOp(
            self, op=settle, success=settled, database=database
        ).after_failure(try_again_later)
        return op.run()

    def leaving(self, how: str = "logout") -> int:
        """The cashier logs out (``how``), makes way for another or the till quits.

        Every cart with lines is parked under the cashier's name and the time,
        and the sign-out is audited, in one transaction on a worker; the WAL is
        folded. Returns how many carts were parked (the caller says so).
        """
        self._wallet_retry.stop()
        parked = self.park_open_carts(how)
        self.checkpoints.checkpoint_now()
        self.checkpoints.stop()
        return parked

    def park_open_carts(self, how: str) -> int:
        """Park the carts with lines and forget the open tabs, on a worker; how many."""
        self._autosave.stop()
        staff = self.context.staff
        database = self.context.database
        self.leaving_label = leaving_label(staff.display_name, local_now())
        label = self.leaving_label
        carts = [
            CartToPark(panel.cart.to_json(), 0 if panel.bill is None else panel.bill.total_minor)
            for panel in self.panels()
            if not panel.cart.is_empty
        ]
        # Before the last session's carts are back, the ones on disk are not this
        # session's to forget: they stay for the next log-in.
        every_open = self.carts_reopened
        # No autosave after this: it would write the parked carts back as open tabs.
        self.carts_reopened = False
        saves = self._saves
        number = saves.ask()

        def write(_job: Job) -> None:
            with saves.in_order(number) as newest:
                if not newest:
                    return
                with database.session() as session:
                    if carts or every_open:
                        park_open_carts(
                            session,
                            carts,
                            branch_id=staff.branch_id,
                            workstation_id=staff.workstation_id,
                            staff_id=staff.staff_id,
                            label=label,
                            forget_every_open_cart=every_open,
                        )
                    record_sign_out(session, staff, how, parked=len(carts))

        BackgroundOp(
            self,
            op=write,
            success=lambda _none: self.carts_parked_on_leaving.emit(),
            database=database,
        ).announcing(self.context, ORDERS).run()
        return len(carts)
