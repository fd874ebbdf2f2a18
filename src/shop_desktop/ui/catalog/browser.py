"""The catalog browser: search as you type, browse a shelf, see one product.

Used by the Sell place (with the scanner) and the Catalog place. Every
query runs through :class:`BackgroundOp`; the widgets only start queries
and show what comes back, newest query wins.

The keys, as a cashier uses them: Enter in the search box chooses the only
result, or the highlighted one (with several and none highlighted, it
highlights the first, so a second Enter takes it); with the suggestions
open, Down then Enter chooses that product; Esc closes the suggestions
first, and a second Esc clears the query; after a product is chosen or
scanned the cursor is back in the search box, so typing goes on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QStyle,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data import catalog
from shop_desktop.data.catalog import (
    BrandOption,
    CatalogFilter,
    CategoryNode,
    ScanResult,
    SortOrder,
)
from shop_desktop.data.db import Database
from shop_desktop.domain.barcodes import looks_like_barcode
from shop_desktop.domain.money import InvalidAmount, Money, currency
from shop_desktop.ui.catalog.detail import ProductDetailPane
from shop_desktop.ui.catalog.models import (
    BRAND,
    NAME,
    PRICE,
    PRODUCT_ID_ROLE,
    SKU,
    STOCK,
    BrowseSource,
    CategoryModel,
    ProductListModel,
    SearchSource,
    Source,
)
from shop_desktop.ui.catalog.product_cell import ProductCellDelegate, product_row_height
from shop_desktop.ui.catalog.scanner import scan_problem
from shop_desktop.ui.help import counter_shortcuts
from shop_desktop.ui.i18n import ZH_TW, current_language
from shop_desktop.ui.labels import in_current_language
from shop_desktop.ui.tasks import BackgroundOp, Job, JobSession

#: Long enough to skip the keys of a word being typed, short enough to feel live.
SEARCH_DELAY_MS = 150
#: While search takes the slower path, how often to look whether the index is ready.
INDEX_CHECK_MS = 2_000

_SORTS = (
    SortOrder.NAME,
    SortOrder.PRICE_LOW,
    SortOrder.PRICE_HIGH,
    SortOrder.BEST_SELLING,
    SortOrder.NEWEST,
)


#: How many products the suggestions offer (brands come on top of them).
SUGGESTED_PRODUCTS = 8
#: The suggestion's product, on each row of the suggestions' model (None for a brand).
SUGGESTED_PRODUCT_ROLE = Qt.ItemDataRole.UserRole + 11

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass(frozen=True)
class Suggestion:
    """One line of the suggestions: a product (chosen as it is) or a brand (searched for)."""

    text: str
    product_id: uuid.UUID | None


def suggestions(
    session: JobSession, typed: str, *, english: bool, branch_id: uuid.UUID, currency_code: str
) -> list[Suggestion]:
    """The best search hits, each with its price and SKU, then brands starting with ``typed``.

    Products with the same name are told apart by their price and SKU, and each
    line is that very product, so choosing it adds it. Products come first, so
    Down, Enter adds the best hit; a brand narrows the search instead.
    """
    money = currency(currency_code)
    found: list[Suggestion] = []
    page = catalog.search(session, typed, limit=SUGGESTED_PRODUCTS)
    rows = catalog.product_rows(session, page.ids, branch_id)
    for product_id in page.ids:
        row = rows.get(product_id)
        if row is not None:
            name = row.name_en if english else row.name_zh
            price = Money(row.price_minor, money).format()
            found.append(Suggestion(f"{name}  ·  {price}  ·  {row.sku}", product_id))
    found.extend(
        Suggestion(option.name_en if english else option.name_zh, None)
        for option in catalog.brands_matching(session, typed.casefold(), limit=3)
    )
    return found


class SearchBox(QLineEdit):
    """The search field: Esc closes the suggestions, then clears; Down moves into the results.

    With the suggestions open, Enter and Esc belong to them (the completer
    handles them once this field has let them pass): Enter takes the
    highlighted suggestion, or, with none highlighted, is the search box's own.
    """

    moved_down = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: The completer's popup (set by the browser).
        self.suggestion_list: QListView | None = None

    def suggestions_open(self) -> bool:
        return self.suggestion_list is not None and self.suggestion_list.isVisible()

    def close_suggestions(self) -> None:
        if self.suggestion_list is not None:
            self.suggestion_list.hide()

    @override
    def event(self, event: QEvent) -> bool:
        # The counter's shortcuts win over the field's own editing keys (Ctrl+Z undo,
        # Ctrl+Del, and on X11 Ctrl+U and Ctrl+K): the cursor lives here at the
        # counter, and Ctrl+U must change the quantity, not clear the query. Where
        # no such shortcut is active (the Catalog place) the key still edits.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and QKeySequence(event.keyCombination()).toString(
                QKeySequence.SequenceFormat.PortableText
            )
            in counter_shortcuts()
        ):
            event.ignore()
            return True
        return super().event(event)

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.suggestion_list is not None and self.suggestions_open():
            if key == Qt.Key.Key_Escape:
                event.ignore()  # the completer closes its popup; the query stays
                return
            if key in _ENTER:
                if self.suggestion_list.currentIndex().isValid():
                    event.ignore()  # the completer takes the highlighted suggestion
                    return
                self.close_suggestions()
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        if key == Qt.Key.Key_Down:
            self.moved_down.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ResultsView(QTableView):
    """The product list; Enter chooses the current product, Esc goes back to the search."""

    chosen = Signal(object)
    escaped = Signal()

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in _ENTER:
            current = self.currentIndex()
            product_id = current.data(PRODUCT_ID_ROLE) if current.isValid() else None
            if isinstance(product_id, uuid.UUID):
                self.chosen.emit(product_id)
                event.accept()
                return
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class CatalogBrowser(QWidget):
    """Search box, filters, category tree, product list and detail pane."""

    #: Enter on a product (the cart takes it from here).
    product_chosen = Signal(object)
    #: A scan (or a barcode typed into the search box) found this product.
    product_scanned = Signal(object, object)
    #: A scan found nothing; the text says why, for the cashier.
    scan_failed = Signal(str)
    #: The status line changed (after a page or a count arrived).
    status_changed = Signal(str)

    def __init__(  # noqa: PLR0915 - the whole form is built and wired in one place
        self,
        database: Database,
        *,
        branch_id: uuid.UUID,
        currency_code: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("catalogBrowser")
        self._database = database
        self._branch_id = branch_id
        self._currency = currency(currency_code)
        self._count_generation = 0
        self._complete_generation = 0
        self._browse_count: int | None = None
        self._browsed_in = current_language()
        self._nodes: list[CategoryNode] = []
        self._brands: list[BrandOption] = []
        self.last_op: BackgroundOp[Any] | None = None
        #: After a product is chosen or scanned the cursor goes back to the search
        #: box (the counter); a place where choosing only shows the product turns it off.
        self.back_to_search_after_choice = True
        #: Enter was pressed before the results of the query were in: decide when they are.
        self._enter_waiting = False

        self.search = SearchBox()
        self.search.setObjectName("catalogSearch")
        self.search.setClearButtonEnabled(True)
        self._completions = QStandardItemModel(self)
        self.completer = QCompleter(self._completions, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # The suggestions come from the search itself (pinyin, fragments), so the
        # completer must not filter them again by prefix.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        # Attached to the field, not set as its completer: the line edit would
        # otherwise write each highlighted suggestion into the query, and a chosen
        # product must be added, not typed.
        self.suggestion_list = QListView()
        self.suggestion_list.setObjectName("catalogSuggestions")
        self.completer.setPopup(self.suggestion_list)
        self.completer.setWidget(self.search)
        self.search.suggestion_list = self.suggestion_list

        self.category_model = CategoryModel(self)
        self.categories = QTreeView()
        self.categories.setObjectName("catalogCategories")
        self.categories.setModel(self.category_model)
        self.categories.setHeaderHidden(True)

        self.brand = QComboBox()
        self.brand.setObjectName("catalogBrand")
        self.min_price = QLineEdit()
        self.min_price.setObjectName("catalogMinPrice")
        self.max_price = QLineEdit()
        self.max_price.setObjectName("catalogMaxPrice")
        for edit in (self.min_price, self.max_price):
            edit.setMaximumWidth(110)
            edit.setMinimumWidth(50)
        self.price_hint = QLabel()
        self.price_hint.setObjectName("catalogPriceHint")
        self.price_hint.setStyleSheet("color: #b3261e;")
        self.price_hint.setVisible(False)
        self.in_stock = QCheckBox()
        self.in_stock.setObjectName("catalogInStock")
        self.sort = QComboBox()
        self.sort.setObjectName("catalogSort")
        for order in _SORTS:
            self.sort.addItem("", order)
        for combo in (self.brand, self.sort):
            # Long brand names must not set the width of the whole browser.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)

        self.model = ProductListModel(
            database, branch_id=branch_id, currency_code=currency_code, owner=self, parent=self
        )
        self.results = ResultsView()
        self.results.setObjectName("catalogResults")
        self.results.setModel(self.model)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._set_up_result_columns()
        self.results.setAlternatingRowColors(True)
        self.status = QLabel()
        self.status.setObjectName("catalogStatus")
        #: Shown while search takes the slower path (the index is being built).
        self.index_note = QLabel()
        self.index_note.setObjectName("searchIndexNote")
        self.index_note.setWordWrap(True)
        self.index_note.setStyleSheet(
            "QLabel#searchIndexNote { background: #fef7e0; color: #7a4f01;"
            " border: 1px solid #fdd663; border-radius: 4px; padding: 4px 8px; }"
        )
        self.index_note.setVisible(False)
        # While it shows, look now and then whether the index is ready, then search again.
        self._index_watch = QTimer(self)
        self._index_watch.setInterval(INDEX_CHECK_MS)
        self._index_watch.timeout.connect(self._check_index)

        self.detail = ProductDetailPane(database, branch_id=branch_id, currency_code=currency_code)

        self._search_caption = QLabel()
        self._brand_caption = QLabel()
        self._price_caption = QLabel()
        self._dash = QLabel("–")
        self._sort_caption = QLabel()

        # Every layout is made on the widget it lays out before anything is
        # added to it: a parentless layout filled first and attached later
        # leaves PySide's ownership records pointing at freed wrappers, which
        # crashes the garbage collector.
        middle = QWidget()
        centre = QVBoxLayout(middle)
        centre.setContentsMargins(0, 0, 0, 0)
        search_row = QHBoxLayout()
        centre.addLayout(search_row)
        search_row.addWidget(self._search_caption)
        search_row.addWidget(self.search, 1)
        # Two short rows rather than one long one, so the counter's window
        # can stay narrow.
        filter_row = QHBoxLayout()
        centre.addLayout(filter_row)
        filter_row.addWidget(self._brand_caption)
        filter_row.addWidget(self.brand, 1)
        filter_row.addWidget(self._sort_caption)
        filter_row.addWidget(self.sort, 1)
        price_row = QHBoxLayout()
        centre.addLayout(price_row)
        price_row.addWidget(self._price_caption)
        price_row.addWidget(self.min_price)
        price_row.addWidget(self._dash)
        price_row.addWidget(self.max_price)
        price_row.addWidget(self.in_stock)
        price_row.addStretch(1)
        centre.addWidget(self.price_hint)
        centre.addWidget(self.index_note)
        centre.addWidget(self.results, 1)
        centre.addWidget(self.status)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.categories)
        splitter.addWidget(middle)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 700, 320])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply)
        self._complete_timer = QTimer(self)
        self._complete_timer.setSingleShot(True)
        self._complete_timer.setInterval(SEARCH_DELAY_MS)
        self._complete_timer.timeout.connect(self._complete)

        self.search.textChanged.connect(self._typed)
        # Suggestions follow what the cashier types, not the text a scan puts back.
        self.search.textEdited.connect(self._edited)
        self.search.returnPressed.connect(self._search_entered)
        self.search.moved_down.connect(self.focus_results)
        # The overload with the model index: the suggestion's product is on its row.
        self.completer.activated[QModelIndex].connect(self._suggestion_taken)  # type: ignore[index]
        self.results.escaped.connect(self.focus_search)
        self.min_price.textChanged.connect(self._search_timer.start)
        self.max_price.textChanged.connect(self._search_timer.start)
        self.brand.currentIndexChanged.connect(self.apply)
        self.sort.currentIndexChanged.connect(self.apply)
        self.in_stock.toggled.connect(self.apply)
        self.categories.selectionModel().currentChanged.connect(self.apply)
        self.results.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.results.chosen.connect(self._chosen)
        self.results.doubleClicked.connect(self._double_clicked)
        self.model.page_loaded.connect(self._page_loaded)
        self.model.load_failed.connect(self._set_status)
        self.model.modelReset.connect(self._model_reset)

        # F3 is the Orders place's key in the main window, so only Ctrl+F here.
        # Window-wide so it works from the navigation too; a hidden browser's
        # shortcut is inactive, so the Sell and Catalog browsers never clash.
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WindowShortcut)
        find.activated.connect(self.focus_search)

        self.retranslate()

    def _set_up_result_columns(self) -> None:
        """Name (picture, brand and SKU with it), price, stock here: never wider than the view.

        The name column stretches and its text is cut with "…"; price and
        stock take what their widest text needs; brand and SKU are the name's
        second line rather than columns of their own, so nothing scrolls sideways.
        """
        view = self.results
        view.setItemDelegateForColumn(NAME, ProductCellDelegate(view))
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = view.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(product_row_height(view.font()))
        view.setColumnHidden(BRAND, True)
        view.setColumnHidden(SKU, True)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (PRICE, STOCK):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self._size_result_columns()

    def _size_result_columns(self) -> None:
        """Price and stock as wide as their heading or the widest amount they can show.

        Measured, not sized to the rows: rows arrive a page at a time, and a
        column that grew with them would take the name's room mid-search.
        """
        view = self.results
        metrics = view.fontMetrics()
        header = view.horizontalHeader()
        padding = 2 * view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 12
        widest_price = Money(10 ** (5 + self._currency.exponent) - 1, self._currency).format()
        for column, widest in ((PRICE, widest_price), (STOCK, "99,999")):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = max(
                header.fontMetrics().horizontalAdvance(title), metrics.horizontalAdvance(widest)
            )
            header.resizeSection(column, width + padding)

    # --- texts ------------------------------------------------------------------

    def retranslate(self) -> None:
        self._size_result_columns()
        self._search_caption.setText(self.tr("Search"))
        self.search.setPlaceholderText(self.tr("Name, pinyin, brand, SKU or barcode (Ctrl+F)"))
        self._brand_caption.setText(self.tr("Brand"))
        self._price_caption.setText(self.tr("Price"))
        self.min_price.setPlaceholderText(self.tr("from"))
        self.max_price.setPlaceholderText(self.tr("to"))
        for edit in (self.min_price, self.max_price):
            # Never narrower than its hint in the language of the moment.
            hint = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
            edit.setMinimumWidth(max(50, hint + 24))
        self.in_stock.setText(self.tr("In stock here only"))
        self._sort_caption.setText(self.tr("Sort by"))
        self.index_note.setText(self.tr("Search index is being built: results may be incomplete."))
        names = {
            SortOrder.NAME: self.tr("Name"),
            SortOrder.PRICE_LOW: self.tr("Price: low to high"),
            SortOrder.PRICE_HIGH: self.tr("Price: high to low"),
            SortOrder.BEST_SELLING: self.tr("Best-selling"),
            SortOrder.NEWEST: self.tr("Newest"),
        }
        for row, order in enumerate(_SORTS):
            self.sort.setItemText(row, names[order])
        self._fill_brands()
        if self.price_hint.isVisible():
            self._price_problem()
        self._update_status()

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.model.language_changed()
            self._refill_categories()
            if self._name_order_stale():
                # The shelf is sorted by the name in the language just left.
                self.apply()
        super().changeEvent(event)

    # --- loading ------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the categories and brands, then show the current query again."""

        def load(job: Job) -> tuple[list[CategoryNode], list[BrandOption]]:
            return catalog.category_tree(job.session), catalog.brands(job.session)

        BackgroundOp(self, op=load, success=self._lookups_loaded, database=self._database).run()
        self._run_query(force=True)

    def _lookups_loaded(self, loaded: tuple[list[CategoryNode], list[BrandOption]]) -> None:
        self._nodes, self._brands = loaded
        self._refill_categories()
        self._fill_brands()

    def _refill_categories(self) -> None:
        chosen = self.category_model.category_id(self.categories.currentIndex())
        blocker = self.categories.selectionModel().blockSignals(True)
        self.category_model.set_categories(self._nodes)
        self.categories.setCurrentIndex(self.category_model.index_of(chosen))
        self.categories.selectionModel().blockSignals(blocker)
        # Wide enough for every top-level name in the language of the moment.
        tree = self.categories
        tree.setMinimumWidth(
            tree.sizeHintForColumn(0)
            + 2 * tree.frameWidth()
            + tree.verticalScrollBar().sizeHint().width()
        )

    def _fill_brands(self) -> None:
        chosen = self.brand.currentData()
        self.brand.blockSignals(True)
        self.brand.clear()
        self.brand.addItem(self.tr("All brands"), None)
        for option in self._brands:
            self.brand.addItem(in_current_language(option.name_zh, option.name_en), option.id)
        self.brand.setCurrentIndex(max(self.brand_row(chosen), 0))
        self.brand.blockSignals(False)

    def brand_row(self, brand_id: object) -> int:
        """The brand combo's row for ``brand_id`` (-1 if absent).

        ``QComboBox.findData`` cannot compare Python objects such as UUIDs.
        """
        if brand_id is None:
            return 0
        for row in range(1, self.brand.count()):
            if self.brand.itemData(row) == brand_id:
                return row
        return -1

    def sort_row(self, order: SortOrder) -> int:
        return _SORTS.index(order)

    def current_filter(self) -> CatalogFilter | None:
        """The filter the widgets describe, or None while a price is not a price."""
        try:
            low = self._price(self.min_price.text())
            high = self._price(self.max_price.text())
        except InvalidAmount:
            self._price_problem()
            return None
        self.price_hint.setVisible(False)
        category = self.category_model.category_id(self.categories.currentIndex())
        brand = self.brand.currentData()
        return CatalogFilter(
            category_id=category,
            brand_id=brand if isinstance(brand, uuid.UUID) else None,
            min_price_minor=low,
            max_price_minor=high,
            in_stock_at=self._branch_id if self.in_stock.isChecked() else None,
        )

    def _price(self, typed: str) -> int | None:
        if not typed.strip():
            return None
        return Money.parse(typed, self._currency).minor

    def _price_problem(self) -> None:
        self.price_hint.setText(self.tr("Type a price such as 120 or 99.5"))
        self.price_hint.setVisible(True)

    def current_order(self) -> SortOrder:
        order = self.sort.currentData()
        return order if isinstance(order, SortOrder) else SortOrder.NAME

    def apply(self) -> None:
        """Show what the search box and filters ask for now, unless already shown."""
        self._run_query(force=False)

    def _run_query(self, *, force: bool) -> None:
        self._search_timer.stop()
        filter_ = self.current_filter()
        if filter_ is None:
            return  # the hint says what is wrong; the list stays as it was
        typed = self.search.text().strip()
        # Search ranks by relevance; the sort order applies to the shelf only.
        self.sort.setEnabled(not typed)
        source: Source = (
            SearchSource(typed, filter_) if typed else BrowseSource(filter_, self.current_order())
        )
        # A scan restores the focused field's text, which re-fires the timer:
        # the same query again must not reset the list (and the selection).
        if not force and source == self.model.source and not self._name_order_stale():
            return
        if isinstance(source, SearchSource):
            self.model.show_search(source.typed, source.filter_)
        else:
            self.model.show_browse(source.filter_, source.order)
            self._count(source.filter_)
        self._browsed_in = current_language()
        self.last_op = self.model.last_op

    def _name_order_stale(self) -> bool:
        source = self.model.source
        return (
            isinstance(source, BrowseSource)
            and source.order is SortOrder.NAME
            and self._browsed_in != current_language()
        )

    def _count(self, filter_: CatalogFilter) -> None:
        self._count_generation += 1
        generation = self._count_generation
        self._browse_count = None

        def count(job: Job) -> tuple[int, int]:
            return generation, catalog.count(job.session, filter_)

        BackgroundOp(self, op=count, success=self._counted, database=self._database).run()

    def _counted(self, counted: tuple[int, int]) -> None:
        generation, total = counted
        if generation != self._count_generation:
            return
        self._browse_count = total
        self._update_status()

    def _complete(self) -> None:
        typed = self.search.text().strip()
        if not typed or looks_like_barcode(typed):
            self._drop_suggestions()
            return
        self._complete_generation += 1
        generation = self._complete_generation
        english = current_language() != ZH_TW
        branch_id = self._branch_id
        currency_code = self._currency.code

        def suggest(job: Job) -> tuple[int, str, list[Suggestion]]:
            found = suggestions(
                job.session,
                typed,
                english=english,
                branch_id=branch_id,
                currency_code=currency_code,
            )
            return generation, typed, found

        BackgroundOp(self, op=suggest, success=self._completed, database=self._database).failure(
            lambda _exc: None  # suggestions are a nicety; the search shows any real trouble
        ).run()

    def _completed(self, found: tuple[int, str, list[Suggestion]]) -> None:
        generation, typed, offered = found
        if generation != self._complete_generation:
            return
        self._completions.clear()
        for suggestion in offered:
            item = QStandardItem(suggestion.text)
            item.setData(suggestion.product_id, SUGGESTED_PRODUCT_ROLE)
            item.setEditable(False)
            self._completions.appendRow(item)
        # Only for the query still in the box, while the cashier is in it: a late
        # answer must not open a popup over whatever they do now.
        if not offered or self.search.text().strip() != typed or not self.search.hasFocus():
            self.search.close_suggestions()
            return
        # As wide as its lines (price and SKU included), not just the search box.
        lines = self.suggestion_list
        wanted = (
            lines.sizeHintForColumn(0)
            + lines.verticalScrollBar().sizeHint().width()
            + 2 * lines.frameWidth()
            + 8
        )
        width = max(self.search.width(), min(wanted, self.window().width()))
        self.completer.complete(QRect(0, 0, width, self.search.height()))
        # Nothing highlighted until the cashier presses Down: Enter alone is the
        # search box's own (the only or highlighted result).
        self.suggestion_list.selectionModel().clear()
        self.suggestion_list.setCurrentIndex(QModelIndex())

    def _drop_suggestions(self) -> None:
        """Close the suggestions and forget any still on their way."""
        self._complete_timer.stop()
        self._complete_generation += 1
        self.search.close_suggestions()

    def _suggestion_taken(self, index: QModelIndex) -> None:
        product_id = index.data(SUGGESTED_PRODUCT_ROLE)
        if isinstance(product_id, uuid.UUID):
            self._chosen(product_id)
            return
        # A brand: search for it.
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        self._drop_suggestions()
        self.search.setText(text)
        self.apply()

    # --- status ---------------------------------------------------------------------

    def _model_reset(self) -> None:
        self._update_status()

    def _page_loaded(self) -> None:
        self._update_status()
        if self._enter_waiting and self.model.source == self._wanted_source():
            # Enter came before these results: now that they are in, it counts.
            self._enter_waiting = False
            self._enter_on_results()
        # A short first page may not fill the view; the view only asks for
        # more when scrolled, so ask on its behalf.
        if self.model.canFetchMore() and self.results.isVisible():
            bar = self.results.verticalScrollBar()
            if bar.maximum() == 0:
                self.model.fetchMore()

    def _update_status(self) -> None:
        source = self.model.source
        rows = self.model.rowCount()
        if not (self.model.loading and rows == 0):  # kept while the next query loads: no flicker
            partial = isinstance(source, SearchSource) and not self.model.complete
            self.index_note.setVisible(partial)
            if partial and not self._index_watch.isActive():
                self._index_watch.start()
            elif not partial:
                self._index_watch.stop()
        if source is None:
            text = ""
        elif self.model.loading and rows == 0:
            text = self.tr("Looking…")
        elif isinstance(source, BrowseSource):
            if self._browse_count is None:
                text = self.tr("Counting…")
            else:
                text = self.tr("%Ln product(s)", "", self._browse_count)
        elif rows == 0:
            text = self.tr("No products match.")
        elif self.model.has_more:
            text = self.tr("{count}+ matches").format(count=rows)
        else:
            text = self.tr("%Ln match(es)", "", rows)
        self._set_status(text)

    def _check_index(self) -> None:
        def ready(job: Job) -> bool:
            return catalog.search_complete(job.session)

        BackgroundOp(self, op=ready, success=self._index_checked, database=self._database).failure(
            lambda _exc: None  # looked at again at the next tick
        ).run()

    def _index_checked(self, ready: bool) -> None:
        if ready and self.index_note.isVisible():
            self._index_watch.stop()
            self._run_query(force=True)

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status_changed.emit(text)

    # --- moving around ---------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _back_to_search(self) -> None:
        """After a product went into the cart: the next one is typed or scanned here."""
        self._drop_suggestions()
        if not self.back_to_search_after_choice or not self.isVisible():
            return
        if not self.search.hasFocus():
            self.search.setFocus(Qt.FocusReason.OtherFocusReason)
        # Typing replaces the query just used.
        self.search.selectAll()

    def focus_results(self) -> None:
        self.results.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.results.currentIndex().isValid() and self.model.rowCount():
            self.results.setCurrentIndex(self.model.index(0, 0))

    def _typed(self, text: str) -> None:
        self._search_timer.start()
        self._enter_waiting = False
        if not text.strip():
            # Cleared (Esc, the clear button): no suggestions for what was there.
            self._drop_suggestions()

    def _edited(self, text: str) -> None:
        if text.strip():
            self._complete_timer.start()
        else:
            self._drop_suggestions()

    def _wanted_source(self) -> Source | None:
        """What the search box and filters ask for now (None while a price is not a price)."""
        filter_ = self.current_filter()
        if filter_ is None:
            return None
        typed = self.search.text().strip()
        if typed:
            return SearchSource(typed, filter_)
        return BrowseSource(filter_, self.current_order())

    def highlighted_product(self) -> uuid.UUID | None:
        """The product selected in the results, if one is (a current row alone is not)."""
        selection = self.results.selectionModel()
        chosen = selection.selectedRows() if selection is not None else []
        if not chosen:
            return None
        value = chosen[0].data(PRODUCT_ID_ROLE)
        return value if isinstance(value, uuid.UUID) else None

    def _search_entered(self) -> None:
        typed = self.search.text().strip()
        self._drop_suggestions()
        if looks_like_barcode(typed):
            # A code typed by hand (a label the scanner cannot read) is a scan.
            self._search_timer.stop()
            self.scan(typed)
            return
        wanted = self._wanted_source()
        if wanted is None:
            return  # the price hint says what is wrong
        if self.model.source == wanted and not self.model.loading:
            self._enter_on_results()
            return
        # The results of this query are not in yet: ask now, decide when they come.
        self._enter_waiting = True
        self.apply()

    def _enter_on_results(self) -> None:
        """Enter on the results of a query: the highlighted product, else the only one."""
        if not self.search.text().strip():
            # The whole shelf, or a stray Enter after a scan highlighted its product:
            # nothing was asked for, so nothing is added (Down, Enter picks from the shelf).
            return
        highlighted = self.highlighted_product()
        if highlighted is not None:
            self._chosen(highlighted)
            return
        rows = self.model.rowCount()
        if rows == 1 and not self.model.has_more:
            only = self.model.product_id(0)
            if only is not None:
                self._chosen(only)
            return
        if rows:
            # Several: the first is highlighted, and the next Enter takes it.
            first = self.model.index(0, 0)
            self.results.setCurrentIndex(first)
            self.results.scrollTo(first)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        product_id = current.data(PRODUCT_ID_ROLE) if current.isValid() else None
        if isinstance(product_id, uuid.UUID):
            self.detail.show_product(product_id)

    def _chosen(self, product_id: uuid.UUID) -> None:
        self.detail.show_product(product_id)
        self.product_chosen.emit(product_id)
        self._back_to_search()

    def _double_clicked(self, index: QModelIndex) -> None:
        product_id = index.data(PRODUCT_ID_ROLE)
        if isinstance(product_id, uuid.UUID):
            self._chosen(product_id)

    def show_product(self, product_id: uuid.UUID) -> None:
        """Select the product if it is in the list, and show its details."""
        row = self.model.row_of(product_id)
        if row >= 0:
            self.results.setCurrentIndex(self.model.index(row, 0))
            self.results.scrollTo(self.model.index(row, 0))
        else:
            self.results.clearSelection()
        self.detail.show_product(product_id)

    def selected_product(self) -> uuid.UUID | None:
        current = self.results.currentIndex()
        value = current.data(PRODUCT_ID_ROLE) if current.isValid() else None
        return value if isinstance(value, uuid.UUID) else None

    # --- scanning ---------------------------------------------------------------------

    def scan(self, scanned: str) -> BackgroundOp[ScanResult]:
        """Look a scanned code up; the product is shown, or :attr:`scan_failed` says why."""

        # The scanner's digits started the suggestions' timer: no popup for them.
        self._drop_suggestions()

        def look_up(job: Job) -> ScanResult:
            return catalog.lookup_barcode(job.session, scanned)

        def failed(exc: BaseException) -> None:
            message = scan_problem(exc, scanned)
            if message is None:
                from shop_desktop.ui import errors

                errors.report_exception(exc, self)
                return
            self.scan_failed.emit(message)

        op = (
            BackgroundOp(self, op=look_up, success=self._scanned, database=self._database)
            .failure(failed)
            .run()
        )
        self.last_op = op
        return op

    def _scanned(self, result: ScanResult) -> None:
        self.show_product(result.product_id)
        self.product_scanned.emit(result.product_id, result)
        if not self.search.hasFocus():
            self._back_to_search()
