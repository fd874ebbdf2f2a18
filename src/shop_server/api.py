"""The HTTP API (docs/sync-protocol.md is the contract).

Stateless: every request reads what it needs from the database (no cached
token lookups, so revoking takes effect at once), which lets several
instances share one PostgreSQL. The hot paths (push, pull, bootstrap) build
their JSON with the stdlib and answer raw bytes; each endpoint still
declares its answers so the OpenAPI document is complete for schemathesis.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import asynccontextmanager
from datetime import UTC
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPBasic, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import Connection, and_, delete, false, or_, select, text, update
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from shop_server import admin, auth, changes, push, shifts
from shop_server import schema as s
from shop_server.body_limit import BodyTooLarge
from shop_server.db import Database, default_database_url, migrate, open_database
from shop_server.errors import ApiError, busy, device_cloned, forbidden, not_found, unauthorized

PROTOCOL_MIN = 1
PROTOCOL_MAX = 1
#: Pulls need at least this protocol (pushes are always accepted: old clients can upload).
PULL_MIN_PROTOCOL = 1
#: Concurrent pushes one process takes on before answering 429 (env SHOP_SERVER_MAX_PUSHES).
MAX_CONCURRENT_PUSHES = 64


# --- wire models (documentation and validation) -------------------------------------


class ErrorBody(BaseModel):
    code: str
    message: str


class VersionRange(BaseModel):
    min: int
    max: int


class Health(BaseModel):
    status: str
    server_time: str
    protocol: VersionRange


class BranchOut(BaseModel):
    id: str
    code: str
    name_zh: str
    name_en: str
    address: str
    phone: str
    tax_id: str
    active: bool
    neighbours: list[str]


class WorkstationOut(BaseModel):
    id: str
    branch_id: str
    code: str
    name: str
    invoice_prefix: str
    active: bool


class EnrolmentCodeIn(BaseModel):
    workstation_id: push.Id
    ttl_minutes: int = Field(default=1440, ge=1, le=60 * 24 * 30)


class EnrolmentCodeOut(BaseModel):
    code: str
    expires_at: str


class DeviceOut(BaseModel):
    id: str
    branch_id: str
    workstation_id: str
    name: str
    state: str
    invoice_prefix: str
    enrolled_at: str
    last_seen: str | None


class DevicesOut(BaseModel):
    devices: list[DeviceOut]
    next_after: str | None


class CatalogIn(BaseModel):
    entity: Literal[
        "tax_class", "category", "brand", "staff_user", "member", "product", "promotion",
        "coupon", "delivery_rule", "stock_level",
    ]  # fmt: skip
    rows: list[dict[str, Any]] = Field(max_length=10000)


class CatalogOut(BaseModel):
    entity: str
    upserted: int
    cursor: int


class FlagOut(BaseModel):
    id: int
    kind: str
    branch_id: str | None
    device_id: str | None
    entity: str
    entity_id: str
    message: str
    data: dict[str, Any]
    at: str


class FlagsOut(BaseModel):
    flags: list[FlagOut]
    next_after: int | None


class BranchesOut(BaseModel):
    branches: list[BranchOut]


class WorkstationRow(WorkstationOut):
    branch_code: str


class WorkstationsOut(BaseModel):
    workstations: list[WorkstationRow]


class CompactOut(BaseModel):
    floor: int


class EnrolIn(BaseModel):
    code: str = Field(max_length=40)
    device_name: str = Field(default="", max_length=120)
    client_version: str = Field(default="", max_length=40)
    protocol: int = 1


class WorkstationBrief(BaseModel):
    id: str
    code: str
    name: str
    invoice_prefix: str


class EnrolOut(BaseModel):
    device_id: str
    token: str
    branch: BranchOut
    workstation: WorkstationBrief
    server_time: str


class HelloOut(BaseModel):
    device_id: str
    branch_id: str
    workstation_id: str
    server_time: str
    protocol: VersionRange
    cursor_floor: int
    cursor_head: int


class OpResult(BaseModel):
    op_id: str
    device_seq: int
    status: Literal["applied", "duplicate", "rejected"]
    code: str
    message: str
    result: dict[str, Any]


class PushOut(BaseModel):
    server_time: str
    cursor: int
    results: list[OpResult]


class ChangeOut(BaseModel):
    seq: int
    entity: str
    id: str
    op: Literal["upsert", "delete"]
    data: dict[str, Any]


class PullOut(BaseModel):
    cursor: int
    has_more: bool
    server_time: str
    changes: list[ChangeOut]


class BootstrapOut(BaseModel):
    snapshot_cursor: int
    entities: list[str]


class BootstrapPage(BaseModel):
    entity: str
    columns: list[str]
    rows: list[list[Any]]
    next_after: str | None


class OrderOut(BaseModel):
    received_seq: int
    id: str
    status: str
    invoice_no: str | None
    payload: dict[str, Any]


class OrdersOut(BaseModel):
    orders: list[OrderOut]
    next_after: int | None


class StockOut(BaseModel):
    branch_id: str
    product_id: str
    on_hand_milli: int
    low_stock_milli: int


class StockListOut(BaseModel):
    levels: list[StockOut]


class PointsEntryOut(BaseModel):
    id: str
    order_id: str | None
    delta: int
    reason: str


class PointsOut(BaseModel):
    member_id: str
    points: int
    entries: list[PointsEntryOut]


class BranchDayOut(BaseModel):
    """Every till's Z reports of one business day of a branch, added (``shop_server.shifts``)."""

    branch_id: str
    day: str
    shifts: list[dict[str, Any]]
    open_shifts: list[dict[str, Any]]
    totals: dict[str, Any]
    net_sales_minor: int
    tax_minor: int
    float_minor: int
    expected_cash_minor: int
    counted_minor: int
    variance_minor: int


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in (422, 503, *statuses)}


