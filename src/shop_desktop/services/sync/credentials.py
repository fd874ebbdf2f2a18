"""Where the device token is kept: the operating system's keyring.

The token is the workstation's password to the server; it never goes into
the database file (which is copied for backups and could be cloned). The
keyring can block (a locked desktop keyring asks the user), so only the
sync worker, never the GUI thread, calls it.
"""

from __future__ import annotations

import uuid
from typing import Protocol

__all__ = ["KEYRING_SERVICE", "KeyringTokenStore", "TokenStore", "TokenStoreUnavailable"]

KEYRING_SERVICE = "shop-desktop"


class TokenStoreUnavailable(Exception):
    """The keyring is missing or locked: the token cannot be read or written."""


class TokenStore(Protocol):
    def get(self, device_id: uuid.UUID) -> str | None: ...

    def set(self, device_id: uuid.UUID, token: str) -> None: ...

    def delete(self, device_id: uuid.UUID) -> None: ...


def _entry(device_id: uuid.UUID) -> str:
    return f"device-token:{device_id}"


class KeyringTokenStore:
    """Tokens in the keyring under ``shop-desktop`` / ``device-token:<device_id>``."""

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service

    def get(self, device_id: uuid.UUID) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(self.service, _entry(device_id))
        except KeyringError as exc:
            raise TokenStoreUnavailable(str(exc)) from exc

    def set(self, device_id: uuid.UUID, token: str) -> None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(self.service, _entry(device_id), token)
        except KeyringError as exc:
            raise TokenStoreUnavailable(str(exc)) from exc

    def delete(self, device_id: uuid.UUID) -> None:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            keyring.delete_password(self.service, _entry(device_id))
        except PasswordDeleteError:
            return
        except KeyringError as exc:
            raise TokenStoreUnavailable(str(exc)) from exc
