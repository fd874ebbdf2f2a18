"""Checks that run before Qt is imported, so failures read as instructions.

Qt's own errors for a missing library or display are loader messages and
aborts; these checks turn them into one sentence and an ``apt-get`` line.
This module must not import PySide6 at module level.
"""

from __future__ import annotations

import ctypes
import importlib
import importlib.util
import os
import sys
from pathlib import Path

#: Debian/Ubuntu packages that PySide6's wheels load at run time. (No font: the app
#: ships a Chinese one in resources/fonts for its documents and as Qt's fallback.)
DEBIAN_PACKAGES = (
    "libgl1",
    "libegl1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libfontconfig1",
    "libdbus-1-3",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "libxcb-render-util0",
    "libxcb-image0",
)

APT_LINE = "sudo apt-get install " + " ".join(DEBIAN_PACKAGES)


def qt_problem() -> str | None:
    """Return a plain-words description of why Qt cannot start, or None."""
    # Loading the modules is the only reliable probe: Qt's shared libraries
    # are found by the dynamic loader at import time. Nothing here uses Qt.
    try:
        for module in ("PySide6.QtGui", "PySide6.QtWidgets"):
            importlib.import_module(module)
    except ImportError as exc:
        return (
            "Qt could not be loaded: "
            f"{exc}\n"
            "On Debian/Ubuntu the libraries Qt needs come from:\n"
            f"  {APT_LINE}"
        )
    return _xcb_problem()


def _xcb_problem() -> str | None:
    """On X11, load Qt's xcb plugin the way Qt will, and say what it lacks.

    Qt itself only aborts with "could not load the Qt platform plugin";
    the dynamic loader's error names the missing library.
    """
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform not in ("", "xcb"):
        return None
    if not os.environ.get("DISPLAY") or (os.environ.get("WAYLAND_DISPLAY") and not platform):
        return None
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return None
    plugin = Path(spec.origin).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        return (
            f"Qt's X11 support cannot load: {exc}\n"
            "On Debian/Ubuntu the libraries Qt needs come from:\n"
            f"  {APT_LINE}"
        )
    return None


def display_problem() -> str | None:
    """On Linux, say so when there is no screen to show a window on."""
    if not sys.platform.startswith("linux"):
        return None
    if os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY"):
        return None
    if os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "There is no display to show the window on (DISPLAY is not set).\n"
        "Run it inside a desktop session, under a virtual screen with\n"
        "  xvfb-run -a make run\n"
        "or without any window system with QT_QPA_PLATFORM=offscreen."
    )