DEVICE_ERRORS = _errors(401, 409)
ADMIN_ERRORS = _errors(401, 403)
BRANCH_ERRORS = _errors(401, 403, 409)


def _json(content: Any, status: int = 200) -> Response:
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str)
    return Response(body.encode("utf-8"), status_code=status, media_type="application/json")


# --- dependencies ------------------------------------------------------------------


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


DB = Annotated[Database, Depends(get_db)]
# Declared only so OpenAPI shows the schemes; the headers are parsed below.
_bearer_scheme = HTTPBearer(auto_error=False, description="Device token from /api/v1/enrol")
_basic_scheme = HTTPBasic(auto_error=False, description="An administrator made by shop-server init")


class DeviceRow(BaseModel):
    id: str
    branch_id: str
    workstation_id: str


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_device(
    request: Request, db: DB, _scheme: Annotated[Any, Depends(_bearer_scheme)] = None
) -> DeviceRow:
    """The device behind the bearer token, read fresh on every request."""
    token = _bearer_token(request)
    if token is None:
        raise unauthorized("This request needs a device token.")
    with db.reader.connect() as conn:
        row = conn.execute(
            select(s.devices.c.id, s.devices.c.branch_id, s.devices.c.workstation_id,
                   s.devices.c.state)
            .where(s.devices.c.token_hash == auth.token_hash(token))
        ).first()  # fmt: skip
    if row is None or row.state == "revoked":
        raise unauthorized()
    if row.state == "cloned":
        raise device_cloned()
    return DeviceRow(id=row.id, branch_id=row.branch_id, workstation_id=row.workstation_id)


CurrentDevice = Annotated[DeviceRow, Depends(current_device)]


