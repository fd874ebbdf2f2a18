"""Who may do what: the one permission matrix the till and the server both enforce.

Four roles, from least to most trusted: cashier, supervisor, manager, administrator
(``"admin"`` on the wire and in both databases). Each privileged action is a
:class:`Permission`; a role either has it or not (:data:`MATRIX`), and four of them are
bounded by a limit (:class:`Limits`: discount and price-override depth in basis points,
refund and cash-out amounts in integer minor units). A role gives the default limits
(:data:`ROLE_LIMITS`); a person's own limits, where set, replace their role's.

Something beyond a person's rights is either refused outright or, for the actions in
:data:`APPROVABLE`, allowed on the spot when a supervisor, manager or administrator
who may do it themselves approves (:func:`needs_approval`, :func:`require_approved`).

The server checks every op a till pushes against its own staff table and this matrix
(``shop_server.rights``), so a till that edits its own SQLite file gains nothing.

Standard library only: imported by ``shop_desktop.domain.permissions`` and the server.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "APPROVABLE",
    "APPROVER_ROLES",
    "LIMITED_BY",
    "MATRIX",
    "ROLES",
    "ROLE_LIMITS",
    "Limits",
    "Permission",
    "PermissionDenied",
    "StaffRights",
    "allowed",
    "can_approve",
    "check",
    "limit_for",
    "needs_approval",
    "require",
    "require_approved",
    "rights_of",
]

CASHIER: Final = "cashier"
SUPERVISOR: Final = "supervisor"
MANAGER: Final = "manager"
ADMIN: Final = "admin"
#: Least trusted first.
ROLES: tuple[str, ...] = (CASHIER, SUPERVISOR, MANAGER, ADMIN)


class Permission(enum.Enum):
    """A privileged action. The value is its name on the wire and in the audit log."""

    REFUND = "refund"
    VOID = "void"
    #: A line or order discount; beyond the person's ``discount_bp`` it needs approval.
    DISCOUNT = "discount"
    #: A unit price set by hand; bounded by how far below the catalog price it goes.
    PRICE_OVERRIDE = "price_override"
    REPRINT = "reprint"
    #: Opening the cash drawer without a sale.
    OPEN_DRAWER = "open_drawer"
    CASH_IN = "cash_in"
    CASH_OUT = "cash_out"
    SHIFT_OPEN = "shift_open"
    SHIFT_CLOSE = "shift_close"
    #: Seeing what the drawer should hold before the blind count is entered.
    SHIFT_REVEAL = "shift_reveal"
    VIEW_REPORTS = "view_reports"
    EDIT_CATALOG = "edit_catalog"
    EDIT_PRICES = "edit_prices"
    EDIT_STOCK = "edit_stock"
    EDIT_MEMBERS = "edit_members"
    EDIT_STAFF = "edit_staff"
    EDIT_SETTINGS = "edit_settings"
    #: The manager's view of what sync flagged (refused ops, reused coupons, ...).
    VIEW_FLAGS = "view_flags"


@dataclass(frozen=True)
class Limits:
    """How far a person may go alone. ``None``: no limit of one's own (the role's, or none)."""

    discount_bp: int | None = None
    price_override_bp: int | None = None
    refund_minor: int | None = None
    cash_out_minor: int | None = None

    def over(self, base: Limits) -> Limits:
        """These limits where set, else ``base``'s."""
        return Limits(
            discount_bp=_first(self.discount_bp, base.discount_bp),
            price_override_bp=_first(self.price_override_bp, base.price_override_bp),
            refund_minor=_first(self.refund_minor, base.refund_minor),
            cash_out_minor=_first(self.cash_out_minor, base.cash_out_minor),
        )


def _first(mine: int | None, base: int | None) -> int | None:
    return base if mine is None else mine


#: Which limit bounds which permission (the others are yes or no).
LIMITED_BY: Mapping[Permission, str] = MappingProxyType(
    {
        Permission.DISCOUNT: "discount_bp",
        Permission.PRICE_OVERRIDE: "price_override_bp",
        Permission.REFUND: "refund_minor",
        Permission.CASH_OUT: "cash_out_minor",
    }
)

