"""Applying what workstations push: one transaction per batch, a savepoint per op.

The rules (docs/sync-protocol.md, "Push"): an op and its ``applied_ops``
record commit together, so a repeat is answered with the first result; a
bad op is rejected and recorded without stopping the ops after it; the
same ``device_seq`` with another ``op_id`` means the database was copied,
and the device is marked cloned. Effects that many ops share (stock levels,
points balances, coupon use counts) are folded per batch and logged once
per touched row, at the end, under the change-log lock.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection, Table, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError, ProgrammingError

from shop_server import audit, changes, rights
from shop_server import schema as s
from shop_server.changes import Change
from shop_server.errors import device_cloned, unauthorized
from shop_shared.currencies import UnknownCurrencyCode, minor_digits
from shop_shared.ops import (
    AUDIT_ENTRIES,
    CART_PARKED,
    CART_RECALLED,
    DEVICE_SEQ_REUSED,
    MEMBER_UPDATE,
    ORDER_CANCELLED,
    ORDER_COMPLETED,
    ORDER_OPS,
    ORDER_PAID,
    ORDER_STATUS_CHANGED,
    ORDER_TAKEN,
    PAYLOAD_VERSIONS,
    PRODUCT_EDIT,
    SHIFT_CLOSED,
    SHIFT_OPENED,
    STAFF_EDIT,
)
from shop_shared.permissions import ROLES
from shop_shared.points import POINTS_EARNED, points_earned

MAX_OPS = 200
M = TypeVar("M", bound=BaseModel)


def _uuid_text(value: str) -> str:
    return str(uuid.UUID(value))


Id = Annotated[str, AfterValidator(_uuid_text)]


class _Loose(BaseModel):
    """Older and newer clients send fields we do not know: ignored, never an error."""

    model_config = ConfigDict(extra="ignore")


class OpIn(_Loose):
    op_id: str = Field(max_length=64)
    device_seq: int = Field(ge=0, le=2**62)
    op_type: str = Field(max_length=64)
    payload_version: int = Field(default=1, ge=0, le=2**31)
    created_at: str = Field(default="", max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict)


class PushIn(_Loose):
    protocol: int = 1
    device_id: str = Field(default="", max_length=64)
    sent_at: str = Field(default="", max_length=64)
    ops: list[OpIn] = Field(max_length=MAX_OPS)


class LineIn(_Loose):
    id: Id
    line_no: int
    product_id: Id | None = None
    sku: str = ""
    qty_milli: int
    unit_price_minor: int
    discount_minor: int = 0
    tax_minor: int = 0
    line_total_minor: int


class PaymentIn(_Loose):
    id: Id
    method: str = Field(max_length=24)
    amount_minor: int
    reference: str = Field(default="", max_length=64)


class RefundIn(_Loose):
    id: Id
    payment_id: Id | None = None
    method: str = Field(max_length=24)
    amount_minor: int
    status: str = Field(default="settled", max_length=24)


class CouponUseIn(_Loose):
    id: Id
    coupon_id: Id
    code: str = ""


class MovementIn(_Loose):
    id: Id
    product_id: Id
    qty_delta_milli: int
    reason: str = Field(default="sale", max_length=24)


class CreditIn(_Loose):
    id: Id
    member_id: Id
    amount_minor: int
    reason: str = Field(default="sale", max_length=24)


class PointsIn(_Loose):
    id: Id
    member_id: Id
    delta: int
    reason: str = Field(default=POINTS_EARNED, max_length=24)


class EventIn(_Loose):
    id: Id
    from_status: str | None = None
    to_status: str = Field(max_length=24)
    at: str = Field(default="", max_length=64)
    action: str = Field(default="", max_length=24)


class OrderIn(_Loose):
    id: Id
    number: str = Field(max_length=40)
    invoice_no: str | None = Field(default=None, max_length=32)
    branch_id: Id
    workstation_id: Id
    member_id: Id | None = None
    kind: str = Field(default="take_away", max_length=24)
    status: str = Field(default="completed", max_length=24)
    #: Clients have always sent it; TWD, the shop's own currency, if one did not.
    currency_code: str = Field(default="TWD", max_length=3)
    total_minor: int
    created_at: str = Field(max_length=64)
    lines: list[LineIn] = Field(default_factory=list)
    payments: list[PaymentIn] = Field(default_factory=list)
    coupons: list[CouponUseIn] = Field(default_factory=list)
    stock_movements: list[MovementIn] = Field(default_factory=list)
    store_credit: list[CreditIn] = Field(default_factory=list)
    points: list[PointsIn] | None = None
    events: list[EventIn] = Field(default_factory=list)


class OrderStepIn(_Loose):
    order_id: Id
    status: str = Field(max_length=24)
    invoice_no: str | None = Field(default=None, max_length=32)
    event: EventIn | None = None
    payments: list[PaymentIn] = Field(default_factory=list)
    refunds: list[RefundIn] = Field(default_factory=list)
    stock_movements: list[MovementIn] = Field(default_factory=list)
    store_credit: list[CreditIn] = Field(default_factory=list)
    points: list[PointsIn] = Field(default_factory=list)
    credit_note: CreditNoteIn | None = None


class CreditNoteIn(_Loose):
    id: Id
    number: str = Field(min_length=1, max_length=40)
    invoice_no: str | None = Field(default=None, max_length=32)
    total_minor: int = 0


class CartParkedIn(_Loose):
    id: Id
    branch_id: Id
    workstation_id: Id
    staff_id: Id | None = None
    label: str = Field(default="", max_length=120)
    payload: dict[str, Any] = Field(default_factory=dict)
    total_minor: int = 0
    parked_at: str = Field(max_length=64)


class CartRecalledIn(_Loose):
    id: Id
    recalled_at: str = Field(max_length=64)
    recalled_by: Id | None = None
    recalled_workstation_id: Id | None = None


class ProductEditIn(_Loose):
    product_id: Id
    base_version: int
    changes: dict[str, Any]


class MemberUpdateIn(_Loose):
    member_id: Id
    changes: dict[str, Any]
    changed_at: str = ""


class _Changes(BaseModel):
    """Fields a workstation may change (never ids, versions or server counts), typed:
    SQLite would otherwise store a word in a price column without complaint."""

    model_config = ConfigDict(extra="forbid")


class ProductChanges(_Changes):
    sku: str = Field("", min_length=1, max_length=32)
    name_zh: str = Field("", max_length=200)
    name_en: str = Field("", max_length=200)
    category_id: Id | None = None
    brand_id: Id | None = None
    tax_class_id: Id = ""
    price_minor: int = Field(0, ge=0, le=2**53)
    member_price_minor: int | None = Field(None, ge=0, le=2**53)
    unit: str = Field("pc", max_length=8)
    weighed: bool = False
    description: str = ""
    specs: dict[str, str] = Field(default_factory=dict)
    active: bool = True
    location: str = Field("", max_length=32)


class MemberChanges(_Changes):
    code: str = Field("", min_length=1, max_length=32)
    name: str = Field("", max_length=120)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=200)
    level: Literal["regular", "silver", "gold", "vip"] = "regular"
    birthday: str | None = Field(None, max_length=10)
    home_branch_id: Id | None = None
    marketing_opt_in: bool = False
    active: bool = True


class StaffEditIn(_Loose):
    staff_id: Id
    #: The administrator who made the edit (checked against the server's staff list).
    edited_by: Id
    changes: dict[str, Any]


class StaffChanges(_Changes):
    """What an administrator may set on a staff member; a password only as its hash."""

    username: str = Field("", min_length=1, max_length=64)
    display_name: str = Field("", min_length=1, max_length=120)
    password_hash: str = Field("", pattern=r"^\$argon2id\$", max_length=255)
    role: Literal[ROLES] = "cashier"  # type: ignore[valid-type]
    branch_id: Id | None = None
    max_discount_bp: int = Field(0, ge=0, le=10_000)
    max_price_override_bp: int | None = Field(None, ge=0, le=10_000)
    max_refund_minor: int | None = Field(None, ge=0, le=2**53)
    max_cash_out_minor: int | None = Field(None, ge=0, le=2**53)
    locale: str = Field("zh_TW", max_length=8)
    active: bool = True


@dataclass
class Device:
    id: str
    branch_id: str
    workstation_id: str


class OpRejected(Exception):
    """An op refused for good: recorded, answered, and the batch goes on."""

    def __init__(self, code: str, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.result = result or {}


class OpDuplicate(Exception):
    """The op's business id was already applied by another op (second line of defence)."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__("duplicate")
        self.result = result


