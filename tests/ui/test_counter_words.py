"""The counter's words follow the language: member levels are words, not stored codes."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from shop_desktop.data.models import MemberLevel
from shop_desktop.ui import i18n
from shop_desktop.ui.sell.wording import member_level


def test_every_member_level_is_worded_in_both_languages(qtbot: QtBot) -> None:
    i18n.switch_language(i18n.EN)
    english = {level.value: member_level(level.value) for level in MemberLevel}
    assert english == {"regular": "regular", "silver": "silver", "gold": "gold", "vip": "VIP"}
    i18n.switch_language(i18n.ZH_TW)
    chinese = {level.value: member_level(level.value) for level in MemberLevel}
    assert chinese == {"regular": "一般", "silver": "銀卡", "gold": "金卡", "vip": "VIP"}
