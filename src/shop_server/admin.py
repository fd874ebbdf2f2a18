"""An administrator's day-to-day work: branches, workstations, enrolment codes, devices, flags.

Plain functions over a ``Connection`` so the admin HTTP API and the
``shop-server`` command line do the same thing by the same code. A refusal
is an :class:`~shop_server.errors.ApiError`: the API answers it with its
status, the command line prints its message.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, delete, select, update

from shop_server import auth, changes
from shop_server import schema as s
from shop_server.errors import ApiError, not_found
from shop_server.push import Id

#: Rows one listing page holds at most (``limit``), and by default.
MAX_PAGE = 2000
DEFAULT_PAGE = 500


class BranchIn(BaseModel):
    id: Id | None = None
    code: str = Field(min_length=1, max_length=16)
    name_zh: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    address: str = Field(default="", max_length=240)
    phone: str = Field(default="", max_length=40)
    tax_id: str = Field(default="", max_length=20)
    neighbours: list[Id] = Field(default_factory=list, max_length=100)


class WorkstationIn(BaseModel):
    branch_id: Id
    code: str = Field(min_length=1, max_length=16)
    name: str = Field(max_length=120)
    invoice_prefix: str | None = Field(default=None, min_length=1, max_length=20)


# --- branches -----------------------------------------------------------------------


def branch_row(conn: Connection, branch_id: str) -> dict[str, Any]:
    """A branch as the API shows it, with its neighbours' ids."""
    row = conn.execute(select(s.branches).where(s.branches.c.id == branch_id)).mappings().one()
    neighbours = conn.execute(
        select(s.branch_neighbours.c.neighbour_id)
        .where(s.branch_neighbours.c.branch_id == branch_id)
        .order_by(s.branch_neighbours.c.neighbour_id)
    ).scalars()
    return dict(row) | {"neighbours": list(neighbours)}


def save_branch(conn: Connection, body: BranchIn) -> dict[str, Any]:
    """Create a branch, or update the one with ``body.id``; its neighbours are replaced."""
    values = body.model_dump(exclude={"id", "neighbours"})
    branch_id = body.id
    exists = (
        branch_id
        and conn.execute(select(s.branches.c.id).where(s.branches.c.id == branch_id)).first()
    )
    clash = conn.execute(select(s.branches.c.id).where(s.branches.c.code == body.code)).first()
    if clash is not None and clash.id != branch_id:
        raise ApiError(409, "conflict", f"Branch code {body.code} is already used.")
    if exists:
        conn.execute(update(s.branches).where(s.branches.c.id == branch_id).values(values))
    else:
        branch_id = branch_id or str(uuid.uuid4())
        conn.execute(s.branches.insert().values(id=branch_id, active=True, **values))
    assert branch_id is not None
    neighbours = sorted(set(body.neighbours) - {branch_id})
    known = set(
        conn.execute(select(s.branches.c.id).where(s.branches.c.id.in_(neighbours))).scalars()
    )
    if known != set(neighbours):
        raise not_found("A neighbour branch does not exist.")
    conn.execute(delete(s.branch_neighbours).where(s.branch_neighbours.c.branch_id == branch_id))
    if neighbours:
        conn.execute(
            s.branch_neighbours.insert(),
            [{"branch_id": branch_id, "neighbour_id": n} for n in neighbours],
        )
    out = branch_row(conn, branch_id)
    changes.append(conn, changes.row_changes(conn, "branch", [branch_id]))
    return out


def list_branches(conn: Connection) -> list[dict[str, Any]]:
    """Every branch, by code (a shop has tens, not thousands: no paging)."""
    ids = conn.execute(select(s.branches.c.id).order_by(s.branches.c.code)).scalars().all()
    return [branch_row(conn, branch_id) for branch_id in ids]


def branch_by_code(conn: Connection, code: str) -> str:
    """The id of the branch with this code (or this id)."""
    found = conn.execute(
        select(s.branches.c.id).where((s.branches.c.code == code) | (s.branches.c.id == code))
    ).scalar()
    if found is None:
        raise not_found(f"There is no branch {code}.")
    return str(found)


# --- workstations and enrolment -----------------------------------------------------


