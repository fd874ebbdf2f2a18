"""Shifts at a till: open with a counted float, move cash, read X, count blind, close with Z.

Everything works offline. A shift's figures are **running totals**
(``shift_totals``, rules in :mod:`shop_desktop.domain.shift`): the sale's own
commit (``services.checkout``), paying an order and voiding an invoice
(``services.orders``) add their deltas with :func:`add_to_open_shift` in
their own transaction, so a sale is in its shift if and only if it is on disk,
and the X and Z reports read a handful of rows at 10 or 10,000 sales.

Closing is a **blind count**: the cashier enters the notes and coins by
denomination without seeing what the drawer should hold (:func:`check_count`
answers only the variance); a variance beyond the threshold closes only with
a manager, who sees the expected cash and leaves a note (:func:`close_shift`).
At the close the Z report is kept whole in the shift row and goes to the
server (``shift.closed``) with the parked carts and unpaid orders still open,
listed so none is lost.

Like the rest of the services, each function works in the caller's
transaction; the writers take the database's write lock first.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from shop_desktop.data.models import (
    Branch,
    CashMovement,
    DeviceIdentity,
    Order,
    OrderStatus,
    ParkedCart,
    Shift,
    ShiftTotal,
    StaffUser,
    Workstation,
    table_of,
)
from shop_desktop.data.types import new_id, utcnow
from shop_desktop.domain.permissions import Permission, PermissionDenied, allowed
from shop_desktop.domain.shift import (
    DEFAULT_VARIANCE_THRESHOLD_MINOR,
    CountRefused,
    Delta,
    ShiftTotals,
    cash_delta,
    counted_total,
    denominations,
    needs_manager,
    sale_deltas,
    void_deltas,
)
from shop_desktop.services.audit import AuditFacts, record_audit
from shop_desktop.services.auth import this_workstation
from shop_desktop.services.outbox import lock_device_counters, queue_for_server
from shop_desktop.services.rights import require_staff, staff_rights
from shop_shared.ops import SHIFT_CLOSED, SHIFT_OPENED

__all__ = [
    "CashMovementView",
    "CountOutcome",
    "OpenOrderView",
    "ShiftError",
    "ShiftProblem",
    "ShiftReport",
    "ShiftView",
    "add_to_open_shift",
    "add_void_to_open_shift",
    "check_count",
    "close_shift",
    "current_shift",
    "expected_cash",
    "move_cash",
    "open_shift",
    "sale_deltas_of",
    "shift_report",
    "x_report",
]


class ShiftProblem(Enum):
    NO_OPEN_SHIFT = "no_open_shift"
    ALREADY_OPEN = "already_open"
    #: A cash out beyond the cashier's limit, without an approver who may allow it.
    NEEDS_APPROVAL = "needs_approval"
    #: A variance beyond the threshold, without a manager's approval and note.
    NEEDS_MANAGER = "needs_manager"
    NO_REASON = "no_reason"
    #: A count or amount that cannot be right (``detail["count_problem"]`` says which).
    BAD_COUNT = "bad_count"
    NOT_FOUND = "not_found"


class ShiftError(Exception):
    """The shift cannot do that as asked; nothing was written. ``reason`` says why."""

    def __init__(self, reason: ShiftProblem, detail: Mapping[str, Any] | None = None) -> None:
        self.reason = reason
        self.detail: dict[str, Any] = dict(detail or {})
        super().__init__(reason.value, self.detail)


_SHIFTS = table_of(Shift)
_TOTALS = table_of(ShiftTotal)

# Built once: SQLAlchemy then finds their compiled form in its cache at once. The
# open shift is found through the partial unique index on open shifts.
_OPEN_SHIFT = select(_SHIFTS.c.id).where(
    _SHIFTS.c.workstation_id == bindparam("station"), _SHIFTS.c.closed_at.is_(None)
)
_insert_totals = sqlite_insert(_TOTALS)
_ADD_TOTALS = _insert_totals.on_conflict_do_update(
    index_elements=[_TOTALS.c.shift_id, _TOTALS.c.bucket, _TOTALS.c.key],
    set_={
        "amount_minor": _TOTALS.c.amount_minor + _insert_totals.excluded.amount_minor,
        "count": _TOTALS.c.count + _insert_totals.excluded.count,
    },
)


def add_to_open_shift(conn: Connection, station_id: uuid.UUID, deltas: Sequence[Delta]) -> bool:
    """Add ``deltas`` to this till's open shift in the caller's transaction.

    Returns False (and writes nothing) when no shift is open: the till still
    sells, and the sale is simply in no shift.
    """
    shift_id = conn.execute(_OPEN_SHIFT, {"station": station_id}).scalar()
    if shift_id is None:
        return False
    _add(conn, shift_id, deltas)
    return True


def _add(conn: Connection, shift_id: uuid.UUID, deltas: Iterable[Delta]) -> None:
    rows = [
        {
            "shift_id": shift_id,
            "bucket": d.bucket.value,
            "key": d.key,
            "amount_minor": d.amount_minor,
            "count": d.number,
        }
        for d in deltas
    ]
    if rows:
        conn.execute(_ADD_TOTALS, rows)


class _TaxedLine(Protocol):
    @property
    def tax_rate_bp(self) -> int: ...
    @property
    def tax_minor(self) -> int: ...


class _Tendered(Protocol):
    @property
    def method(self) -> Enum: ...
    @property
    def amount_minor(self) -> int: ...


class _Sale(Protocol):
    """A sale as the checkout hands it over (``SaleDraft``) or an order as stored."""

    @property
    def staff_id(self) -> uuid.UUID: ...
    @property
    def total_minor(self) -> int: ...
    @property
    def discount_minor(self) -> int: ...
    @property
    def lines(self) -> Sequence[_TaxedLine]: ...


def sale_deltas_of(
    sale: _Sale, payments: Iterable[_Tendered] | None = None, *, staff_id: uuid.UUID | None = None
) -> list[Delta]:
    """What a paid sale adds to its shift: ``sale``'s figures, with ``payments``
    (default: the sale's own) and ``staff_id`` (default: the sale's cashier)."""
    paid: Iterable[_Tendered] = getattr(sale, "payments", ()) if payments is None else payments
    return sale_deltas(
        total_minor=sale.total_minor,
        discount_minor=sale.discount_minor,
        staff_key=(staff_id or sale.staff_id).hex,
        payments=[(str(p.method.value), p.amount_minor) for p in paid],
        taxes=[(line.tax_rate_bp, line.tax_minor) for line in sale.lines],
    )


def add_void_to_open_shift(
    conn: Connection,
    station_id: uuid.UUID,
    *,
    total_minor: int,
    refunds: Iterable[_Tendered],
) -> bool:
    """An invoice voided at this till: the void and the refunds, in the open shift."""
    deltas = void_deltas(
        total_minor=total_minor,
        refunds=[(str(r.method.value), r.amount_minor) for r in refunds],
    )
    return add_to_open_shift(conn, station_id, deltas)


# --- what the screens see ------------------------------------------------------------


@dataclass(frozen=True)
class ShiftView:
    """The open shift, as the till's status and the Shift screen show it."""

    id: uuid.UUID
    number: int
    opened_at: datetime
    opened_by_name: str
    float_minor: int
    currency_code: str
    denominations: tuple[int, ...]


