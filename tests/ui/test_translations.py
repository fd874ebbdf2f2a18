"""Every string on screen has a Traditional Chinese translation, compiled and current.

English, the source language, has a catalogue of its counted messages only
(``%n match(es)``): the singular and plural forms the source cannot give.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from shop_desktop.resources import resource_path
from shop_desktop.ui import i18n

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TS = resource_path("i18n", "shop_desktop_zh_TW.ts")
QM = resource_path("i18n", "shop_desktop_zh_TW.qm")
EN_TS = resource_path("i18n", "shop_desktop_en.ts")
EN_QM = resource_path("i18n", "shop_desktop_en.qm")
#: Each catalogue, and what lupdate keeps in it.
CATALOGUES = pytest.mark.parametrize(
    ("ts", "qm", "only"),
    [(TS, QM, ()), (EN_TS, EN_QM, ("-pluralonly",))],
    ids=["zh_TW", "en"],
)
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else name


def _parse(ts: Path) -> ET.Element:
    return ET.parse(ts).getroot()  # noqa: S314 - our own catalogue, not untrusted input


def _messages(ts: Path) -> list[ET.Element]:
    return list(_parse(ts).iter("message"))


def _refreshed_copy(tmp_path: Path, ts: Path = TS, only: tuple[str, ...] = ()) -> Path:
    """The catalogue as it would be after running lupdate on today's sources."""
    copy = tmp_path / ts.name
    shutil.copyfile(ts, copy)
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            "-no-obsolete",
            *only,
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


@CATALOGUES
def test_every_source_string_is_translated(
    tmp_path: Path, ts: Path, qm: Path, only: tuple[str, ...]
) -> None:
    messages = _messages(_refreshed_copy(tmp_path, ts, only))
    assert len(messages) > (50 if not only else 5)
    untranslated = []
    for message in messages:
        source = message.findtext("source") or ""
        translation = message.find("translation")
        forms = [] if translation is None else list(translation.iter("numerusform"))
        texts = [f.text or "" for f in forms] or [
            "" if translation is None else translation.text or ""
        ]
        if (
            translation is None
            or translation.get("type") in ("unfinished", "vanished", "obsolete")
            or not all(text.strip() for text in texts)
        ):
            untranslated.append(source)
    assert untranslated == [], "run `make translations` and translate these"


@CATALOGUES
def test_translations_keep_their_placeholders(ts: Path, qm: Path, only: tuple[str, ...]) -> None:
    for message in _messages(ts):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None, source
        forms = [f.text or "" for f in translation.iter("numerusform")]
        for text in forms or [translation.text or ""]:
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), source


@CATALOGUES
def test_the_committed_catalogue_matches_the_sources(
    tmp_path: Path, ts: Path, qm: Path, only: tuple[str, ...]
) -> None:
    def keyed(ts: Path) -> set[tuple[str, str]]:
        root = _parse(ts)
        return {
            (context.findtext("name") or "", message.findtext("source") or "")
            for context in root.iter("context")
            for message in context.iter("message")
        }

    assert keyed(_refreshed_copy(tmp_path, ts, only)) == keyed(ts)


@CATALOGUES
def test_the_compiled_catalogue_is_current(
    tmp_path: Path, ts: Path, qm: Path, only: tuple[str, ...]
) -> None:
    compiled = tmp_path / qm.name
    subprocess.run(
        [_tool("pyside6-lrelease"), str(ts), "-qm", str(compiled)],
        check=True,
        capture_output=True,
    )
    assert qm.read_bytes() == compiled.read_bytes(), "run `make translations`"


def test_counts_read_right_in_both_languages(qtbot: QtBot) -> None:
    def matches(count: int) -> str:
        return QCoreApplication.translate("CatalogBrowser", "%Ln match(es)", "", count)

    i18n.switch_language(i18n.EN)
    assert [matches(n) for n in (0, 1, 2, 1234)] == [
        "0 matches",
        "1 match",
        "2 matches",
        "1,234 matches",
    ]
    i18n.switch_language(i18n.ZH_TW)
    assert [matches(n) for n in (1, 1234)] == ["1 項符合", "1,234 項符合"]


def test_what_a_screen_said_once_is_said_again_after_a_switch(qtbot: QtBot) -> None:
    said, cleared = QLabel(), QLabel()
    for label in (said, cleared):
        qtbot.addWidget(label)
        label.show()

    def voided() -> str:
        return QCoreApplication.translate("Orders", "Voided")

    i18n.say(said, voided)
    i18n.say(cleared, voided)
    assert said.text() == "Voided"
    cleared.clear()  # what was said is over: a switch must not bring it back

    i18n.switch_language(i18n.ZH_TW)
    qtbot.waitUntil(lambda: said.text() == "作廢")
    assert cleared.text() == ""
    i18n.switch_language(i18n.EN)
    qtbot.waitUntil(lambda: said.text() == "Voided")
    assert cleared.text() == ""