def create_workstation(conn: Connection, body: WorkstationIn) -> dict[str, Any]:
    """A new workstation; its invoice prefix is the branch and workstation codes unless given."""
    branch = conn.execute(
        select(s.branches.c.code).where(s.branches.c.id == body.branch_id)
    ).first()
    if branch is None:
        raise not_found("That branch does not exist.")
    prefix = body.invoice_prefix or f"{branch.code}{body.code}".upper()[:16]
    base, n = prefix, 1
    while conn.execute(
        select(s.workstations.c.id).where(s.workstations.c.invoice_prefix == prefix)
    ).first():
        n += 1
        prefix = f"{base}{n}"
    if conn.execute(
        select(s.workstations.c.id).where(
            s.workstations.c.branch_id == body.branch_id, s.workstations.c.code == body.code
        )
    ).first():
        raise ApiError(409, "conflict", f"Workstation {body.code} already exists there.")
    ws_id = str(uuid.uuid4())
    conn.execute(
        s.workstations.insert().values(
            id=ws_id, branch_id=body.branch_id, code=body.code, name=body.name,
            invoice_prefix=prefix, active=True, enrolments=0,
        )
    )  # fmt: skip
    changes.append(conn, changes.row_changes(conn, "workstation", [ws_id]))
    row = conn.execute(select(s.workstations).where(s.workstations.c.id == ws_id))
    return dict(row.mappings().one())


def list_workstations(conn: Connection, branch_id: str | None = None) -> list[dict[str, Any]]:
    """Workstations (of one branch when given), by branch code and workstation code."""
    w, b = s.workstations, s.branches
    query = (
        select(w, b.c.code.label("branch_code"))
        .join(b, b.c.id == w.c.branch_id)
        .order_by(b.c.code, w.c.code)
    )
    if branch_id is not None:
        query = query.where(w.c.branch_id == branch_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def workstation_by_ref(conn: Connection, ref: str, branch_code: str | None = None) -> str:
    """The id of a workstation named by id, or by code (within ``branch_code`` when given).

    Codes are unique per branch only: a code used in two branches needs the branch.
    """
    w = s.workstations
    query = select(w.c.id).where((w.c.id == ref) | (w.c.code == ref))
    if branch_code is not None:
        query = query.where(w.c.branch_id == branch_by_code(conn, branch_code))
    found = conn.execute(query).scalars().all()
    if not found:
        raise not_found(f"There is no workstation {ref}.")
    if len(found) > 1:
        raise ApiError(
            409, "ambiguous", f"Workstation {ref} exists in several branches; name the branch."
        )
    return str(found[0])


def make_enrolment_code(conn: Connection, workstation_id: str, ttl_minutes: int) -> dict[str, Any]:
    """A one-time code (stored hashed) that enrols one device on the workstation."""
    w = s.workstations
    if not conn.execute(select(w.c.id).where(w.c.id == workstation_id)).first():
        raise not_found("That workstation does not exist.")
    code = auth.new_enrolment_code()
    created = changes.now()
    expires = created + timedelta(minutes=ttl_minutes)
    conn.execute(
        s.enrolment_codes.insert().values(
            code_hash=auth.enrolment_code_hash(code), workstation_id=workstation_id,
            expires_at=expires, created_at=created,
        )
    )  # fmt: skip
    return {"code": code, "expires_at": expires.isoformat()}


# --- devices and flags --------------------------------------------------------------


def device_row(row: Any) -> dict[str, Any]:
    return dict(row) | {
        "enrolled_at": row["enrolled_at"].isoformat(),
        "last_seen": None if row["last_seen"] is None else row["last_seen"].isoformat(),
    }


def revoke_device(conn: Connection, device_id: str) -> dict[str, Any]:
    """Stop a device at once: its token is refused from the next request on."""
    done = conn.execute(
        update(s.devices).where(s.devices.c.id == device_id).values(state="revoked")
    )
    if done.rowcount == 0:
        raise not_found("That device does not exist.")
    return device_row(
        conn.execute(select(s.devices).where(s.devices.c.id == device_id)).mappings().one()
    )


def list_devices(conn: Connection, after: str = "", limit: int = DEFAULT_PAGE) -> dict[str, Any]:
    """One page of devices, keyset by id (``after``); ``next_after`` is null on the last page."""
    d = s.devices
    rows = (
        conn.execute(select(d).where(d.c.id > after).order_by(d.c.id).limit(limit)).mappings().all()
    )
    return {
        "devices": [device_row(r) for r in rows],
        "next_after": rows[-1]["id"] if len(rows) == limit else None,
    }


def list_flags(conn: Connection, after: int = 0, limit: int = DEFAULT_PAGE) -> dict[str, Any]:
    """One page of flags in the order they were raised (``after`` a flag id)."""
    f = s.flags
    rows = (
        conn.execute(select(f).where(f.c.id > after).order_by(f.c.id).limit(limit)).mappings().all()
    )
    return {
        "flags": [dict(r) | {"at": r["at"].isoformat()} for r in rows],
        "next_after": rows[-1]["id"] if len(rows) == limit else None,
    }
