"""The detail pane: everything about one product, read in the background."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPixmap, QPixmapCache
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data import catalog
from shop_desktop.data.catalog import ProductDetail, ProductRow
from shop_desktop.data.db import Database
from shop_desktop.domain.money import Money, currency
from shop_desktop.services.recommendations import often_bought_with
from shop_desktop.ui.catalog.models import stock_text
from shop_desktop.ui.i18n import ZH_TW, current_language
from shop_desktop.ui.labels import in_current_language
from shop_desktop.ui.tasks import BackgroundOp, Job

THUMBNAIL_SIZE = 120


def _thumbnail(path: str) -> QPixmap | None:
    """The product's first image, scaled once and kept in Qt's pixmap cache."""
    key = f"shop-thumb:{path}"
    cached = QPixmap()
    if QPixmapCache.find(key, cached) and not cached.isNull():
        return cached
    if not Path(path).is_file():
        return None
    image = QPixmap(path)
    if image.isNull():
        return None
    scaled = image.scaled(
        THUMBNAIL_SIZE,
        THUMBNAIL_SIZE,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    QPixmapCache.insert(key, scaled)
    return scaled


@dataclass(frozen=True)
class _Loaded:
    detail: ProductDetail | None
    together: tuple[ProductRow, ...]


class ProductDetailPane(QWidget):
    """Name, prices, stock here and elsewhere, codes, description and specs."""

    #: The product now shown (after its details arrived), or None.
    detail_shown = Signal(object)

    def __init__(  # noqa: PLR0915 - one pane of labels, built in one place
        self,
        database: Database,
        *,
        branch_id: uuid.UUID,
        currency_code: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("productDetail")
        self._database = database
        self._branch_id = branch_id
        self._currency = currency(currency_code)
        self._wanted: uuid.UUID | None = None
        self.detail: ProductDetail | None = None
        #: "Often bought together", shown under the details.
        self.together_rows: tuple[ProductRow, ...] = ()
        self.last_op: BackgroundOp[Any] | None = None

        self.image = QLabel()
        self.image.setObjectName("productImage")
        self.image.setFixedSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setStyleSheet("background: #f1f3f4; color: #80868b; border-radius: 6px;")
        self.name_zh = QLabel()
        self.name_zh.setObjectName("detailNameZh")
        self.name_zh.setWordWrap(True)
        font = self.name_zh.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.name_zh.setFont(font)
        self.name_en = QLabel()
        self.name_en.setWordWrap(True)
        self.brand = QLabel()
        self.category = QLabel()
        self.category.setWordWrap(True)
        self.price = QLabel()
        self.member_price = QLabel()
        self.stock_here = QLabel()
        self.sku = QLabel()
        self.barcodes = QLabel()
        self.barcodes.setWordWrap(True)
        self.description = QLabel()
        self.description.setWordWrap(True)
        for label in (self.sku, self.barcodes, self.name_zh, self.name_en, self.description):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stock = self._small_table()
        self.specs = self._small_table()
        self.empty = QLabel()
        self.empty.setObjectName("detailEmpty")
        self.empty.setWordWrap(True)

        self._stock_title = QLabel()
        self._specs_title = QLabel()
        self._together_title = QLabel()
        self.together = QListWidget()
        self.together.setObjectName("oftenBoughtTogether")
        self.together.itemActivated.connect(self._suggestion_activated)
        self._content = QWidget()
        # Layouts are attached before they are filled (see the browser).
        inside = QVBoxLayout(self._content)
        inside.setContentsMargins(0, 0, 0, 0)
        inside.addWidget(self.image)
        inside.addWidget(self.name_zh)
        inside.addWidget(self.name_en)
        self._form = QFormLayout()
        inside.addLayout(self._form)
        self._form_labels = [QLabel() for _ in range(7)]
        for caption, value in zip(
            self._form_labels,
            (
                self.brand,
                self.category,
                self.price,
                self.member_price,
                self.stock_here,
                self.sku,
                self.barcodes,
            ),
            strict=True,
        ):
            self._form.addRow(caption, value)
        inside.addWidget(self.description)
        inside.addWidget(self._stock_title)
        inside.addWidget(self.stock)
        inside.addWidget(self._specs_title)
        inside.addWidget(self.specs)
        inside.addWidget(self._together_title)
        inside.addWidget(self.together)
        inside.addStretch(1)
        # Long descriptions and many branches scroll rather than squeeze the tables.
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(self._content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(scroller, 1)
        self._content.setVisible(False)
        self.retranslate()

    @staticmethod
    def _small_table() -> QTableWidget:
        table = QTableWidget(0, 2)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return table

    @staticmethod
    def _fit_height(table: QTableWidget) -> None:
        # Small tables show every row; the pane scrolls instead.
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(table.horizontalHeader().height() + rows + 2 * table.frameWidth())

    def retranslate(self) -> None:
        captions = (
            self.tr("Brand"),
            self.tr("Category"),
            self.tr("Price"),
            self.tr("Member price"),
            self.tr("Stock here"),
            self.tr("SKU"),
            self.tr("Barcodes"),
        )
        for label, text in zip(self._form_labels, captions, strict=True):
            label.setText(text)
        self._stock_title.setText(self.tr("Stock at branches"))
        self._specs_title.setText(self.tr("Specifications"))
        self._together_title.setText(self.tr("Often bought together"))
        self.stock.setHorizontalHeaderLabels([self.tr("Branch"), self.tr("On hand")])
        self.specs.setHorizontalHeaderLabels([self.tr("Property"), self.tr("Value")])
        self.empty.setText(self.tr("Pick a product to see its details."))
        if self.detail is not None:
            self._fill(self.detail)

    @override
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- loading --------------------------------------------------------------

    def show_product(self, product_id: uuid.UUID | None) -> None:
        """Show this product (read in the background); None empties the pane."""
        self._wanted = product_id
        if product_id is None:
            self.detail = None
            self._content.setVisible(False)
            self.empty.setVisible(True)
            return
        branch = self._branch_id

        def load(job: Job) -> _Loaded:
            detail = catalog.product_detail(job.session, product_id, branch)
            if detail is None:
                return _Loaded(None, ())
            suggestions = often_bought_with(job.session, [product_id], limit=5)
            rows = catalog.product_rows(job.session, [s.product_id for s in suggestions], branch)
            return _Loaded(
                detail, tuple(rows[s.product_id] for s in suggestions if s.product_id in rows)
            )

        self.last_op = BackgroundOp(
            self, op=load, success=self._arrived, database=self._database
        ).run()

    def _arrived(self, loaded: _Loaded) -> None:
        detail = loaded.detail
        if detail is None or detail.row.id != self._wanted:
            return  # gone meanwhile, or the cashier already moved on
        self.detail = detail
        self.together_rows = loaded.together
        self._fill(detail)
        self.detail_shown.emit(detail.row.id)

    def _suggestion_activated(self, item: QListWidgetItem) -> None:
        product_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(product_id, uuid.UUID):
            self.show_product(product_id)

    def _fill(self, detail: ProductDetail) -> None:
        row = detail.row
        english = current_language() != ZH_TW
        self.name_zh.setText(row.name_zh)
        self.name_en.setText(row.name_en)
        self.brand.setText(in_current_language(row.brand_zh, row.brand_en) or "—")
        path = detail.category_path_en if english else detail.category_path_zh
        self.category.setText(" › ".join(path) or "—")
        self.price.setText(Money(row.price_minor, self._currency).format())
        self.member_price.setText(
            Money(row.member_price_minor, self._currency).format()
            if row.member_price_minor is not None
            else "—"
        )
        self.stock_here.setText(stock_text(row.on_hand_milli, row.unit))
        self.sku.setText(row.sku)
        self.barcodes.setText(", ".join(detail.barcodes) or "—")
        self.description.setText(detail.description)
        self.description.setVisible(bool(detail.description))
        self.stock.setRowCount(len(detail.stock))
        for number, branch in enumerate(detail.stock):
            name = in_current_language(branch.name_zh, branch.name_en)
            if branch.branch_id == self._branch_id:
                name = self.tr("{branch} (here)").format(branch=name)
            self.stock.setItem(number, 0, QTableWidgetItem(name))
            amount = QTableWidgetItem(stock_text(branch.on_hand_milli, row.unit))
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.stock.setItem(number, 1, amount)
        self.specs.setRowCount(len(detail.specs))
        for number, (key, value) in enumerate(detail.specs):
            self.specs.setItem(number, 0, QTableWidgetItem(key))
            self.specs.setItem(number, 1, QTableWidgetItem(value))
        self._fit_height(self.stock)
        self._fit_height(self.specs)
        self._specs_title.setVisible(bool(detail.specs))
        self.specs.setVisible(bool(detail.specs))
        pixmap = _thumbnail(detail.images[0]) if detail.images else None
        if pixmap is None:
            self.image.setPixmap(QPixmap())
            self.image.setText(self.tr("No picture"))
        else:
            self.image.setPixmap(pixmap)
        self.together.clear()
        for suggestion in self.together_rows:
            name = in_current_language(suggestion.name_zh, suggestion.name_en)
            price = Money(suggestion.price_minor, self._currency).format()
            item = QListWidgetItem(f"{name}  {price}")
            item.setData(Qt.ItemDataRole.UserRole, suggestion.id)
            self.together.addItem(item)
        self.together.setFixedHeight(
            self.together.sizeHintForRow(0) * max(len(self.together_rows), 1) + 6
        )
        self._together_title.setVisible(bool(self.together_rows))
        self.together.setVisible(bool(self.together_rows))
        self.empty.setVisible(False)
        self._content.setVisible(True)

    def stock_rows(self) -> list[tuple[str, str]]:
        """The branch stock table as shown (for tests and accessibility)."""

        def cell(row: int, column: int) -> str:
            item = self.stock.item(row, column)
            return item.text() if item is not None else ""

        return [(cell(r, 0), cell(r, 1)) for r in range(self.stock.rowCount())]
