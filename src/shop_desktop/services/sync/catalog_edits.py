"""A manager's catalog edit at a workstation: applied here, sent to the server as a command.

The server owns the catalog (SYNC.md: the server wins), so an edit goes up
as ``catalog.product_edit`` naming the version it started from; the server
refuses it as stale when someone else's edit got there first, and the
refused product is then put back to the server's row (see ``push``). Until
the server has answered, pulls leave the edited product alone.
"""

from __future__ import annotations

import enum
import uuid
from typing import Any

from sqlalchemy.orm import Session

from shop_desktop.data.models import Product, Role
from shop_desktop.data.types import utcnow
from shop_desktop.domain.permissions import Permission, PermissionDenied
from shop_desktop.services.audit import AuditFacts, record_audit
from shop_desktop.services.outbox import lock_device_counters, queue_for_server
from shop_desktop.services.rights import require_staff
from shop_shared.ops import PRODUCT_EDIT

__all__ = ["EDITABLE_FIELDS", "CatalogEditRefused", "edit_product"]

#: What a workstation may change; ids, SKU and the server's version are not among them.
EDITABLE_FIELDS = frozenset(
    {
        "name_zh", "name_en", "category_id", "brand_id", "tax_class_id", "price_minor",
        "member_price_minor", "unit", "weighed", "description", "specs", "active", "location",
    }
)  # fmt: skip
_MAY_EDIT = frozenset({Role.MANAGER, Role.ADMIN})


class CatalogEditRefused(Exception):
    """The edit is not allowed as asked; ``reason`` is one of the class constants."""

    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN_FIELD = "unknown_field"
    NOTHING_CHANGED = "nothing_changed"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def wire_value(value: Any) -> Any:
    """A model value as JSON: ids as text, enums by value."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _from_wire(field: str, value: Any) -> Any:
    if field.endswith("_id") and isinstance(value, str):
        return uuid.UUID(value)
    return value


def _may_edit(session: Session, staff_id: uuid.UUID, changes: dict[str, Any]) -> bool:
    """The matrix on this till's staff table: catalog edits, and prices when they change."""
    needed = [Permission.EDIT_CATALOG]
    if {"price_minor", "member_price_minor"} & set(changes):
        needed.append(Permission.EDIT_PRICES)
    try:
        for permission in needed:
            require_staff(session, staff_id, permission)
    except PermissionDenied:
        return False
    return True


def edit_product(
    session: Session, product_id: uuid.UUID, changes: dict[str, Any], staff: tuple[uuid.UUID, Role]
) -> int:
    """Change the product here and queue the edit for the server; returns its ``device_seq``.

    ``staff`` is (staff id, role): managers and admins only. Values are as
    the model holds them (ids may be given as UUIDs or text).
    """
    staff_id, role = staff
    if role not in _MAY_EDIT or not _may_edit(session, staff_id, changes):
        raise CatalogEditRefused(CatalogEditRefused.NOT_ALLOWED)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise CatalogEditRefused(CatalogEditRefused.UNKNOWN_FIELD, ", ".join(sorted(unknown)))
    identity = lock_device_counters(session)
    product = session.get(Product, product_id)
    if product is None:
        raise CatalogEditRefused(CatalogEditRefused.NOT_FOUND, str(product_id))
    wanted = {f: _from_wire(f, v) for f, v in changes.items()}
    changed = {f: v for f, v in wanted.items() if getattr(product, f) != v}
    if not changed:
        raise CatalogEditRefused(CatalogEditRefused.NOTHING_CHANGED)
    base_version = product.version
    before = {f: wire_value(getattr(product, f)) for f in changed}
    for field, value in changed.items():
        setattr(product, field, value)  # the ORM hooks re-index it for search
    now = utcnow()
    payload = {
        "product_id": str(product_id),
        "base_version": base_version,
        "changes": {f: wire_value(v) for f, v in changed.items()},
        # Who edited: the server checks their rights against its own staff list.
        "staff_id": str(staff_id),
    }
    seq = queue_for_server(session, identity, PRODUCT_EDIT, payload, now=now)
    # The server bumps the version by one when it applies this edit: a following
    # edit made before syncing starts from that version, so it chains onto this
    # one instead of being refused as stale. (Refused, the server's row comes back.)
    product.version = base_version + 1
    session.flush()
    record_audit(
        session.connection(),
        AuditFacts(
            at=now,
            staff_id=staff_id,
            workstation_id=identity.workstation_id,
            action="catalog_edit",
            entity="product",
            entity_id=str(product_id),
            details=payload | {"before": before},
        ),
    )
    return seq
