"""Mobile wallet merchant settings: ids in the settings file, keys in the OS keyring.

Only a manager or administrator may change them; everyone sees whether each
wallet is ready. Reading and writing the keyring can wait on the desktop's
secret service, so it always happens on a worker.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shop_desktop.data.models import Role
from shop_desktop.services.wallets import (
    KeyringSecrets,
    SecretStore,
    WalletError,
    WalletKind,
    missing_wallet_settings,
)
from shop_desktop.services.wallets import config as names
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.tasks import BackgroundOp, Job

#: The settings of each wallet, in the order shown; labels are set in retranslate().
_FIELDS: dict[WalletKind, tuple[str, ...]] = {
    WalletKind.ALIPAY: (names.ALIPAY_APP_ID_SETTING, names.ALIPAY_GATEWAY_SETTING),
    WalletKind.WECHAT: (
        names.WECHAT_MCH_ID_SETTING,
        names.WECHAT_APP_ID_SETTING,
        names.WECHAT_GATEWAY_SETTING,
        names.WECHAT_CERT_SERIAL_SETTING,
        names.WECHAT_PUBLIC_KEY_ID_SETTING,
    ),
}
_SECRETS: dict[WalletKind, tuple[str, ...]] = {
    WalletKind.ALIPAY: (names.ALIPAY_APP_PRIVATE_KEY_ENTRY, names.ALIPAY_PUBLIC_KEY_ENTRY),
    WalletKind.WECHAT: (
        names.WECHAT_MERCHANT_PRIVATE_KEY_ENTRY,
        names.WECHAT_APIV3_KEY_ENTRY,
        names.WECHAT_PUBLIC_KEY_ENTRY,
    ),
}
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})


class SecretDialog(QDialog):
    """Paste a key (PEM text or the APIv3 key); it goes to the keyring, never to a file."""

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr("Paste the key here"))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str) -> str | None:
        dialog = cls(parent, title)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        text = dialog.text.toPlainText().strip()
        # A PEM ends with a newline; the APIv3 key is one line either way.
        return f"{text}\n" if "-----BEGIN" in text else (text or None)


class WalletSettings(QGroupBox):
    """Alipay and WeChat Pay merchant details, and whether each is ready to take payments."""

    def __init__(
        self,
        context: ShopContext,
        parent: QWidget | None = None,
        secrets: SecretStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.secrets: SecretStore = secrets or KeyringSecrets()
        self.may_edit = context.staff.role in MANAGERS
        layout = QVBoxLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        self.secret_buttons: dict[str, QPushButton] = {}
        self.status: dict[WalletKind, QLabel] = {}
        self.titles: dict[WalletKind, QLabel] = {}
        saved = context.preferences.wallet_settings()
        for kind in WalletKind:
            title = QLabel()
            title.setStyleSheet("font-weight: bold;")
            layout.addWidget(title)
            self.titles[kind] = title
            form = QFormLayout()
            layout.addLayout(form)
            for key in _FIELDS[kind]:
                edit = QLineEdit(saved.get(key, ""))
                edit.setObjectName(key)
                edit.setReadOnly(not self.may_edit)
                label = QLabel()
                form.addRow(label, edit)
                self.edits[key] = edit
                self.labels[key] = label
            keys = QHBoxLayout()
            form.addRow(keys)
            for entry in _SECRETS[kind]:
                button = QPushButton()
                button.setObjectName(entry)
                button.setEnabled(self.may_edit)
                button.clicked.connect(lambda _c=False, e=entry: self.set_secret(e))
                keys.addWidget(button)
                self.secret_buttons[entry] = button
            status = QLabel("…")
            status.setWordWrap(True)
            form.addRow(status)
            self.status[kind] = status
        buttons = QHBoxLayout()
        layout.addLayout(buttons)
        self.save_button = QPushButton()
        self.save_button.setEnabled(self.may_edit)
        self.save_button.clicked.connect(self.save)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        self.last_op: BackgroundOp[object] | None = None
        #: What the last check found (each wallet's missing entries), or that the keyring failed.
        self._found: dict[WalletKind, tuple[str, ...]] | None = None
        self._keyring_broken = False
        self.retranslate()
        self.check()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Mobile wallets"))
        self.titles[WalletKind.ALIPAY].setText(self.tr("Alipay"))
        self.titles[WalletKind.WECHAT].setText(self.tr("WeChat Pay"))
        texts = {
            names.ALIPAY_APP_ID_SETTING: self.tr("App ID"),
            names.ALIPAY_GATEWAY_SETTING: self.tr("Gateway (empty: Alipay's own)"),
            names.WECHAT_MCH_ID_SETTING: self.tr("Merchant ID"),
            names.WECHAT_APP_ID_SETTING: self.tr("App ID"),
            names.WECHAT_GATEWAY_SETTING: self.tr("Gateway (empty: WeChat Pay's own)"),
            names.WECHAT_CERT_SERIAL_SETTING: self.tr("Merchant certificate serial number"),
            names.WECHAT_PUBLIC_KEY_ID_SETTING: self.tr("WeChat Pay public key ID"),
        }
        for key, label in self.labels.items():
            label.setText(texts[key])
        buttons = {
            names.ALIPAY_APP_PRIVATE_KEY_ENTRY: self.tr("App private key…"),
            names.ALIPAY_PUBLIC_KEY_ENTRY: self.tr("Alipay public key…"),
            names.WECHAT_MERCHANT_PRIVATE_KEY_ENTRY: self.tr("Merchant private key…"),
            names.WECHAT_APIV3_KEY_ENTRY: self.tr("APIv3 key…"),
            names.WECHAT_PUBLIC_KEY_ENTRY: self.tr("WeChat Pay public key…"),
        }
        for entry, button in self.secret_buttons.items():
            button.setText(buttons[entry])
        self.save_button.setText(self.tr("Save wallet settings"))
        self._say_readiness()

    def values(self) -> dict[str, str]:
        return {key: edit.text().strip() for key, edit in self.edits.items()}

    def save(self) -> None:
        if not self.may_edit:
            return
        for key, value in self.values().items():
            self.context.preferences.set_wallet_setting(key, value)
        self.context.reload_wallets()
        self.check()

    def set_secret(self, entry: str) -> None:
        if not self.may_edit:
            return
        value = SecretDialog.ask(self, self.secret_buttons[entry].text().rstrip("…"))
        if value is None:
            return
        store = self.secrets

        def keep(_job: Job) -> None:
            store.set(entry, value)

        op: BackgroundOp[None] = BackgroundOp(self, op=keep, success=lambda _n: self.check())
        op.failure(self._keyring_unusable, WalletError)
        self.last_op = op  # type: ignore[assignment]
        op.run()

    def check(self) -> None:
        """Ask the keyring (on a worker) what each wallet still lacks."""
        values = self.values()
        store = self.secrets

        def missing(_job: Job) -> dict[WalletKind, tuple[str, ...]]:
            return {kind: missing_wallet_settings(kind, values, store) for kind in WalletKind}

        op: BackgroundOp[dict[WalletKind, tuple[str, ...]]] = BackgroundOp(
            self, op=missing, success=self._show_missing
        )
        op.failure(self._keyring_unusable, WalletError)
        self.last_op = op  # type: ignore[assignment]
        op.run()

    def _show_missing(self, missing: dict[WalletKind, tuple[str, ...]]) -> None:
        self._found = missing
        self._keyring_broken = False
        self._say_readiness()

    def _keyring_unusable(self, _refused: WalletError) -> None:
        self._keyring_broken = True
        self._say_readiness()

    def _say_readiness(self) -> None:
        """What the last check found, in the language of the moment (a switch re-says it)."""
        found = self._found
        if found is None and not self._keyring_broken:
            return
        for kind, status in self.status.items():
            if self._keyring_broken or found is None:
                status.setText(
                    self.tr("The system keyring cannot be used: keys cannot be stored or read.")
                )
                status.setStyleSheet("color: #a50e0e;")
            elif absent := len(found[kind]):
                status.setText(self.tr("Not ready: %n setting(s) or key(s) missing.", "", absent))
                status.setStyleSheet("color: #a50e0e;")
            else:
                status.setText(self.tr("Ready to take payments."))
                status.setStyleSheet("color: #0d652d;")
