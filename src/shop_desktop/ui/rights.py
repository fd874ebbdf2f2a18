"""Rights at the screen: asking for approval when the person may not act alone, and the
words for a refusal.

Screens call :func:`approval_for` before an action: within the person's rights it
answers at once; beyond them but approvable it opens the one
:class:`~shop_desktop.ui.sell.dialogs.ApprovalDialog`; otherwise it says why not. The
services check the same matrix again before writing (``services.rights``), so a hidden
button is never the only guard.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from shop_desktop.domain.permissions import (
    Permission,
    PermissionDenied,
    check,
    needs_approval,
)
from shop_desktop.services.auth import ApprovalRequest
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.sell.dialogs import ApprovalDialog

_CONTEXT = "Rights"


def permission_name(permission: Permission) -> str:
    """A permission in the shop's words (the Staff page and refusals use it)."""
    t = QCoreApplication.translate
    names = {
        Permission.REFUND: t(_CONTEXT, "Refund"),
        Permission.VOID: t(_CONTEXT, "Void an invoice"),
        Permission.DISCOUNT: t(_CONTEXT, "Discount"),
        Permission.PRICE_OVERRIDE: t(_CONTEXT, "Change a price"),
        Permission.REPRINT: t(_CONTEXT, "Reprint a receipt"),
        Permission.OPEN_DRAWER: t(_CONTEXT, "Open the drawer without a sale"),
        Permission.CASH_IN: t(_CONTEXT, "Cash in"),
        Permission.CASH_OUT: t(_CONTEXT, "Cash out"),
        Permission.SHIFT_OPEN: t(_CONTEXT, "Open a shift"),
        Permission.SHIFT_CLOSE: t(_CONTEXT, "Close a shift"),
        Permission.SHIFT_REVEAL: t(_CONTEXT, "See the expected cash"),
        Permission.VIEW_REPORTS: t(_CONTEXT, "View reports"),
        Permission.EDIT_CATALOG: t(_CONTEXT, "Edit the catalog"),
        Permission.EDIT_PRICES: t(_CONTEXT, "Edit prices"),
        Permission.EDIT_STOCK: t(_CONTEXT, "Edit stock"),
        Permission.EDIT_MEMBERS: t(_CONTEXT, "Edit members"),
        Permission.EDIT_STAFF: t(_CONTEXT, "Edit staff"),
        Permission.EDIT_SETTINGS: t(_CONTEXT, "Change settings"),
        Permission.VIEW_FLAGS: t(_CONTEXT, "See what sync flagged"),
    }
    return names[permission]


def permission_denied(exc: PermissionDenied) -> str:
    """The sentence for a refusal by the matrix, fit for the person at the till."""
    t = QCoreApplication.translate
    what = permission_name(exc.permission)
    if exc.reason == "inactive":
        return t(_CONTEXT, "This account is disabled.")
    if exc.reason == "approver":
        return t(_CONTEXT, "The approver may not approve this ({what}).").format(what=what)
    if exc.approvable:
        return t(
            _CONTEXT, "{what} is beyond your rights: a supervisor or manager must approve it."
        ).format(what=what)
    return t(_CONTEXT, "Your role may not do this ({what}).").format(what=what)


@dataclass(frozen=True)
class Go:
    """The answer of :func:`approval_for`: go ahead (``approved_by`` set when a supervisor
    or manager approved), or not (``refusal`` says why; empty when the approval was
    cancelled)."""

    ok: bool
    approved_by: uuid.UUID | None = None
    refusal: str = ""


def approval_for(
    parent: QWidget | None,
    context: ShopContext,
    permission: Permission,
    *,
    what: str,
    record: str,
    amount: int | None = None,
) -> Go:
    """Whether the logged-in person may do ``permission`` now, asking for approval if
    they may not alone. ``what`` is shown; ``record`` is the audit log's words."""
    reason = check(context.staff, permission, amount=amount)
    if reason == "ok":
        return Go(True)
    if not needs_approval(context.staff, permission, amount=amount):
        return Go(False, refusal=permission_denied(PermissionDenied(permission, reason)))
    request = ApprovalRequest(permission, record, amount=amount, actor_id=context.staff.staff_id)
    approval = ApprovalDialog.ask(parent, context, request, what)
    if approval is None:
        return Go(False)
    return Go(True, approved_by=approval.staff_id)
