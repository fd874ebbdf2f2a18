"""Where the shipped resources (translations, fonts, icons) are on disk.

An installed wheel carries them inside the package; a source checkout has
them in the top-level ``resources/`` folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    bundled = _PACKAGE_DIR / "resources"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
