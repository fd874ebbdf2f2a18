"""Making a database file this workstation's: enrol with a one-time code, then load.

Enrolment gives a new device id, a token (kept in the keyring, never in the
file) and a new invoice series. Enrolling a file that was enrolled before
(a restored backup, or a clone the server caught) keeps its orders and its
unsent operations but gives them the new device id and fresh sequence
numbers; each op keeps its ``op_id``, so the server still recognises one it
already has (SYNC.md: a cloned or restored workstation must re-enrol and
gets a new series).
"""

from __future__ import annotations

import platform
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
from sqlalchemy import Connection, insert, select, update

from shop_desktop import __version__
from shop_desktop.data.db import Database, open_database
from shop_desktop.data.models import DeviceIdentity
from shop_desktop.data.types import utcnow
from shop_desktop.services.outbox import renumber_unsent
from shop_desktop.services.sync.apply import AlchemySql, apply_changes_of_entity
from shop_desktop.services.sync.bootstrap import BootstrapResult, bootstrap
from shop_desktop.services.sync.credentials import TokenStore
from shop_desktop.services.sync.engine import clear_engine_state, save_sync_settings
from shop_desktop.services.sync.protocol import (
    PROTOCOL,
    EnrolAnswer,
    ServerAnswerInvalid,
    parse_enrol,
)
from shop_desktop.services.sync.state import (
    CURSOR_KEY,
    ENROLMENT_KEY,
    LogEvent,
    SyncSettings,
    read_value,
    write_log,
    write_value,
)
from shop_desktop.services.sync.transport import Retryable, Transport

__all__ = ["EnrolResult", "enrol", "enrol_database", "new_shop_database_path"]


def new_shop_database_path(current: Path, now: datetime | None = None) -> Path:
    """Where a first enrolment puts the shop's own database: a new file beside ``current``.

    A workstation that was never enrolled holds the demo shop (or nothing):
    its master data has the same codes as the server's under other ids, and
    its demo sales must never reach the server. So the first enrolment loads
    the server's catalog into a new file and the app moves to it; the demo
    file is left as it was. (Re-enrolling an enrolled database happens in
    place: its sales are real and its pending operations are renumbered.)
    """
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    candidate = current.with_name(f"shop-{stamp}.db")
    number = 1
    while candidate.exists():
        number += 1
        candidate = current.with_name(f"shop-{stamp}-{number}.db")
    return candidate


@dataclass(frozen=True)
class EnrolResult:
    device_id: uuid.UUID
    previous_device_id: uuid.UUID | None
    branch_id: uuid.UUID
    workstation_id: uuid.UUID
    invoice_prefix: str
    #: Pending operations renumbered under the new device id.
    renumbered_ops: int
    bootstrap: BootstrapResult | None


def enrol(
    path: Path,
    settings: SyncSettings,
    code: str,
    tokens: TokenStore,
    *,
    http: requests.Session | None = None,
    device_name: str | None = None,
    load_catalog: bool = True,
    cancelled: Callable[[], bool] = lambda: False,
) -> EnrolResult:
    """Create or migrate the database at ``path``, enrol it, and load the catalog.

    Raises the transport's failures (:class:`BadEnrolmentCode`, :class:`Retryable`,
    ...). If the catalog load fails after enrolling, the enrolment stands and
    the engine loads the catalog on its next pass.
    """
    db = open_database(path)
    try:
        return enrol_database(
            db, settings, code, tokens, http=http, device_name=device_name,
            load_catalog=load_catalog, cancelled=cancelled,
        )  # fmt: skip
    finally:
        db.dispose()