@dataclass(frozen=True)
class CashMovementView:
    at: datetime
    into_drawer: bool
    amount_minor: int
    reason: str
    staff_name: str
    approved_by_name: str


@dataclass(frozen=True)
class OpenOrderView:
    """A parked cart or an unpaid order still open at the close (``kind`` says which)."""

    kind: str
    reference: str
    total_minor: int
    at: datetime


@dataclass(frozen=True)
class CountOutcome:
    """A blind count judged: what was counted and how far off it is (not what was expected)."""

    counted_minor: int
    variance_minor: int
    needs_manager: bool
    threshold_minor: int


@dataclass(frozen=True)
class ShiftReport:
    """An X report (``closed`` False: the shift so far) or the Z report of a closed shift."""

    shift_id: uuid.UUID
    number: int
    closed: bool
    branch_name: str
    workstation_code: str
    currency_code: str
    business_day: date
    opened_at: datetime
    opened_by_name: str
    float_minor: int
    totals: ShiftTotals
    #: staff id hex -> display name, for ``totals.staff``.
    staff_names: Mapping[str, str]
    expected_cash_minor: int
    cash_movements: tuple[CashMovementView, ...] = ()
    closed_at: datetime | None = None
    closed_by_name: str = ""
    counted_minor: int | None = None
    variance_minor: int | None = None
    #: denomination -> pieces, as counted.
    counts: Mapping[int, int] = field(default_factory=dict)
    variance_note: str = ""
    variance_approved_by_name: str = ""
    open_orders: tuple[OpenOrderView, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "shift_id": str(self.shift_id),
            "number": self.number,
            "closed": self.closed,
            "branch_name": self.branch_name,
            "workstation_code": self.workstation_code,
            "currency_code": self.currency_code,
            "business_day": self.business_day.isoformat(),
            "opened_at": self.opened_at.isoformat(),
            "opened_by_name": self.opened_by_name,
            "float_minor": self.float_minor,
            "totals": self.totals.to_json(),
            "staff_names": dict(self.staff_names),
            "expected_cash_minor": self.expected_cash_minor,
            "cash_movements": [
                {
                    "at": m.at.isoformat(),
                    "into_drawer": m.into_drawer,
                    "amount_minor": m.amount_minor,
                    "reason": m.reason,
                    "staff_name": m.staff_name,
                    "approved_by_name": m.approved_by_name,
                }
                for m in self.cash_movements
            ],
            "closed_at": None if self.closed_at is None else self.closed_at.isoformat(),
            "closed_by_name": self.closed_by_name,
            "counted_minor": self.counted_minor,
            "variance_minor": self.variance_minor,
            "counts": {str(k): v for k, v in self.counts.items()},
            "variance_note": self.variance_note,
            "variance_approved_by_name": self.variance_approved_by_name,
            "open_orders": [
                {
                    "kind": o.kind,
                    "reference": o.reference,
                    "total_minor": o.total_minor,
                    "at": o.at.isoformat(),
                }
                for o in self.open_orders
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShiftReport:
        closed_at = data.get("closed_at")
        return cls(
            shift_id=uuid.UUID(data["shift_id"]),
            number=int(data["number"]),
            closed=bool(data["closed"]),
            branch_name=data["branch_name"],
            workstation_code=data["workstation_code"],
            currency_code=data["currency_code"],
            business_day=date.fromisoformat(data["business_day"]),
            opened_at=datetime.fromisoformat(data["opened_at"]),
            opened_by_name=data["opened_by_name"],
            float_minor=int(data["float_minor"]),
            totals=ShiftTotals.from_json(data["totals"]),
            staff_names=dict(data.get("staff_names", {})),
            expected_cash_minor=int(data["expected_cash_minor"]),
            cash_movements=tuple(
                CashMovementView(
                    at=datetime.fromisoformat(m["at"]),
                    into_drawer=bool(m["into_drawer"]),
                    amount_minor=int(m["amount_minor"]),
                    reason=m["reason"],
                    staff_name=m["staff_name"],
                    approved_by_name=m["approved_by_name"],
                )
                for m in data.get("cash_movements", [])
            ),
            closed_at=None if closed_at is None else datetime.fromisoformat(closed_at),
            closed_by_name=data.get("closed_by_name", ""),
            counted_minor=data.get("counted_minor"),
            variance_minor=data.get("variance_minor"),
            counts={int(k): int(v) for k, v in data.get("counts", {}).items()},
            variance_note=data.get("variance_note", ""),
            variance_approved_by_name=data.get("variance_approved_by_name", ""),
            open_orders=tuple(
                OpenOrderView(
                    kind=o["kind"],
                    reference=o["reference"],
                    total_minor=int(o["total_minor"]),
                    at=datetime.fromisoformat(o["at"]),
                )
                for o in data.get("open_orders", [])
            ),
        )


# --- reading ---------------------------------------------------------------------------


def _station(session: Session) -> tuple[uuid.UUID, uuid.UUID, str]:
    """This till's workstation, branch and currency (under the caller's transaction)."""
    where = this_workstation(session)
    return where.workstation_id, where.branch_id, where.currency_code


def _open_shift(session: Session) -> Shift | None:
    """This till's open shift: one query, through the device identity's workstation."""
    return session.scalars(
        select(Shift)
        .join(DeviceIdentity, DeviceIdentity.workstation_id == Shift.workstation_id)
        .where(Shift.closed_at.is_(None))
    ).first()


def _require_open(session: Session) -> Shift:
    shift = _open_shift(session)
    if shift is None:
        raise ShiftError(ShiftProblem.NO_OPEN_SHIFT)
    return shift


def _names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(wanted))
    )
    return {row.id: row.display_name for row in rows}


