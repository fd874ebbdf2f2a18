"""Sell 銷售: the counter — scan, build the cart, take payment."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QSplitter, QWidget
from typing_extensions import override

from shop_desktop.services.counts import count_orders
from shop_desktop.services.sync.engine import SyncStatus
from shop_desktop.ui.banner import NOTICE, PROBLEM, Banner, BannerAction
from shop_desktop.ui.catalog.browser import CatalogBrowser
from shop_desktop.ui.catalog.scanner import ScanDetector
from shop_desktop.ui.context import CATALOG, ORDERS, ShopContext
from shop_desktop.ui.places.base import SummaryPlace
from shop_desktop.ui.places.orders import start_of_local_day
from shop_desktop.ui.printing import PrintFailure
from shop_desktop.ui.sell.register import Register
from shop_desktop.ui.sync.controller import SyncController
from shop_desktop.ui.sync.status_widget import MANAGERS
from shop_desktop.ui.sync.wording import PROGRAM_ERROR, sync_problem
from shop_desktop.ui.tasks import JobSession

#: A scan problem stays up long enough to be read from arm's length.
BANNER_MS = 8_000

#: Sync problems a person must act on get a banner at the counter; the network's
#: own troubles (offline, server busy) do not: selling goes on and sync retries.
SYNC_CODES_TO_ACT = frozenset(
    {
        "revoked",
        "no_token",
        "cloned",
        "forbidden",
        "upgrade_required",
        "too_large",
        "keyring",
        "disk_full",
        "storage_error",
        PROGRAM_ERROR,
    }
)
#: What a lasting banner is about, so it goes by itself once that is solved.
SYNC_CODE = "sync"
REFUSED = "refused"


@dataclass(frozen=True)
class _Lasting:
    message: str
    actions: tuple[BannerAction, ...]
    about: str


class SellPlace(SummaryPlace):
    key = "sell"
    watches = frozenset({ORDERS, CATALOG})
    one_line_header = True

    def __init__(self, context: ShopContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        # Loud on purpose: the cashier is looking at the customer, not the screen.
        # Both live in the header's slot, over the title line: two lines tall
        # whatever they say, so a banner never moves the cart or grows the window.
        self.banner = Banner(PROBLEM)
        self.notice = Banner(NOTICE)
        self.header_slot.addWidget(self.banner)
        self.header_slot.addWidget(self.notice)
        self.banner.dismissed.connect(self.dismiss_banner)
        self.notice.dismissed.connect(self.hide_notice)
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.setInterval(BANNER_MS)
        self._banner_timer.timeout.connect(self.hide_banner)
        #: A problem with something to do about it (a receipt not printed): it stays
        #: until the cashier acts or closes it, and comes back after a passing one.
        self._lasting: _Lasting | None = None
        #: The cart on screen when the notice came, and whether it had lines then.
        self._notice_cart: tuple[uuid.UUID, bool] | None = None
        #: The sync problem code last told, and the refused operations counted then.
        self._sync_code = ""
        self._sync_refused = 0
        staff = context.staff
        self.browser = CatalogBrowser(
            context.database, branch_id=staff.branch_id, currency_code=staff.currency_code
        )
        # At the counter the list is the shelf: no category tree or detail pane
        # beside it, so name, price and stock fit without scrolling sideways.
        self.browser.categories.setVisible(False)
        self.browser.detail.setVisible(False)
        self.register = Register(context)
        self._sized = False
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.body.addWidget(self.splitter, 1)
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.register)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        # Explicit minimums (not the panes' size hints) keep the window usable
        # on a small tablet screen; the splitter gives the room back when there is some.
        self.browser.setMinimumWidth(220)
        self.register.setMinimumWidth(280)
        self.body_takes_the_height()
        self.scanner = ScanDetector(self)
        self.scanner.scanned.connect(self.browser.scan)
        self.browser.scan_failed.connect(self.show_banner)
        self.browser.product_scanned.connect(self.hide_banner)
        self.browser.product_scanned.connect(
            lambda _product_id, result: self.register.add_scanned(result)
        )
        self.browser.product_chosen.connect(self.register.add_product)
        self.register.problem.connect(self.show_banner)
        self.register.notice.connect(self.show_notice)
        self.register.cart_changed.connect(self._cart_changed)
        self.register.printer.print_failed.connect(self.show_print_failure)

    def title(self) -> str:
        return self.tr("Sell")

    def description(self) -> str:
        return self.tr(
            "Scan or search products, build the customer's cart, and take payment "
            "in cash, by card or by mobile wallet."
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.register.retranslate()

    def refresh(self) -> None:
        super().refresh()
        self.browser.refresh()

    def fact_keys(self) -> tuple[str, ...]:
        return ("today_here",)

    def fact_labels(self) -> dict[str, str]:
        return {"today_here": self.tr("Orders today at this workstation")}

    def facts_query(self) -> Callable[[JobSession], dict[str, int]]:
        workstation_id = self.context.staff.workstation_id

        def count(session: JobSession) -> dict[str, int]:
            since = start_of_local_day()
            return {"today_here": count_orders(session, since=since, workstation_id=workstation_id)}

        return count

    # --- banners -----------------------------------------------------------

    def show_banner(self, message: str) -> None:
        """A problem for a few seconds (a bad scan, a refusal), loud and with a beep."""
        self._show_problem(message, ())
        self._banner_timer.start()

    def show_problem(
        self, message: str, actions: Sequence[BannerAction], *, about: str = ""
    ) -> None:
        """A problem the cashier can act on: it stays until acted on or closed.

        ``about`` names what it is about, so it can go by itself once that is solved.
        """
        self._lasting = _Lasting(message, tuple(actions), about)
        self._banner_timer.stop()
        self._show_problem(message, actions)

    def _show_problem(self, message: str, actions: Sequence[BannerAction]) -> None:
        self.banner.show_message(message, actions)
        self.banner.set_close_tip(self.tr("Close this message"))
        self.header_slot.setCurrentWidget(self.banner)
        QApplication.beep()

    def hide_banner(self) -> None:
        """The passing problem is over: back to the lasting one, if any, else the title."""
        self._banner_timer.stop()
        if self.header_slot.currentWidget() is self.banner:
            self._rest()

    def dismiss_banner(self) -> None:
        """The cashier closed the banner (or acted on it)."""
        self._banner_timer.stop()
        self._lasting = None
        self._rest()

    def _rest(self) -> None:
        """Between passing problems: a problem to act on, else the good news, else the title."""
        if self._lasting is not None:
            self.banner.show_message(self._lasting.message, self._lasting.actions)
            self.header_slot.setCurrentWidget(self.banner)
        elif self._notice_cart is not None:
            self.header_slot.setCurrentWidget(self.notice)
        else:
            self.header_slot.setCurrentWidget(self.header)

    def show_notice(self, message: str) -> None:
        """Good news (change to give, a cart parked), until the next customer starts."""
        self._banner_timer.stop()
        self.notice.show_message(message)
        self.notice.set_close_tip(self.tr("Close this message"))
        self.header_slot.setCurrentWidget(self.notice)
        cart = self.register.cart
        self._notice_cart = (cart.cart_id, cart.is_empty)

    def hide_notice(self) -> None:
        self._notice_cart = None
        if self.header_slot.currentWidget() is self.notice:
            self._rest()

    def _cart_changed(self) -> None:
        if self._notice_cart is None or self.register.tabs.count() == 0:
            return
        cart = self.register.cart
        if cart.is_empty:
            return
        cart_id, was_empty = self._notice_cart
        # A recalled or another waiting cart on screen, or the first line of the
        # next customer's: the notice was about what came before.
        if cart.cart_id != cart_id or was_empty:
            self.hide_notice()

    def show_print_failure(self, failure: PrintFailure) -> None:
        """A receipt that did not print: say so, and offer to print again or save it as PDF."""
        actions: list[BannerAction] = []
        again, as_pdf = failure.print_again, failure.save_as_pdf
        if again is not None:
            actions.append(BannerAction("print_again", self.tr("P&rint again"), again))
        if as_pdf is not None:
            actions.append(BannerAction("save_pdf", self.tr("Save as P&DF"), as_pdf))
        self.show_problem(failure.sentence, actions)

    # --- sync -----------------------------------------------------------------

    def watch_sync(self, controller: SyncController) -> None:
        """Show a sync problem someone must act on (not a network outage: selling goes on)."""
        self._sync_controller = controller
        controller.status_changed.connect(self.sync_status_changed)

    def sync_status_changed(self, status: SyncStatus) -> None:
        """Tell a new sync problem once (a pass every minute must not beep every minute)."""
        code = next((c for c in (status.error_code, status.state) if c in SYNC_CODES_TO_ACT), "")
        refused, told = status.rejected_ops, self._sync_refused
        self._sync_refused = refused
        if code != self._sync_code:
            self._sync_code = code
            if code:
                self._tell_sync_problem(code)
                return
            self._solved(SYNC_CODE)
        if refused > told and not code:
            self._tell_sync_problem(REFUSED)
        elif refused == 0:
            self._solved(REFUSED)

    def _solved(self, about: str) -> None:
        """The problem the banner is about went away (a manager fixed it): so does the banner."""
        if self._lasting is not None and self._lasting.about == about:
            self.dismiss_banner()

    def _tell_sync_problem(self, code: str) -> None:
        sentence = sync_problem(code)
        actions: list[BannerAction] = []
        if self.context.staff.role in MANAGERS:
            tab = "rejected" if code == REFUSED else "log"
            actions.append(
                BannerAction("sync_log", self.tr("Open sync &log"), lambda: self.open_sync_log(tab))
            )
        else:
            sentence = self.tr("{problem} Ask a manager to open the sync log.").format(
                problem=sentence
            )
        self.show_problem(sentence, actions, about=REFUSED if code == REFUSED else SYNC_CODE)

    def open_sync_log(self, tab: str = "log") -> QWidget | None:
        from shop_desktop.ui.sync.log_dialog import SyncLogDialog

        controller = getattr(self, "_sync_controller", None)
        self.sync_log = SyncLogDialog.open_for(self.context, controller, self, tab=tab)
        return self.sync_log

    @override
    def showEvent(self, event: QShowEvent) -> None:
        # Scans count only at the counter: elsewhere digits are just digits.
        self.scanner.set_active(True)
        if not self._sized:
            # First time on screen: the cart gets close to half the width.
            self._sized = True
            width = max(self.splitter.width(), 2)
            self.splitter.setSizes([width * 11 // 20, width * 9 // 20])
        super().showEvent(event)

    @override
    def hideEvent(self, event: QHideEvent) -> None:
        self.scanner.set_active(False)
        super().hideEvent(event)
