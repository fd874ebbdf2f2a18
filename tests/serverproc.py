"""The central server as a real process on loopback, for any test that needs one.

A plain module (not a conftest) so client, end-to-end, fault and benchmark
tests can all use it. Under pytest's importlib mode ``tests/`` is not on
``sys.path``; load it as ``tests/conftest.py`` loads ``wallet_gateway``
(``load_serverproc()`` in ``tests/server/conftest.py`` does exactly that and
registers it as ``sys.modules["serverproc"]``), and for mypy import it as
``from tests import serverproc``.

Everything here goes through the same doors a shop's administrator uses:
the ``shop-server`` command line and the admin HTTP API, never the
server's internals, so the tests exercise what ships.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import requests

#: The PostgreSQL every test uses (CI starts it; locally it must be running).
PG_ADMIN_URL = os.environ.get("SHOP_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_SERVER_PREFIX = "postgresql+psycopg://postgres@127.0.0.1:5432/"
#: How long a server may take to answer its health check after starting.
START_TIMEOUT_S = 60.0


class ServerDidNotStart(RuntimeError):
    """The server process exited or never answered /api/v1/health."""


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "shop_server.cli", *args]


def _run_cli(*args: str, workdir: Path, timeout: float = 600.0) -> str:
    """Run one ``shop-server`` command to completion; its output, or an error with it."""
    done = subprocess.run(
        _cli(*args),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"shop-server {args[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


# --- PostgreSQL databases -----------------------------------------------------------


def create_pg_database(prefix: str = "shop_test") -> str:
    """A new, empty, uniquely named PostgreSQL database; its SQLAlchemy URL.

    Raises (never skips) when PostgreSQL is unreachable: the tests must run.
    """
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_SERVER_PREFIX + name


def drop_database(url: str) -> None:
    """Drop a database made by :func:`create_pg_database` (no-op for SQLite URLs)."""
    if not url.startswith("postgresql"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the process ----------------------------------------------------------------------


@dataclass
class RunningServer:
    """A ``shop-server serve`` process on loopback and how to reach it."""

    url: str
    database_url: str
    admin: tuple[str, str]
    process: subprocess.Popen[bytes]
    workdir: Path
    port: int
    workers: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        """Terminate (SIGTERM) and wait; kill if it does not stop in time."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL the server and its workers at once (fault tests: no clean shutdown)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def restart(self) -> None:
        """Start again on the same port and database (after :meth:`stop` or :meth:`kill`)."""
        self.stop()
        self.process = _serve(
            self.workdir, self.database_url, self.port, self.workers, self.extra_env
        )
        _wait_healthy(self)

    @property
    def log_path(self) -> Path:
        return self.workdir / "server.log"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _serve(
    workdir: Path, database_url: str, port: int, workers: int, extra_env: dict[str, str]
) -> subprocess.Popen[bytes]:
    log = (workdir / "server.log").open("ab")
    env = {**os.environ, **extra_env}
    args = ["serve", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--database-url", database_url, "--workers", str(workers)]
    try:
        return subprocess.Popen(
            _cli(*args),
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: kill() reaches the workers
        )
    finally:
        log.close()


def _wait_healthy(server: RunningServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerDidNotStart(
                f"shop-server exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            if requests.get(f"{server.url}/api/v1/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    server.kill()
    raise ServerDidNotStart(f"no answer on {server.url} in time:\n{server.log_tail()}")


def start_server(
    workdir: Path,
    *,
    database: Literal["sqlite", "postgresql"],
    workers: int = 1,
    extra_env: dict[str, str] | None = None,
) -> RunningServer:
    """Create a database, ``shop-server init`` it with an admin, and serve it on a free port.

    For PostgreSQL a fresh uniquely named database is created; the caller
    drops it with :func:`drop_database` (``server.database_url``) when done.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        database_url = f"sqlite:///{workdir / 'shop_server.db'}"
    else:
        database_url = create_pg_database()
    admin = ("admin", secrets.token_urlsafe(12))
    _run_cli(
        # --password=... : a random password may start with "-", which argparse would
        # otherwise take for an option (a rare, flaky start-up failure).
        "init", "--database-url", database_url, "--admin", admin[0], f"--password={admin[1]}",
        workdir=workdir,
    )  # fmt: skip
    port = free_port()
    env = dict(extra_env or {})
    server = RunningServer(
        url=f"http://127.0.0.1:{port}",
        database_url=database_url,
        admin=admin,
        process=_serve(workdir, database_url, port, workers, env),
        workdir=workdir,
        port=port,
        workers=workers,
        extra_env=env,
    )
    _wait_healthy(server)
    return server


# --- the admin API --------------------------------------------------------------------


def admin_post(server: RunningServer, path: str, json: Any) -> Any:
    """POST to an admin path (``/api/v1/admin/...``) with HTTP Basic; the JSON answer."""
    response = requests.post(server.url + path, json=json, auth=server.admin, timeout=60)
    response.raise_for_status()
    return response.json()


def admin_get(server: RunningServer, path: str) -> Any:
    """GET an admin path with HTTP Basic; the JSON answer."""
    response = requests.get(server.url + path, auth=server.admin, timeout=60)
    response.raise_for_status()
    return response.json()


@dataclass
class Branches:
    """What :func:`setup_branches` made: ids as strings, workstations per branch."""

    branch_ids: list[str]
    workstation_ids: list[list[str]]
    invoice_prefixes: list[list[str]]


def setup_branches(
    server: RunningServer,
    branches: int = 2,
    workstations: tuple[int, ...] = (2, 1),
    *,
    neighbours: bool = True,
) -> Branches:
    """Create ``branches`` branches (all neighbours of each other when asked) and
    ``workstations[i]`` workstations in branch i (the last count repeats)."""
    tag = uuid.uuid4().hex[:4].upper()
    branch_ids: list[str] = []
    for i in range(branches):
        row = admin_post(
            server,
            "/api/v1/admin/branches",
            {
                "code": f"B{tag}{i}",
                "name_zh": f"分店{i + 1}",
                "name_en": f"Branch {i + 1}",
                "address": f"{i + 1} Test Road",
                "phone": "02-0000-0000",
                "tax_id": "",
                "neighbours": [],
            },
        )
        branch_ids.append(str(row["id"]))
    if neighbours and branches > 1:
        for i, branch_id in enumerate(branch_ids):
            admin_post(
                server,
                "/api/v1/admin/branches",
                {
                    "id": branch_id,
                    "code": f"B{tag}{i}",
                    "name_zh": f"分店{i + 1}",
                    "name_en": f"Branch {i + 1}",
                    "address": f"{i + 1} Test Road",
                    "phone": "02-0000-0000",
                    "tax_id": "",
                    "neighbours": [b for b in branch_ids if b != branch_id],
                },
            )
    workstation_ids: list[list[str]] = []
    prefixes: list[list[str]] = []
    for i, branch_id in enumerate(branch_ids):
        count = workstations[min(i, len(workstations) - 1)] if workstations else 1
        ids: list[str] = []
        branch_prefixes: list[str] = []
        for j in range(count):
            row = admin_post(
                server,
                "/api/v1/admin/workstations",
                {"branch_id": branch_id, "code": f"T{j + 1}", "name": f"Till {j + 1}"},
            )
            ids.append(str(row["id"]))
            branch_prefixes.append(str(row["invoice_prefix"]))
        workstation_ids.append(ids)
        prefixes.append(branch_prefixes)
    return Branches(branch_ids, workstation_ids, prefixes)


def enrolment_code(server: RunningServer, workstation_id: str, ttl_minutes: int = 60) -> str:
    """A fresh one-time enrolment code for the workstation."""
    answer = admin_post(
        server,
        "/api/v1/admin/enrolment-codes",
        {"workstation_id": workstation_id, "ttl_minutes": ttl_minutes},
    )
    return str(answer["code"])


def enrol(server: RunningServer, workstation_id: str, device_name: str = "test till") -> Any:
    """Enrol a new device on the workstation the way a client does; the enrol answer
    (``device_id``, ``token``, ``branch``, ``workstation`` ...)."""
    response = requests.post(
        f"{server.url}/api/v1/enrol",
        json={
            "code": enrolment_code(server, workstation_id),
            "device_name": device_name,
            "client_version": "test",
            "protocol": 1,
        },
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def device_headers(token: str) -> dict[str, str]:
    """The headers a device sends: its bearer token and the protocol version."""
    return {"Authorization": f"Bearer {token}", "X-Shop-Protocol": "1"}


def order_op(
    device_seq: int,
    *,
    branch_id: str,
    workstation_id: str,
    product_ids: list[str],
    staff_id: str | None = None,
    member_id: str | None = None,
    coupon: tuple[str, str] | None = None,
    invoice_no: str | None = None,
    qty: int = 1,
    price_minor: int = 100,
    payload_version: int = 2,
    op_type: str = "order.completed",
    currency_code: str = "TWD",
) -> dict[str, Any]:
    """A push op for a paid take-away sale, shaped like ``checkout.order_payload``.

    ``coupon`` is ``(coupon_id, code)``. Each product line sells ``qty`` at
    ``price_minor`` (minor units of ``currency_code``) and moves stock by
    ``-qty``; a member earns 1 point per 100 minor units (only in payload
    version 2, where points travel with the order).
    """
    order_id = str(uuid.uuid4())
    total = price_minor * qty * len(product_ids)
    created = "2026-11-27T10:00:00+08:00"
    payload: dict[str, Any] = {
        "id": order_id,
        "number": f"S-{uuid.uuid4().hex[:10]}",
        "invoice_no": invoice_no or f"INV-{uuid.uuid4().hex[:12]}",
        "branch_id": branch_id,
        "workstation_id": workstation_id,
        "staff_id": staff_id or str(uuid.uuid4()),
        "member_id": member_id,
        "approved_by": None,
        "kind": "take_away",
        "status": "completed",
        "currency_code": currency_code,
        "subtotal_minor": total,
        "discount_minor": 0,
        "tax_minor": 0,
        "delivery_fee_minor": 0,
        "rounding_minor": 0,
        "total_minor": total,
        "buyer_tax_id": "",
        "note": "",
        "created_at": created,
        "completed_at": created,
        "device_seq": device_seq,
        "pricing": {},
        "lines": [
            {
                "id": str(uuid.uuid4()),
                "line_no": i + 1,
                "product_id": pid,
                "sku": f"SKU{i}",
                "name_zh": "商品",
                "name_en": "Item",
                "qty_milli": qty * 1000,
                "unit_price_minor": price_minor,
                "discount_minor": 0,
                "tax_rate_bp": 500,
                "tax_minor": 0,
                "line_total_minor": price_minor * qty,
                "promotions": [],
                "note": "",
            }
            for i, pid in enumerate(product_ids)
        ],
        "payments": [
            {
                "id": str(uuid.uuid4()),
                "method": "cash",
                "amount_minor": total,
                "tendered_minor": total,
                "change_minor": 0,
                "reference": "",
                "card_last4": "",
            }
        ],
        "coupons": (
            []
            if coupon is None
            else [{"id": str(uuid.uuid4()), "coupon_id": coupon[0], "code": coupon[1]}]
        ),
        "stock_movements": [
            {
                "id": str(uuid.uuid4()),
                "product_id": pid,
                "qty_delta_milli": -qty * 1000,
                "reason": "sale",
            }
            for pid in product_ids
        ],
        "store_credit": [],
    }
    if payload_version >= 2:
        earn = total // 100 if member_id else 0
        payload["points"] = (
            [{"id": str(uuid.uuid4()), "member_id": member_id, "delta": earn, "reason": "earn"}]
            if earn
            else []
        )
    return {
        "op_id": str(uuid.uuid4()),
        "device_seq": device_seq,
        "op_type": op_type,
        "payload_version": payload_version,
        "created_at": created,
        "payload": payload,
    }


def add_products(
    server: RunningServer, count: int, *, stock: dict[str, int] | None = None
) -> list[str]:
    """``count`` new products through the admin catalog API (and, per branch id in
    ``stock``, an opening on-hand in milli-units); their ids."""
    ids = [str(uuid.uuid4()) for _ in range(count)]
    rows: list[dict[str, Any]] = [
        {
            "id": pid, "sku": f"T{pid[:12]}", "name_zh": f"商品{i}", "name_en": f"Item {i}",
            "category_id": None, "brand_id": None, "tax_class_id": str(uuid.uuid4()),
            "price_minor": 100, "member_price_minor": None, "unit": "pc", "weighed": False,
            "description": "", "specs": {}, "active": True, "popularity": 0, "location": "",
            "barcodes": [{"code": f"2{uuid.uuid4().int % 10**12:012d}", "kind": "ean13"}],
        }
        for i, pid in enumerate(ids)
    ]  # fmt: skip
    admin_post(server, "/api/v1/admin/catalog", {"entity": "product", "rows": rows})
    for branch_id, on_hand in (stock or {}).items():
        levels = [
            {"branch_id": branch_id, "product_id": pid, "on_hand_milli": on_hand,
             "low_stock_milli": 0}
            for pid in ids
        ]  # fmt: skip
        admin_post(server, "/api/v1/admin/catalog", {"entity": "stock_level", "rows": levels})
    return ids


def add_member(server: RunningServer) -> str:
    """A new member with no points; its id."""
    member_id = str(uuid.uuid4())
    row = {
        "id": member_id, "code": f"T{member_id[:12]}", "name": "測試會員", "phone": "",
        "email": "", "level": "regular", "birthday": None, "home_branch_id": None,
        "marketing_opt_in": False, "active": True,
    }  # fmt: skip
    admin_post(server, "/api/v1/admin/catalog", {"entity": "member", "rows": [row]})
    return member_id


#: A well-formed argon2id hash of a password no test types (staff rows need one).
STAFF_HASH = "$argon2id$v=19$m=65536,t=3,p=4$RtkI0rJQvc91kRDnFCjQpg$eEWMQHgcAmDOHfuP1aNWVNY33fAaIyz3TLHYJQEiLas"  # noqa: E501


def add_staff(
    server: RunningServer,
    role: str,
    *,
    branch_id: str | None = None,
    active: bool = True,
    **limits: int | None,
) -> str:
    """A new staff member with ``role`` (and own ``limits``, e.g. ``max_refund_minor``); the id."""
    staff_id = str(uuid.uuid4())
    row = {
        "id": staff_id, "username": f"{role}-{staff_id[:8]}", "display_name": role,
        "password_hash": STAFF_HASH, "role": role, "branch_id": branch_id,
        "max_discount_bp": 0, "locale": "zh_TW", "active": active, **limits,
    }  # fmt: skip
    admin_post(server, "/api/v1/admin/catalog", {"entity": "staff_user", "rows": [row]})
    return staff_id


def add_coupon(server: RunningServer, *, single_use: bool = True) -> tuple[str, str]:
    """A new coupon (single-use unless told); ``(coupon_id, code)``."""
    coupon_id = str(uuid.uuid4())
    code = f"T{coupon_id[:10].upper()}"
    row = {
        "id": coupon_id, "code": code, "promotion_id": str(uuid.uuid4()), "valid_from": None,
        "valid_until": None, "single_use": single_use, "max_uses": None, "member_id": None,
        "active": True,
    }  # fmt: skip
    admin_post(server, "/api/v1/admin/catalog", {"entity": "coupon", "rows": [row]})
    return coupon_id, code


def push(server: RunningServer, device: Any, ops: list[dict[str, Any]]) -> requests.Response:
    """POST a batch as the enrolled ``device`` (an :func:`enrol` answer)."""
    return requests.post(
        f"{server.url}/api/v1/push",
        json={"protocol": 1, "device_id": device["device_id"], "sent_at": "", "ops": ops},
        headers=device_headers(device["token"]),
        timeout=60,
    )


def seed_demo(server: RunningServer, products: int, branches: int = 2, seed: int = 7) -> str:
    """Fill the server's database with a demo catalog (``shop-server seed-demo``); its output."""
    return _run_cli(
        "seed-demo", "--database-url", server.database_url,
        "--products", str(products), "--branches", str(branches), "--seed", str(seed),
        workdir=server.workdir,
    )  # fmt: skip
