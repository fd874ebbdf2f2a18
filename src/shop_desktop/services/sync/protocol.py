"""The wire messages of the sync protocol and strict checks of every answer.

``docs/sync-protocol.md`` is the contract. The server is another program on
another machine, reached through proxies and flaky networks, so nothing it
answers is trusted: every answer is checked for shape and types here, and
anything else -- garbage, a truncated body, a missing key, a string where a
number belongs -- becomes :class:`ServerAnswerInvalid`, which the engine
treats like a network failure (retry later), never a ``KeyError`` or a
traceback.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_BATCH_OPS",
    "PROTOCOL",
    "BootstrapPage",
    "BootstrapPlan",
    "Change",
    "EnrolAnswer",
    "HelloAnswer",
    "OpResult",
    "PullPage",
    "PushAnswer",
    "ServerAnswerInvalid",
    "parse_bootstrap_page",
    "parse_bootstrap_plan",
    "parse_enrol",
    "parse_error_code",
    "parse_hello",
    "parse_json",
    "parse_pull",
    "parse_push",
]

#: The protocol version this client speaks (header ``X-Shop-Protocol``).
PROTOCOL = 1
#: A push carries at most this many operations ...
MAX_BATCH_OPS = 200
#: ... and at most this many bytes of JSON.
MAX_BATCH_BYTES = 2 * 1024 * 1024

OP_STATUSES = frozenset({"applied", "duplicate", "rejected"})
CHANGE_OPS = frozenset({"upsert", "delete"})


class ServerAnswerInvalid(Exception):
    """The server's answer is not what the protocol says; retry later.

    ``detail`` says what was wrong, for the sync log.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


# --- small typed readers ------------------------------------------------------


def parse_json(body: bytes | str) -> Any:
    """Decode a body as JSON; anything undecodable is :class:`ServerAnswerInvalid`."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ServerAnswerInvalid(f"not JSON: {exc}") from exc


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ServerAnswerInvalid(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _field(obj: dict[str, Any], name: str, where: str) -> Any:
    if name not in obj:
        raise ServerAnswerInvalid(f"{where}: missing {name!r}")
    return obj[name]


def _int(obj: dict[str, Any], name: str, where: str, *, minimum: int | None = 0) -> int:
    value = _field(obj, name, where)
    # bool is an int in Python; on the wire it is not a number.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ServerAnswerInvalid(f"{where}.{name}: expected an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ServerAnswerInvalid(f"{where}.{name}: {value} is below {minimum}")
    return value


def _str(obj: dict[str, Any], name: str, where: str, *, default: str | None = None) -> str:
    if name not in obj and default is not None:
        return default
    value = _field(obj, name, where)
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise ServerAnswerInvalid(f"{where}.{name}: expected text, got {value!r}")
    return value


def _bool(obj: dict[str, Any], name: str, where: str) -> bool:
    value = _field(obj, name, where)
    if not isinstance(value, bool):
        raise ServerAnswerInvalid(f"{where}.{name}: expected true/false, got {value!r}")
    return value


def _uuid(obj: dict[str, Any], name: str, where: str) -> uuid.UUID:
    text = _str(obj, name, where)
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise ServerAnswerInvalid(f"{where}.{name}: not an id: {text!r}") from exc


def _time(obj: dict[str, Any], name: str, where: str) -> datetime:
    text = _str(obj, name, where)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ServerAnswerInvalid(f"{where}.{name}: not a time: {text!r}") from exc
    if moment.tzinfo is None:
        raise ServerAnswerInvalid(f"{where}.{name}: a time without its offset: {text!r}")
    return moment


def _list(obj: dict[str, Any], name: str, where: str) -> list[Any]:
    value = _field(obj, name, where)
    if not isinstance(value, list):
        raise ServerAnswerInvalid(f"{where}.{name}: expected a list, got {type(value).__name__}")
    return value


# --- answers --------------------------------------------------------------------


def parse_error_code(body: bytes | str) -> str:
    """The ``code`` of an error body, or "" when the body is not the protocol's error shape."""
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ""
    if isinstance(value, dict):
        code = value.get("code")
        if isinstance(code, str):
            return code
        detail = value.get("detail")  # FastAPI wraps HTTPException bodies in "detail"
        if isinstance(detail, dict) and isinstance(detail.get("code"), str):
            return str(detail["code"])
    return ""


@dataclass(frozen=True)
class EnrolAnswer:
    device_id: uuid.UUID
    token: str
    branch: dict[str, Any]
    workstation_id: uuid.UUID
    workstation_code: str
    workstation_name: str
    invoice_prefix: str
    server_time: datetime


def parse_enrol(value: Any) -> EnrolAnswer:
    obj = _object(value, "enrol")
    branch = _object(_field(obj, "branch", "enrol"), "enrol.branch")
    _uuid(branch, "id", "enrol.branch")
    _str(branch, "code", "enrol.branch")
    station = _object(_field(obj, "workstation", "enrol"), "enrol.workstation")
    token = _str(obj, "token", "enrol")
    if not token:
        raise ServerAnswerInvalid("enrol.token: empty")
    prefix = _str(station, "invoice_prefix", "enrol.workstation")
    if not prefix:
        raise ServerAnswerInvalid("enrol.workstation.invoice_prefix: empty")
    return EnrolAnswer(
        device_id=_uuid(obj, "device_id", "enrol"),
        token=token,
        branch=branch,
        workstation_id=_uuid(station, "id", "enrol.workstation"),
        workstation_code=_str(station, "code", "enrol.workstation"),
        workstation_name=_str(station, "name", "enrol.workstation", default=""),
        invoice_prefix=prefix,
        server_time=_time(obj, "server_time", "enrol"),
    )