P = Permission
_COUNTER = frozenset(
    {P.DISCOUNT, P.CASH_IN, P.SHIFT_OPEN, P.SHIFT_CLOSE, P.EDIT_MEMBERS},
)
_FLOOR = _COUNTER | {
    P.REFUND,
    P.VOID,
    P.PRICE_OVERRIDE,
    P.REPRINT,
    P.OPEN_DRAWER,
    P.CASH_OUT,
    P.SHIFT_REVEAL,
    P.VIEW_REPORTS,
}
_BACK_OFFICE = _FLOOR | {P.EDIT_CATALOG, P.EDIT_PRICES, P.EDIT_STOCK, P.VIEW_FLAGS}

#: What each role may do (within its limits).
MATRIX: Mapping[str, frozenset[Permission]] = MappingProxyType(
    {
        CASHIER: frozenset(_COUNTER),
        SUPERVISOR: frozenset(_FLOOR),
        MANAGER: frozenset(_BACK_OFFICE),
        ADMIN: frozenset(Permission),
    }
)

#: Each role's limits unless the person has their own. Amounts are minor units of the
#: shop's currency (TWD has no minor digits: 5_000 is NT$5,000).
ROLE_LIMITS: Mapping[str, Limits] = MappingProxyType(
    {
        CASHIER: Limits(discount_bp=0, price_override_bp=0, refund_minor=0, cash_out_minor=0),
        SUPERVISOR: Limits(
            discount_bp=2_000, price_override_bp=2_000, refund_minor=5_000, cash_out_minor=5_000
        ),
        MANAGER: Limits(),
        ADMIN: Limits(),
    }
)

#: Actions a supervisor or manager may approve on the spot for someone who may not.
APPROVABLE: frozenset[Permission] = frozenset(
    {P.REFUND, P.VOID, P.DISCOUNT, P.PRICE_OVERRIDE, P.REPRINT, P.OPEN_DRAWER, P.CASH_OUT}
)
#: Who may approve (each only what they may do themselves, within their own limits).
APPROVER_ROLES: frozenset[str] = frozenset({SUPERVISOR, MANAGER, ADMIN})


@dataclass(frozen=True)
class StaffRights:
    """A person as the matrix sees them: a role, their own limits, and whether active."""

    role: str
    limits: Limits = Limits()
    active: bool = True

    @property
    def effective(self) -> Limits:
        """The limits that apply: the person's where set, else the role's.
        An administrator has none."""
        if self.role == ADMIN:
            return Limits()
        return self.limits.over(ROLE_LIMITS.get(self.role, ROLE_LIMITS[CASHIER]))


class PermissionDenied(Exception):
    """An action beyond someone's rights; ``reason`` says why, for the UI to word.

    ``reason``: ``"role"`` (the role may not do it at all), ``"limit"`` (beyond the
    person's limit, ``limit`` holds it), ``"inactive"`` (the account is disabled) or
    ``"approver"`` (the approver named may not approve it). ``approvable`` is true when a
    supervisor or manager could approve it on the spot.
    """

    def __init__(
        self,
        permission: Permission,
        reason: str,
        *,
        limit: int | None = None,
        approvable: bool = False,
    ) -> None:
        self.permission = permission
        self.reason = reason
        self.limit = limit
        self.approvable = approvable
        super().__init__(_sentence(permission, reason, limit))


def _sentence(permission: Permission, reason: str, limit: int | None) -> str:
    what = permission.value.replace("_", " ")
    if reason == "limit":
        return f"This {what} is beyond your limit ({limit}); a supervisor or manager must approve."
    if reason == "inactive":
        return "This account is disabled."
    if reason == "approver":
        return f"The approver may not approve this {what}."
    return f"Your role may not do this ({what})."