@dataclass
class Effects:
    """Per-row totals an op adds, folded into the batch only when the op applies."""

    stock: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    points: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    coupons: set[str] = field(default_factory=set)
    log: list[Change] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)

    def merge(self, other: Effects) -> None:
        for key, delta in other.stock.items():
            self.stock[key] += delta
        for member, delta in other.points.items():
            self.points[member] += delta
        self.coupons |= other.coupons
        self.log.extend(other.log)
        self.flags.extend(other.flags)


@dataclass
class Batch:
    """One push request's state. ``deferred``: the fast path, where order rows are
    buffered and written with one ``executemany`` per table at the end, and
    duplicate checks use ids read up front for the whole batch."""

    conn: Connection
    device: Device
    received_at: datetime
    effects: Effects = field(default_factory=Effects)
    deferred: bool = False
    pending: dict[str, tuple[Table, list[dict[str, Any]]]] = field(default_factory=dict)
    known_orders: set[str] = field(default_factory=set)
    #: Orders this batch inserted (some may have been undone with their op's savepoint).
    new_orders: list[str] = field(default_factory=list)
    known_invoices: dict[str, str] = field(default_factory=dict)

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if self.deferred:
            self.pending.setdefault(table.name, (table, []))[1].extend(rows)
        else:
            self.conn.execute(table.insert(), rows)

    def flush(self) -> None:
        for table, rows in self.pending.values():
            self.conn.execute(table.insert(), rows)
        self.pending.clear()

    def prefetch(self, ops: list[OpIn]) -> None:
        """Read, in two queries, which order ids and invoice numbers the batch would reuse."""
        orders = [op for op in ops if op.op_type in ORDER_OPS]
        ids = {str(op.payload.get("id")) for op in orders}
        invoices = {str(op.payload["invoice_no"]) for op in orders if op.payload.get("invoice_no")}
        o = s.orders
        if ids:
            self.known_orders = set(
                self.conn.execute(select(o.c.id).where(o.c.id.in_(sorted(ids)))).scalars()
            )
        if invoices:
            rows = self.conn.execute(
                select(o.c.invoice_no, o.c.id).where(
                    o.c.invoice_no.in_(sorted(invoices)), o.c.invoice_clash_of.is_(None)
                )
            )
            self.known_invoices = {row.invoice_no: row.id for row in rows}


# --- helpers ------------------------------------------------------------------------


