"""Item models for the catalog browser: the product list and the category tree.

The product list holds only ids plus a row cache (Anki's browser table
model) and grows page by page (Qt's fetchmore example). Every page, and every
row it shows, is read on a worker through :class:`BackgroundOp`; the GUI
thread only ever inserts what came back.
"""

from __future__ import annotations

import logging
import uuid
import weakref
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPainter,
    QPixmap,
    QPixmapCache,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QWidget
from typing_extensions import override

from shop_desktop.data import catalog
from shop_desktop.data.catalog import CatalogFilter, CategoryNode, ProductRow, SortOrder
from shop_desktop.data.db import Database, StorageError
from shop_desktop.domain.money import Money, currency
from shop_desktop.ui.i18n import ZH_TW, current_language
from shop_desktop.ui.labels import in_current_language
from shop_desktop.ui.tasks import BackgroundOp, Job

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex

#: Search pages are cheap (the index is read in popularity order); browse
#: pages a little bigger because a shelf is usually scrolled.
SEARCH_PAGE = 50
BROWSE_PAGE = 100

#: Rows kept across queries; beyond this the cache starts afresh, so a day
#: of searching a million-product catalog does not grow without end.
ROW_CACHE_LIMIT = 20_000

#: What a cell shows until its row has been read.
PLACEHOLDER = "…"

#: The role under which every cell carries its product's id.
PRODUCT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The name cell's second, smaller line: what tells products of the same name
#: apart (brand and SKU; a big catalog has the same name many times).
DETAIL_LINE_ROLE = Qt.ItemDataRole.UserRole + 3

#: Thumbnails are kept at this size (pixels) and drawn smaller by the view.
THUMBNAIL_PX = 64
#: Colours of the tile shown for a product without a picture, chosen by brand.
_TILE_COLOURS = ("#1a73e8", "#188038", "#e37400", "#9334e6", "#d01884", "#007b83", "#5f6368")

# Units sold by weight or volume; their stock is shown with decimals.
_MEASURED_UNITS = frozenset({"kg", "g", "l", "ml", "m", "lb", "oz"})

NAME, BRAND, PRICE, STOCK, SKU = range(5)


@dataclass(frozen=True)
class SearchSource:
    typed: str
    filter_: CatalogFilter


@dataclass(frozen=True)
class BrowseSource:
    filter_: CatalogFilter
    order: SortOrder


Source = SearchSource | BrowseSource


@dataclass(frozen=True)
class _PageResult:
    generation: int
    ids: tuple[uuid.UUID, ...]
    rows: dict[uuid.UUID, ProductRow]
    next_cursor: object
    has_more: bool
    #: False when search took the slower path (the index is being built).
    complete: bool = True


def detail_line(row: ProductRow) -> str:
    """Brand and SKU, the second line under a product's name."""
    brand = in_current_language(row.brand_zh, row.brand_en)
    return f"{brand} · {row.sku}" if brand else row.sku


def _thumbnail_key(path: str) -> str:
    return f"shop-list-thumb:{path}"