def current_admin(
    request: Request, db: DB, _scheme: Annotated[Any, Depends(_basic_scheme)] = None
) -> str:
    """The administrator named by HTTP Basic; a device token here is refused (403)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        raise forbidden("Admin paths need an administrator's name and password, not a device.")
    challenge = {"WWW-Authenticate": 'Basic realm="shop-server"'}
    if scheme.lower() != "basic":
        raise ApiError(401, "unauthorized", "Sign in as an administrator.", challenge)
    try:
        username, _, password = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ApiError(401, "unauthorized", "Sign in as an administrator.", challenge) from None
    with db.reader.connect() as conn:
        stored = conn.execute(
            select(s.admins.c.password_hash).where(s.admins.c.username == username)
        ).scalar()
    if stored is None or not auth.password_matches(stored, password):
        raise ApiError(401, "unauthorized", "Wrong administrator name or password.", challenge)
    return username


Admin = Annotated[str, Depends(current_admin)]


def _protocol(x_shop_protocol: Annotated[int | None, Header()] = None) -> int:
    return PROTOCOL_MAX if x_shop_protocol is None else x_shop_protocol


Protocol = Annotated[int, Depends(_protocol)]


def _visible_branches(conn: Connection, branch_id: str) -> list[str]:
    """The device's branch and its neighbours (whose stock it may read)."""
    neighbours = conn.execute(
        select(s.branch_neighbours.c.neighbour_id).where(
            s.branch_neighbours.c.branch_id == branch_id
        )
    ).scalars()
    return [branch_id, *neighbours]


def _own_branch(device: DeviceRow, branch_id: str) -> None:
    if branch_id != device.branch_id:
        raise forbidden()


# --- the app ------------------------------------------------------------------------