def upsert(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    keys: list[str],
    set_: Callable[[Any], Mapping[str, Any]],
) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET set_(excluded) on either database."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=set_(stmt.excluded)), rows)


def _parse(model: type[M], payload: Mapping[str, Any]) -> M:
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "payload"
        raise OpRejected("invalid", f"The op's {where} is not valid: {first['msg']}.") from exc


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def _check_branch(batch: Batch, branch_id: str, what: str) -> None:
    if branch_id != batch.device.branch_id:
        raise OpRejected(
            "wrong_branch", f"This {what} belongs to another branch than this workstation's."
        )


def _movements(
    batch: Batch, fx: Effects, order_id: str, branch_id: str, items: list[MovementIn]
) -> None:
    batch.insert(
        s.stock_movements,
        [
            {
                "id": m.id,
                "branch_id": branch_id,
                "product_id": m.product_id,
                "qty_delta_milli": m.qty_delta_milli,
                "reason": m.reason,
                "order_id": order_id,
                "received_at": batch.received_at,
            }
            for m in items
        ],
    )
    for m in items:
        fx.stock[(branch_id, m.product_id)] += m.qty_delta_milli


def _points(batch: Batch, fx: Effects, order_id: str, items: list[PointsIn]) -> None:
    batch.insert(
        s.points_entries,
        [
            {
                "id": p.id,
                "member_id": p.member_id,
                "order_id": order_id,
                "delta": p.delta,
                "reason": p.reason,
                "received_at": batch.received_at,
            }
            for p in items
        ],
    )
    for p in items:
        fx.points[p.member_id] += p.delta


def _credits(batch: Batch, order_id: str, items: list[CreditIn]) -> None:
    batch.insert(
        s.store_credit_entries,
        [
            {
                "id": c.id,
                "member_id": c.member_id,
                "amount_minor": c.amount_minor,
                "order_id": order_id,
                "reason": c.reason,
            }
            for c in items
        ],
    )


def _payments(batch: Batch, order_id: str, items: list[PaymentIn]) -> None:
    batch.insert(
        s.payments,
        [
            {
                "id": p.id,
                "order_id": order_id,
                "method": p.method,
                "amount_minor": p.amount_minor,
                "reference": p.reference,
            }
            for p in items
        ],
    )


def _events(batch: Batch, order_id: str, items: list[EventIn]) -> None:
    batch.insert(
        s.order_events,
        [
            {
                "id": e.id,
                "order_id": order_id,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "action": e.action,
                "at": e.at,
                "data": e.model_dump(),
            }
            for e in items
        ],
    )


def _redeem(batch: Batch, fx: Effects, order: OrderIn) -> list[dict[str, str]]:
    """Settle coupon uses in arrival order: the row lock on the coupon orders concurrent batches.

    A use beyond what the coupon allows is kept (it was a sale) and flagged.
    """
    settled = []
    for use in order.coupons:
        row = batch.conn.execute(
            update(s.coupons)
            .where(s.coupons.c.id == use.coupon_id)
            .values(uses=s.coupons.c.uses + 1)
            .returning(s.coupons.c.uses, s.coupons.c.single_use, s.coupons.c.max_uses)
        ).first()
        if row is None:
            status, limit = "flagged", None
            message = f"Coupon {use.code or use.coupon_id} is unknown to the server."
        else:
            limit = 1 if row.single_use else row.max_uses
            over = limit is not None and row.uses > limit
            status = "flagged" if over else "accepted"
            message = (
                f"Coupon {use.code or use.coupon_id} was used {row.uses} times (allowed {limit})."
            )
            fx.coupons.add(use.coupon_id)
        batch.insert(
            s.coupon_redemptions,
            [
                {
                    "id": use.id,
                    "coupon_id": use.coupon_id,
                    "order_id": order.id,
                    "workstation_id": order.workstation_id,
                    "device_id": batch.device.id,
                    "status": status,
                    "received_at": batch.received_at,
                }
            ],
        )
        if status == "flagged":
            fx.flags.append(
                {
                    "kind": "coupon_reused",
                    "entity": "coupon",
                    "entity_id": use.coupon_id,
                    "message": message,
                    "data": {"order_id": order.id, "code": use.code},
                }
            )
        settled.append({"coupon_id": use.coupon_id, "status": status})
    return settled


# --- op handlers --------------------------------------------------------------------


def _invoice_holder(conn: Connection, invoice_no: str | None, order_id: str) -> str | None:
    """The other order that holds ``invoice_no`` first, if any."""
    if not invoice_no:
        return None
    o = s.orders
    holder = conn.execute(
        select(o.c.id).where(o.c.invoice_no == invoice_no, o.c.invoice_clash_of.is_(None))
    ).scalar()
    return None if holder in (None, order_id) else str(holder)


def _invoice_clash(
    batch: Batch, fx: Effects, order_id: str, invoice_no: str | None, holder: str | None
) -> list[dict[str, Any]]:
    """A second order with an issued invoice number: kept (it was a sale) and flagged.

    Only a cloned or restored till issues a number twice; by the time its
    sales arrive under a new enrolment, the receipts are printed and cannot
    be renumbered, so a manager sorts it out (SYNC.md: never silently dropped).
    """
    if holder is None:
        return []
    first_device = (
        batch.conn.execute(select(s.orders.c.device_id).where(s.orders.c.id == holder)).scalar()
        or batch.device.id
    )  # not found: still buffered, so from this very batch
    flag = {
        "kind": "duplicate_invoice_no",
        "invoice_no": invoice_no,
        "order_id": order_id,
        "first_order_id": holder,
    }
    fx.flags.append(
        {
            "kind": "duplicate_invoice_no",
            "entity": "order",
            "entity_id": order_id,
            "message": f"Invoice number {invoice_no} was issued twice: by order {holder} "
            f"and again by order {order_id} (a copied workstation database).",
            "data": flag | {"first_device_id": first_device},
        }
    )
    return [flag]


