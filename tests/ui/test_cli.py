"""The ``shop-desktop`` command answers --help and --version without Qt or a display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from shop_desktop.app import LaunchOptions, parse_options

SCRIPT = Path(sys.executable).with_name("shop-desktop")


def _command(*args: str) -> list[str]:
    if SCRIPT.exists():
        return [str(SCRIPT), *args]
    return [sys.executable, "-m", "shop_desktop.app", *args]


def _without_display() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    return env


def test_help_works_without_a_display() -> None:
    done = subprocess.run(
        _command("--help"), env=_without_display(), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    for option in ("--db", "--data-dir", "--lang", "--demo-products", "--version"):
        assert option in done.stdout


def test_version_works_without_a_display() -> None:
    done = subprocess.run(
        _command("--version"), env=_without_display(), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("shop-desktop ")


def test_help_and_version_do_not_load_qt() -> None:
    probe = (
        "import sys\n"
        "from shop_desktop.app import main\n"
        "assert main(['--version']) == 0\n"
        "assert main(['--help']) == 0\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was loaded'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=_without_display(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_no_display_is_explained_with_exit_code_3(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        return
    done = subprocess.run(
        _command("--data-dir", str(tmp_path)),
        env=_without_display(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3
    assert "DISPLAY" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_options_are_parsed() -> None:
    options = parse_options(
        ["--db", "till/a.db", "--data-dir", "shop-data", "--lang", "en", "--demo-products", "50"]
    )
    assert options == LaunchOptions(
        db=Path("till/a.db"), data_dir=Path("shop-data"), language="en", demo_products=50
    )
    assert parse_options([]) == LaunchOptions()