def read_thumbnail(path: str) -> QImage | None:
    """The picture at ``path`` scaled to a thumbnail, or None; safe on a worker thread.

    A QImage, not a QPixmap: pixmaps belong to the GUI thread.
    """
    image = QImage(path)
    if image.isNull():
        return None
    return image.scaled(
        THUMBNAIL_PX,
        THUMBNAIL_PX,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def letter_tile(text: str, key: str) -> QPixmap:
    """A coloured square with the first letter of ``text``: the picture of a product without one."""
    letter = (text.strip()[:1] or "?").upper()
    colour = _TILE_COLOURS[sum(key.encode("utf-8")) % len(_TILE_COLOURS)]
    cache_key = f"shop-letter-tile:{letter}:{colour}"
    found = QPixmap()
    if QPixmapCache.find(cache_key, found) and not found.isNull():
        return found
    tile = QPixmap(THUMBNAIL_PX, THUMBNAIL_PX)
    tile.fill(Qt.GlobalColor.transparent)
    painter = QPainter(tile)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour).lighter(185))
    painter.drawRoundedRect(0, 0, THUMBNAIL_PX, THUMBNAIL_PX, 10, 10)
    font = QFont()
    font.setPixelSize(THUMBNAIL_PX // 2)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(colour))
    painter.drawText(tile.rect(), Qt.AlignmentFlag.AlignCenter, letter)
    painter.end()
    QPixmapCache.insert(cache_key, tile)
    return tile


def stock_text(on_hand_milli: int, unit: str) -> str:
    """Stock in the product's unit: whole numbers unless sold by measure."""
    if unit.casefold() in _MEASURED_UNITS or on_hand_milli % 1000:
        return f"{on_hand_milli / 1000:,.3f}".rstrip("0").rstrip(".")
    return f"{on_hand_milli // 1000:,}"


class ProductListModel(QAbstractTableModel):
    """Products of a search or a browse, loaded a page at a time in the background."""

    #: A page (or the first page of a new query) was added.
    page_loaded = Signal()
    #: Loading failed; the text is for the status line.
    load_failed = Signal(str)

    def __init__(
        self,
        database: Database,
        *,
        branch_id: uuid.UUID,
        currency_code: str,
        owner: QWidget | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._branch_id = branch_id
        self._currency = currency(currency_code)
        # Ops started for this model stop delivering once ``owner`` is gone.
        # Held weakly: the owner holds this model, and a cycle of Qt wrappers
        # left to Python's collector may be freed on a worker thread (a crash).
        self._owner_ref = weakref.ref(owner) if owner is not None else None
        self._ids: list[uuid.UUID] = []
        self._known: set[uuid.UUID] = set()
        self._rows: dict[uuid.UUID, ProductRow] = {}
        self._source: Source | None = None
        self._cursor: object = None
        self._has_more = False
        self._fetching = False
        self._complete = True
        # Bumped by every new query: pages of older queries are dropped.
        self._generation = 0
        self._missing: set[uuid.UUID] = set()
        self._rows_loading = False
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(0)
        self._rows_timer.timeout.connect(self._load_missing_rows)
        # Pictures are read on a worker, a batch at a time; until then a letter tile.
        self._pictures_wanted: set[str] = set()
        self._pictures_unreadable: set[str] = set()
        self._pictures_loading = False
        self._pictures_timer = QTimer(self)
        self._pictures_timer.setSingleShot(True)
        self._pictures_timer.setInterval(0)
        self._pictures_timer.timeout.connect(self._load_pictures)
        #: The last op started, so tests and callers can wait on it.
        self.last_op: BackgroundOp[Any] | None = None
        #: The last picture load started (tests wait on it).
        self.pictures_op: BackgroundOp[Any] | None = None

    @property
    def _owner(self) -> QWidget | None:
        return self._owner_ref() if self._owner_ref is not None else None

    # --- queries ------------------------------------------------------------

    @property
    def source(self) -> Source | None:
        return self._source

    @property
    def loading(self) -> bool:
        return self._fetching

    @property
    def has_more(self) -> bool:
        return self._has_more

    @property
    def complete(self) -> bool:
        """False when the search index is being built and the results may miss products."""
        return self._complete

    def show_search(self, typed: str, filter_: CatalogFilter) -> None:
        self._start(SearchSource(typed, filter_))

    def show_browse(self, filter_: CatalogFilter, order: SortOrder) -> None:
        self._start(BrowseSource(filter_, order))

    def _start(self, source: Source) -> None:
        self._generation += 1
        self.beginResetModel()
        self._ids = []
        self._known = set()
        if len(self._rows) > ROW_CACHE_LIMIT:
            self._rows.clear()
        self._source = source
        self._cursor = None
        self._has_more = True
        self._fetching = False
        self._complete = True
        self.endResetModel()
        self._fetch_page()

    def product_ids(self) -> list[uuid.UUID]:
        return list(self._ids)

    def product_id(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, product_id: uuid.UUID) -> int:
        try:
            return self._ids.index(product_id)
        except ValueError:
            return -1

    def cached_row(self, product_id: uuid.UUID) -> ProductRow | None:
        return self._rows.get(product_id)

    def forget_rows(self) -> None:
        """Drop the cached rows (the catalog changed); visible ones reload."""
        self._rows.clear()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, SKU), [Qt.ItemDataRole.DisplayRole]
            )

    def language_changed(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, SKU)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, SKU))

    # --- paging -------------------------------------------------------------

    @override
    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and not self._fetching

    @override
    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetch_page()

    def _fetch_page(self) -> None:
        source = self._source
        if source is None:
            return
        self._fetching = True
        generation = self._generation
        cursor = self._cursor
        branch = self._branch_id
        name_column = "name_zh" if current_language() == ZH_TW else "name_en"

        def load(job: Job) -> _PageResult:
            session = job.session
            ids: tuple[uuid.UUID, ...]
            next_cursor: object
            complete = True
            if isinstance(source, SearchSource):
                found = catalog.search(
                    session,
                    source.typed,
                    source.filter_,
                    after_key=cursor if isinstance(cursor, int) else None,
                    limit=SEARCH_PAGE,
                )
                ids, next_cursor = found.ids, found.next_key
                has_more = found.next_key is not None
                complete = found.complete
            else:
                page = catalog.browse(
                    session,
                    source.filter_,
                    source.order,
                    after=cursor if isinstance(cursor, catalog.PageCursor) else None,
                    limit=BROWSE_PAGE,
                    name_column=name_column,
                )
                ids, next_cursor = page.ids, page.next
                has_more = page.next is not None
            rows = catalog.product_rows(session, ids, branch)
            return _PageResult(generation, ids, rows, next_cursor, has_more, complete)

        self.last_op = (
            BackgroundOp(self._owner, op=load, success=self._add_page, database=self._database)
            .failure(lambda exc: self._failed(generation, exc))
            .run()
        )

    def _add_page(self, result: _PageResult) -> None:
        if result.generation != self._generation:
            return  # an answer to a query nobody is looking at any more
        self._fetching = False
        self._cursor = result.next_cursor
        self._has_more = result.has_more
        self._complete = self._complete and result.complete
        self._rows.update(result.rows)
        # Later search pages may repeat products the first page ranked higher.
        fresh = [pid for pid in dict.fromkeys(result.ids) if pid not in self._known]
        if fresh:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._ids.extend(fresh)
            self._known.update(fresh)
            self.endInsertRows()
        self.page_loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._has_more = False
        from shop_desktop.ui import errors

        if isinstance(exc, StorageError):
            self.load_failed.emit(errors.describe_storage_error(exc))
        else:
            self.load_failed.emit(self.tr("The products could not be loaded."))
            errors.report_exception(exc, self._owner)

    # --- rows read again after the cache was dropped ---------------------------

    def _want_row(self, product_id: uuid.UUID) -> None:
        if product_id not in self._missing:
            self._missing.add(product_id)
            if not self._rows_loading:
                self._rows_timer.start()

    def _load_missing_rows(self) -> None:
        wanted = tuple(self._missing)
        if not wanted or self._rows_loading:
            return
        self._missing.clear()
        self._rows_loading = True
        branch = self._branch_id

        def load(job: Job) -> dict[uuid.UUID, ProductRow]:
            return catalog.product_rows(job.session, wanted, branch)

        def loaded(rows: dict[uuid.UUID, ProductRow]) -> None:
            self._rows_loading = False
            self._rows.update(rows)
            for pid in rows:
                row = self.row_of(pid)
                if row >= 0:
                    self.dataChanged.emit(self.index(row, 0), self.index(row, SKU))
            if self._missing:
                self._rows_timer.start()

        def failed(exc: BaseException) -> None:
            self._rows_loading = False
            log.warning("product rows could not be read again", exc_info=exc)

        BackgroundOp(self._owner, op=load, success=loaded, database=self._database).failure(
            failed
        ).run()

    # --- the model ------------------------------------------------------------

    @override
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    @override
    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else SKU + 1

    @override
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        product_id = self._ids[index.row()]
        if role == PRODUCT_ID_ROLE:
            return product_id
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (PRICE, STOCK):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._picture(product_id) if column == NAME else None
        if role == DETAIL_LINE_ROLE:
            row = self._rows.get(product_id)
            return detail_line(row) if row is not None and column == NAME else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows.get(product_id)
        if row is None:
            self._want_row(product_id)
            return PLACEHOLDER
        return self._text(row, column, role)

    def _text(self, row: ProductRow, column: int, role: int) -> str | None:
        if column == NAME:
            name = in_current_language(row.name_zh, row.name_en)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{name}\n{detail_line(row)}"
            return name
        if column == BRAND:
            return in_current_language(row.brand_zh, row.brand_en)
        if column == PRICE:
            return Money(row.price_minor, self._currency).format()
        if column == STOCK:
            return stock_text(row.on_hand_milli, row.unit)
        if column == SKU:
            return row.sku
        return None

    # --- pictures ---------------------------------------------------------------

    def _picture(self, product_id: uuid.UUID) -> QPixmap | None:
        row = self._rows.get(product_id)
        if row is None:
            return None
        path = row.thumbnail
        if path and path not in self._pictures_unreadable:
            found = QPixmap()
            if QPixmapCache.find(_thumbnail_key(path), found) and not found.isNull():
                return found
            if path not in self._pictures_wanted:
                self._pictures_wanted.add(path)
                if not self._pictures_loading:
                    self._pictures_timer.start()
        name = in_current_language(row.brand_zh, row.brand_en) or in_current_language(
            row.name_zh, row.name_en
        )
        return letter_tile(name, row.brand_en or row.name_en)

    def _load_pictures(self) -> None:
        wanted = tuple(self._pictures_wanted)
        if not wanted or self._pictures_loading:
            return
        self._pictures_loading = True

        def read(_job: Job) -> dict[str, QImage | None]:
            return {path: read_thumbnail(path) for path in wanted}

        def loaded(images: dict[str, QImage | None]) -> None:
            self._pictures_loading = False
            self._pictures_wanted.difference_update(images)
            for path, image in images.items():
                if image is None:
                    self._pictures_unreadable.add(path)
                else:
                    QPixmapCache.insert(_thumbnail_key(path), QPixmap.fromImage(image))
            shown = [r for r, pid in enumerate(self._ids) if self._row_picture(pid) in images]
            if shown:
                self.dataChanged.emit(
                    self.index(min(shown), NAME),
                    self.index(max(shown), NAME),
                    [Qt.ItemDataRole.DecorationRole],
                )
            if self._pictures_wanted:
                self._pictures_timer.start()

        def failed(exc: BaseException) -> None:
            self._pictures_loading = False
            log.warning("product pictures could not be read", exc_info=exc)

        self.pictures_op = (
            BackgroundOp(self._owner, op=read, success=loaded, database=None).failure(failed).run()
        )

    def _row_picture(self, product_id: uuid.UUID) -> str | None:
        row = self._rows.get(product_id)
        return None if row is None else row.thumbnail

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = {
            NAME: self.tr("Name"),
            BRAND: self.tr("Brand"),
            PRICE: self.tr("Price"),
            STOCK: self.tr("Stock here"),
            SKU: self.tr("SKU"),
        }
        return titles.get(section)

    @override
    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


