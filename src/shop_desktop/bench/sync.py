"""``shop-admin bench sync``: the sync targets of issue 6, measured against a real server.

Every figure comes from a real ``shop-server`` process on loopback
(PostgreSQL by default, ``--database sqlite`` too), set up the way an
administrator does it (``shop-server init``, the admin HTTP API,
``shop-server seed-demo``), and real workstation databases driven by the
client's own code (``services.sync.enrol``, ``SyncEngine``). Three parts:

1. **backlog**: one workstation sells ``--orders`` sales offline (real
   ``checkout.commit_sale``, drafts from the checkout benchmark's
   ``SaleMaker``, committed ``--commit-batch`` sales per SQLite transaction
   so building the backlog does not take longer than syncing it; the rows
   are exactly what ``commit_sale`` writes), then the engine syncs until the
   outbox is empty. Target: 10,000 orders in at most 30 s.
2. **ingest**: ``--devices`` enrolled devices push ``--device-orders``
   orders each, in batches of ``--batch``, one request in flight per device
   (a thread each; bodies are encoded before the clock starts, so the figure
   is the server's). Target: at least 1,000 orders/s with 50 devices.
3. **bootstrap**: a server seeded with ``--products`` products; a brand-new
   workstation enrols and loads the snapshot (it can sell from then on:
   ``selling_after_s``), then builds its search index in steps as the till
   does while it sells (``index_ready_after_s``). Target: selling after at
   most 120 s with 1,000,000 products.

Human-readable lines go to stdout as each part ends; the last line is one
JSON object with every figure (``"benchmark": "sync"``), as the other
``shop-admin bench`` commands do. Nothing here asserts a time: the numbers
are for ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from shop_desktop.bench.stats import peak_rss_mb, summary

__all__ = ["main"]

PG_ADMIN_URL = os.environ.get("SHOP_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_SERVER_PREFIX = "postgresql+psycopg://postgres@127.0.0.1:5432/"
START_TIMEOUT_S = 120.0
PARTS = ("backlog", "ingest", "bootstrap")


class BenchmarkFailed(RuntimeError):
    """A step of the benchmark could not be done (server did not start, a push failed...)."""


# --- the server process ------------------------------------------------------------------


@dataclass
class _Server:
    url: str
    database_url: str
    admin: tuple[str, str]
    process: subprocess.Popen[bytes]
    workdir: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)

    def log_tail(self) -> str:
        try:
            return (self.workdir / "server.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "shop_server.cli", *args]


def _run_cli(workdir: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        _cli(*args), cwd=workdir, capture_output=True, text=True, check=False, timeout=3600
    )
    if done.returncode != 0:
        raise BenchmarkFailed(f"shop-server {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _new_database(workdir: Path, backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'shop_server.db'}"
    import psycopg

    name = f"shop_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_SERVER_PREFIX + name


def _drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _start(workdir: Path, database_url: str, workers: int) -> _Server:
    admin = ("bench", secrets.token_urlsafe(12))
    # "--password=..." in one word: a random password may start with "-".
    _run_cli(workdir, "init", "--database-url", database_url, "--admin", admin[0],
             f"--password={admin[1]}")  # fmt: skip
    port = _free_port()
    with (workdir / "server.log").open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            _cli("serve", "--host", "127.0.0.1", "--port", str(port),
                 "--database-url", database_url, "--workers", str(workers)),
            cwd=workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    server = _Server(f"http://127.0.0.1:{port}", database_url, admin, process, workdir)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkFailed(f"shop-server exited:\n{server.log_tail()}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{server.url}/api/v1/health", timeout=2).status_code == 200:
                return server
        time.sleep(0.2)
    server.stop()
    raise BenchmarkFailed(f"shop-server did not answer in time:\n{server.log_tail()}")


@contextlib.contextmanager
def _running_server(workdir: Path, backend: str, workers: int) -> Iterator[_Server]:
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = _new_database(workdir, backend)
    try:
        server = _start(workdir, database_url, workers)
        try:
            yield server
        finally:
            server.stop()
    finally:
        _drop_database(database_url)


def _admin_post(server: _Server, path: str, body: Any) -> Any:
    response = requests.post(server.url + path, json=body, auth=server.admin, timeout=600)
    if response.status_code >= 300:
        raise BenchmarkFailed(f"POST {path}: {response.status_code} {response.text[:500]}")
    return response.json()


def _branch_with_workstations(server: _Server, count: int) -> tuple[str, list[str]]:
    """A branch (made before seed-demo, which then stocks it) with ``count`` workstations."""
    tag = uuid.uuid4().hex[:6].upper()
    branch = _admin_post(server, "/api/v1/admin/branches", {
        "code": f"BENCH{tag}", "name_zh": "測試分店", "name_en": "Bench branch",
        "address": "1 Bench Road", "phone": "02-0000-0000", "tax_id": "", "neighbours": [],
    })  # fmt: skip
    branch_id = str(branch["id"])
    stations = [
        str(
            _admin_post(
                server,
                "/api/v1/admin/workstations",
                {"branch_id": branch_id, "code": f"T{i + 1}", "name": f"Till {i + 1}"},
            )["id"]
        )
        for i in range(count)
    ]
    return branch_id, stations


def _enrolment_code(server: _Server, workstation_id: str) -> str:
    answer = _admin_post(server, "/api/v1/admin/enrolment-codes",
                         {"workstation_id": workstation_id, "ttl_minutes": 60})  # fmt: skip
    return str(answer["code"])


class _MemoryTokens:
    """Device tokens for the benchmark's own workstations: never the user's keyring."""

    def __init__(self) -> None:
        self.tokens: dict[uuid.UUID, str] = {}

    def get(self, device_id: uuid.UUID) -> str | None:
        return self.tokens.get(device_id)

    def set(self, device_id: uuid.UUID, token: str) -> None:
        self.tokens[device_id] = token

    def delete(self, device_id: uuid.UUID) -> None:
        self.tokens.pop(device_id, None)


# --- figures ---------------------------------------------------------------------------------


def _max_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its waited-for children (the CLI runs)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"self_mb": peak_rss_mb(), "children_mb": round(children / 1024, 1)}


def _say(text: str) -> None:
    print(text, flush=True)


# --- 1. backlog -------------------------------------------------------------------------------


def bench_backlog(
    server: _Server, workdir: Path, station: str, orders: int, commit_batch: int
) -> dict[str, Any]:
    """One workstation's ``orders``-sale backlog, from its first push to an empty outbox.

    ``station`` is a workstation of the seeded branch (its staff can sell).
    """
    from shop_desktop.bench.checkout import SaleMaker
    from shop_desktop.data.db import open_database
    from shop_desktop.services.checkout import commit_sale
    from shop_desktop.services.sync.engine import SyncEngine
    from shop_desktop.services.sync.enrol import enrol
    from shop_desktop.services.sync.state import SyncSettings

    tokens = _MemoryTokens()
    path = workdir / "backlog-till.db"
    enrol(path, SyncSettings(server_url=server.url), _enrolment_code(server, station), tokens)
    db = open_database(path)
    try:
        started = time.perf_counter()
        with db.session() as session:
            maker = SaleMaker(session, random.Random(6), coupon_rate=0.0, store_credit_rate=0.0)
        made = 0
        while made < orders:
            with db.session() as session:
                for _ in range(min(commit_batch, orders - made)):
                    commit_sale(session, maker.draft())
                    made += 1
        build_s = time.perf_counter() - started
        engine = SyncEngine(db, tokens)
        passes: list[float] = []
        pushed = 0
        started = time.perf_counter()
        while True:
            pass_started = time.perf_counter()
            report = engine.run_once()
            passes.append(time.perf_counter() - pass_started)
            pushed += report.pushed + report.duplicates
            if report.status.pending_ops == 0 or len(passes) > 20:
                break
            if report.status.state not in ("idle", "syncing"):
                raise BenchmarkFailed(f"backlog sync failed: {report.status.last_error}")
        synced_s = time.perf_counter() - started
        pending = engine.status().pending_ops
        with db.engine.connect() as conn:
            outbox_bytes = conn.exec_driver_sql(
                "SELECT coalesce(sum(length(payload)), 0) FROM outbox"
            ).scalar_one()
    finally:
        db.dispose()
    return {
        "orders": orders,
        "build_s": round(build_s, 2),
        "sync_s": round(synced_s, 2),
        "orders_per_s": round(pushed / synced_s, 1) if synced_s else None,
        "pushed": pushed,
        "pending_after": pending,
        "passes": len(passes),
        "outbox_payload_mb": round(int(outbox_bytes) / 1e6, 1),
        "db_mb": round(path.stat().st_size / 1e6, 1),
        "target_s": 30,
    }


# --- 2. ingest --------------------------------------------------------------------------------


def _order_op(
    seq: int,
    *,
    branch_id: str,
    workstation_id: str,
    products: list[str],
    staff_id: str,
    member_id: str,
    prefix: str,
) -> dict[str, Any]:
    """One ``order.completed`` op of two lines, shaped as ``checkout.order_payload`` writes it."""
    order_id = str(uuid.uuid4())
    picked = [products[(seq * 7 + k) % len(products)] for k in range(2)]
    total = 250 * len(picked)
    created = "2026-11-27T10:00:00+08:00"
    payload: dict[str, Any] = {
        "id": order_id, "number": f"{prefix}-{seq:08d}", "invoice_no": f"{prefix}I{seq:08d}",
        "branch_id": branch_id, "workstation_id": workstation_id, "staff_id": staff_id,
        "member_id": member_id if seq % 3 == 0 else None, "approved_by": None,
        "kind": "take_away", "status": "completed", "currency_code": "TWD",
        "subtotal_minor": total, "discount_minor": 0, "tax_minor": 24,
        "delivery_fee_minor": 0, "rounding_minor": 0, "total_minor": total, "buyer_tax_id": "",
        "note": "", "created_at": created, "completed_at": created, "device_seq": seq,
        "pricing": {},
        "lines": [
            {"id": str(uuid.uuid4()), "line_no": i + 1, "product_id": pid, "sku": f"SKU{i}",
             "name_zh": "商品", "name_en": "Item", "qty_milli": 1000, "unit_price_minor": 250,
             "discount_minor": 0, "tax_rate_bp": 500, "tax_minor": 12, "line_total_minor": 250,
             "promotions": [], "note": ""}
            for i, pid in enumerate(picked)
        ],
        "payments": [{"id": str(uuid.uuid4()), "method": "cash", "amount_minor": total,
                      "tendered_minor": total, "change_minor": 0, "reference": "",
                      "card_last4": ""}],
        "coupons": [],
        "stock_movements": [
            {"id": str(uuid.uuid4()), "product_id": pid, "qty_delta_milli": -1000,
             "reason": "sale"}
            for pid in picked
        ],
        "store_credit": [],
    }  # fmt: skip
    payload["points"] = (
        [{"id": str(uuid.uuid4()), "member_id": member_id, "delta": total // 100,
          "reason": "earn"}]
        if payload["member_id"] else []
    )  # fmt: skip
    return {"op_id": str(uuid.uuid4()), "device_seq": seq, "op_type": "order.completed",
            "payload_version": 2, "created_at": created, "payload": payload}  # fmt: skip


@dataclass
class _Device:
    device_id: str
    token: str
    bodies: list[bytes]
    latencies: list[float]
    error: str = ""


def _push_all(server: _Server, device: _Device, start: threading.Event) -> None:
    http = requests.Session()
    headers = {"Authorization": f"Bearer {device.token}", "X-Shop-Protocol": "1",
               "Content-Type": "application/json"}  # fmt: skip
    start.wait()
    for body in device.bodies:
        for _attempt in range(20):  # 429/503 under load: back off and send the same batch
            began = time.perf_counter()
            try:
                response = http.post(f"{server.url}/api/v1/push", data=body, headers=headers,
                                     timeout=300)  # fmt: skip
            except requests.RequestException as exc:
                device.error = f"{type(exc).__name__}: {exc}"
                time.sleep(0.5)
                continue
            device.latencies.append(time.perf_counter() - began)
            if response.status_code == 200:
                break
            device.error = f"HTTP {response.status_code}: {response.text[:200]}"
            time.sleep(float(response.headers.get("Retry-After") or 0.5))
        else:
            return


def bench_ingest(server: _Server, devices: int, per_device: int, batch: int) -> dict[str, Any]:
    """``devices`` devices pushing ``per_device`` orders each at once; orders/s at the server."""
    branch_id, stations = _branch_with_workstations(server, devices)
    product_ids = [str(uuid.uuid4()) for _ in range(50)]
    _admin_post(server, "/api/v1/admin/catalog", {"entity": "product", "rows": [
        {"id": pid, "sku": f"ING{i:05d}", "name_zh": f"商品{i}", "name_en": f"Item {i}",
         "category_id": None, "brand_id": None, "tax_class_id": str(uuid.uuid4()),
         "price_minor": 250, "member_price_minor": None, "unit": "pc", "weighed": False,
         "description": "", "specs": {}, "active": True, "popularity": 0, "location": "",
         "barcodes": []}
        for i, pid in enumerate(product_ids)]})  # fmt: skip
    _admin_post(server, "/api/v1/admin/catalog", {"entity": "stock_level", "rows": [
        {"branch_id": branch_id, "product_id": pid, "on_hand_milli": 10**9, "low_stock_milli": 0}
        for pid in product_ids]})  # fmt: skip
    member_id = str(uuid.uuid4())
    _admin_post(server, "/api/v1/admin/catalog", {"entity": "member", "rows": [
        {"id": member_id, "code": "BENCH0001", "name": "測試會員", "phone": "", "email": "",
         "level": "regular", "birthday": None, "home_branch_id": None,
         "marketing_opt_in": False, "active": True}]})  # fmt: skip
    staff_id = str(uuid.uuid4())
    prepared: list[_Device] = []
    for n, station in enumerate(stations):
        answer = requests.post(f"{server.url}/api/v1/enrol", json={
            "code": _enrolment_code(server, station), "device_name": f"bench {n}",
            "client_version": "bench", "protocol": 1}, timeout=60)  # fmt: skip
        if answer.status_code != 200:
            raise BenchmarkFailed(f"enrol: {answer.status_code} {answer.text[:300]}")
        enrolled = answer.json()
        ops = [
            _order_op(
                seq,
                branch_id=branch_id,
                workstation_id=station,
                products=product_ids,
                staff_id=staff_id,
                member_id=member_id,
                prefix=f"D{n:02d}{uuid.uuid4().hex[:4]}",
            )
            for seq in range(1, per_device + 1)
        ]
        bodies = [
            json.dumps(
                {
                    "protocol": 1,
                    "device_id": enrolled["device_id"],
                    "sent_at": "2026-11-27T10:00:00+08:00",
                    "ops": ops[i : i + batch],
                }
            ).encode()
            for i in range(0, len(ops), batch)
        ]
        prepared.append(_Device(enrolled["device_id"], enrolled["token"], bodies, []))
    before = _orders_on_server(server) or 0
    start = threading.Event()
    threads = [
        threading.Thread(target=_push_all, args=(server, d, start), daemon=True) for d in prepared
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    total = devices * per_device
    after = _orders_on_server(server)
    landed = None if after is None else after - before
    latencies = [x for d in prepared for x in d.latencies]
    errors = sorted({d.error for d in prepared if d.error})
    return {
        "devices": devices,
        "orders": total,
        "batch_ops": batch,
        "orders_landed": landed,
        "seconds": round(elapsed, 2),
        "orders_per_s": round(total / elapsed, 1),
        "push_latency": summary(latencies, places=1),
        "request_bytes_per_batch": len(prepared[0].bodies[0]) if prepared else 0,
        "errors_seen": errors[:3],
        "target_orders_per_s": 1000,
    }


def _orders_on_server(server: _Server) -> int | None:
    """How many orders the server's database holds (read directly, after the run)."""
    url = server.database_url
    try:
        if url.startswith("sqlite"):
            import sqlite3

            conn = sqlite3.connect(url.removeprefix("sqlite:///"))
            try:
                return int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as pg:
            row = pg.execute("SELECT count(*) FROM orders").fetchone()
            return int(row[0]) if row else None
    except Exception:
        return None


