"""Imports go one way: domain <- data <- services <- ui (STYLE.md).

Only ``ui/`` may import Qt; the server may reuse domain, data models and
services, never ``ui``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

#: For each layer, the project packages it must not import.
FORBIDDEN = {
    "shop_desktop/domain": ("shop_desktop.data", "shop_desktop.services", "shop_desktop.ui"),
    "shop_desktop/data": ("shop_desktop.services", "shop_desktop.ui"),
    "shop_desktop/services": ("shop_desktop.ui",),
    # The server is a separate program: it shares the wire protocol, not code.
    "shop_server": ("shop_desktop",),
}
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def python_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_there_are_sources_to_check() -> None:
    files = {p.relative_to(SRC).as_posix() for p in python_files()}
    assert "shop_desktop/data/models.py" in files
    assert "shop_desktop/domain/__init__.py" in files


@pytest.mark.parametrize("path", python_files(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_imports_follow_the_layers(path: Path) -> None:
    relative = path.relative_to(SRC).as_posix()
    modules = imported_modules(path)
    if not relative.startswith("shop_desktop/ui/"):
        qt = [m for m in modules if m.split(".")[0] in QT_MODULES]
        assert qt == [], f"{relative} imports Qt outside ui/: {qt}"
    for layer, forbidden in FORBIDDEN.items():
        if relative.startswith(layer + "/"):
            bad = [m for m in modules if m.startswith(forbidden)]
            assert bad == [], f"{relative} ({layer}) imports a layer above it: {bad}"