def apply_order(batch: Batch, fx: Effects, op: OpIn) -> dict[str, Any]:
    """order.completed / order.taken: the order and every row the sale wrote."""
    order = _parse(OrderIn, op.payload)
    _check_branch(batch, order.branch_id, "order")
    conn = batch.conn
    holder: str | None
    if batch.deferred:
        exists = order.id in batch.known_orders
        first = batch.known_invoices.get(order.invoice_no or "", order.id)
        holder = None if first == order.id else first
    else:
        exists = bool(conn.execute(select(s.orders.c.id).where(s.orders.c.id == order.id)).first())
        holder = _invoice_holder(conn, order.invoice_no, order.id)
    if exists:  # the same order again (same id) is a repeat, never a second sale
        raise OpDuplicate({"order_id": order.id})
    points = _earned_points(order) if order.points is None else order.points
    payload = dict(op.payload)
    payload["points"] = [p.model_dump() for p in points]
    batch.known_orders.add(order.id)
    batch.new_orders.append(order.id)
    if order.invoice_no and holder is None:
        batch.known_invoices[order.invoice_no] = order.id
    flags = _invoice_clash(batch, fx, order.id, order.invoice_no, holder)
    batch.insert(
        s.orders,
        [
            {
                "id": order.id,
                "branch_id": order.branch_id,
                "workstation_id": order.workstation_id,
                "device_id": batch.device.id,
                "number": order.number,
                "invoice_no": order.invoice_no or None,
                "invoice_clash_of": holder,
                "status": order.status,
                "kind": order.kind,
                "total_minor": order.total_minor,
                "member_id": order.member_id,
                "created_at": order.created_at,
                "received_at": batch.received_at,
                "payload": payload,
            }
        ],
    )
    batch.insert(
        s.order_lines,
        [
            {
                "id": line.id,
                "order_id": order.id,
                "line_no": line.line_no,
                "product_id": line.product_id,
                "sku": line.sku,
                "qty_milli": line.qty_milli,
                "unit_price_minor": line.unit_price_minor,
                "discount_minor": line.discount_minor,
                "tax_minor": line.tax_minor,
                "line_total_minor": line.line_total_minor,
            }
            for line in order.lines
        ],
    )
    _payments(batch, order.id, order.payments)
    _events(batch, order.id, order.events)
    _movements(batch, fx, order.id, order.branch_id, order.stock_movements)
    _credits(batch, order.id, order.store_credit)
    _points(batch, fx, order.id, points)
    coupons = _redeem(batch, fx, order)
    return {
        "order_id": order.id,
        "coupons": coupons,
        "points": sum(p.delta for p in points),
        "flags": flags,
    }


def _earned_points(order: OrderIn) -> list[PointsIn]:
    """v1 payloads did not carry points: the member earns them by the shop's rule,
    counted in the order's currency as the till counts them."""
    if not order.member_id or order.status != "completed" or order.total_minor <= 0:
        return []
    try:
        exponent = minor_digits(order.currency_code)
    except UnknownCurrencyCode:
        raise OpRejected(
            "invalid", f"The order's currency {order.currency_code!r} is not one the shop uses."
        ) from None
    earned = points_earned(order.total_minor, exponent)
    if not earned:
        return []
    return [
        PointsIn(
            id=str(uuid.uuid5(uuid.UUID(order.id), POINTS_EARNED)),
            member_id=order.member_id,
            delta=earned,
            reason=POINTS_EARNED,
        )
    ]


def apply_order_step(batch: Batch, fx: Effects, op: OpIn) -> dict[str, Any]:
    """order.paid / order.status_changed / order.cancelled: a later step of a held order."""
    step = _parse(OrderStepIn, op.payload)
    conn = batch.conn
    row = conn.execute(
        select(s.orders.c.branch_id, s.orders.c.invoice_no, s.orders.c.payload).where(
            s.orders.c.id == step.order_id
        )
    ).first()
    if row is None:
        raise OpRejected("unknown_order", "The server does not hold the order this step is for.")
    _check_branch(batch, row.branch_id, "order")
    if (
        step.event is not None
        and conn.execute(
            select(s.order_events.c.id).where(s.order_events.c.id == step.event.id)
        ).first()
    ):
        raise OpDuplicate({"order_id": step.order_id})
    invoice_no = step.invoice_no or row.invoice_no
    clash: dict[str, Any] = {}
    flags: list[dict[str, Any]] = []
    if step.invoice_no and step.invoice_no != row.invoice_no:
        holder = _invoice_holder(conn, step.invoice_no, step.order_id)
        flags = _invoice_clash(batch, fx, step.order_id, step.invoice_no, holder)
        clash = {"invoice_clash_of": holder}
    payload = dict(row.payload if isinstance(row.payload, dict) else json.loads(row.payload))
    payload["status"] = step.status
    payload["invoice_no"] = invoice_no
    history = list(payload.get("steps") or [])
    history.append({"op_type": op.op_type, **op.payload})
    payload["steps"] = history
    conn.execute(
        update(s.orders)
        .where(s.orders.c.id == step.order_id)
        .values(status=step.status, invoice_no=invoice_no, payload=payload, **clash)
    )
    if step.event is not None:
        _events(batch, step.order_id, [step.event])
    _payments(batch, step.order_id, step.payments)
    batch.insert(
        s.refunds,
        [
            {
                "id": r.id,
                "order_id": step.order_id,
                "payment_id": r.payment_id,
                "method": r.method,
                "amount_minor": r.amount_minor,
                "status": r.status,
            }
            for r in step.refunds
        ],
    )
    _movements(batch, fx, step.order_id, row.branch_id, step.stock_movements)
    _credits(batch, step.order_id, step.store_credit)
    _points(batch, fx, step.order_id, step.points)
    note = step.credit_note
    if note is not None:
        batch.insert(
            s.credit_notes,
            [
                {
                    "id": note.id,
                    "number": note.number,
                    "order_id": step.order_id,
                    "invoice_no": note.invoice_no or "",
                    "total_minor": note.total_minor,
                    "data": op.payload["credit_note"],
                }
            ],
        )
    return {"order_id": step.order_id, "status": step.status, "flags": flags}


