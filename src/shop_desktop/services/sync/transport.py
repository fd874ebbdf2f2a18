"""HTTP to the central server: one session, TLS checked, every failure named.

Failures come in the kinds the engine acts on differently (SYNC.md: "errors
split into retryable and rejected"): :class:`Retryable` (no network, time-outs,
5xx, 429, an answer that makes no sense) means "try the same again later";
the others stop syncing until a person acts (:class:`DeviceRevoked`,
:class:`DeviceCloned`, :class:`UpgradeRequired`, ...). Each carries a stable
``code`` (the screens word it in the user's language, since this layer knows
no Qt) and an English ``sentence`` for the sync log and the log file.
"""

from __future__ import annotations

from typing import Any

import requests

from shop_desktop.services.sync.protocol import (
    PROTOCOL,
    ServerAnswerInvalid,
    parse_error_code,
    parse_json,
)

__all__ = [
    "CONNECT_TIMEOUT",
    "INVALID_ANSWER",
    "RATE_LIMITED",
    "READ_TIMEOUT",
    "RETRY_CODES",
    "SERVER_BUSY",
    "SERVER_ERROR",
    "TIMED_OUT",
    "TLS_FAILED",
    "UNREACHABLE",
    "BadEnrolmentCode",
    "CursorTooOld",
    "DeviceCloned",
    "DeviceRevoked",
    "Forbidden",
    "PayloadTooLarge",
    "Retryable",
    "ServerRefused",
    "SyncFailure",
    "Transport",
    "UpgradeRequired",
]

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
API = "/api/v1"


class SyncFailure(Exception):
    """Syncing could not go on; ``code`` says why for the screens, ``sentence`` for the log."""

    #: Stable: the UI words each code (``ui/sync/wording.py``); never shown as is.
    code = "sync_failed"
    sentence = "Syncing with the server failed."

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.sentence)
        self.detail = detail


#: Why a :class:`Retryable` failure happened (its ``code``).
UNREACHABLE = "unreachable"
TIMED_OUT = "timed_out"
TLS_FAILED = "tls"
SERVER_ERROR = "server_error"
SERVER_BUSY = "server_busy"
RATE_LIMITED = "rate_limited"
INVALID_ANSWER = "invalid_answer"
RETRY_CODES = frozenset(
    {UNREACHABLE, TIMED_OUT, TLS_FAILED, SERVER_ERROR, SERVER_BUSY, RATE_LIMITED, INVALID_ANSWER}
)


class Retryable(SyncFailure):
    """Try again later: the server was unreachable, slow, busy or made no sense.

    The transport names the kind in ``code``; everyone else raises it for an
    answer that makes no sense (a page that does not fit, a wrong shape), so
    that is the default. The log's sentence is one for all kinds: to the
    manager reading the log they all mean "kept, sent later".
    """

    sentence = "The server cannot be reached; sales are kept and will be sent later."

    def __init__(
        self, detail: str = "", *, retry_after: float | None = None, code: str = INVALID_ANSWER
    ) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
        self.code = code


class DeviceRevoked(SyncFailure):
    code = "revoked"
    sentence = "This workstation's access was revoked; enrol it again to sync."


class DeviceCloned(SyncFailure):
    code = "cloned"
    sentence = (
        "The server saw this workstation's database on another machine too; "
        "enrol this workstation again."
    )


class Forbidden(SyncFailure):
    code = "forbidden"
    sentence = "The server refused this workstation access to another branch's data."


class UpgradeRequired(SyncFailure):
    code = "upgrade_required"
    sentence = "Update the app to receive catalog changes; sales are still being sent."


class CursorTooOld(SyncFailure):
    code = "cursor_reset"
    sentence = "The workstation was offline too long; its catalog is being loaded again."


class BadEnrolmentCode(SyncFailure):
    code = "bad_enrolment_code"
    sentence = "The enrolment code is wrong, used or expired; ask for a new one."


class ServerRefused(SyncFailure):
    """A 4xx the protocol does not name: a bug on one side; not retried at once."""

    code = "refused"

    sentence = "The server refused a request from this workstation; see the sync log."


class PayloadTooLarge(ServerRefused):
    """413: the request is bigger than the server takes; sending it again cannot help."""

    code = "too_large"

    sentence = "The server refused a request from this workstation as too large."


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(0.0, min(seconds, 3600.0))


def _retry_code(status: int) -> str:
    """429 and 503 ask for patience (the server is fine, just full); other 5xx are its errors."""
    if status == 429:
        return RATE_LIMITED
    if status == 503:
        return SERVER_BUSY
    return SERVER_ERROR


class Transport:
    """Requests to one server, with this device's token when it has one."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        verify_tls: bool = True,
        ca_file: str | None = None,
        http: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http or requests.Session()
        self._token = token
        # requests' verify is True, False or the path of a CA bundle.
        self._verify: bool | str = (ca_file or True) if verify_tls else False

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("POST", path, body=body)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        """Send one request; the decoded JSON answer, or a :class:`SyncFailure`."""
        headers = {"X-Shop-Protocol": str(PROTOCOL), "Accept": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = self.http.request(
                method,
                f"{self.base_url}{API}{path}",
                params=params,
                json=body,
                headers=headers,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                verify=self._verify,
            )
            content = response.content
        except requests.exceptions.SSLError as exc:
            raise Retryable(f"TLS: {exc}", code=TLS_FAILED) from exc
        except requests.exceptions.Timeout as exc:
            raise Retryable(f"timed out: {exc}", code=TIMED_OUT) from exc
        except (
            requests.exceptions.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            raise Retryable(f"no connection: {exc}", code=UNREACHABLE) from exc
        except requests.exceptions.RequestException as exc:
            raise Retryable(f"request failed: {exc}", code=UNREACHABLE) from exc
        self._raise_for(response.status_code, content, response)
        try:
            return parse_json(content)
        except ServerAnswerInvalid as exc:
            raise Retryable(f"{method} {path}: {exc.detail}", code=INVALID_ANSWER) from exc

    @staticmethod
    def _raise_for(status: int, content: bytes, response: requests.Response) -> None:
        if 200 <= status < 300:
            return
        code = parse_error_code(content)
        detail = f"HTTP {status} {code}".strip()
        if status == 429 or status >= 500:
            raise Retryable(detail, retry_after=_retry_after(response), code=_retry_code(status))
        if status == 401:
            raise DeviceRevoked(detail)
        if status == 409 and code == "device_cloned":
            raise DeviceCloned(detail)
        if status == 403:
            raise Forbidden(detail)
        if status == 426:
            raise UpgradeRequired(detail)
        if status == 410:
            raise CursorTooOld(detail)
        if status == 400 and code == "bad_enrolment_code":
            raise BadEnrolmentCode(detail)
        if status == 413:
            raise PayloadTooLarge(detail)
        if status == 408:
            raise Retryable(detail, code=TIMED_OUT)
        raise ServerRefused(f"{detail}: {content[:300]!r}")