# --- 3. bootstrap -----------------------------------------------------------------------------


def bench_bootstrap(server: _Server, workdir: Path, products: int) -> dict[str, Any]:
    """Seed ``products`` products, then enrol, bootstrap and index a brand-new workstation.

    ``selling_after_s``: from the enrolment request until the catalog is in
    and the cursor written -- the till can sell. ``index_ready_after_s``: until
    the search index, built in steps after that, is complete.
    """
    from shop_desktop.data import search_index
    from shop_desktop.services.sync.enrol import enrol
    from shop_desktop.services.sync.state import SyncSettings

    _, [station] = _branch_with_workstations(server, 1)
    started = time.perf_counter()
    seeded = _run_cli(workdir, "seed-demo", "--database-url", server.database_url,
                      "--products", str(products), "--branches", "1")  # fmt: skip
    seed_s = time.perf_counter() - started
    path = workdir / "bootstrap-till.db"
    code = _enrolment_code(server, station)
    started = time.perf_counter()
    result = enrol(path, SyncSettings(server_url=server.url), code, _MemoryTokens())
    selling_s = time.perf_counter() - started
    # What the till does next on its own (the start-up path, or the engine
    # after a load): the till sells meanwhile, so this is not in selling_s.
    indexed = search_index.build_in_steps_if_needed(path)
    index_ready_s = time.perf_counter() - started
    loaded = result.bootstrap
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return {
        "products": products,
        "seed_s": round(seed_s, 1),
        "seeded": seeded,
        "selling_after_s": round(selling_s, 2),
        "index_ready_after_s": round(index_ready_s, 2),
        "bootstrap_s": None if loaded is None else round(loaded.seconds, 2),
        "indexed": indexed,
        "rows": None if loaded is None else loaded.rows,
        "db_mb": round(size / 1e6, 1),
        "target_s": 120,
    }


