"""This workstation's own settings: language, database file, window places.

Kept in an INI file in the data folder rather than the platform's registry,
so a data folder is self-contained (and tests stay isolated).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from shop_desktop.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES

SETTINGS_FILE_NAME = "settings.ini"


class Preferences:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SETTINGS_FILE_NAME
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)

    @property
    def language(self) -> str:
        value = self._settings.value("ui/language", DEFAULT_LANGUAGE)
        return value if value in LANGUAGES else DEFAULT_LANGUAGE

    @language.setter
    def language(self, code: str) -> None:
        self._settings.setValue("ui/language", code)
        self._settings.sync()

    @property
    def database_path(self) -> Path | None:
        value = self._settings.value("database/path", "")
        return Path(value) if isinstance(value, str) and value else None

    @database_path.setter
    def database_path(self, path: Path | None) -> None:
        if path is None:
            self._settings.remove("database/path")
        else:
            self._settings.setValue("database/path", str(path))
        self._settings.sync()

    def window_geometry(self, name: str) -> QByteArray | None:
        value = self._settings.value(f"windows/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_window_geometry(self, name: str, geometry: QByteArray) -> None:
        self._settings.setValue(f"windows/{name}", geometry)
        self._settings.sync()

    def wallet_settings(self) -> dict[str, str]:
        """Non-secret merchant settings of the mobile wallets, by their full key
        (``wallets/alipay/app_id``...); the private keys live in the OS keyring."""
        return {
            key: str(self._settings.value(key, ""))
            for key in self._settings.allKeys()
            if key.startswith("wallets/")
        }

    def set_wallet_setting(self, key: str, value: str) -> None:
        if not key.startswith("wallets/"):
            raise ValueError(f"not a wallet setting: {key!r}")
        self._settings.setValue(key, value)
        self._settings.sync()