def enrol_database(
    db: Database,
    settings: SyncSettings,
    code: str,
    tokens: TokenStore,
    *,
    http: requests.Session | None = None,
    device_name: str | None = None,
    load_catalog: bool = True,
    cancelled: Callable[[], bool] = lambda: False,
) -> EnrolResult:
    """:func:`enrol` for a database already open (the app's Settings page)."""
    if not settings.server_url.strip():
        raise ValueError("a server URL is needed to enrol")
    anonymous = Transport(
        settings.server_url, verify_tls=settings.verify_tls, ca_file=settings.ca_file, http=http
    )
    raw = anonymous.post(
        "/enrol",
        {
            "code": code.strip(),
            "device_name": device_name or platform.node() or "workstation",
            "client_version": __version__,
            "protocol": PROTOCOL,
        },
    )
    try:
        answer = parse_enrol(raw)
    except ServerAnswerInvalid as exc:
        raise Retryable(exc.detail) from exc
    # The token first: a database enrolled without its token could not sync.
    tokens.set(answer.device_id, answer.token)
    save_sync_settings(db, settings)
    with db.engine.begin() as conn:
        previous, renumbered = _write_identity(conn, answer)
    if previous is not None and previous != answer.device_id:
        tokens.delete(previous)
    clear_engine_state(db)
    result = EnrolResult(
        device_id=answer.device_id,
        previous_device_id=previous,
        branch_id=uuid.UUID(str(answer.branch["id"])),
        workstation_id=answer.workstation_id,
        invoice_prefix=answer.invoice_prefix,
        renumbered_ops=renumbered,
        bootstrap=None,
    )
    if not load_catalog:
        return result
    with db.engine.connect() as conn:
        has_cursor = read_value(conn, CURSOR_KEY) is not None
    if has_cursor:
        return result
    authorised = Transport(
        settings.server_url,
        token=answer.token,
        verify_tls=settings.verify_tls,
        ca_file=settings.ca_file,
        http=http,
    )
    loaded = bootstrap(db.path, authorised, cancelled=cancelled)
    return EnrolResult(**{**result.__dict__, "bootstrap": loaded})


def _write_identity(conn: Connection, answer: EnrolAnswer) -> tuple[uuid.UUID | None, int]:
    """Branch, workstation and device identity as the server gave them; renumber the outbox."""
    sql = AlchemySql(conn)
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    branch = {k: v for k, v in answer.branch.items() if not isinstance(v, list | dict)}
    apply_changes_of_entity(sql, "branch", tuple(branch), [list(branch.values())])
    station = {
        "id": str(answer.workstation_id),
        "branch_id": str(answer.branch["id"]),
        "code": answer.workstation_code,
        "name": answer.workstation_name or answer.workstation_code,
        "invoice_prefix": answer.invoice_prefix,
    }
    apply_changes_of_entity(sql, "workstation", tuple(station), [list(station.values())])
    now = utcnow()
    old = conn.execute(
        select(DeviceIdentity.device_id, DeviceIdentity.workstation_id)
    ).one_or_none()
    old_enrolment = read_value(conn, ENROLMENT_KEY)
    renumbered = 0
    if old is None:
        conn.execute(
            insert(DeviceIdentity).values(
                singleton=1,
                device_id=answer.device_id,
                workstation_id=answer.workstation_id,
                next_device_seq=1,
                next_invoice_no=1,
                next_credit_note_no=1,
                enrolled_at=now,
            )
        )
    else:
        renumbered = renumber_unsent(conn, answer.device_id)
        conn.execute(
            update(DeviceIdentity).values(
                device_id=answer.device_id,
                workstation_id=answer.workstation_id,
                next_device_seq=renumbered + 1,
                next_invoice_no=1,
                next_credit_note_no=1,
                enrolled_at=now,
            )
        )
    if old_enrolment is not None and old_enrolment.get("branch_id") != str(answer.branch["id"]):
        # Another branch: another set of stock and parked carts to load.
        write_value(conn, CURSOR_KEY, None)
    write_value(
        conn,
        ENROLMENT_KEY,
        {
            "device_id": str(answer.device_id),
            "branch_id": str(answer.branch["id"]),
            "workstation_id": str(answer.workstation_id),
            "invoice_prefix": answer.invoice_prefix,
        },
    )
    write_log(
        conn,
        "enrol",
        f"Enrolled as workstation {answer.workstation_code} (invoice series "
        f"{answer.invoice_prefix})"
        + (f"; {renumbered} unsent operations renumbered." if renumbered else "."),
        event=LogEvent.ENROLLED,
        details={
            "device_id": str(answer.device_id),
            "previous_device_id": None if old is None else str(old.device_id),
            "workstation_code": answer.workstation_code,
            "invoice_prefix": answer.invoice_prefix,
            "renumbered": renumbered,
        },
        at=now,
    )
    return (None if old is None else old.device_id), renumbered