# --- the command --------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shop-admin bench sync",
        description="Sync benchmarks against a real shop-server process on loopback.",
    )
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--orders", type=int, help="backlog orders (default 10,000)")
    parser.add_argument("--commit-batch", type=int, default=100,
                        help="sales per SQLite transaction while building the backlog")  # fmt: skip
    parser.add_argument("--devices", type=int, help="ingest devices (default 50)")
    parser.add_argument("--device-orders", type=int, help="orders per device (default 400)")
    parser.add_argument("--batch", type=int, default=200, help="ops per push (default 200)")
    parser.add_argument("--products", type=int, help="bootstrap products (default 1,000,000)")
    parser.add_argument(
        "--workers", type=int, default=max(2, os.cpu_count() or 1),
        help="uvicorn workers of the server (default: CPUs, at least 2)",
    )  # fmt: skip
    parser.add_argument("--only", action="append", choices=PARTS,
                        help="run only this part (repeatable)")  # fmt: skip
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temp dir)")
    return parser


def _sizes(args: argparse.Namespace) -> dict[str, int]:
    quick = bool(args.quick)
    return {
        "orders": args.orders or (60 if quick else 10_000),
        "devices": args.devices or (3 if quick else 50),
        "device_orders": args.device_orders or (20 if quick else 400),
        "products": args.products or (300 if quick else 1_000_000),
    }


