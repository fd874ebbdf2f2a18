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


def permission_name(permission: Permission) -> str:
    """A permission in the shop's words (the Staff page and refusals use it)."""
    names = {
        Permission.REFUND: QCoreApplication.translate("Rights", "Refund"),
        Permission.VOID: QCoreApplication.translate("Rights", "Void an invoice"),
        Permission.DISCOUNT: QCoreApplication.translate("Rights", "Discount"),
        Permission.PRICE_OVERRIDE: QCoreApplication.translate("Rights", "Change a price"),
        Permission.REPRINT: QCoreApplication.translate("Rights", "Reprint a receipt"),
        Permission.OPEN_DRAWER: QCoreApplication.translate(
            "Rights", "Open the drawer without a sale"
        ),
        Permission.CASH_IN: QCoreApplication.translate("Rights", "Cash in"),
        Permission.CASH_OUT: QCoreApplication.translate("Rights", "Cash out"),
        Permission.SHIFT_OPEN: QCoreApplication.translate("Rights", "Open a shift"),
        Permission.SHIFT_CLOSE: QCoreApplication.translate("Rights", "Close a shift"),
        Permission.SHIFT_REVEAL: QCoreApplication.translate("Rights", "See the expected cash"),
        Permission.VIEW_REPORTS: QCoreApplication.translate("Rights", "View reports"),
        Permission.EDIT_CATALOG: QCoreApplication.translate("Rights", "Edit the catalog"),
        Permission.EDIT_PRICES: QCoreApplication.translate("Rights", "Edit prices"),
        Permission.EDIT_STOCK: QCoreApplication.translate("Rights", "Edit stock"),
        Permission.EDIT_MEMBERS: QCoreApplication.translate("Rights", "Edit members"),
        Permission.EDIT_STAFF: QCoreApplication.translate("Rights", "Edit staff"),
        Permission.EDIT_SETTINGS: QCoreApplication.translate("Rights", "Change settings"),
        Permission.VIEW_FLAGS: QCoreApplication.translate("Rights", "See what sync flagged"),
    }
    return names[permission]


def permission_denied(exc: PermissionDenied) -> str:
    """The sentence for a refusal by the matrix, fit for the person at the till."""
    what = permission_name(exc.permission)
    if exc.reason == "inactive":
        return QCoreApplication.translate("Rights", "This account is disabled.")
    if exc.reason == "approver":
        return QCoreApplication.translate(
            "Rights", "The approver may not approve this ({what})."
        ).format(what=what)
    if exc.approvable:
        return QCoreApplication.translate(
            "Rights", "{what} is beyond your rights: a supervisor or manager must approve it."
        ).format(what=what)
    return QCoreApplication.translate("Rights", "Your role may not do this ({what}).").format(
        what=what
    )


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
