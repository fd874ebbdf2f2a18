"""Which language the screens speak, switched live.

English is the source language; Traditional Chinese comes from the compiled
catalogue in ``resources/i18n`` plus Qt's own ``qtbase`` catalogue for the
standard buttons. English has a small catalogue of its own too: only the
counted messages (``self.tr("%n match(es)", "", n)``), whose singular and
plural forms ("1 match", "2 matches") the source text cannot give by itself.
Installing or removing a translator makes Qt send every widget a
``LanguageChange`` event, on which each one re-reads its texts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QTranslator,
)
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel
from typing_extensions import override

from shop_desktop.resources import resource_path

log = logging.getLogger(__name__)

ZH_TW = "zh_TW"
EN = "en"
LANGUAGES = (ZH_TW, EN)
DEFAULT_LANGUAGE = ZH_TW

#: Each language named in itself, the way a language menu should read.
LANGUAGE_NAMES = {ZH_TW: "繁體中文", EN: "English"}

# Fonts that carry Traditional Chinese glyph shapes; without one, fontconfig
# may fall back to a Simplified or Japanese face for the same code points.
_TRADITIONAL_CHINESE_FONTS = (
    "Noto Sans CJK TC",
    "Noto Sans TC",
    "Microsoft JhengHei UI",
    "Microsoft JhengHei",
    "PingFang TC",
    # Shipped in resources/fonts; Qt gets it where the system has no Chinese face.
    "WenQuanYi Micro Hei",
)

#: Cashiers read the screen at arm's length: a step above the desktop default.
BASE_POINT_SIZE = 11

_installed: list[QTranslator] = []
_current = EN


def current_language() -> str:
    return _current


def switch_language(code: str) -> None:
    """Install the translators for ``code`` (removing the previous ones)."""
    global _current  # noqa: PLW0603 - one language per running application
    app = QCoreApplication.instance()
    assert app is not None, "a QApplication must exist first"
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    ours = QTranslator(app)
    catalogue = resource_path("i18n", f"shop_desktop_{code}.qm")
    if ours.load(str(catalogue)):
        _installed.append(ours)
    else:
        log.warning("translation catalogue %s could not be loaded", catalogue)
    if code == ZH_TW:
        qt_own = QTranslator(app)
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load("qtbase_zh_TW", qt_folder):
            _installed.append(qt_own)
    # Before the translators go in: widgets re-read their texts (numbers in
    # the locale, words in the language) as each one is installed.
    if code == ZH_TW:
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.Taiwan))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    _current = code
    for translator in _installed:
        app.installTranslator(translator)


def set_up_fonts(app: QApplication) -> None:
    """A slightly larger base font in a face with Traditional Chinese glyphs."""
    from shop_desktop.ui.fonts import ensure_chinese_font

    ensure_chinese_font()
    font = QFont(app.font())
    families = set(QFontDatabase.families())
    for family in _TRADITIONAL_CHINESE_FONTS:
        if family in families:
            font.setFamilies([family, *(f for f in font.families() if f != family)])
            break
    font.setPointSize(max(font.pointSize(), BASE_POINT_SIZE))
    if font != app.font():
        app.setFont(font)


class _Sayer(QObject):
    """Keeps the words a label shows and says them again after a language switch."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label)
        self.words: Callable[[], str] | None = None
        #: The text last said: a label since cleared or given other text is left alone.
        self.said = ""
        label.installEventFilter(self)

    def say(self, label: QLabel) -> None:
        self.said = self.words() if self.words is not None else ""
        label.setText(self.said)

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.LanguageChange
            and self.words is not None
            and isinstance(watched, QLabel)
            and watched.text() == self.said
        ):
            self.say(watched)
        return False


def say(label: QLabel, words: Callable[[], str] | None) -> None:
    """Show ``words()`` in ``label``, and again in the new language after every switch.

    For what a screen tells once (a refusal, "Order 42 is cancelled."): the
    words are made by a function of the moment's translation (``lambda:
    self.tr(...).format(...)``), not kept as a finished string. ``None``
    clears the label. A label since cleared or given other text with
    ``setText`` keeps that until the next :func:`say`.
    """
    sayer = label.findChild(_Sayer, "", Qt.FindChildOption.FindDirectChildrenOnly)
    if sayer is None:
        sayer = _Sayer(label)
    sayer.words = words
    sayer.say(label)