#: The role under which a category item carries its id (None: everything).
CATEGORY_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class CategoryModel(QStandardItemModel):
    """The category tree: small (hundreds at most), so built whole once loaded."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._nodes: list[CategoryNode] = []
        self._items: dict[uuid.UUID, QStandardItem] = {}
        self.set_categories([])

    def set_categories(self, nodes: list[CategoryNode]) -> None:
        self._nodes = list(nodes)
        self.clear()
        everything = QStandardItem(self.tr("All products"))
        everything.setData(None, CATEGORY_ID_ROLE)
        everything.setEditable(False)
        self.appendRow(everything)
        items: dict[uuid.UUID, QStandardItem] = {}
        self._items = items
        # Parents come before children (category_tree's order).
        for node in self._nodes:
            item = QStandardItem(in_current_language(node.name_zh, node.name_en))
            item.setData(node.id, CATEGORY_ID_ROLE)
            item.setEditable(False)
            parent = items.get(node.parent_id) if node.parent_id else None
            (parent or self.invisibleRootItem()).appendRow(item)
            items[node.id] = item

    def language_changed(self) -> None:
        self.set_categories(self._nodes)

    def index_of(self, category_id: uuid.UUID | None) -> QModelIndex:
        if category_id is None:
            return self.index(0, 0)
        item = self._items.get(category_id)
        return item.index() if item is not None else QModelIndex()

    def category_id(self, index: AnyIndex) -> uuid.UUID | None:
        value = index.data(CATEGORY_ID_ROLE) if index.isValid() else None
        return value if isinstance(value, uuid.UUID) else None