@dataclass(frozen=True)
class HelloAnswer:
    device_id: uuid.UUID
    branch_id: uuid.UUID
    server_time: datetime
    protocol_min: int
    protocol_max: int
    cursor_floor: int
    cursor_head: int


def parse_hello(value: Any) -> HelloAnswer:
    obj = _object(value, "hello")
    protocol = _object(_field(obj, "protocol", "hello"), "hello.protocol")
    return HelloAnswer(
        device_id=_uuid(obj, "device_id", "hello"),
        branch_id=_uuid(obj, "branch_id", "hello"),
        server_time=_time(obj, "server_time", "hello"),
        protocol_min=_int(protocol, "min", "hello.protocol"),
        protocol_max=_int(protocol, "max", "hello.protocol"),
        cursor_floor=_int(obj, "cursor_floor", "hello"),
        cursor_head=_int(obj, "cursor_head", "hello"),
    )


@dataclass(frozen=True)
class OpResult:
    op_id: uuid.UUID
    device_seq: int
    status: str
    code: str
    message: str
    result: dict[str, Any]


@dataclass(frozen=True)
class PushAnswer:
    cursor: int
    server_time: datetime
    results: tuple[OpResult, ...]


def parse_push(value: Any, sent: set[uuid.UUID] | None = None) -> PushAnswer:
    """Check a push answer; ``sent`` (the op ids pushed) catches answers about other ops."""
    obj = _object(value, "push")
    results: list[OpResult] = []
    for i, raw in enumerate(_list(obj, "results", "push")):
        where = f"push.results[{i}]"
        item = _object(raw, where)
        status = _str(item, "status", where)
        if status not in OP_STATUSES:
            raise ServerAnswerInvalid(f"{where}.status: unknown {status!r}")
        result = item.get("result")
        if result is None:
            result = {}
        results.append(
            OpResult(
                op_id=_uuid(item, "op_id", where),
                device_seq=_int(item, "device_seq", where),
                status=status,
                code=_str(item, "code", where, default=""),
                message=_str(item, "message", where, default=""),
                result=_object(result, f"{where}.result"),
            )
        )
    if sent is not None:
        stray = {r.op_id for r in results} - sent
        if stray:
            raise ServerAnswerInvalid(f"push: results for ops not sent: {sorted(map(str, stray))}")
    return PushAnswer(
        cursor=_int(obj, "cursor", "push"),
        server_time=_time(obj, "server_time", "push"),
        results=tuple(results),
    )


@dataclass(frozen=True)
class Change:
    seq: int
    entity: str
    id: str
    op: str
    data: dict[str, Any]


@dataclass(frozen=True)
class PullPage:
    cursor: int
    has_more: bool
    changes: tuple[Change, ...]


def parse_pull(value: Any, *, after: int) -> PullPage:
    """Check a pull page; its cursor may not go back, and its changes come in order."""
    obj = _object(value, "pull")
    cursor = _int(obj, "cursor", "pull")
    if cursor < after:
        raise ServerAnswerInvalid(f"pull.cursor: {cursor} is behind the asked {after}")
    changes: list[Change] = []
    last = after
    for i, raw in enumerate(_list(obj, "changes", "pull")):
        where = f"pull.changes[{i}]"
        item = _object(raw, where)
        seq = _int(item, "seq", where)
        if seq <= last or seq > cursor:
            raise ServerAnswerInvalid(
                f"{where}.seq: {seq} out of order (after {last}, to {cursor})"
            )
        last = seq
        op = _str(item, "op", where)
        if op not in CHANGE_OPS:
            raise ServerAnswerInvalid(f"{where}.op: unknown {op!r}")
        data = item.get("data")
        if data is None and op == "delete":
            data = {}
        changes.append(
            Change(
                seq=seq,
                entity=_str(item, "entity", where),
                id=_str(item, "id", where),
                op=op,
                data=_object(data, f"{where}.data"),
            )
        )
    return PullPage(cursor=cursor, has_more=_bool(obj, "has_more", "pull"), changes=tuple(changes))


@dataclass(frozen=True)
class BootstrapPlan:
    snapshot_cursor: int
    entities: tuple[str, ...]


def parse_bootstrap_plan(value: Any) -> BootstrapPlan:
    obj = _object(value, "bootstrap")
    entities = _list(obj, "entities", "bootstrap")
    if not all(isinstance(e, str) for e in entities):
        raise ServerAnswerInvalid("bootstrap.entities: expected names")
    return BootstrapPlan(
        snapshot_cursor=_int(obj, "snapshot_cursor", "bootstrap"), entities=tuple(entities)
    )


@dataclass(frozen=True)
class BootstrapPage:
    entity: str
    columns: tuple[str, ...]
    rows: list[list[Any]]
    next_after: str | None


def parse_bootstrap_page(value: Any, entity: str) -> BootstrapPage:
    where = f"bootstrap/{entity}"
    obj = _object(value, where)
    got = _str(obj, "entity", where)
    if got != entity:
        raise ServerAnswerInvalid(f"{where}: answered for {got!r}")
    columns = _list(obj, "columns", where)
    if not columns or not all(isinstance(c, str) for c in columns):
        raise ServerAnswerInvalid(f"{where}.columns: expected column names")
    rows = _list(obj, "rows", where)
    width = len(columns)
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != width:
            raise ServerAnswerInvalid(f"{where}.rows[{i}]: expected {width} values")
    after = obj.get("next_after", None) if "next_after" in obj else _field(obj, "next_after", where)
    if after is not None and not isinstance(after, str):
        raise ServerAnswerInvalid(f"{where}.next_after: expected an id or null, got {after!r}")
    return BootstrapPage(entity=entity, columns=tuple(columns), rows=rows, next_after=after)
