"""Chinese text on screen on any machine: the shipped font as Qt's fallback.

The app ships WenQuanYi Micro Hei in ``resources/fonts`` for its documents.
A till whose system has no Traditional Chinese font (a fresh Linux install
without ``fonts-noto-cjk``) would show empty boxes for every Chinese name, so
at start-up the shipped fonts are added to Qt's font database when no system
family can write Traditional Chinese. A system font, where there is one, keeps
the look the platform gives.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFontDatabase

from shop_desktop.resources import resource_path

__all__ = ["ensure_chinese_font", "shipped_font_files"]

log = logging.getLogger(__name__)


def shipped_font_files() -> list[Path]:
    """The TrueType files in ``resources/fonts``, in name order."""
    folder = resource_path("fonts")
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in {".ttf", ".ttc"}
    )


def ensure_chinese_font() -> list[str]:
    """Make sure Qt can draw Traditional Chinese; returns the families added (if any).

    Needs a ``QGuiApplication``.
    """
    if QFontDatabase.families(QFontDatabase.WritingSystem.TraditionalChinese):
        return []
    added: list[str] = []
    for path in shipped_font_files():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id == -1:
            log.warning("the shipped font %s could not be loaded", path)
            continue
        added.extend(QFontDatabase.applicationFontFamilies(font_id))
    if not added:
        log.warning("no font can show Traditional Chinese; Chinese text will not render")
    return added
