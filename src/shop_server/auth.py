"""Secrets: device tokens, enrolment codes and admin passwords.

Tokens and codes are stored only as sha256 (they are long random strings,
so a fast hash is enough and lookups stay one indexed read per request);
admin passwords, chosen by people, as argon2.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
#: Letters and digits that cannot be misread on a phone call (no 0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_token() -> str:
    """32 random bytes, url-safe base64."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_enrolment_code() -> str:
    """``XXXX-XXXX-XXXX``: 60 bits, plenty for a one-time code that expires."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def enrolment_code_hash(code: str) -> str:
    """Hash of the code as typed: case, spaces and dashes do not matter."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


#: (stored hash, sha256 of the password) pairs argon2 already accepted in this process.
_verified: set[tuple[str, str]] = set()
_VERIFIED_MAX = 256


def password_matches(password_hash: str, password: str) -> bool:
    """argon2 verification, remembered per stored hash for this process.

    argon2 is slow on purpose (tens of milliseconds); an admin script
    sending many requests would pay that each time. The stored hash is still
    read from the database on every request, so a changed password or a
    removed admin takes effect at once.
    """
    key = (password_hash, hashlib.sha256(password.encode("utf-8")).hexdigest())
    if key in _verified:
        return True
    try:
        ok = _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if ok:
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()
        _verified.add(key)
    return ok
