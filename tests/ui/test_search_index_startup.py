"""Start-up on a file whose search index is missing or outdated (issue 12, item 9).

Nothing waits for the index: the log-in accepts at once, the Sell place searches by the
slower path and says so, the status bar shows the build, and when it is done the note
goes. Quitting stops the build, which starts over at the next start.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from tests.ui.test_startup import StartShop, activate, log_in_by_typing, wait_for_login

from shop_desktop.data import search_index
from shop_desktop.ui.catalog.browser import CatalogBrowser
from shop_desktop.ui.main_window import MainWindow
from shop_desktop.ui.places.sell import SellPlace
from shop_desktop.ui.search_progress import SearchIndexProgress

WAIT_MS = 60_000
NOTE = "Search index is being built: results may be incomplete."


def needs_rebuild(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return search_index.needs_rebuild(conn)
    finally:
        conn.close()


def best_seller(path: Path) -> tuple[str, str]:
    """The best seller's first English word (a search a cashier would type) and its name."""
    conn = sqlite3.connect(path)
    try:
        name = str(
            conn.execute(
                "SELECT name_en FROM products WHERE active = 1"
                " ORDER BY popularity DESC, rowid DESC LIMIT 1"
            ).fetchone()[0]
        )
    finally:
        conn.close()
    word = next(w for w in name.split() if len(w) > 2 and w.isalpha())
    return word, name


def sell_browser(window: MainWindow) -> CatalogBrowser:
    place = window.current_place()
    assert isinstance(place, SellPlace)
    return place.browser


def indicators(window: MainWindow) -> list[SearchIndexProgress]:
    return [w for w in window.statusBar().findChildren(SearchIndexProgress) if w.isVisible()]


def search_by_typing(qtbot: QtBot, window: MainWindow, browser: CatalogBrowser, typed: str) -> None:
    activate(qtbot, window)
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(browser.search.hasFocus)
    QTest.keyClicks(browser.search, typed)
    qtbot.waitUntil(
        lambda: (
            browser.model.source is not None
            and getattr(browser.model.source, "typed", None) == typed
            and not browser.model.loading
            and browser.model.rowCount() > 0
        ),
        timeout=WAIT_MS,
    )


def test_the_till_searches_by_the_slower_path_with_a_note_until_the_index_is_built(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path
) -> None:
    assert needs_rebuild(demo_db_path)  # a demo is loaded in bulk: no index yet
    word, name = best_seller(demo_db_path)
    # The build is started by hand here, so the test sees the till before it.
    desktop = start_shop(db=demo_db_path, build_search_index=False)

    dialog = wait_for_login(qtbot, desktop)
    assert dialog.log_in_button.isEnabled()
    window = log_in_by_typing(qtbot, desktop, "cashier", "cashier")
    window.resize(1366, 768)
    browser = sell_browser(window)
    assert indicators(window) == []

    search_by_typing(qtbot, window, browser, word)
    assert not browser.model.complete
    assert browser.index_note.isVisible()
    assert browser.index_note.text() == NOTE
    first = browser.model.cached_row(browser.model.product_ids()[0])
    assert first is not None
    assert first.name_en == name  # best sellers first, as the index would give them
    assert needs_rebuild(demo_db_path)

    with qtbot.waitSignal(desktop.search_index_ready, timeout=WAIT_MS):
        building = desktop.build_search_index()
        assert building is not None
        # Progress is on screen from the start of the build.
        (indicator,) = indicators(window)
        assert indicator.label.text() == "Building the search index"
        assert desktop.build_search_index() is None  # one build per file

    # The screen asks again and the note goes; the indicator has gone too.
    qtbot.waitUntil(lambda: not browser.index_note.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: indicators(window) == [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: browser.model.rowCount() > 0 and not browser.model.loading)
    assert browser.model.complete
    assert not needs_rebuild(demo_db_path)
    assert browser.model.source is not None
    assert getattr(browser.model.source, "typed", None) == word


def test_quitting_stops_the_build_and_the_next_start_finishes_it(
    qtbot: QtBot, start_shop: StartShop, demo_db_path: Path
) -> None:
    desktop = start_shop(db=demo_db_path, build_search_index=False)
    wait_for_login(qtbot, desktop)

    # Another writer holds the lock, so the build is still at its start when the app quits.
    holder = sqlite3.connect(demo_db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    building = desktop.build_search_index()
    assert building is not None

    def let_go_once_cancelled() -> None:
        while not building.state.is_cancel_requested():
            time.sleep(0.01)
        holder.execute("ROLLBACK")
        holder.close()

    releaser = threading.Thread(target=let_go_once_cancelled)
    releaser.start()
    with qtbot.waitSignal(desktop.ended, timeout=WAIT_MS) as ended:
        desktop.quit()
    releaser.join()
    assert ended.args == [0]
    qtbot.waitUntil(lambda: building.outcome is not None)
    assert building.outcome == "cancelled"
    assert needs_rebuild(demo_db_path)  # cut short: the next start builds it again

    again = start_shop(db=demo_db_path, data_dir=Path(desktop.data_dir))
    with qtbot.waitSignal(again.search_index_ready, timeout=WAIT_MS):
        wait_for_login(qtbot, again)
    assert not needs_rebuild(demo_db_path)
