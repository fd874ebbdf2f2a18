"""The main window: places, what they count, shortcuts, and the language switch."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from shop_desktop.data.models import Category, Member, Order, Product
from shop_desktop.ui import i18n
from shop_desktop.ui.context import MEMBERS, ShopContext
from shop_desktop.ui.main_window import PLACES, MainWindow
from shop_desktop.ui.places.base import SummaryPlace
from shop_desktop.ui.places.settings import SettingsPlace
from shop_desktop.ui.preferences import Preferences
from shop_desktop.ui.tasks import BackgroundOp, Job

WAIT_MS = 20_000

ENGLISH = ["Sell", "Orders", "Members", "After-sales", "Reports", "Catalog", "Settings"]
CHINESE = ["銷售", "訂單", "會員", "售後服務", "報表", "商品目錄", "設定"]


def open_window(qtbot: QtBot, context: ShopContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def navigation_texts(window: MainWindow) -> list[str]:
    return [window.navigation.item(row).text() for row in range(window.navigation.count())]


def loaded_facts(qtbot: QtBot, window: MainWindow, key: str) -> dict[str, int]:
    place = window.place(key)
    assert isinstance(place, SummaryPlace)
    if place.facts is None:
        with qtbot.waitSignal(place.facts_loaded, timeout=WAIT_MS):
            window.show_place(key)
    assert place.facts is not None
    return place.facts


def test_one_place_per_capability_with_two_shortcuts_each(
    qtbot: QtBot, shop_context: ShopContext
) -> None:
    window = open_window(qtbot, shop_context)
    assert navigation_texts(window) == ENGLISH
    assert len(PLACES) == 7
    for row in range(7):
        tip = window.navigation.item(row).toolTip()
        function_key = QKeySequence(f"F{row + 2}").toString(QKeySequence.SequenceFormat.NativeText)
        ctrl_digit = QKeySequence(f"Ctrl+{row + 1}").toString(
            QKeySequence.SequenceFormat.NativeText
        )
        assert function_key in tip
        assert ctrl_digit in tip


def test_places_count_what_is_in_the_database(qtbot: QtBot, shop_context: ShopContext) -> None:
    window = open_window(qtbot, shop_context)
    with shop_context.database.session() as session:
        products = session.scalar(select(func.count()).select_from(Product).where(Product.active))
        categories = session.scalar(select(func.count()).select_from(Category))
        members = session.scalar(select(func.count()).select_from(Member).where(Member.active))
        orders = session.scalar(select(func.count()).select_from(Order))

    assert loaded_facts(qtbot, window, "catalog") == {
        "products": products,
        "categories": categories,
    }
    assert loaded_facts(qtbot, window, "members") == {"members": members}
    order_facts = loaded_facts(qtbot, window, "orders")
    assert order_facts["total"] == orders
    assert 0 <= order_facts["today"] <= order_facts["total"]
    assert products
    assert members
    value = window.place("catalog").findChild(QLabel, "fact_products")
    assert value is not None
    assert value.text() == f"{products:,}"


def test_a_write_refreshes_the_places_that_watch_it(
    qtbot: QtBot, shop_context: ShopContext
) -> None:
    window = open_window(qtbot, shop_context)
    before = loaded_facts(qtbot, window, "members")["members"]
    members = window.place("members")
    assert isinstance(members, SummaryPlace)

    def add_member(job: Job) -> None:
        job.session.add(Member(code="NEW-1", name="新朋友"))

    with qtbot.waitSignal(members.facts_loaded, timeout=WAIT_MS) as reloaded:
        BackgroundOp(window, op=add_member, database=shop_context.database).announcing(
            shop_context, MEMBERS
        ).run()
    assert reloaded.args[0] == {"members": before + 1}


def test_status_bar_shows_who_and_where(qtbot: QtBot, shop_context: ShopContext) -> None:
    window = open_window(qtbot, shop_context)
    staff = shop_context.staff
    assert window.staff_label.text() == f"{staff.display_name} · Manager"
    assert window.branch_label.text() == staff.branch_name_en
    assert window.workstation_label.text() == staff.workstation_code
    # A demo workstation is not enrolled with a server: the sync status says so.
    qtbot.waitUntil(lambda: window.sync_status.state_label.text() == "Not connected to a server")
    assert window.clock_label.text().count(":") == 1


def test_language_switch_in_settings_is_live_and_remembered(
    qtbot: QtBot, shop_context: ShopContext
) -> None:
    window = open_window(qtbot, shop_context)
    window.show_place("settings")
    settings = window.current_place()
    assert isinstance(settings, SettingsPlace)

    settings.language.choose(i18n.ZH_TW)
    qtbot.waitUntil(lambda: navigation_texts(window) == CHINESE)
    staff = shop_context.staff
    assert window.staff_label.text() == f"{staff.display_name} · 經理"
    assert window.branch_label.text() == staff.branch_name_zh
    assert window.sync_status.state_label.text() != "Not connected to a server"
    assert Preferences(shop_context.data_dir).language == i18n.ZH_TW

    settings.language.choose(i18n.EN)
    qtbot.waitUntil(lambda: navigation_texts(window) == ENGLISH)
    assert Preferences(shop_context.data_dir).language == i18n.EN


def test_settings_show_where_things_are(qtbot: QtBot, shop_context: ShopContext) -> None:
    window = open_window(qtbot, shop_context)
    window.show_place("settings")
    settings = window.current_place()

    def info(key: str) -> str:
        label = settings.findChild(QLabel, f"info_{key}")
        assert label is not None
        return label.text()

    assert info("database") == str(shop_context.database.path)
    assert info("data_dir") == str(shop_context.data_dir)
    assert info("log_file") == str(shop_context.log_file)
    assert shop_context.staff.branch_code in info("branch")
    assert shop_context.staff.workstation_code in info("workstation")
    assert info("device") == str(shop_context.staff.device_id)


def test_window_geometry_is_remembered(qtbot: QtBot, shop_context: ShopContext) -> None:
    window = open_window(qtbot, shop_context)
    # Never below what the places need, or the resize would not happen at all.
    wanted = window.minimumSizeHint().expandedTo(QSize(720, 540)) + QSize(10, 10)
    window.resize(wanted)
    qtbot.waitUntil(lambda: close_to(window.size(), wanted), timeout=5000)
    window.close()
    assert shop_context.preferences.window_geometry("main") is not None
    again = open_window(qtbot, shop_context)
    # A window manager (or the platform plugin) may round a restored size by a few pixels.
    assert close_to(again.size(), wanted), (again.size(), wanted)


def close_to(size: QSize, wanted: QSize, pixels: int = 8) -> bool:
    return abs(size.width() - wanted.width()) <= pixels and (
        abs(size.height() - wanted.height()) <= pixels
    )
