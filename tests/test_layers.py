"""Imports go one way: domain <- data <- services <- ui (STYLE.md).

Only ``ui/`` may import Qt. The server imports nothing of the till: what the
two share (op names, payload versions, pure rules) is ``shop_shared``, which
both may import and which imports only the standard library and itself.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

#: For each layer, the project packages it must not import.
FORBIDDEN = {
    "shop_desktop/domain": ("shop_desktop.data", "shop_desktop.services", "shop_desktop.ui"),
    "shop_desktop/data": ("shop_desktop.services", "shop_desktop.ui"),
    "shop_desktop/services": ("shop_desktop.ui",),
    # The server is a separate program: it shares shop_shared, nothing of the till.
    "shop_server": ("shop_desktop",),
    "shop_shared": ("shop_desktop", "shop_server", "sqlalchemy"),
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
    if relative.startswith("shop_shared/"):
        # Qt-free, database-free: both programs import it without pulling in the other's world.
        outside = [
            m
            for m in modules
            if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "shop_shared"
        ]
        assert outside == [], (
            f"{relative} (shop_shared) imports beyond the standard library: {outside}"
        )


def test_the_shared_package_is_checked() -> None:
    files = {p.relative_to(SRC).as_posix() for p in python_files()}
    assert {"shop_shared/ops.py", "shop_shared/rounding.py", "shop_shared/points.py"} <= files


def _sqlalchemy_imports(path: Path) -> list[str]:
    """Every way this file names SQLAlchemy for import, wherever the import sits.

    ``ast.walk`` visits imports inside functions, classes and ``if
    TYPE_CHECKING:`` blocks too; ``importlib.import_module("sqlalchemy...")``
    and ``__import__`` with a literal name count as well.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if called in {"import_module", "__import__"} and isinstance(first, ast.Constant):
                names = [str(first.value)]
        line = getattr(node, "lineno", 0)
        found += [f"line {line}: {name}" for name in names if name.split(".")[0] == "sqlalchemy"]
    return found


#: The background-work helper gives each job its Session; it alone under ui/ knows SQLAlchemy.
UI_MAY_IMPORT_SQLALCHEMY = frozenset({"shop_desktop/ui/tasks.py"})


def test_ui_holds_no_sql() -> None:
    """Screens read and write through services, which hand back frozen values."""
    ui_files = [
        p for p in python_files() if p.relative_to(SRC).as_posix().startswith("shop_desktop/ui/")
    ]
    assert len(ui_files) > 10
    offenders = {
        relative: found
        for path in ui_files
        if (relative := path.relative_to(SRC).as_posix()) not in UI_MAY_IMPORT_SQLALCHEMY
        and (found := _sqlalchemy_imports(path))
    }
    assert offenders == {}, (
        f"ui/ modules importing SQLAlchemy (move the query to a service): {offenders}"
    )


def test_the_sql_check_sees_nested_and_deferred_imports(tmp_path: Path) -> None:
    sample = tmp_path / "screen.py"
    sample.write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "import importlib\n"
        "if TYPE_CHECKING:\n"
        "    from sqlalchemy.orm import Session\n"
        "def load() -> None:\n"
        "    import sqlalchemy as sa\n"
        "    importlib.import_module('sqlalchemy.sql')\n"
        "import shop_desktop.services.orders\n",
        encoding="utf-8",
    )
    assert _sqlalchemy_imports(sample) == [
        "line 5: sqlalchemy.orm",
        "line 7: sqlalchemy",
        "line 8: sqlalchemy.sql",
    ]
