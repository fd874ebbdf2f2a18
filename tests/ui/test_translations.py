"""Every string on screen has a Traditional Chinese translation, compiled and current."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from shop_desktop.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TS = resource_path("i18n", "shop_desktop_zh_TW.ts")
QM = resource_path("i18n", "shop_desktop_zh_TW.qm")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else name


def _parse(ts: Path) -> ET.Element:
    return ET.parse(ts).getroot()  # noqa: S314 - our own catalogue, not untrusted input


def _messages(ts: Path) -> list[ET.Element]:
    return list(_parse(ts).iter("message"))


def _refreshed_copy(tmp_path: Path) -> Path:
    """The catalogue as it would be after running lupdate on today's sources."""
    copy = tmp_path / TS.name
    shutil.copyfile(TS, copy)
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            "-no-obsolete",
            "-extensions",
            "py",
            "-recursive",
            "src/shop_desktop/ui",
            "src/shop_desktop/app.py",
            "-ts",
            str(copy),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return copy


def test_every_source_string_is_translated(tmp_path: Path) -> None:
    messages = _messages(_refreshed_copy(tmp_path))
    assert len(messages) > 50
    untranslated = []
    for message in messages:
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if (
            translation is None
            or translation.get("type") in ("unfinished", "vanished", "obsolete")
            or not (translation.text or "").strip()
        ):
            untranslated.append(source)
    assert untranslated == [], "run `make translations` and translate these"


def test_translations_keep_their_placeholders() -> None:
    for message in _messages(TS):
        source = message.findtext("source") or ""
        translation = message.findtext("translation") or ""
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translation)), (
            source
        )


def test_the_committed_catalogue_matches_the_sources(tmp_path: Path) -> None:
    def keyed(ts: Path) -> set[tuple[str, str]]:
        root = _parse(ts)
        return {
            (context.findtext("name") or "", message.findtext("source") or "")
            for context in root.iter("context")
            for message in context.iter("message")
        }

    assert keyed(_refreshed_copy(tmp_path)) == keyed(TS)


def test_the_compiled_catalogue_is_current(tmp_path: Path) -> None:
    compiled = tmp_path / QM.name
    subprocess.run(
        [_tool("pyside6-lrelease"), str(TS), "-qm", str(compiled)],
        check=True,
        capture_output=True,
    )
    assert QM.read_bytes() == compiled.read_bytes(), "run `make translations`"