def apply_cart_parked(batch: Batch, fx: Effects, op: OpIn) -> dict[str, Any]:
    cart = _parse(CartParkedIn, op.payload)
    _check_branch(batch, cart.branch_id, "parked cart")
    existing = batch.conn.execute(
        select(s.parked_carts.c.branch_id).where(s.parked_carts.c.id == cart.id)
    ).first()
    if existing is not None:
        _check_branch(batch, existing.branch_id, "parked cart")
    row = cart.model_dump() | {
        "recalled_at": None,
        "recalled_by": None,
        "recalled_workstation_id": None,
    }
    upsert(
        batch.conn,
        s.parked_carts,
        [row],
        ["id"],
        lambda excluded: {k: getattr(excluded, k) for k in row if k != "id"},
    )
    fx.log.extend(changes.row_changes(batch.conn, "parked_cart", [cart.id]))
    return {"cart_id": cart.id}


def apply_cart_recalled(batch: Batch, fx: Effects, op: OpIn) -> dict[str, Any]:
    recall = _parse(CartRecalledIn, op.payload)
    conn = batch.conn
    existing = conn.execute(
        select(s.parked_carts.c.branch_id).where(s.parked_carts.c.id == recall.id)
    ).first()
    values = {
        "recalled_at": recall.recalled_at,
        "recalled_by": recall.recalled_by,
        "recalled_workstation_id": recall.recalled_workstation_id,
    }
    if existing is None:
        # Recalled at another till before its park reached us: keep the fact.
        conn.execute(
            s.parked_carts.insert().values(
                id=recall.id,
                branch_id=batch.device.branch_id,
                workstation_id=batch.device.workstation_id,
                payload={},
                parked_at=recall.recalled_at,
                **values,
            )
        )
    else:
        _check_branch(batch, existing.branch_id, "parked cart")
        conn.execute(update(s.parked_carts).where(s.parked_carts.c.id == recall.id).values(values))
    fx.log.extend(changes.row_changes(conn, "parked_cart", [recall.id]))
    return {"cart_id": recall.id}


def apply_product_edit(batch: Batch, fx: Effects, op: OpIn) -> dict[str, Any]:
    """A manager's catalog edit: refused as stale unless made on the current version."""
    edit = _parse(ProductEditIn, op.payload)
    new_values = _parse(ProductChanges, edit.changes).model_dump(exclude_unset=True)
    conn = batch.conn
    current = (
        conn.execute(select(s.products).where(s.products.c.id == edit.product_id).with_for_update())
        .mappings()
        .first()
    )
    if current is None:
        raise OpRejected("unknown_product", "The server does not know this product.")
    if current["version"] != edit.base_version:
        now = changes.product_changes(conn, [edit.product_id])[0].data
        raise OpRejected(
            "stale_edit",
            "Someone changed this product since it was loaded here; "
            "the edit was not applied. Reload the product and edit it again.",
            {"current": dict(now)},
        )
    conn.execute(
        update(s.products)
        .where(s.products.c.id == edit.product_id)
        .values(**new_values, version=current["version"] + 1)
    )
    fx.log.extend(changes.product_changes(conn, [edit.product_id]))
    return {"product_id": edit.product_id, "version": current["version"] + 1}


def apply_member_update(batch: Batch, fx: Effects, op: OpIn) -> dict[str, Any]:
    """Profile fields: last write per field in server-arrival order; creates unknown members."""
    edit = _parse(MemberUpdateIn, op.payload)
    new_values = _parse(MemberChanges, edit.changes).model_dump(exclude_unset=True)
    conn = batch.conn
    exists = conn.execute(select(s.members.c.id).where(s.members.c.id == edit.member_id)).first()
    if exists is None:
        values = {"code": f"M{edit.member_id.replace('-', '')[:20]}", "name": ""} | new_values
        conn.execute(s.members.insert().values(id=edit.member_id, points=0, **values))
    elif new_values:
        conn.execute(update(s.members).where(s.members.c.id == edit.member_id).values(**new_values))
    fx.log.extend(changes.row_changes(conn, "member", [edit.member_id]))
    return {"member_id": edit.member_id}


_NEW_STAFF_NEEDS = frozenset({"username", "display_name", "password_hash", "role"})


