"""The operations a till queues for the server: their names on the wire and versions.

The till writes an op into its outbox with the current version of its payload
(``shop_desktop.services.outbox``); the server applies it by name, upgrades an
older version and refuses a newer one (docs/sync-protocol.md, "Push"). A
payload that changes shape gets a new version here, on both sides at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = [
    "AUDIT_ENTRIES",
    "CART_PARKED",
    "CART_RECALLED",
    "DEVICE_SEQ_REUSED",
    "MEMBER_UPDATE",
    "ORDER_CANCELLED",
    "ORDER_COMPLETED",
    "ORDER_OPS",
    "ORDER_PAID",
    "ORDER_STATUS_CHANGED",
    "ORDER_STEP_OPS",
    "ORDER_TAKEN",
    "PAYLOAD_VERSIONS",
    "PRODUCT_EDIT",
    "SHIFT_CLOSED",
    "SHIFT_OPENED",
    "STAFF_EDIT",
    "UnknownOp",
    "payload_version",
]

#: A take-away sale, paid and handed over (the whole order).
ORDER_COMPLETED: Final = "order.completed"
#: A pick-up, delivery or pay-on-collection order taken (the whole order).
ORDER_TAKEN: Final = "order.taken"
#: Later steps of a taken order.
ORDER_PAID: Final = "order.paid"
ORDER_STATUS_CHANGED: Final = "order.status_changed"
ORDER_CANCELLED: Final = "order.cancelled"
#: A cart parked at one till, and recalled (once) at any till of the branch.
CART_PARKED: Final = "cart.parked"
CART_RECALLED: Final = "cart.recalled"
#: A manager's catalog edit, with the product version it started from.
PRODUCT_EDIT: Final = "catalog.product_edit"
#: Member profile fields changed at the counter.
MEMBER_UPDATE: Final = "member.update"
#: An administrator's edit of a staff member (added, disabled, password, role, limits).
STAFF_EDIT: Final = "staff.edit"
#: A run of one device's audit chain (``shop_shared.audit_chain``), in chain order.
AUDIT_ENTRIES: Final = "audit.entries"
#: A till's shift opened with its float, and closed with its whole Z report.
SHIFT_OPENED: Final = "shift.opened"
SHIFT_CLOSED: Final = "shift.closed"

#: The current payload version of every op the server accepts. Order payloads
#: are at 2: they carry the member's ``points`` (v1 left them to the server).
PAYLOAD_VERSIONS: Mapping[str, int] = MappingProxyType(
    {
        ORDER_COMPLETED: 2,
        ORDER_TAKEN: 2,
        ORDER_PAID: 1,
        ORDER_STATUS_CHANGED: 1,
        ORDER_CANCELLED: 1,
        CART_PARKED: 1,
        CART_RECALLED: 1,
        PRODUCT_EDIT: 1,
        MEMBER_UPDATE: 1,
        STAFF_EDIT: 1,
        AUDIT_ENTRIES: 1,
        SHIFT_OPENED: 1,
        SHIFT_CLOSED: 1,
    }
)

#: Ops that carry a whole order.
ORDER_OPS: frozenset[str] = frozenset({ORDER_COMPLETED, ORDER_TAKEN})
#: Ops that carry a later step of an order the server already holds.
ORDER_STEP_OPS: frozenset[str] = frozenset({ORDER_PAID, ORDER_STATUS_CHANGED, ORDER_CANCELLED})


#: The server's refusal of an op whose ``device_seq`` it recorded for another op (the
#: database was copied). It did not record the op, so after the till enrols again the
#: op is simply unsent (``services.outbox.renumber_unsent``).
DEVICE_SEQ_REUSED: Final = "device_seq_reused"


class UnknownOp(ValueError):
    """An op type that is not part of the protocol."""


def payload_version(op_type: str) -> int:
    """The current payload version of ``op_type``."""
    try:
        return PAYLOAD_VERSIONS[op_type]
    except KeyError:
        raise UnknownOp(f"{op_type!r} is not an operation the server accepts") from None