def current_shift(session: Session) -> ShiftView | None:
    """The open shift at this till, or None."""
    shift = _open_shift(session)
    if shift is None:
        return None
    names = _names(session, [shift.opened_by])
    return ShiftView(
        id=shift.id,
        number=shift.number,
        opened_at=shift.opened_at,
        opened_by_name=names.get(shift.opened_by, ""),
        float_minor=shift.float_minor,
        currency_code=shift.currency_code,
        denominations=denominations(shift.currency_code),
    )


def _totals(session: Session, shift_id: uuid.UUID) -> ShiftTotals:
    rows = session.execute(
        select(_TOTALS.c.bucket, _TOTALS.c.key, _TOTALS.c.amount_minor, _TOTALS.c.count).where(
            _TOTALS.c.shift_id == shift_id
        )
    )
    return ShiftTotals.from_rows((r[0], r[1], r[2], r[3]) for r in rows)


def _report(
    session: Session,
    shift: Shift,
    *,
    open_orders: Sequence[OpenOrderView] = (),
    totals: ShiftTotals | None = None,
) -> ShiftReport:
    """The report of ``shift`` from its running totals (X while open)."""
    totals = _totals(session, shift.id) if totals is None else totals
    station = session.get_one(Workstation, shift.workstation_id)
    branch = session.get_one(Branch, shift.branch_id)
    movements = session.scalars(
        select(CashMovement).where(CashMovement.shift_id == shift.id).order_by(CashMovement.at)
    ).all()
    staff_ids = [uuid.UUID(hex=k) for k in totals.staff]
    names = _names(
        session,
        [
            shift.opened_by,
            shift.closed_by,
            shift.variance_approved_by,
            *staff_ids,
            *(m.staff_id for m in movements),
            *(m.approved_by for m in movements),
        ],
    )
    return ShiftReport(
        shift_id=shift.id,
        number=shift.number,
        closed=shift.closed_at is not None,
        branch_name=branch.name_zh,
        workstation_code=station.code,
        currency_code=shift.currency_code,
        business_day=shift.business_day,
        opened_at=shift.opened_at,
        opened_by_name=names.get(shift.opened_by, ""),
        float_minor=shift.float_minor,
        totals=totals,
        staff_names={s.hex: names.get(s, "") for s in staff_ids},
        expected_cash_minor=totals.expected_cash(shift.float_minor),
        cash_movements=tuple(
            CashMovementView(
                at=m.at,
                into_drawer=m.into_drawer,
                amount_minor=m.amount_minor,
                reason=m.reason,
                staff_name=names.get(m.staff_id, ""),
                approved_by_name=names.get(m.approved_by, "") if m.approved_by else "",
            )
            for m in movements
        ),
        closed_at=shift.closed_at,
        closed_by_name=names.get(shift.closed_by, "") if shift.closed_by else "",
        counted_minor=shift.counted_minor,
        variance_minor=shift.variance_minor,
        counts={int(k): int(v) for k, v in shift.counts.items()},
        variance_note=shift.variance_note,
        variance_approved_by_name=(
            names.get(shift.variance_approved_by, "") if shift.variance_approved_by else ""
        ),
        open_orders=tuple(open_orders),
    )