def apply_staff_edit(batch: Batch, fx: Effects, op: OpIn) -> dict[str, Any]:
    """An administrator's edit of a staff member (``rights`` checked who made it)."""
    edit = _parse(StaffEditIn, op.payload)
    new_values = _parse(StaffChanges, edit.changes).model_dump(exclude_unset=True)
    conn = batch.conn
    u = s.staff_users
    exists = conn.execute(select(u.c.id).where(u.c.id == edit.staff_id)).first()
    if exists is None:
        missing = sorted(_NEW_STAFF_NEEDS - set(new_values))
        if missing:
            raise OpRejected(
                "invalid", f"A new staff member needs {', '.join(missing)}; the op has none."
            )
        conn.execute(u.insert().values(id=edit.staff_id, **new_values))
    elif new_values:
        conn.execute(update(u).where(u.c.id == edit.staff_id).values(**new_values))
    fx.log.extend(changes.row_changes(conn, "staff_user", [edit.staff_id]))
    return {"staff_id": edit.staff_id}


def apply_audit_entries(batch: Batch, fx: Effects, op: OpIn) -> dict[str, Any]:
    """A run of a device's audit chain: stored, checked against what is held, breaks flagged."""
    run = _parse(audit.AuditEntriesIn, op.payload)
    try:
        stored = audit.store_entries(
            batch.conn,
            run,
            device_id=batch.device.id,
            workstation_id=batch.device.workstation_id,
            received_at=batch.received_at,
        )
    except audit.ChainRefused:
        raise OpRejected(
            "wrong_device", "This audit chain belongs to another workstation."
        ) from None
    fx.flags.extend(stored.flags)
    return stored.result(run.device_id)


class ShiftOpenedIn(_Loose):
    id: Id
    number: int = Field(ge=1, le=2**31)
    branch_id: Id
    workstation_id: Id
    business_day: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    currency_code: str = Field("TWD", min_length=3, max_length=3)
    opened_by: Id | None = None
    opened_at: str = Field(max_length=40)
    float_minor: int = Field(ge=0, le=2**53)


class ShiftClosedIn(_Loose):
    id: Id
    branch_id: Id
    workstation_id: Id
    business_day: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    closed_by: Id | None = None
    closed_at: str = Field(max_length=40)
    report: dict[str, Any]


def apply_shift_opened(batch: Batch, fx: Effects, op: OpIn) -> dict[str, Any]:
    """A till opened a shift: kept so the branch's day shows it open until its Z arrives."""
    shift = _parse(ShiftOpenedIn, op.payload)
    _check_branch(batch, shift.branch_id, "shift")
    row = shift.model_dump() | {"device_id": batch.device.id, "received_at": batch.received_at}
    upsert(batch.conn, s.shifts, [row], ["id"], lambda excluded: {"number": excluded.number})
    return {"shift_id": shift.id}


def apply_shift_closed(batch: Batch, fx: Effects, op: OpIn) -> dict[str, Any]:
    """A till closed a shift: its Z report as the till made it (never recomputed here)."""
    from shop_server.shifts import report_row  # shifts reads the tables push writes

    shift = _parse(ShiftClosedIn, op.payload)
    _check_branch(batch, shift.branch_id, "shift")
    try:
        row = report_row(shift.report)
    except (KeyError, TypeError, ValueError) as exc:
        raise OpRejected("invalid", f"The shift's Z report is not valid: {exc}.") from exc
    row |= {
        "id": shift.id,
        "branch_id": shift.branch_id,
        "workstation_id": shift.workstation_id,
        "device_id": batch.device.id,
        "business_day": shift.business_day,
        "closed_by": shift.closed_by,
        "closed_at": shift.closed_at,
        "report": shift.report,
        "received_at": batch.received_at,
    }
    closing = ("closed_by", "closed_at", "report")
    upsert(
        batch.conn,
        s.shifts,
        [row],
        ["id"],
        lambda excluded: {k: getattr(excluded, k) for k in closing},
    )
    return {"shift_id": shift.id}


#: One per op of the protocol (``shop_shared.ops``), and nothing else.
HANDLERS: dict[str, Callable[[Batch, Effects, OpIn], dict[str, Any]]] = {
    ORDER_COMPLETED: apply_order,
    ORDER_TAKEN: apply_order,
    ORDER_PAID: apply_order_step,
    ORDER_STATUS_CHANGED: apply_order_step,
    ORDER_CANCELLED: apply_order_step,
    CART_PARKED: apply_cart_parked,
    CART_RECALLED: apply_cart_recalled,
    PRODUCT_EDIT: apply_product_edit,
    MEMBER_UPDATE: apply_member_update,
    STAFF_EDIT: apply_staff_edit,
    AUDIT_ENTRIES: apply_audit_entries,
    SHIFT_OPENED: apply_shift_opened,
    SHIFT_CLOSED: apply_shift_closed,
}


# --- the batch ----------------------------------------------------------------------


def _answer(
    op: OpIn, status: str, code: str = "", message: str = "", result: Any = None
) -> dict[str, Any]:
    return {
        "op_id": op.op_id,
        "device_seq": op.device_seq,
        "status": status,
        "code": code,
        "message": message,
        "result": result or {},
    }


class FastPathFailed(Exception):
    """The database refused the optimistic batch; redo it op by op in savepoints."""


