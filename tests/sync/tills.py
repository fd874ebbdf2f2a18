"""Enrolled tills against a real server, and what the sync tests do with them.

A plain module (not a conftest), shared by ``tests/sync`` and the sync screens'
tests: the server's side is read through its own API with the till's device
token, the till's side straight from its SQLite file, so a test checks what
each really holds rather than what the engine says it sent.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import requests
from tests import serverproc

from shop_desktop.data.db import Database
from shop_desktop.data.models import OrderKind, PaymentMethod
from shop_desktop.services.checkout import DraftLine, DraftPayment, SaleDraft, commit_sale
from shop_desktop.services.sync.credentials import KeyringTokenStore
from shop_desktop.services.sync.engine import SyncEngine
from shop_desktop.services.sync.enrol import EnrolResult
from shop_desktop.services.sync.state import SyncSettings


@dataclass
class SyncServer:
    server: serverproc.RunningServer
    branches: serverproc.Branches
    backend: str


@dataclass
class Workstation:
    path: Path
    db: Database
    engine: SyncEngine
    tokens: KeyringTokenStore
    settings: SyncSettings
    enrolment: EnrolResult


EnrolWorkstation = Callable[[SyncServer, str], Workstation]


class ShopLayout(NamedTuple):
    """What the ``sync_server`` fixture sets up: neighbouring branches with this many tills
    each, and a seeded catalog of this many products."""

    tills_per_branch: tuple[int, ...]
    products: int


# --- reading --------------------------------------------------------------------------------


def sql(ws: Workstation | Path, query: str, *args: object) -> list[tuple[Any, ...]]:
    """Run one statement on the till's file through a connection of its own (committed)."""
    conn = sqlite3.connect(ws if isinstance(ws, Path) else ws.path)
    try:
        found = conn.execute(query, args).fetchall()
        conn.commit()
        return found
    finally:
        conn.close()


def device_get(ws: Workstation, server: SyncServer, path: str) -> Any:
    """GET ``path`` at the server as the till (its device token), the answer's JSON."""
    token = ws.tokens.get(ws.enrolment.device_id)
    assert token is not None
    response = requests.get(
        server.server.url + path, headers=serverproc.device_headers(token), timeout=30
    )
    response.raise_for_status()
    return response.json()


def orders_on_server(url: str, token: str, branch_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every order the server at ``url`` holds for the branch, all pages, as a till of it
    with ``token`` is shown them."""
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        response = requests.get(
            f"{url}/api/v1/branches/{branch_id}/orders",
            params={"after": after, "limit": 500},
            headers=serverproc.device_headers(token),
            timeout=30,
        )
        response.raise_for_status()
        page = response.json()
        found += page["orders"]
        if page["next_after"] is None:
            return found
        after = page["next_after"]


def server_orders(ws: Workstation, server: SyncServer) -> list[dict[str, Any]]:
    """Every order the server holds for the workstation's branch."""
    token = ws.tokens.get(ws.enrolment.device_id)
    assert token is not None
    return orders_on_server(server.server.url, token, ws.enrolment.branch_id)


def first_member(ws: Workstation) -> str:
    """The member (id, hex) ``sell(..., member=True)`` sells to."""
    [(member_id,)] = sql(ws, "SELECT id FROM members ORDER BY code LIMIT 1")
    return str(member_id)


def member_points(ws: Workstation, server: SyncServer, member_hex: str) -> Any:
    """The server's points for a member (balance and ledger), asked from the till's branch."""
    branch = ws.enrolment.branch_id
    path = f"/api/v1/branches/{branch}/members/{uuid.UUID(member_hex)}/points"
    return device_get(ws, server, path)


# --- selling --------------------------------------------------------------------------------

_SOLD_PRODUCT = (
    "SELECT p.id, p.sku, p.name_zh, p.name_en, p.price_minor, t.rate_bp FROM products p"
    " JOIN tax_classes t ON t.id = p.tax_class_id WHERE p.weighed = 0 AND t.inclusive = 1"
    " ORDER BY p.sku LIMIT 1"
)


def sold_product(ws: Workstation) -> str:
    """The product (id, hex) ``sell`` sells: the first piece good, by SKU, taxed inclusive."""
    [(product, *_)] = sql(ws, _SOLD_PRODUCT)
    return str(product)


def sell(
    ws: Workstation, qty: int = 1, *, member: bool = False, now: datetime | None = None
) -> uuid.UUID:
    """A cash sale of ``qty`` of ``sold_product``, through ``commit_sale`` (so it waits in
    the outbox as any sale does); the order id."""
    [(product, sku, name_zh, name_en, price, rate)] = sql(ws, _SOLD_PRODUCT)
    [(staff,)] = sql(ws, "SELECT id FROM staff_users ORDER BY username LIMIT 1")
    gross = price * qty
    tax = (2 * gross * rate + 10_000 + rate) // (2 * (10_000 + rate))  # half up
    line = DraftLine(
        product_id=uuid.UUID(product), sku=sku, name_zh=name_zh, name_en=name_en,
        qty_milli=qty * 1000, unit_price_minor=price, discount_minor=0, tax_rate_bp=rate,
        tax_minor=tax, line_total_minor=gross, promotions=[],
    )  # fmt: skip
    draft = SaleDraft(
        order_id=uuid.uuid4(), staff_id=uuid.UUID(staff),
        member_id=uuid.UUID(first_member(ws)) if member else None, kind=OrderKind.TAKE_AWAY,
        lines=(line,), subtotal_minor=gross, discount_minor=0, tax_minor=tax,
        delivery_fee_minor=0, rounding_minor=0, total_minor=gross,
        payments=(DraftPayment(PaymentMethod.CASH, gross),),
    )  # fmt: skip
    with ws.db.session() as session:
        commit_sale(session, draft, now=now)
    return draft.order_id