def x_report(session: Session) -> ShiftReport:
    """The open shift so far (ShiftError NO_OPEN_SHIFT when none is open)."""
    return _report(session, _require_open(session))


def shift_report(session: Session, shift_id: uuid.UUID) -> ShiftReport:
    """A closed shift's Z report as it was closed, or an open shift's X report."""
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise ShiftError(ShiftProblem.NOT_FOUND, {"shift_id": str(shift_id)})
    if shift.closed_at is not None and shift.report:
        return ShiftReport.from_json(shift.report)
    return _report(session, shift)


def _open_orders(session: Session, station_id: uuid.UUID) -> list[OpenOrderView]:
    """Parked carts not recalled and unpaid orders of this till: listed at the close."""
    carts = session.execute(
        select(ParkedCart.label, ParkedCart.total_minor, ParkedCart.parked_at)
        .where(ParkedCart.workstation_id == station_id, ParkedCart.recalled_at.is_(None))
        .order_by(ParkedCart.parked_at)
    )
    unpaid = session.execute(
        select(Order.number, Order.total_minor, Order.created_at)
        .where(
            Order.workstation_id == station_id,
            Order.status == OrderStatus.AWAITING_PAYMENT,
            Order.invoice_no.is_(None),
        )
        .order_by(Order.created_at)
    )
    return [OpenOrderView("parked_cart", r.label, r.total_minor, r.parked_at) for r in carts] + [
        OpenOrderView("unpaid_order", r.number, r.total_minor, r.created_at) for r in unpaid
    ]


