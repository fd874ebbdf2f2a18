"""The shop's own words for stored values: roles, branch names."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from shop_desktop.data.models import Role
from shop_desktop.ui.i18n import ZH_TW, current_language


def role_name(role: Role) -> str:
    names = {
        Role.CASHIER: QCoreApplication.translate("Labels", "Cashier"),
        Role.SUPERVISOR: QCoreApplication.translate("Labels", "Supervisor"),
        Role.MANAGER: QCoreApplication.translate("Labels", "Manager"),
        Role.ADMIN: QCoreApplication.translate("Labels", "Administrator"),
    }
    return names[role]


def in_current_language(name_zh: str, name_en: str) -> str:
    """A stored two-language name, in the language the screens speak now."""
    if current_language() == ZH_TW:
        return name_zh or name_en
    return name_en or name_zh