def create_app(database_url: str | None = None, *, run_migrations: bool = False) -> FastAPI:
    """The ASGI app for one database (migrated first when asked)."""
    url = database_url or default_database_url()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        db = open_database(url)
        if run_migrations:
            migrate(db)
        app.state.db = db
        limit = int(os.environ.get("SHOP_SERVER_MAX_PUSHES", "") or MAX_CONCURRENT_PUSHES)
        app.state.pushes = threading.BoundedSemaphore(max(1, limit))
        yield
        db.dispose()

    app = FastAPI(
        title="Shop server",
        version="1",
        description="Central server of Shop Desktop: enrolment, push, pull, bootstrap.",
        lifespan=lifespan,
    )
    # Outermost of ours: a body too large is refused while it arrives, before FastAPI
    # reads and parses it, and before the token is looked at (body_limit.py says why).
    app.add_middleware(BodyTooLarge)
    _install_error_handlers(app)
    _admin_routes(app)
    _device_routes(app)
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (several workers): the URL from the environment."""
    return create_app()


def _install_error_handlers(app: FastAPI) -> None:
    def _body(
        exc_code: str, message: str, status: int, headers: dict[str, str] | None = None
    ) -> JSONResponse:
        return JSONResponse(
            {"code": exc_code, "message": message}, status_code=status, headers=headers
        )

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _body(exc.code, exc.message, exc.status, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        where = ".".join(str(p) for p in errors[0]["loc"]) if errors else "request"
        message = errors[0]["msg"] if errors else "not valid"
        return _body("invalid", f"The request's {where} is not valid: {message}.", 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _body(code, str(exc.detail), exc.status_code, dict(exc.headers or {}))

    @app.exception_handler(DataError)
    async def _unstorable(_request: Request, _exc: DataError) -> JSONResponse:
        # e.g. a NUL character, which PostgreSQL text cannot hold: the caller's data, not us.
        return _body("invalid", "A value in the request cannot be stored or searched for.", 422)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _db_busy(_request: Request, _exc: Exception) -> JSONResponse:
        # Deadlock, lost connection, all pooled connections in use: retry later.
        return _body("busy", "The database is busy; try again shortly.", 503, {"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def _bug(_request: Request, _exc: Exception) -> JSONResponse:
        # Logged by the server with its traceback; the caller gets a sentence.
        return _body("server_error", "The server met an unexpected error; it was logged.", 500)


# --- admin --------------------------------------------------------------------------


def _admin_routes(app: FastAPI) -> None:
    @app.get("/api/v1/health", response_model=Health, responses=_errors())
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "server_time": changes.now().isoformat(),
            "protocol": {"min": PROTOCOL_MIN, "max": PROTOCOL_MAX},
        }

    @app.post("/api/v1/admin/branches", response_model=BranchOut, responses=ADMIN_ERRORS)
    def save_branch(body: admin.BranchIn, db: DB, _admin: Admin) -> dict[str, Any]:
        with db.writer.begin() as conn:
            return admin.save_branch(conn, body)

    @app.get("/api/v1/admin/branches", response_model=BranchesOut, responses=ADMIN_ERRORS)
    def list_branches(db: DB, _admin: Admin) -> dict[str, Any]:
        with db.reader.connect() as conn:
            return {"branches": admin.list_branches(conn)}

    @app.post(
        "/api/v1/admin/workstations",
        response_model=WorkstationOut,
        responses=_errors(401, 403, 404),
    )
    def create_workstation(body: admin.WorkstationIn, db: DB, _admin: Admin) -> dict[str, Any]:
        with db.writer.begin() as conn:
            return admin.create_workstation(conn, body)

    @app.get("/api/v1/admin/workstations", response_model=WorkstationsOut, responses=ADMIN_ERRORS)
    def list_workstations(
        db: DB, _admin: Admin, branch_id: Annotated[str | None, Query(max_length=36)] = None
    ) -> dict[str, Any]:
        with db.reader.connect() as conn:
            return {"workstations": admin.list_workstations(conn, branch_id)}

    @app.post(
        "/api/v1/admin/enrolment-codes",
        response_model=EnrolmentCodeOut,
        responses=_errors(401, 403, 404),
    )
    def make_enrolment_code(body: EnrolmentCodeIn, db: DB, _admin: Admin) -> dict[str, Any]:
        with db.writer.begin() as conn:
            return admin.make_enrolment_code(conn, body.workstation_id, body.ttl_minutes)

    @app.post(
        "/api/v1/admin/devices/{device_id}/revoke",
        response_model=DeviceOut,
        responses=_errors(401, 403, 404),
    )
    def revoke_device(device_id: str, db: DB, _admin: Admin) -> dict[str, Any]:
        with db.writer.begin() as conn:
            return admin.revoke_device(conn, device_id)

    @app.get("/api/v1/admin/devices", response_model=DevicesOut, responses=ADMIN_ERRORS)
    def list_devices(
        db: DB,
        _admin: Admin,
        after: Annotated[str, Query(max_length=36)] = "",
        limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE)] = admin.DEFAULT_PAGE,
    ) -> dict[str, Any]:
        with db.reader.connect() as conn:
            return admin.list_devices(conn, after, limit)

    @app.post("/api/v1/admin/catalog", response_model=CatalogOut, responses=ADMIN_ERRORS)
    def upsert_catalog(body: CatalogIn, db: DB, _admin: Admin) -> dict[str, Any]:
        with db.writer.begin() as conn:
            try:
                cursor = _upsert_catalog(conn, body.entity, body.rows)
            except (KeyError, TypeError, ValueError) as exc:
                raise ApiError(422, "invalid", f"A row is not valid: {exc}.") from exc
        return {"entity": body.entity, "upserted": len(body.rows), "cursor": cursor}

    @app.get("/api/v1/admin/flags", response_model=FlagsOut, responses=ADMIN_ERRORS)
    def list_flags(
        db: DB,
        _admin: Admin,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE)] = admin.DEFAULT_PAGE,
    ) -> dict[str, Any]:
        with db.reader.connect() as conn:
            return admin.list_flags(conn, after, limit)

    @app.get(
        "/api/v1/admin/branches/{branch_id}/days/{day}",
        response_model=BranchDayOut,
        responses=ADMIN_ERRORS,
    )
    def branch_day(
        branch_id: Annotated[str, Path(max_length=36)],
        day: Annotated[str, Path(pattern=r"^\d{4}-\d{2}-\d{2}$")],
        db: DB,
        _admin: Admin,
    ) -> dict[str, Any]:
        with db.reader.connect() as conn:
            return shifts.branch_day(conn, branch_id, day)

    @app.post("/api/v1/admin/change-log/compact", response_model=CompactOut, responses=ADMIN_ERRORS)
    def compact_log(db: DB, _admin: Admin) -> dict[str, Any]:
        with db.writer.begin() as conn:
            return {"floor": changes.compact(conn)}


def _upsert_catalog(conn: Connection, entity: str, rows: list[dict[str, Any]]) -> int:
    """Upsert master-data rows (pull shape) and log them; the new head."""
    table, columns = changes.ENTITIES[entity]
    if entity == "stock_level":
        clean = [{c: r[c] for c in columns} for r in rows]
        push.upsert(
            conn, table, clean, ["branch_id", "product_id"],
            lambda ex: {"on_hand_milli": ex.on_hand_milli, "low_stock_milli": ex.low_stock_milli},
        )  # fmt: skip
        return changes.append(
            conn, changes.stock_changes(conn, [(r["branch_id"], r["product_id"]) for r in clean])
        )
    fixed = {"version", "uses", "points"} & set(columns)
    clean = [{c: r[c] for c in columns if c in r and c not in fixed} for r in rows]
    for row in clean:
        row["id"] = str(uuid.UUID(str(row["id"])))
    ids = [row["id"] for row in clean]
    existing = set(conn.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars())
    moves: dict[str, tuple[str | None, str | None]] = {}
    if entity == "staff_user":
        before = dict(
            conn.execute(select(table.c.id, table.c.branch_id).where(table.c.id.in_(ids))).all()
        )
        moves = {
            r["id"]: (before[r["id"]], r.get("branch_id"))
            for r in clean
            if r["id"] in before and "branch_id" in r
        }
    for row in clean:
        if row["id"] in existing:
            values = {k: v for k, v in row.items() if k != "id"}
            if entity == "product":
                values["version"] = s.products.c.version + 1
            conn.execute(update(table).where(table.c.id == row["id"]).values(values))
        else:
            conn.execute(table.insert().values(row))
    if entity == "product":
        with_codes = [r for r in rows if "barcodes" in r]
        pids = [str(uuid.UUID(str(r["id"]))) for r in with_codes]
        conn.execute(delete(s.product_barcodes).where(s.product_barcodes.c.product_id.in_(pids)))
        codes = [
            {"code": str(b["code"]), "product_id": pid, "kind": str(b.get("kind", "ean13"))}
            for pid, r in zip(pids, with_codes, strict=True)
            for b in r["barcodes"]
        ]
        if codes:
            conn.execute(s.product_barcodes.insert(), codes)
    withdrawn = changes.staff_withdrawals(conn, moves) if moves else []
    return changes.append(conn, withdrawn + changes.row_changes(conn, entity, ids))


# --- devices ------------------------------------------------------------------------


def _device_routes(app: FastAPI) -> None:  # noqa: PLR0915 - one nested function per route
    @app.post("/api/v1/enrol", response_model=EnrolOut, responses=_errors(400))
    def enrol(body: EnrolIn, db: DB) -> dict[str, Any]:
        now = changes.now()
        bad = ApiError(
            400, "bad_enrolment_code",
            "This enrolment code is unknown, already used or expired; ask for a new one.",
        )  # fmt: skip
        with db.writer.begin() as conn:
            code = conn.execute(
                select(s.enrolment_codes).where(
                    s.enrolment_codes.c.code_hash == auth.enrolment_code_hash(body.code)
                )
            ).first()
            if code is None or code.used_at is not None or _aware(code.expires_at) <= now:
                raise bad
            ws = conn.execute(
                select(s.workstations).where(s.workstations.c.id == code.workstation_id)
            ).one()
            n = ws.enrolments + 1
            device_id = str(uuid.uuid4())
            token = auth.new_token()
            prefix = f"{ws.invoice_prefix}-{n}"
            conn.execute(
                update(s.workstations).where(s.workstations.c.id == ws.id).values(enrolments=n)
            )
            conn.execute(
                s.devices.insert().values(
                    id=device_id, workstation_id=ws.id, branch_id=ws.branch_id,
                    name=body.device_name, client_version=body.client_version,
                    token_hash=auth.token_hash(token), state="active", invoice_prefix=prefix,
                    enrolled_at=now, last_seen=now,
                )
            )  # fmt: skip
            conn.execute(
                update(s.enrolment_codes)
                .where(s.enrolment_codes.c.code_hash == code.code_hash)
                .values(used_at=now, device_id=device_id)
            )
            branch = admin.branch_row(conn, ws.branch_id)
        return {
            "device_id": device_id,
            "token": token,
            "branch": branch,
            "workstation": {
                "id": ws.id,
                "code": ws.code,
                "name": ws.name,
                "invoice_prefix": prefix,
            },
            "server_time": now.isoformat(),
        }

    @app.get("/api/v1/hello", response_model=HelloOut, responses=DEVICE_ERRORS)
    def hello(device: CurrentDevice, db: DB) -> dict[str, Any]:
        now = changes.now()
        with db.writer.begin() as conn:
            conn.execute(update(s.devices).where(s.devices.c.id == device.id).values(last_seen=now))
            head, floor = changes.head(conn)
        return {
            "device_id": device.id,
            "branch_id": device.branch_id,
            "workstation_id": device.workstation_id,
            "server_time": now.isoformat(),
            "protocol": {"min": PROTOCOL_MIN, "max": PROTOCOL_MAX},
            "cursor_floor": floor,
            "cursor_head": head,
        }

    @app.post(
        "/api/v1/push",
        response_model=PushOut,
        responses=_errors(400, 401, 403, 409, 413, 429),
    )
    def push_ops(request: Request, body: push.PushIn, device: CurrentDevice, db: DB) -> Response:
        if body.device_id and body.device_id != device.id:
            raise forbidden("The device id in the batch is not this token's device.")
        pushes: threading.BoundedSemaphore = request.app.state.pushes
        if not pushes.acquire(blocking=False):
            raise busy()
        try:
            with db.writer.begin() as conn:
                answer = push.push(conn, device.id, body)
        except IntegrityError:
            # Two requests raced with the same ops: retrying answers duplicates.
            raise ApiError(
                503, "busy", "A concurrent push clashed; retry.", {"Retry-After": "1"}
            ) from None
        finally:
            pushes.release()
        return _json(answer)

    @app.get("/api/v1/pull", response_model=PullOut, responses=_errors(401, 409, 410, 426))
    def pull(
        device: CurrentDevice,
        db: DB,
        protocol: Protocol,
        cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=2000)] = 500,
    ) -> Response:
        if protocol < PULL_MIN_PROTOCOL:
            raise ApiError(426, "upgrade_required", "Update the app to receive catalog changes.")
        with db.reader.connect() as conn:
            head, floor = changes.head(conn)
            if cursor < floor or cursor > head:
                raise ApiError(
                    410, "cursor_too_old",
                    "This workstation's copy is too old to update piece by piece; "
                    "it downloads everything again.",
                )  # fmt: skip
            visible = _visible_branches(conn, device.branch_id)
            log = s.change_log
            rows = conn.execute(
                select(log.c.seq, log.c.entity, log.c.entity_id, log.c.op, log.c.data)
                .where(
                    log.c.seq > cursor,
                    log.c.seq <= head,
                    log.c.entity != "server",
                    or_(
                        log.c.branch_id.is_(None),
                        log.c.branch_id == device.branch_id,
                        and_(log.c.branch_id.in_(visible), log.c.private == false()),
                    ),
                )
                .order_by(log.c.seq)
                .limit(limit + 1)
            ).all()
        has_more = len(rows) > limit
        rows = rows[:limit]
        return _json(
            {
                "cursor": rows[-1].seq if has_more else head,
                "has_more": has_more,
                "server_time": changes.now().isoformat(),
                "changes": [
                    {
                        "seq": r.seq,
                        "entity": r.entity,
                        "id": r.entity_id,
                        "op": r.op,
                        "data": r.data,
                    }
                    for r in rows
                ],
            }
        )

    @app.get("/api/v1/bootstrap", response_model=BootstrapOut, responses=DEVICE_ERRORS)
    def bootstrap(device: CurrentDevice, db: DB) -> dict[str, Any]:
        with db.reader.connect() as conn:
            head, _ = changes.head(conn)
        return {"snapshot_cursor": head, "entities": list(changes.APPLY_ORDER)}

    @app.get(
        "/api/v1/bootstrap/{entity}", response_model=BootstrapPage, responses=_errors(401, 404, 409)
    )
    def bootstrap_page(
        *,
        device: CurrentDevice,
        db: DB,
        entity: Annotated[str, Path(max_length=32)],
        after: Annotated[str, Query(max_length=100)] = "",
        limit: Annotated[int, Query(ge=1, le=20000)] = 5000,
        snapshot_cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    ) -> Response:
        if entity not in changes.ENTITIES:
            raise not_found(f"There is no entity {entity!r}.")
        with db.reader.connect() as conn:
            if db.postgresql:
                body = _pg_bootstrap_page(conn, device, entity, after, limit)
                return Response(body, media_type="application/json")
            page = _bootstrap_page(conn, device, entity, after, limit)
        return _json(page)

    @app.get(
        "/api/v1/branches/{branch_id}/orders", response_model=OrdersOut, responses=BRANCH_ERRORS
    )
    def branch_orders(
        device: CurrentDevice,
        db: DB,
        branch_id: str,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=2000)] = 500,
    ) -> Response:
        _own_branch(device, branch_id)
        o = s.orders
        with db.reader.connect() as conn:
            rows = (
                conn.execute(
                    select(o.c.received_seq, o.c.id, o.c.status, o.c.invoice_no, o.c.payload)
                    .where(o.c.branch_id == branch_id, o.c.received_seq > after)
                    .order_by(o.c.received_seq)
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        return _json(
            {
                "orders": [dict(r) for r in rows],
                "next_after": rows[-1]["received_seq"] if len(rows) == limit else None,
            }
        )

    @app.get(
        "/api/v1/branches/{branch_id}/stock", response_model=StockListOut, responses=BRANCH_ERRORS
    )
    def branch_stock(
        device: CurrentDevice,
        db: DB,
        branch_id: str,
        product_id: Annotated[str | None, Query(max_length=36)] = None,
    ) -> Response:
        t = s.stock_levels
        with db.reader.connect() as conn:
            if branch_id not in _visible_branches(conn, device.branch_id):
                raise forbidden()
            query = select(t).where(t.c.branch_id == branch_id).order_by(t.c.product_id)
            if product_id is not None:
                query = query.where(t.c.product_id == product_id)
            rows = conn.execute(query.limit(10000)).mappings().all()
        return _json({"levels": [dict(r) for r in rows]})

    @app.get(
        "/api/v1/branches/{branch_id}/members/{member_id}/points",
        response_model=PointsOut,
        responses=BRANCH_ERRORS,
    )
    def member_points(device: CurrentDevice, db: DB, branch_id: str, member_id: str) -> Response:
        _own_branch(device, branch_id)
        p = s.points_entries
        with db.reader.connect() as conn:
            balance = conn.execute(
                select(s.members.c.points).where(s.members.c.id == member_id)
            ).scalar()
            entries = (
                conn.execute(
                    select(p.c.id, p.c.order_id, p.c.delta, p.c.reason)
                    .where(p.c.member_id == member_id)
                    .order_by(p.c.received_at, p.c.id)
                )
                .mappings()
                .all()
            )
        return _json(
            {"member_id": member_id, "points": balance or 0, "entries": [dict(e) for e in entries]}
        )


def _aware(value: Any) -> Any:
    """SQLite gives naive datetimes back; they were stored as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _bootstrap_page(
    conn: Connection, device: DeviceRow, entity: str, after: str, limit: int
) -> dict[str, Any]:
    """One keyset page of an entity, columnar (columns once, then value lists)."""
    table, columns = changes.ENTITIES[entity]
    visible = _visible_branches(conn, device.branch_id)
    if entity == "stock_level":
        t = s.stock_levels
        query = select(t).where(t.c.branch_id.in_(visible)).order_by(t.c.branch_id, t.c.product_id)
        if after:
            b, _, p = after.partition(":")
            query = query.where(
                or_(t.c.branch_id > b, and_(t.c.branch_id == b, t.c.product_id > p))
            )
    else:
        query = select(table).where(table.c.id > after).order_by(table.c.id)
        if entity == "parked_cart":
            query = query.where(s.parked_carts.c.branch_id == device.branch_id)
        if entity == "staff_user":
            # Hashes only for the people who may work at this till's branch.
            staff = s.staff_users.c
            query = query.where(or_(staff.branch_id.is_(None), staff.branch_id == device.branch_id))
    rows = conn.execute(query.limit(limit)).mappings().all()
    data = [changes.entity_data(entity, r) for r in rows]
    names = list(data[0]) if data else list(columns)
    values = [[d[c] for c in names] for d in data]
    if entity == "product":
        codes = changes.barcodes_of(conn, [d["id"] for d in data])
        names.append("barcodes")
        for row, d in zip(values, data, strict=True):
            row.append(codes[d["id"]])
    next_after = None
    if len(rows) == limit:
        next_after = changes.entity_key(entity, data[-1])
    return {"entity": entity, "columns": names, "rows": values, "next_after": next_after}