# --- writing ---------------------------------------------------------------------------


def _counts(counts: Mapping[int, int], currency_code: str) -> int:
    try:
        return counted_total(counts, currency_code)
    except CountRefused as exc:
        raise ShiftError(
            ShiftProblem.BAD_COUNT, {"count_problem": exc.reason.value, **exc.detail}
        ) from exc


def _is_approver(session: Session, staff_id: uuid.UUID | None) -> bool:
    """Whether ``staff_id`` may see the expected cash (the permission matrix, on this
    till's staff table)."""
    return staff_id is not None and allowed(
        staff_rights(session, staff_id), Permission.SHIFT_REVEAL
    )


def open_shift(
    session: Session,
    staff_id: uuid.UUID,
    float_counts: Mapping[int, int],
    *,
    now: datetime | None = None,
) -> ShiftView:
    """Open a shift at this till with the float counted by denomination."""
    now = utcnow() if now is None else now
    identity = lock_device_counters(session)
    station_id, branch_id, currency = _station(session)
    if _open_shift(session) is not None:
        raise ShiftError(ShiftProblem.ALREADY_OPEN)
    float_minor = _counts(float_counts, currency)
    number = (
        session.scalar(
            select(func.coalesce(func.max(Shift.number), 0)).where(
                Shift.workstation_id == station_id
            )
        )
        or 0
    ) + 1
    shift = Shift(
        id=new_id(),
        number=number,
        branch_id=branch_id,
        workstation_id=station_id,
        business_day=now.astimezone().date(),
        currency_code=currency,
        opened_by=staff_id,
        opened_at=now,
        float_minor=float_minor,
        float_counts={str(k): v for k, v in float_counts.items() if v},
        counts={},
        variance_note="",
        report={},
    )
    session.add(shift)
    session.flush()
    record_audit(
        session.connection(),
        AuditFacts(
            action="shift_opened",
            staff_id=staff_id,
            workstation_id=station_id,
            entity="shift",
            entity_id=str(shift.id),
            details={"number": number, "float_minor": float_minor},
            at=now,
        ),
    )
    queue_for_server(
        session,
        identity,
        SHIFT_OPENED,
        {
            "id": str(shift.id),
            "number": number,
            "branch_id": str(branch_id),
            "workstation_id": str(station_id),
            "business_day": shift.business_day.isoformat(),
            "currency_code": currency,
            "opened_by": str(staff_id),
            "opened_at": now.isoformat(),
            "float_minor": float_minor,
        },
        now=now,
    )
    view = current_shift(session)
    assert view is not None
    return view


def move_cash(
    session: Session,
    staff_id: uuid.UUID,
    *,
    into_drawer: bool,
    amount_minor: int,
    reason: str,
    approved_by: uuid.UUID | None = None,
    now: datetime | None = None,
) -> None:
    """Put cash into the drawer or take it out, with a reason, in the open shift.

    Taking cash out is beyond a cashier's rights: it needs ``approved_by``, a
    supervisor or manager whose password the till has checked
    (``auth.approve``), within the cash-out limits of the permission matrix.
    Refused with ShiftError, nothing written.
    """
    now = utcnow() if now is None else now
    lock_device_counters(session)
    shift = _require_open(session)
    reason = reason.strip()
    if not reason:
        raise ShiftError(ShiftProblem.NO_REASON)
    try:
        delta = cash_delta(into_drawer=into_drawer, amount_minor=amount_minor)
    except CountRefused as exc:
        raise ShiftError(
            ShiftProblem.BAD_COUNT, {"count_problem": exc.reason.value, **exc.detail}
        ) from exc
    alone = allowed(staff_rights(session, staff_id), Permission.CASH_OUT, amount=amount_minor)
    if not into_drawer and not alone:
        try:
            require_staff(
                session,
                staff_id,
                Permission.CASH_OUT,
                approved_by=approved_by,
                amount_minor=amount_minor,
            )
        except PermissionDenied:
            raise ShiftError(ShiftProblem.NEEDS_APPROVAL, {"amount_minor": amount_minor}) from None
    else:
        approved_by = None
    movement = CashMovement(
        id=new_id(),
        shift_id=shift.id,
        into_drawer=into_drawer,
        amount_minor=amount_minor,
        reason=reason[:240],
        staff_id=staff_id,
        approved_by=approved_by,
        at=now,
    )
    session.add(movement)
    session.flush()
    conn = session.connection()
    _add(conn, shift.id, [delta])
    record_audit(
        conn,
        AuditFacts(
            action="cash_in" if into_drawer else "cash_out",
            staff_id=staff_id,
            workstation_id=shift.workstation_id,
            entity="shift",
            entity_id=str(shift.id),
            details={"amount_minor": amount_minor, "reason": reason[:120]},
            approver_id=approved_by,
            at=now,
        ),
    )