def _run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    sizes = _sizes(args)
    parts = args.only or list(PARTS)
    workers = 1 if args.database == "sqlite" else args.workers
    figures: dict[str, Any] = {
        "benchmark": "sync", "database": args.database, "workers": workers,
        "cpus": os.cpu_count(),
    }  # fmt: skip
    if "backlog" in parts or "ingest" in parts:
        with _running_server(workdir / "server-main", args.database, workers) as server:
            # The branch exists before seed-demo, which gives it stock and staff.
            _, [station] = _branch_with_workstations(server, 1)
            _run_cli(workdir / "server-main", "seed-demo", "--database-url",
                     server.database_url, "--products", "2000", "--branches", "1")  # fmt: skip
            if "backlog" in parts:
                got = bench_backlog(server, workdir, station, sizes["orders"], args.commit_batch)
                figures["backlog"] = got
                _say(f"backlog: {got['orders']} orders synced in {got['sync_s']} s "
                     f"({got['orders_per_s']} orders/s; built in {got['build_s']} s; "
                     f"{got['pending_after']} left; target <= 30 s)")  # fmt: skip
            if "ingest" in parts:
                got = bench_ingest(server, sizes["devices"], sizes["device_orders"], args.batch)
                figures["ingest"] = got
                _say(f"ingest: {got['orders']} orders from {got['devices']} devices in "
                     f"{got['seconds']} s = {got['orders_per_s']} orders/s; push p50 "
                     f"{got['push_latency']['p50_ms']} ms, p95 {got['push_latency']['p95_ms']} ms;"
                     f" {got['orders_landed']} on the server; target >= 1000/s")  # fmt: skip
    if "bootstrap" in parts:
        with _running_server(workdir / "server-bootstrap", args.database, workers) as server:
            got = bench_bootstrap(server, workdir, sizes["products"])
            figures["bootstrap"] = got
            _say(f"bootstrap: {got['products']} products: selling after "
                 f"{got['selling_after_s']} s (enrol + catalog), search index ready after "
                 f"{got['index_ready_after_s']} s, "
                 f"database {got['db_mb']} MB; seeding took {got['seed_s']} s; "
                 f"selling target <= 120 s")  # fmt: skip
    figures["max_rss"] = _max_rss_mb()
    _say(f"memory: benchmark process peak {figures['max_rss']['self_mb']} MB")
    return figures


def main(argv: list[str]) -> int:
    """Run the benchmark; 0 when every part ran (figures on the last line, as JSON)."""
    args = _parser().parse_args(argv)
    try:
        if args.workdir is not None:
            args.workdir.mkdir(parents=True, exist_ok=True)
            figures = _run(args, args.workdir)
        else:
            with tempfile.TemporaryDirectory(prefix="shop-bench-sync-") as tmp:
                figures = _run(args, Path(tmp))
    except BenchmarkFailed as exc:
        print(f"bench sync: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