def _pg_bootstrap_page(
    conn: Connection, device: DeviceRow, entity: str, after: str, limit: int
) -> bytes:
    """The same page built by PostgreSQL itself as JSON text (a million products in seconds).

    Python never touches the rows: the database aggregates them into the
    ``rows`` array, which is spliced into the answer as it comes.
    """
    table, columns = changes.ENTITIES[entity]
    names = ["member_id", "points"] if entity == "points_balance" else list(columns)
    picked = ["p.id", "p.points"] if entity == "points_balance" else [f"p.{c}" for c in columns]
    if entity == "product":
        names.append("barcodes")
        picked.append(
            "coalesce((SELECT json_agg(json_build_object('code', b.code, 'kind', b.kind)"
            " ORDER BY b.code) FROM product_barcodes b WHERE b.product_id = p.id), '[]'::json)"
        )
    params: dict[str, Any] = {"limit": limit, "after": after}
    if entity == "stock_level":
        branch, _, product = after.partition(":")
        params |= {"branch": branch, "product": product}
        params["visible"] = _visible_branches(conn, device.branch_id)
        where = "branch_id = ANY(:visible) AND (branch_id, product_id) > (:branch, :product)"
        order, key = "branch_id, product_id", "p.branch_id || ':' || p.product_id"
    else:
        where, order, key = "id > :after", "id", "p.id"
        if entity == "parked_cart":
            where += " AND branch_id = :own"
            params["own"] = device.branch_id
        if entity == "staff_user":
            where += " AND (branch_id IS NULL OR branch_id = :own)"
            params["own"] = device.branch_id
    sql = (
        f"WITH p AS (SELECT * FROM {table.name} WHERE {where} ORDER BY {order} LIMIT :limit) "
        f"SELECT coalesce(json_agg(json_build_array({', '.join(picked)}) ORDER BY "
        f"{', '.join('p.' + c.strip() for c in order.split(','))}), '[]'::json)::text AS rows, "
        f"count(*) AS n, max({key}) AS last FROM p"
    )
    row = conn.execute(text(sql), params).one()
    next_after = row.last if row.n == limit else None
    head = json.dumps({"entity": entity, "columns": names, "next_after": next_after})
    return f'{head[:-1]}, "rows": {row.rows}}}'.encode()


def iter_routes(app: FastAPI) -> Iterator[str]:
    """Every path the app serves (tests enumerate them for the branch-scope check)."""
    for route in app.routes:
        path = getattr(route, "path", None)
        if isinstance(path, str):
            yield path