def check_count(
    session: Session,
    counts: Mapping[int, int],
    *,
    threshold_minor: int = DEFAULT_VARIANCE_THRESHOLD_MINOR,
) -> CountOutcome:
    """Judge a blind count against the open shift: the variance, never the expected cash."""
    shift = _require_open(session)
    return _judge(shift, _totals(session, shift.id), counts, threshold_minor)


def _judge(
    shift: Shift, totals: ShiftTotals, counts: Mapping[int, int], threshold_minor: int
) -> CountOutcome:
    counted = _counts(counts, shift.currency_code)
    variance = counted - totals.expected_cash(shift.float_minor)
    return CountOutcome(
        counted_minor=counted,
        variance_minor=variance,
        needs_manager=needs_manager(variance, threshold_minor),
        threshold_minor=threshold_minor,
    )


def expected_cash(session: Session, approved_by: uuid.UUID | None) -> int:
    """What the drawer should hold: revealed only to a supervisor or manager (ShiftError)."""
    if not _is_approver(session, approved_by):
        raise ShiftError(ShiftProblem.NEEDS_MANAGER)
    shift = _require_open(session)
    return _totals(session, shift.id).expected_cash(shift.float_minor)


def close_shift(
    session: Session,
    staff_id: uuid.UUID,
    counts: Mapping[int, int],
    *,
    note: str = "",
    approved_by: uuid.UUID | None = None,
    threshold_minor: int = DEFAULT_VARIANCE_THRESHOLD_MINOR,
    now: datetime | None = None,
) -> ShiftReport:
    """Close the open shift with the blind count; the Z report, kept and queued for the server.

    A variance beyond ``threshold_minor`` needs ``approved_by`` (a supervisor or
    manager) and a ``note``; otherwise ShiftError NEEDS_MANAGER, nothing written.
    """
    now = utcnow() if now is None else now
    identity = lock_device_counters(session)
    shift = _require_open(session)
    totals = _totals(session, shift.id)
    outcome = _judge(shift, totals, counts, threshold_minor)
    note = note.strip()
    if outcome.needs_manager:
        if not _is_approver(session, approved_by):
            raise ShiftError(ShiftProblem.NEEDS_MANAGER, {"variance_minor": outcome.variance_minor})
        if not note:
            raise ShiftError(ShiftProblem.NO_REASON, {"variance_minor": outcome.variance_minor})
    else:
        approved_by = approved_by if note else None
    shift.closed_at = now
    shift.closed_by = staff_id
    shift.counts = {str(k): v for k, v in counts.items() if v}
    shift.counted_minor = outcome.counted_minor
    shift.variance_minor = outcome.variance_minor
    shift.expected_minor = outcome.counted_minor - outcome.variance_minor
    shift.variance_note = note
    shift.variance_approved_by = approved_by
    session.flush()
    open_orders = _open_orders(session, shift.workstation_id)
    report = _report(session, shift, open_orders=open_orders, totals=totals)
    shift.report = report.to_json()
    session.flush()
    record_audit(
        session.connection(),
        AuditFacts(
            action="shift_closed",
            staff_id=staff_id,
            workstation_id=shift.workstation_id,
            entity="shift",
            entity_id=str(shift.id),
            details={
                "number": shift.number,
                "counted_minor": outcome.counted_minor,
                "variance_minor": outcome.variance_minor,
            },
            approver_id=approved_by,
            at=now,
        ),
    )
    queue_for_server(
        session,
        identity,
        SHIFT_CLOSED,
        {
            "id": str(shift.id),
            "branch_id": str(shift.branch_id),
            "workstation_id": str(shift.workstation_id),
            "business_day": shift.business_day.isoformat(),
            "closed_by": str(staff_id),
            "closed_at": now.isoformat(),
            "report": shift.report,
        },
        now=now,
    )
    return report