def _apply_one(batch: Batch, op: OpIn) -> dict[str, Any]:
    """Apply one op; its answer (applied, duplicate or rejected).

    Slow path: in a savepoint, so a database error rejects this op only.
    Fast path (``batch.deferred``): no savepoint (handlers refuse an op
    before writing anything); a database error aborts the whole attempt
    with :class:`FastPathFailed`.
    """
    handler = HANDLERS.get(op.op_type)
    if handler is None:
        return _answer(op, "rejected", "unknown_op", f"This server does not know {op.op_type!r}.")
    current = PAYLOAD_VERSIONS[op.op_type]
    if op.payload_version > current:
        return _answer(
            op,
            "rejected",
            "unsupported_version",
            f"This server understands {op.op_type} up to version {current}; update the server.",
        )
    refused = _not_permitted(batch, op)
    if refused is not None:
        return refused
    fx = Effects()
    if batch.deferred:
        if op.op_type not in ORDER_OPS:
            batch.flush()  # later steps may read the orders buffered so far
        try:
            result = handler(batch, fx, op)
        except OpRejected as exc:
            return _answer(op, "rejected", exc.code, exc.message, exc.result)
        except OpDuplicate as exc:
            return _answer(op, "duplicate", "", "Already applied by an earlier op.", exc.result)
        except (IntegrityError, DataError, ProgrammingError) as exc:
            raise FastPathFailed from exc
        batch.effects.merge(fx)
        return _answer(op, "applied", result=result)
    savepoint = batch.conn.begin_nested()
    try:
        result = handler(batch, fx, op)
    except OpRejected as exc:
        savepoint.rollback()
        return _answer(op, "rejected", exc.code, exc.message, exc.result)
    except OpDuplicate as exc:
        savepoint.rollback()
        return _answer(op, "duplicate", "", "Already applied by an earlier op.", exc.result)
    except IntegrityError:
        savepoint.rollback()
        return _answer(
            op, "rejected", "conflict", "A record in this op already exists on the server."
        )
    except (DataError, ProgrammingError):
        savepoint.rollback()
        return _answer(op, "rejected", "invalid", "A value in this op does not fit the server.")
    savepoint.commit()
    batch.effects.merge(fx)
    return _answer(op, "applied", result=result)


def _not_permitted(batch: Batch, op: OpIn) -> dict[str, Any] | None:
    """The refusal of an op whose staff may not do what it records (flagged), or None."""
    try:
        rights.check_op(batch.conn, batch.device.branch_id, op.op_type, op.payload)
    except rights.NotPermitted as exc:
        batch.effects.flags.append(
            {
                "kind": rights.NOT_PERMITTED,
                "entity": "op",
                "entity_id": op.op_id,
                "message": exc.message,
                "data": exc.data | {"op_type": op.op_type},
            }
        )
        return _answer(op, "rejected", rights.NOT_PERMITTED, exc.message)
    return None


def _apply_all(
    conn: Connection, device: Device, ops: list[OpIn]
) -> tuple[Batch, list[dict[str, Any]]]:
    """Apply ops in order: optimistically in bulk, else (on a database error) one by one."""
    received_at = changes.now()
    fast = Batch(conn, device, received_at, deferred=True)
    attempt = conn.begin_nested()
    try:
        fast.prefetch(ops)
        answers = [_apply_one(fast, op) for op in ops]
        fast.flush()
    except (FastPathFailed, IntegrityError, DataError, ProgrammingError):
        attempt.rollback()
    else:
        attempt.commit()
        return fast, answers
    slow = Batch(conn, device, received_at)
    return slow, [_apply_one(slow, op) for op in ops]