def rights_of(staff: Any) -> StaffRights:
    """The rights of ``staff``: a :class:`StaffRights`, or anything with a ``role``
    (an enum whose value is the role's name, or the name), optional ``limits`` and
    ``active``, and, on older objects, ``max_discount_bp`` as the discount limit."""
    if isinstance(staff, StaffRights):
        return staff
    role = getattr(staff, "role", CASHIER)
    role_name = str(getattr(role, "value", role))
    limits = getattr(staff, "limits", None)
    if not isinstance(limits, Limits):
        limits = Limits()
    own_discount = getattr(staff, "max_discount_bp", None)
    if limits.discount_bp is None and isinstance(own_discount, int):
        limits = replace(limits, discount_bp=own_discount)
    return StaffRights(role_name, limits, bool(getattr(staff, "active", True)))


def limit_for(staff: Any, permission: Permission) -> int | None:
    """The limit bounding ``permission`` for ``staff``; ``None``: unlimited or not limited."""
    field = LIMITED_BY.get(permission)
    if field is None:
        return None
    value: int | None = getattr(rights_of(staff).effective, field)
    return value


def check(staff: Any, permission: Permission, *, amount: int | None = None) -> str:
    """``"ok"``, or the reason ``staff`` may not: ``"inactive"``, ``"role"``, ``"limit"``.

    ``amount``: minor units for refunds and cash out, basis points of depth for
    discounts and price overrides; ``None`` asks about the action as such.
    """
    rights = rights_of(staff)
    if not rights.active:
        return "inactive"
    if permission not in MATRIX.get(rights.role, frozenset()):
        return "role"
    limit = limit_for(rights, permission)
    if amount is not None and limit is not None and amount > limit:
        return "limit"
    return "ok"


def allowed(staff: Any, permission: Permission, *, amount: int | None = None) -> bool:
    return check(staff, permission, amount=amount) == "ok"


def needs_approval(staff: Any, permission: Permission, *, amount: int | None = None) -> bool:
    """True when ``staff`` may not do this alone but a supervisor or manager could approve it."""
    reason = check(staff, permission, amount=amount)
    return reason in ("role", "limit") and permission in APPROVABLE


def require(
    staff: Any,
    permission: Permission,
    *,
    amount_minor: int | None = None,
    depth_bp: int | None = None,
) -> None:
    """Raise :class:`PermissionDenied` unless ``staff`` may do this alone.

    Pass ``amount_minor`` for refunds and cash out, ``depth_bp`` for discounts and
    price overrides (how far below the price, in basis points).
    """
    amount = amount_minor if amount_minor is not None else depth_bp
    reason = check(staff, permission, amount=amount)
    if reason != "ok":
        raise PermissionDenied(
            permission,
            reason,
            limit=limit_for(staff, permission) if reason == "limit" else None,
            approvable=reason != "inactive" and permission in APPROVABLE,
        )


def can_approve(approver: Any, permission: Permission, *, amount: int | None = None) -> bool:
    """Whether ``approver`` may approve ``permission`` (for ``amount``) for someone else."""
    rights = rights_of(approver)
    return (
        permission in APPROVABLE
        and rights.role in APPROVER_ROLES
        and check(rights, permission, amount=amount) == "ok"
    )


def require_approved(
    staff: Any,
    permission: Permission,
    approver: Any | None,
    *,
    amount_minor: int | None = None,
    depth_bp: int | None = None,
) -> None:
    """Raise :class:`PermissionDenied` unless ``staff`` may do this, alone or approved.

    ``approver`` (or ``None``) is the person who approved it on the spot; the approval
    counts only when ``staff`` is active and the approver may do it themselves.
    """
    amount = amount_minor if amount_minor is not None else depth_bp
    reason = check(staff, permission, amount=amount)
    if reason == "ok":
        return
    if reason == "inactive" or permission not in APPROVABLE:
        raise PermissionDenied(permission, reason)
    if approver is None:
        raise PermissionDenied(
            permission,
            reason,
            limit=limit_for(staff, permission) if reason == "limit" else None,
            approvable=True,
        )
    if not can_approve(approver, permission, amount=amount):
        raise PermissionDenied(permission, "approver", limit=limit_for(approver, permission))
