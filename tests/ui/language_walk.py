"""Reading the screen as a person does: is any text cut, is any text in the other language?

The catalogue (``resources/i18n/shop_desktop_zh_TW.ts``) says which texts are ours
and what each reads in the other language; the database says which texts are data
(product, member and branch names), which may be in either language.

A text is cut when it is wider than the room its widget gives it: a label's
contents, a button's or check box's text area, a combo box's field, a tab, a
group box's frame, a table's column, an empty field's hint. Table cells that
elide and tell their whole text in a tooltip do not count. A column that a
table scrolls sideways to is not cut (whether a table should need that is a
question for its layout); a list or tree without column headers is read down,
so its own edge cuts a name.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QTabBar,
    QTableView,
    QToolButton,
    QTreeView,
    QWidget,
)
from sqlalchemy import String, Text, select

from shop_desktop.data.db import Database
from shop_desktop.data.models import Base
from shop_desktop.resources import resource_path

TS = resource_path("i18n", "shop_desktop_zh_TW.ts")
#: ``{name}`` placeholders and Qt's ``%n``/``%1`` ones.
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%L?n|%\d")
#: Han, CJK punctuation and full-width forms: what an English screen never shows of its own.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
LETTERS = re.compile(r"[A-Za-z]")
TAG = re.compile(r"<[A-Za-z/][^>]*>")
#: A long English sentence inside a bigger text is ours, not data.
LONG_SOURCE_CHARS = 16


def plain(text: str) -> str:
    """The text as read: no mnemonic ampersands."""
    return re.sub(r"&(&?)", r"\1", text)


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _pattern(template: str) -> re.Pattern[str]:
    pieces = PLACEHOLDER.split(plain(template))
    return re.compile("(?:.+?)".join(re.escape(piece) for piece in pieces), re.DOTALL)


def _literal(template: str) -> str:
    return "".join(PLACEHOLDER.split(plain(template)))


@dataclass(repr=False)
class Catalogue:
    """Each language's own texts (those that differ in the other), as patterns.

    A placeholder in a text matches anything.
    """

    #: English source → its pattern; only sources translated to something else.
    english: dict[str, re.Pattern[str]] = field(default_factory=dict)
    #: Traditional Chinese translation → its pattern; only those that differ from the source.
    chinese: dict[str, re.Pattern[str]] = field(default_factory=dict)
    #: Plain English sentences (no placeholders) that are translated: found inside bigger texts too.
    english_sentences: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, ts: Path = TS) -> Catalogue:
        catalogue = cls()
        root = ET.parse(ts).getroot()  # noqa: S314 - our own catalogue
        for message in root.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None:
                continue
            forms = [f.text or "" for f in translation.iter("numerusform")] or [
                translation.text or ""
            ]
            differing = [form for form in forms if form and plain(form) != plain(source)]
            if not differing:
                continue
            if len(LETTERS.findall(_literal(source))) >= 2:
                catalogue.english[source] = _pattern(source)
                if not PLACEHOLDER.search(source) and len(source) >= LONG_SOURCE_CHARS:
                    catalogue.english_sentences.add(plain(source))
            for form in differing:
                if CJK.search(_literal(form)):
                    catalogue.chinese[form] = _pattern(form)
        catalogue.most_specific_first()
        return catalogue

    def most_specific_first(self) -> None:
        """Patterns with more words of their own are tried first: they name the culprit best."""
        for patterns in (self.english, self.chinese):
            ordered = sorted(patterns.items(), key=lambda item: -len(_literal(item[0])))
            patterns.clear()
            patterns.update(ordered)

    def chinese_match(self, text: str) -> str | None:
        shown = plain(text).strip()
        for translation, pattern in self.chinese.items():
            if pattern.fullmatch(shown):
                return translation
        return None

    def english_match(self, text: str) -> str | None:
        shown = plain(text).strip()
        for source, pattern in self.english.items():
            if pattern.fullmatch(shown):
                return source
        for sentence in self.english_sentences:
            if sentence in shown:
                return sentence
        return None


def stored_texts(database: Database) -> str:
    """Every text value in the database, one per line: what may show as data in any language."""
    values: set[str] = set()
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, (String, Text)):
                    for value in session.scalars(select(column).distinct()):
                        if isinstance(value, str) and value:
                            values.add(value)
    return "\n".join(sorted(values))


def object_path(widget: QWidget) -> str:
    """``mainWindow/QStackedWidget/OrdersPlace/…/QComboBox[2]``: where a widget is."""
    parts: list[str] = []
    current: QWidget | None = widget
    while current is not None:
        name = current.objectName() or type(current).__name__
        parent = current.parentWidget()
        if parent is not None and not current.objectName():
            same = [c for c in parent.children() if type(c) is type(current)]
            if len(same) > 1:
                name += f"[{same.index(current)}]"
        parts.append(name)
        current = parent
    return "/".join(reversed(parts))


@dataclass(frozen=True)
class Shown:
    """One text on screen, and how much room it has (None: not measured)."""

    where: str
    text: str
    needs: int | None = None
    room: int | None = None

    @property
    def cut(self) -> bool:
        return self.needs is not None and self.room is not None and self.needs > self.room


def _label(label: QLabel) -> Iterator[Shown]:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and TAG.search(text) is not None
    )
    if rich:
        text = re.sub(r"<[^>]+>", "\n", text)
        for line in lines_of(text):
            yield Shown(object_path(label), line)
        return
    room = label.contentsRect().width() - 2 * label.margin()
    metrics = label.fontMetrics()
    if label.buddy() is not None:
        text = plain(text)
    elided_on_purpose = bool(label.toolTip())
    for line in lines_of(text):
        if label.wordWrap() or (elided_on_purpose and line.endswith("…")):
            yield Shown(object_path(label), line)
        else:
            yield Shown(object_path(label), line, metrics.horizontalAdvance(line), room)


def _button(button: QAbstractButton) -> Iterator[Shown]:
    text = plain(button.text())
    if not text:
        return
    style = button.style()
    option = QStyleOptionButton()
    option.initFrom(button)
    option.text = button.text()
    option.icon = button.icon()
    option.iconSize = button.iconSize()
    icon = 0 if button.icon().isNull() else button.iconSize().width() + 4
    if isinstance(button, QCheckBox):
        room = style.subElementRect(QStyle.SubElement.SE_CheckBoxContents, option, button).width()
    elif isinstance(button, QRadioButton):
        room = style.subElementRect(
            QStyle.SubElement.SE_RadioButtonContents, option, button
        ).width()
    elif isinstance(button, QPushButton):
        room = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button).width()
        if button.menu() is not None:
            room -= style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, option, button)
    elif isinstance(button, QToolButton):
        if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
            return
        yield Shown(object_path(button), text, button.sizeHint().width(), button.width())
        return
    else:
        yield Shown(object_path(button), text)
        return
    for line in lines_of(text):
        yield Shown(
            object_path(button), line, button.fontMetrics().horizontalAdvance(line), room - icon
        )


def _combo(combo: QComboBox) -> Iterator[Shown]:
    text = combo.currentText()
    if not text:
        return
    if combo.isEditable():
        yield Shown(object_path(combo), text)
        return
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.editable = False
    option.frame = combo.hasFrame()
    option.currentText = text
    option.subControls = QStyle.SubControl.SC_All
    field_rect = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    icon = 0 if combo.itemIcon(combo.currentIndex()).isNull() else combo.iconSize().width() + 4
    yield Shown(
        object_path(combo),
        text,
        combo.fontMetrics().horizontalAdvance(text),
        field_rect.width() - icon,
    )


def _placeholder(edit: QLineEdit) -> Iterator[Shown]:
    """The grey hint in an empty field: Qt elides it when the field is too narrow."""
    option = QStyleOptionFrame()
    option.initFrom(edit)
    option.lineWidth = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, edit)
    contents = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    room = contents.width() - margins.left() - margins.right() - 4  # Qt's horizontal margin
    text = edit.placeholderText()
    yield Shown(
        object_path(edit) + "#placeholder", text, edit.fontMetrics().horizontalAdvance(text), room
    )


def _tabs(bar: QTabBar) -> Iterator[Shown]:
    space = bar.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    for index in range(bar.count()):
        if not bar.isTabVisible(index):
            continue
        text = plain(bar.tabText(index))
        icon = 0 if bar.tabIcon(index).isNull() else bar.iconSize().width() + 4
        rect = bar.tabRect(index)
        # A tab pushed past the bar's end (behind scroll arrows) is not readable either.
        room = min(rect.width(), bar.width() - rect.left()) - space - icon
        yield Shown(
            f"{object_path(bar)}#tab{index}", text, bar.fontMetrics().horizontalAdvance(text), room
        )


def _group(box: QGroupBox) -> Iterator[Shown]:
    title = plain(box.title())
    if title:
        # The title sits inside the frame with a little space either side.
        yield Shown(
            f"{object_path(box)}#title",
            title,
            box.fontMetrics().horizontalAdvance(title),
            box.width() - 16,
        )


def _header(header: QHeaderView, model: QAbstractItemModel) -> Iterator[Shown]:
    if not header.isVisible() or header.orientation() != Qt.Orientation.Horizontal:
        return
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    for section in range(header.count()):
        if header.isSectionHidden(section) or header.sectionSize(section) == 0:
            continue
        value = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not isinstance(value, str) or not value:
            continue
        if header.sectionViewportPosition(section) >= header.width():
            continue  # scrolled out of sight: read when scrolled to
        # The room the section gives; a table scrolled sideways is a layout matter.
        room = header.sectionSize(section) - margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
            room -= header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
        for line in lines_of(value):
            yield Shown(
                f"{object_path(header)}#section{section}",
                line,
                header.fontMetrics().horizontalAdvance(line),
                room,
            )


def _cells(view: QAbstractItemView) -> Iterator[Shown]:
    """The cells on screen; one that is elided but tells its whole text in a tooltip is fine."""
    model = view.model()
    if model is None:
        return
    viewport = view.viewport().rect()
    style = view.style()
    padding = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    metrics = view.fontMetrics()
    header = (
        view.horizontalHeader()
        if isinstance(view, QTableView)
        else view.header()
        if isinstance(view, QTreeView)
        else None
    )
    headless = header is None or header.isHidden()
    for index in _indexes(model, view):
        rect = view.visualRect(index)
        if not rect.intersects(viewport):
            continue
        value = model.data(index, Qt.ItemDataRole.DisplayRole)
        if not isinstance(value, str) or not value:
            continue
        where = f"{object_path(view)}#cell{index.row()},{index.column()}"
        told = bool(model.data(index, Qt.ItemDataRole.ToolTipRole))
        if told or view.textElideMode() == Qt.TextElideMode.ElideNone:
            for line in lines_of(value):
                yield Shown(where, line)
            continue
        room = rect.width() - padding
        if headless:
            # A list or tree is read down, not scrolled sideways: its edge cuts.
            room = min(rect.right(), viewport.right()) - rect.left() - padding
        if model.data(index, Qt.ItemDataRole.DecorationRole) is not None:
            room -= view.iconSize().width() + 4 if view.iconSize().isValid() else 20
        if model.data(index, Qt.ItemDataRole.CheckStateRole) is not None:
            room -= style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, view) + 4
        for line in lines_of(value):
            yield Shown(where, line, metrics.horizontalAdvance(line), room)


def _indexes(model: QAbstractItemModel, view: QAbstractItemView) -> Iterator[QModelIndex]:
    """The first rows (and, in a tree, the expanded children) of every column."""
    pending = [QModelIndex()]
    seen = 0
    while pending and seen < 200:
        parent = pending.pop(0)
        for row in range(min(model.rowCount(parent), 60)):
            seen += 1
            for column in range(model.columnCount(parent)):
                yield model.index(row, column, parent)
            first = model.index(row, 0, parent)
            if isinstance(view, QTreeView) and view.isExpanded(first):
                pending.append(first)


def _menu(menu: QMenu, where: str) -> Iterator[Shown]:
    title = menu.title()
    if title:
        yield Shown(f"{where}/menu", title)
    for action in menu.actions():
        if action.text():
            yield Shown(f"{where}/{plain(menu.title())}/action", action.text())


def shown_texts(window: QWidget) -> list[Shown]:
    """Every text a person can read in the window (or dialog) now."""
    texts = [Shown("window#title", window.windowTitle())]
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu):
                texts.extend(_menu(menu, "window#menu"))
        message = window.statusBar().currentMessage()
        if message:
            texts.append(Shown("window#statusMessage", message))
    for widget in window.findChildren(QWidget):
        if widget.isVisible():
            texts.extend(_widget_texts(widget))
    return texts


def _widget_texts(widget: QWidget) -> Iterator[Shown]:
    if isinstance(widget, QLabel):
        yield from _label(widget)
    elif isinstance(widget, QAbstractButton):
        yield from _button(widget)
    elif isinstance(widget, QComboBox):
        yield from _combo(widget)
    elif isinstance(widget, QTabBar):
        yield from _tabs(widget)
    elif isinstance(widget, QGroupBox):
        yield from _group(widget)
    elif isinstance(widget, QLineEdit) and not widget.text() and widget.placeholderText():
        yield from _placeholder(widget)
    elif isinstance(widget, QListWidget):
        for row in range(widget.count()):
            item = widget.item(row)
            if not item.isHidden() and item.text():
                yield Shown(f"{object_path(widget)}#item{row}", item.text())
    elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
        header = getattr(widget, "horizontalHeader", None)
        if callable(header):
            found = header()
            if isinstance(found, QHeaderView):
                yield from _header(found, widget.model())
        yield from _cells(widget)


@dataclass(repr=False)
class Reader:
    """Judges what is shown against the language the screens should speak."""

    catalogue: Catalogue
    #: Every stored text, one per line.
    data: str = field(repr=False)

    def __post_init__(self) -> None:
        self._values = set(self.data.splitlines())

    def _is_data(self, text: str) -> bool:
        return text.strip() in self._values

    def problems(self, texts: Iterable[Shown], language: str) -> list[str]:
        found: list[str] = []
        for shown in texts:
            if shown.cut:
                found.append(
                    f"{shown.where}: {shown.text!r} is cut ({shown.needs} px in {shown.room} px)"
                )
            problem = self._language_problem(shown.text, language)
            if problem:
                found.append(f"{shown.where}: {shown.text!r} {problem}")
        return sorted(set(found))

    def _language_problem(self, text: str, language: str) -> str | None:
        if self._is_data(text):
            return None
        if language == "en":
            for line in [text, *lines_of(text)]:
                translation = self.catalogue.chinese_match(line)
                if translation is not None:
                    return f"is Chinese in English (catalogue: {translation!r})"
            for run in CJK.findall(text):
                if run not in self.data:
                    return f"has Chinese {run!r} that is neither English nor data"
            return None
        for line in [text, *lines_of(text)]:
            if self._is_data(line):
                continue
            source = self.catalogue.english_match(line)
            if source is not None:
                return f"is English in Chinese (catalogue: {source!r})"
        return None
