"""Who may do what at the till: the permission matrix.

The server enforces the same matrix on every op a till pushes, so it lives in
:mod:`shop_shared.permissions`; it is re-exported here beside the till's other rules.
Services call :func:`require` (or :func:`require_approved` with the approver a
supervisor or manager gave on the spot) before they write anything.
"""

from __future__ import annotations

from shop_shared.permissions import (
    APPROVABLE,
    APPROVER_ROLES,
    LIMITED_BY,
    MATRIX,
    ROLE_LIMITS,
    ROLES,
    Limits,
    Permission,
    PermissionDenied,
    StaffRights,
    allowed,
    can_approve,
    check,
    limit_for,
    needs_approval,
    require,
    require_approved,
    rights_of,
)

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