def lock_device(conn: Connection, device_id: str) -> Device:
    """The pushing device, row-locked so one device's batches never interleave."""
    query = select(s.devices).where(s.devices.c.id == device_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None or row.state == "revoked":
        raise unauthorized()
    if row.state == "cloned":
        raise device_cloned()
    return Device(row.id, row.branch_id, row.workstation_id)


def _settle(batch: Batch) -> int:
    """Fold stock and points, log every touched row, and write flags; the new head."""
    conn, fx = batch.conn, batch.effects
    keys = sorted(fx.stock)
    upsert(
        conn,
        s.stock_levels,
        [
            {
                "branch_id": b,
                "product_id": p,
                "on_hand_milli": fx.stock[(b, p)],
                "low_stock_milli": 0,
            }
            for b, p in keys
        ],
        ["branch_id", "product_id"],
        lambda excluded: {"on_hand_milli": s.stock_levels.c.on_hand_milli + excluded.on_hand_milli},
    )
    log = list(fx.log)
    stock = changes.stock_changes(conn, keys)
    for change in stock:
        if change.data["on_hand_milli"] < 0:
            fx.flags.append(
                {
                    "kind": "negative_stock",
                    "entity": "stock_level",
                    "entity_id": change.entity_id,
                    "message": "Stock went below zero after sync.",
                    "data": dict(change.data),
                }
            )
    log.extend(stock)
    for member_id in sorted(fx.points):
        done = conn.execute(
            update(s.members)
            .where(s.members.c.id == member_id)
            .values(points=s.members.c.points + fx.points[member_id])
        )
        if done.rowcount == 0:
            code = f"M{member_id.replace('-', '')[:20]}"
            conn.execute(
                s.members.insert().values(
                    id=member_id, code=code, name="", points=fx.points[member_id]
                )
            )
            log.extend(changes.row_changes(conn, "member", [member_id]))
    if fx.points:
        rows = conn.execute(
            select(s.members.c.id, s.members.c.points).where(s.members.c.id.in_(sorted(fx.points)))
        ).mappings()
        log.extend(
            Change("points_balance", row["id"], changes.entity_data("points_balance", row))
            for row in rows
        )
    if fx.coupons:
        log.extend(changes.row_changes(conn, "coupon", sorted(fx.coupons)))
    _insert(
        conn,
        s.flags,
        [
            f
            | {
                "branch_id": batch.device.branch_id,
                "device_id": batch.device.id,
                "at": batch.received_at,
            }
            for f in fx.flags
        ],
    )
    _number_orders(batch)
    return changes.append(conn, log)


def _number_orders(batch: Batch) -> None:
    """Give the batch's new orders their final ``received_seq`` under the log lock.

    ``/branches/{id}/orders?after=`` pages by ``received_seq``. On PostgreSQL the number
    an insert draws is taken long before commit, so a batch that drew 5 could commit after
    one that drew 6 and a reader already past 6 would never see 5. As for the change log,
    the numbers that count are drawn under the lock held until commit, so they are seen in
    commit order; the insert's number is only a placeholder (and keeps arrival order).
    SQLite lets one writer in at a time: its numbers are in commit order already.
    """
    conn = batch.conn
    if not batch.new_orders or conn.dialect.name != "postgresql":
        return
    changes.lock_log(conn)
    conn.execute(
        text(
            # PostgreSQL evaluates nextval() after ORDER BY: numbers follow arrival order.
            # device_id and received_at: an id whose op was undone may belong to an older
            # order, which must keep its number.
            "UPDATE orders AS o SET received_seq = r.seq"
            " FROM (SELECT received_seq AS placeholder,"
            "       nextval(pg_get_serial_sequence('orders', 'received_seq')) AS seq"
            "       FROM orders WHERE id = ANY(:ids) AND device_id = :device_id"
            "       AND received_at = :received_at ORDER BY received_seq) AS r"
            " WHERE o.received_seq = r.placeholder"
        ),
        {
            "ids": batch.new_orders,
            "device_id": batch.device.id,
            "received_at": batch.received_at,
        },
    )


def push(conn: Connection, device_id: str, body: PushIn) -> dict[str, Any]:
    """Apply a batch in the caller's transaction; the answer (``cursor``, ``results``)."""
    device = lock_device(conn, device_id)
    op_ids = [op.op_id for op in body.ops]
    seqs = [op.device_seq for op in body.ops]
    stored = {
        row.op_id: row
        for row in conn.execute(select(s.applied_ops).where(s.applied_ops.c.op_id.in_(op_ids)))
    }
    taken = {
        row.device_seq: row.op_id
        for row in conn.execute(
            select(s.applied_ops.c.device_seq, s.applied_ops.c.op_id).where(
                s.applied_ops.c.device_id == device.id, s.applied_ops.c.device_seq.in_(seqs)
            )
        )
    }
    # First pass: what is answered without applying; the rest is applied in order.
    results: list[dict[str, Any] | None] = []
    to_apply: list[OpIn] = []
    repeats: list[tuple[int, OpIn]] = []
    in_batch: set[str] = set()
    cloned = False
    for op in body.ops:
        if op.op_id in stored:
            first = stored[op.op_id]
            status = _repeat_status(first.status)
            results.append(_answer(op, status, first.code, first.message, first.result))
        elif op.op_id in in_batch:
            results.append(None)
            repeats.append((len(results) - 1, op))
        elif taken.get(op.device_seq, op.op_id) != op.op_id:
            cloned = True
            results.append(
                _answer(
                    op,
                    "rejected",
                    DEVICE_SEQ_REUSED,
                    "Another op already used this sequence number: this workstation's "
                    "database was copied. Enrol it again.",
                )
            )
        elif not _is_uuid(op.op_id):
            results.append(_answer(op, "rejected", "invalid", "The op id is not a UUID."))
        else:
            taken[op.device_seq] = op.op_id
            in_batch.add(op.op_id)
            results.append(None)
            to_apply.append(op)
    batch, answers = _apply_all(conn, device, to_apply)
    by_op = {op.op_id: answer for op, answer in zip(to_apply, answers, strict=True)}
    for index, op in repeats:
        first_answer = by_op[op.op_id]
        results[index] = first_answer | {
            "status": _repeat_status(first_answer["status"]),
            "device_seq": op.device_seq,
        }
    pending = iter(answers)
    final = [r if r is not None else next(pending) for r in results]
    if cloned:
        conn.execute(update(s.devices).where(s.devices.c.id == device.id).values(state="cloned"))
        batch.effects.flags.append(
            {
                "kind": "device_cloned",
                "entity": "device",
                "entity_id": device.id,
                "message": "Two databases pushed different ops with the same sequence number.",
                "data": {},
            }
        )
    conn.execute(
        update(s.devices).where(s.devices.c.id == device.id).values(last_seen=batch.received_at)
    )
    cursor = _settle(batch)
    records = [
        {
            "device_id": device.id,
            "device_seq": op.device_seq,
            "op_id": op.op_id,
            "op_type": op.op_type[:48],
            "status": answer["status"],
            "code": answer["code"],
            "message": answer["message"],
            "result": answer["result"],
            "received_at": batch.received_at,
            "server_seq": cursor,
        }
        for op, answer in zip(to_apply, answers, strict=True)
    ]
    _insert(conn, s.applied_ops, records)
    return {"server_time": batch.received_at.isoformat(), "cursor": cursor, "results": final}


def _repeat_status(first_status: str) -> str:
    """How a repeat of an op is answered, given how the op was answered the first time.

    A client acknowledges a ``duplicate`` as done, so a repeat of a rejected op must say
    ``rejected`` again: were the first answer lost, ``duplicate`` would turn a refused sale into
    one the till believes was delivered, and no manager would ever see it.
    """
    return "rejected" if first_status == "rejected" else "duplicate"


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
