"""Chinese shows on screen even where the system has no Chinese font."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from shop_desktop.ui.fonts import ensure_chinese_font, shipped_font_files


def test_qt_can_draw_traditional_chinese_after_start_up(qtbot: QtBot) -> None:
    assert [p.name for p in shipped_font_files()] == ["wqy-microhei.ttc"]
    ensure_chinese_font()
    families = QFontDatabase.families(QFontDatabase.WritingSystem.TraditionalChinese)
    assert families
    # The family Qt falls back to has a glyph for every character a receipt shows.
    metrics = QFontMetrics(QFont(families[0]))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "鮮乳發票統一編號")
    label = QLabel("鮮乳 發票")
    qtbot.addWidget(label)
    assert QFontMetrics(label.font()).horizontalAdvance(label.text()) > 0
    # A second call adds nothing: a Chinese family is already there.
    assert ensure_chinese_font() == []
