"""This workstation's own settings: language, database file, window places.

Kept in an INI file in the data folder rather than the platform's registry,
so a data folder is self-contained (and tests stay isolated).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from shop_desktop.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES

SETTINGS_FILE_NAME = "settings.ini"
#: A till left alone this long locks (the cart stays); a setting per till.
DEFAULT_LOCK_AFTER_SECONDS = 300


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

    # --- printing: where this till's paper comes out --------------------------------

    def _printing_value(self, name: str) -> str:
        value = self._settings.value(f"printing/{name}", "")
        return value.strip() if isinstance(value, str) else ""

    def _set_printing_value(self, name: str, value: str) -> None:
        if value.strip():
            self._settings.setValue(f"printing/{name}", value.strip())
        else:
            self._settings.remove(f"printing/{name}")
        self._settings.sync()

    @property
    def receipt_target(self) -> str:
        """The thermal receipt printer: ``tcp://10.0.0.5:9100`` or ``/dev/usb/lp0``; "" for none."""
        return self._printing_value("receipt_target")

    @receipt_target.setter
    def receipt_target(self, target: str) -> None:
        self._set_printing_value("receipt_target", target)

    @property
    def receipt_printer(self) -> str:
        """The system printer for PDF receipts when there is no thermal one; "" for the default."""
        return self._printing_value("receipt_printer")

    @receipt_printer.setter
    def receipt_printer(self, name: str) -> None:
        self._set_printing_value("receipt_printer", name)

    @property
    def invoice_printer(self) -> str:
        """The system printer for A4 invoices and credit notes; "" for the default."""
        return self._printing_value("invoice_printer")

    @invoice_printer.setter
    def invoice_printer(self, name: str) -> None:
        self._set_printing_value("invoice_printer", name)

    @property
    def lock_after_seconds(self) -> int:
        """Idle time after which the till locks over the session; 0 means never."""
        value = self._settings.value("sign_in/lock_after_seconds", DEFAULT_LOCK_AFTER_SECONDS)
        try:
            return max(int(str(value)), 0)
        except ValueError:
            return DEFAULT_LOCK_AFTER_SECONDS

    @lock_after_seconds.setter
    def lock_after_seconds(self, seconds: int) -> None:
        self._settings.setValue("sign_in/lock_after_seconds", max(seconds, 0))
        self._settings.sync()
