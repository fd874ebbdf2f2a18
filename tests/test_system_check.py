"""Pre-flight checks turn loader failures into an apt-get line."""

from __future__ import annotations

import importlib.machinery
import importlib.util
from pathlib import Path

import pytest

from shop_desktop import system_check


def test_a_usable_qt_has_no_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert system_check.qt_problem() is None


def test_an_xcb_plugin_that_cannot_load_names_the_packages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A plugin the dynamic loader rejects, where Qt would look for it.
    platforms = tmp_path / "PySide6" / "Qt" / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    (platforms / "libqxcb.so").write_bytes(b"not an ELF file")
    fake = importlib.machinery.ModuleSpec(
        "PySide6", None, origin=str(tmp_path / "PySide6" / "__init__.py")
    )
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: fake)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)

    problem = system_check._xcb_problem()

    assert problem is not None
    assert "X11" in problem
    assert "libxcb-cursor0" in problem
    assert "apt-get install" in problem


def test_no_display_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    problem = system_check.display_problem()
    assert problem is not None
    assert "xvfb-run" in problem
