"""``shop-admin``: command-line tasks for whoever looks after the workstations.

Demo data, migrations and integrity checks. It never imports Qt, so it runs
on a server or over SSH without a display. Messages are for administrators
and stay in English.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from shop_desktop import __version__
from shop_desktop.data import search_index
from shop_desktop.data.db import (
    StorageError,
    check_database_file,
    current_revision,
    head_revision,
    open_database,
)
from shop_desktop.services.tasks import Cancelled, TaskState

EXIT_OK = 0
EXIT_STORAGE = 2
EXIT_USAGE = 64
EXIT_INTERRUPTED = 130


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value}")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _add_audit_commands(commands: Any, bench_kinds: Any) -> None:
    """``audit verify`` and ``bench audit``."""
    bench_audit = bench_kinds.add_parser(
        "audit", help="build an audit chain of N entries and time checking it"
    )
    bench_audit.add_argument("--entries", type=_positive, default=1_000_000)
    bench_audit.add_argument(
        "--db", type=Path, default=None, help="file to build (default bench-data/audit-N.db)"
    )
    audit = commands.add_parser("audit", help="the tamper-evident audit trail")
    audit_kinds = audit.add_subparsers(dest="audit", required=True, metavar="ACTION")
    audit_verify = audit_kinds.add_parser(
        "verify",
        help="check a till's audit chain; names the first broken link (exit 1 on a break)",
    )
    audit_verify.add_argument("--db", type=Path, required=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shop-admin",
        description="Shop Desktop administration: demo data, migrations, checks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="build a deterministic demo shop database",
        description="Build a realistic demo shop: categories, brands, bilingual products "
        "with EAN-13 barcodes, stock per branch, members, staff and order history. "
        "The same seed and sizes give the same data.",
    )
    demo.add_argument("--db", type=Path, required=True, help="database file to create")
    demo.add_argument("--products", type=_positive, default=5000, help="catalog size")
    demo.add_argument("--members", type=_positive, default=None, help="members (default N/10)")
    demo.add_argument("--days", type=_positive, default=30, help="days of order history")
    demo.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    demo.add_argument(
        "--end-date",
        type=_iso_date,
        default=None,
        help="last day of the order history (default today)",
    )
    demo.add_argument("--replace", action="store_true", help="overwrite an existing file")

    migrate = commands.add_parser(
        "migrate",
        help="bring a database to the current schema (backing it up first)",
    )
    migrate.add_argument("--db", type=Path, required=True)

    index = commands.add_parser(
        "index",
        help="build the product search index (after a bulk load, or when it is outdated)",
        description="Rebuild the search index in popularity order. The app keeps the index "
        "current by itself; this is for bulk-loaded catalogs such as the demo.",
    )
    index.add_argument("--db", type=Path, required=True)
    index.add_argument("--force", action="store_true", help="rebuild even if it is current")

    bench = commands.add_parser("bench", help="measure performance; JSON on the last line")
    bench_kinds = bench.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
    bench_catalog = bench_kinds.add_parser(
        "catalog",
        help="search, barcode look-up, start-up time and memory on a demo catalog",
    )
    bench_catalog.add_argument("--products", type=_positive, default=1_000_000)
    bench_catalog.add_argument(
        "--db",
        type=Path,
        default=None,
        help="demo database to build or reuse (default bench-data/catalog-N.db)",
    )
    bench_catalog.add_argument("--rounds", type=_positive, default=5)
    bench_catalog.add_argument(
        "--no-startup", action="store_true", help="skip the start-up measurement (needs Qt)"
    )

    bench_checkout = bench_kinds.add_parser(
        "checkout",
        help="pricing a 200-line cart with 50 promotions, and committing sales (synchronous=FULL)",
    )
    bench_checkout.add_argument("--sales", type=_positive, default=2000, help="sales to commit")
    bench_checkout.add_argument(
        "--rounds", type=_positive, default=2000, help="times the cart is priced"
    )
    bench_checkout.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database to commit into (default: a new bench-data/checkout-<time>.db)",
    )

    bench_invoice = bench_kinds.add_parser(
        "invoice",
        help="rendering a 10-line receipt and a 30-line A4 invoice as PDF (no database needed)",
    )
    bench_invoice.add_argument(
        "--rounds", type=_positive, default=200, help="times each document is rendered"
    )

    _add_audit_commands(commands, bench_kinds)
    bench_shift = bench_kinds.add_parser(
        "shift",
        help="X and Z report of a shift at 100 sales and at --sales sales (running totals)",
    )
    bench_shift.add_argument("--sales", type=_positive, default=10_000, help="sales in the shift")
    bench_shift.add_argument("--rounds", type=_positive, default=50, help="times each report")
    bench_shift.add_argument(
        "--db",
        type=Path,
        default=None,
        help="new database to build (default: bench-data/shift-<time>.db)",
    )

    check = commands.add_parser(
        "check", help="report a database's schema revision and run PRAGMA integrity_check"
    )
    check.add_argument("--db", type=Path, required=True)

    enrol = commands.add_parser(
        "enrol",
        help="make a database this workstation's: enrol with the server and load the catalog",
        description="Create (or migrate) the database, enrol it with a one-time code from the "
        "server's administrator, keep the device token in the system keyring and load the "
        "catalog. Enrolling a database again gives it a new device id and invoice series.",
    )
    enrol.add_argument("--db", type=Path, required=True, help="workstation database file")
    enrol.add_argument("--server", required=True, help="server URL, e.g. https://shop.example")
    enrol.add_argument("--code", required=True, help="one-time enrolment code (XXXX-XXXX-XXXX)")
    tls = enrol.add_mutually_exclusive_group()
    tls.add_argument(
        "--no-verify-tls", action="store_true", help="do not check the server's certificate"
    )
    tls.add_argument(
        "--ca-file", default=None, help="CA bundle that signed the server's certificate"
    )

    sync = commands.add_parser("sync", help="sync an enrolled database with its server")
    sync.add_argument("--db", type=Path, required=True)
    sync.add_argument(
        "--once", action="store_true", help="one pass (the default; kept for scripts)"
    )

    bench_kinds.add_parser(
        "sync",
        help="push a backlog, bootstrap and ingest against a real server",
        add_help=False,
    )
    return parser


class _ProgressPrinter:
    """Progress on stderr: one rewritten line on a terminal, sparse lines in a log."""

    def __init__(self) -> None:
        self._tty = sys.stderr.isatty()
        self._last_percent = -10
        self._started = time.perf_counter()

    def __call__(self, fraction: float, status: str) -> None:
        percent = int(fraction * 100)
        elapsed = time.perf_counter() - self._started
        line = f"[{percent:3d}%] {elapsed:6.1f}s  {status}"
        if self._tty:
            sys.stderr.write("\r" + line[:100].ljust(100))
            sys.stderr.flush()
        elif percent >= self._last_percent + 5 or (percent == 100 and self._last_percent < 100):
            self._last_percent = percent
            print(line, file=sys.stderr, flush=True)

    def done(self) -> None:
        if self._tty:
            sys.stderr.write("\n")


def _run_demo(args: argparse.Namespace) -> int:
    from shop_desktop.services.demo import build_demo

    members = args.members if args.members is not None else max(args.products // 10, 10)
    printer = _ProgressPrinter()
    state = TaskState(on_progress=printer)
    try:
        summary = build_demo(
            args.db,
            products=args.products,
            members=members,
            days=args.days,
            seed=args.seed,
            end_date=args.end_date,
            replace=args.replace,
            state=state,
        )
    except FileExistsError:
        printer.done()
        print(f"{args.db} exists; pass --replace to overwrite it.", file=sys.stderr)
        return EXIT_USAGE
    except (KeyboardInterrupt, Cancelled):
        printer.done()
        print("Stopped; the partial database was removed.", file=sys.stderr)
        return EXIT_INTERRUPTED
    printer.done()
    print(
        f"Built {summary.path}: {summary.products:,} products, {summary.members:,} members, "
        f"{summary.orders:,} orders in {summary.seconds:.1f} s."
    )
    return EXIT_OK


def _run_migrate(args: argparse.Namespace) -> int:
    database = open_database(args.db)
    try:
        revision = current_revision(database.engine)
    finally:
        database.dispose()
    if database.backup_path is not None:
        print(f"Backed up to {database.backup_path}")
    print(f"{database.path} is at schema {revision} (head {head_revision()}).")
    return EXIT_OK


def _run_index(args: argparse.Namespace) -> int:
    database = open_database(args.db)
    database.dispose()
    printer = _ProgressPrinter()
    started = time.perf_counter()
    try:
        count = search_index.ensure_index(
            database.path, TaskState(on_progress=printer), force=args.force
        )
    finally:
        printer.done()
    if count is None:
        print(f"The search index of {database.path} is current.")
    else:
        print(f"Indexed {count:,} products in {time.perf_counter() - started:.1f} s.")
    return EXIT_OK


def _run_bench(args: argparse.Namespace) -> int:
    if args.bench == "audit":
        return _run_bench_audit(args)
    if args.bench == "checkout":
        return _run_bench_checkout(args)
    if args.bench == "invoice":
        return _run_bench_invoice(args)
    if args.bench == "shift":
        return _run_bench_shift(args)
    from shop_desktop.bench.catalog import bench_catalog

    path = args.db or Path("bench-data") / f"catalog-{args.products}.db"
    printer = _ProgressPrinter()
    try:
        results = bench_catalog(
            path,
            products=args.products,
            rounds=max(args.rounds, 1),
            startup=not args.no_startup,
            progress=printer,
        )
    except FileExistsError as exc:
        printer.done()
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    printer.done()
    search = results["search"]
    scan = results["barcode"]
    print(f"catalog: {results['products']:,} products, database {results['database_mb']} MB")
    print(f"search first page: p50 {search['p50_ms']} ms, p95 {search['p95_ms']} ms")
    print(f"barcode look-up:   p50 {scan['p50_ms']} ms, p95 {scan['p95_ms']} ms")
    if "startup" in results:
        print(f"start-up to usable catalog: {results['startup']}")
    print(json.dumps(results, ensure_ascii=False))
    return EXIT_OK


def _run_bench_checkout(args: argparse.Namespace) -> int:
    from shop_desktop.bench.checkout import bench_checkout

    path = args.db
    if path is None:
        # A fresh file each run: sales pile up, and a bigger database is a different benchmark.
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        path = Path("bench-data") / f"checkout-{stamp}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
    printer = _ProgressPrinter()
    results = bench_checkout(path, sales=args.sales, rounds=args.rounds, progress=printer)
    printer.done()
    pricing, commit = results["pricing"], results["commit"]
    print(
        f"pricing {pricing['lines']} lines, {pricing['promotions']} promotions:"
        f" p50 {pricing['p50_ms']} ms, p95 {pricing['p95_ms']} ms"
    )
    print(
        f"commit sale ({commit['lines_per_sale']} lines, synchronous={commit['synchronous']}):"
        f" p50 {commit['p50_ms']} ms, p95 {commit['p95_ms']} ms"
    )
    print(json.dumps(results, ensure_ascii=False))
    return EXIT_OK


def _run_bench_shift(args: argparse.Namespace) -> int:
    from shop_desktop.bench.shift import bench_shift

    path = args.db
    if path is None:
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        path = Path("bench-data") / f"shift-{stamp}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
    printer = _ProgressPrinter()
    try:
        results = bench_shift(
            path, sales=max(args.sales, 100), rounds=args.rounds, progress=printer
        )
    except FileExistsError as exc:
        printer.done()
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    printer.done()
    small = results["at_100"]
    print(
        f"X report at {results['sales']:,} sales: p95 {results['x_report_p95_ms']} ms"
        f" (at {small['sales']} sales: {results['x_report_p95_ms_at_100']} ms)"
    )
    print(
        f"Z report at {results['sales']:,} sales: p95 {results['z_report_p95_ms']} ms"
        f" (at {small['sales']} sales: {results['z_report_p95_ms_at_100']} ms)"
    )
    print(json.dumps(results, ensure_ascii=False))
    return EXIT_OK


def _run_bench_invoice(args: argparse.Namespace) -> int:
    from shop_desktop.bench.documents import bench_invoice

    results = bench_invoice(rounds=max(args.rounds, 1))
    receipt, invoice, font = results["receipt"], results["invoice"], results["font"]
    print(
        f"receipt ({receipt['lines']} lines, {receipt['bytes']:,} bytes):"
        f" p50 {receipt['p50_ms']} ms, p95 {receipt['p95_ms']} ms"
    )
    print(
        f"A4 invoice ({invoice['lines']} lines, {invoice['bytes']:,} bytes):"
        f" p50 {invoice['p50_ms']} ms, p95 {invoice['p95_ms']} ms"
    )
    embedded = "embedded" if font["embedded"] else "NOT embedded"
    print(f"font: {font['source']} ({embedded})")
    print(json.dumps(results, ensure_ascii=False))
    return EXIT_OK


def _run_bench_audit(args: argparse.Namespace) -> int:
    from shop_desktop.bench.audit import bench_audit

    path = args.db or Path("bench-data") / f"audit-{args.entries}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    printer = _ProgressPrinter()
    results = bench_audit(path, entries=max(args.entries, 1), progress=printer)
    printer.done()
    print(
        f"audit chain of {results['entries']:,} entries: built in {results['audit_build_s']} s,"
        f" verified in {results['audit_verify_s']} s ({'ok' if results['ok'] else 'BROKEN'})"
    )
    print(json.dumps(results, ensure_ascii=False))
    return EXIT_OK if results["ok"] else 1


def _run_audit(args: argparse.Namespace) -> int:
    from shop_desktop.services.audit import verify_file

    path: Path = args.db
    if not path.exists():
        print(f"{path} does not exist.", file=sys.stderr)
        return EXIT_USAGE
    check_database_file(path)
    try:
        report = verify_file(path)
    except sqlite3.DatabaseError as exc:
        print(f"Cannot read the audit log of {path}: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    if report.broken is None:
        head = report.head
        print(
            f"audit chain ok: {report.entries:,} entries"
            + (f", device {head.device_id} at seq {head.seq}" if head.seq else "")
            + "."
        )
        return EXIT_OK
    broken = report.broken
    print(
        f"audit chain BROKEN at {broken.describe()} [{broken.problem}];"
        f" {report.entries:,} entries before it hold.",
    )
    return 1


def _run_check(args: argparse.Namespace) -> int:
    path: Path = args.db
    if not path.exists():
        print(f"{path} does not exist.", file=sys.stderr)
        return EXIT_USAGE
    revision = check_database_file(path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    print(f"schema: {revision} (this version's head: {head_revision()})")
    print("integrity: " + "; ".join(problems[:20]))
    return EXIT_OK if problems == ["ok"] else 1


def _run_enrol(args: argparse.Namespace) -> int:
    from shop_desktop.services.sync.credentials import KeyringTokenStore, TokenStoreUnavailable
    from shop_desktop.services.sync.enrol import enrol
    from shop_desktop.services.sync.state import SyncSettings
    from shop_desktop.services.sync.transport import Retryable, SyncFailure

    settings = SyncSettings(
        server_url=args.server, verify_tls=not args.no_verify_tls, ca_file=args.ca_file
    )
    try:
        result = enrol(args.db, settings, args.code, KeyringTokenStore())
    except TokenStoreUnavailable as exc:
        print(f"The system keyring cannot be used: {exc}", file=sys.stderr)
        return 1
    except Retryable as exc:
        print(f"{exc.sentence} ({exc.detail})", file=sys.stderr)
        return 1
    except SyncFailure as exc:
        print(f"{exc.sentence} ({exc.detail})", file=sys.stderr)
        return 1
    print(
        f"Enrolled {args.db}: device {result.device_id}, invoice series {result.invoice_prefix}"
        + (
            f", {result.renumbered_ops} unsent operations renumbered"
            if result.renumbered_ops
            else ""
        )
        + "."
    )
    if result.bootstrap is not None:
        loaded = ", ".join(f"{n:,} {entity}" for entity, n in result.bootstrap.rows.items() if n)
        print(f"Catalog loaded in {result.bootstrap.seconds:.1f} s: {loaded or 'nothing'}.")
    return EXIT_OK


def _run_sync(args: argparse.Namespace) -> int:
    from shop_desktop.services.sync.credentials import KeyringTokenStore
    from shop_desktop.services.sync.engine import SyncEngine

    if not args.db.exists():
        print(f"{args.db} does not exist; enrol it first.", file=sys.stderr)
        return EXIT_USAGE
    database = open_database(args.db)
    try:
        report = SyncEngine(database, KeyringTokenStore()).run_once()
    finally:
        database.dispose()
    status = report.status
    print(
        f"state {status.state}: pushed {report.pushed} ({report.duplicates} already there, "
        f"{report.rejected} refused), pulled {report.pulled}; "
        f"{status.pending_ops} pending, {status.rejected_ops} refused in all."
    )
    if status.clock_skew_seconds is not None:
        print(f"clock skew {status.clock_skew_seconds:+.1f} s")
    if status.last_error:
        print(status.last_error, file=sys.stderr)
    return EXIT_OK if status.state in ("idle", "upgrade_required") else 1


def _split_bench_sync(argv: Sequence[str]) -> list[str] | None:
    """The arguments after ``bench sync``, which its own module parses; None if not that."""
    items = list(argv)
    for i in range(len(items) - 1):
        if items[i] == "bench" and items[i + 1] == "sync":
            return items[i + 2 :]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    bench_sync = _split_bench_sync(argv)
    if bench_sync is not None:
        # Imported here: the benchmark module is optional for the rest of admin.
        try:
            from shop_desktop.bench import sync as bench_sync_module
        except ImportError:
            print("The sync benchmark is not part of this build.", file=sys.stderr)
            return EXIT_USAGE
        return int(bench_sync_module.main(bench_sync))
    args = build_parser().parse_args(argv)
    handlers = {
        "demo": _run_demo,
        "migrate": _run_migrate,
        "index": _run_index,
        "bench": _run_bench,
        "check": _run_check,
        "audit": _run_audit,
        "enrol": _run_enrol,
        "sync": _run_sync,
    }
    try:
        return handlers[args.command](args)
    except (KeyboardInterrupt, Cancelled):
        print("Stopped; nothing was changed.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except StorageError as exc:
        print(f"Cannot use {exc.path}: {type(exc).__name__}: {exc.detail}", file=sys.stderr)
        return EXIT_STORAGE


if __name__ == "__main__":
    sys.exit(main())
