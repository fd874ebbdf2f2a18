"""``shop-server``: serve the API, create the database and first admin, seed a demo catalog,
and the administrator's day-to-day commands (branches, workstations, enrolment codes,
devices, flags, audit verify) through the same functions as the admin API (``shop_server.admin``).

Options fall back to the environment (``SHOP_SERVER_DATABASE_URL``,
``SHOP_SERVER_HOST``, ``SHOP_SERVER_PORT``, ``SHOP_SERVER_TLS_CERT``,
``SHOP_SERVER_TLS_KEY``) so a service manager can configure it without
arguments. Errors end as one sentence on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select, update
from sqlalchemy.exc import SQLAlchemyError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class CommandFailed(Exception):
    """A command could not do its job; the message says why, for the operator."""


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"SHOP_SERVER_{name}", default)


def _parser() -> argparse.ArgumentParser:
    from shop_server.db import default_database_url

    parser = argparse.ArgumentParser(prog="shop-server", description="Shop Desktop central server")
    sub = parser.add_subparsers(dest="command")

    def db_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--database-url", default=None, help="default: $SHOP_SERVER_DATABASE_URL "
                       f"or {default_database_url()}")  # fmt: skip

    serve = sub.add_parser("serve", help="run the HTTP API (default command)")
    db_option(serve)
    serve.add_argument("--host", default=_env("HOST", DEFAULT_HOST))
    serve.add_argument(
        "--port", type=int, default=int(_env("PORT", str(DEFAULT_PORT)) or DEFAULT_PORT)
    )
    serve.add_argument("--tls-cert", default=_env("TLS_CERT"))
    serve.add_argument("--tls-key", default=_env("TLS_KEY"))
    serve.add_argument("--workers", type=int, default=int(_env("WORKERS", "1") or 1))

    init = sub.add_parser("init", help="create or migrate the database and add an administrator")
    db_option(init)
    init.add_argument("--admin", required=True, help="administrator user name")
    init.add_argument("--password", help="prompted for when not given")

    _admin_commands(sub, db_option)

    seed = sub.add_parser("seed-demo", help="fill the database with a demo catalog")
    db_option(seed)
    seed.add_argument("--products", type=int, default=1000)
    seed.add_argument("--branches", type=int, default=2)
    seed.add_argument("--members", type=int, default=None)
    seed.add_argument("--seed", type=int, default=7)
    return parser


def _admin_commands(sub: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    branches = sub.add_parser("branches", help="list branches with their ids")
    db_option(branches)

    add_branch = sub.add_parser("add-branch", help="add a branch (or update the one with --id)")
    db_option(add_branch)
    add_branch.add_argument("--code", required=True)
    add_branch.add_argument("--name-zh", required=True)
    add_branch.add_argument("--name-en", default="")
    add_branch.add_argument("--address", default="")
    add_branch.add_argument("--phone", default="")
    add_branch.add_argument("--tax-id", default="")
    add_branch.add_argument(
        "--neighbour", action="append", default=[], help="a branch code whose stock it sees"
    )
    add_branch.add_argument("--id", default=None, help="update this branch instead of adding")

    stations = sub.add_parser("workstations", help="list workstations with their ids")
    db_option(stations)
    stations.add_argument("--branch", default=None, help="only this branch (code)")

    add_ws = sub.add_parser("add-workstation", help="add a workstation; prints its id")
    db_option(add_ws)
    add_ws.add_argument("--branch", required=True, help="branch code")
    add_ws.add_argument("--code", required=True, help="workstation code, e.g. T1")
    add_ws.add_argument("--name", required=True)
    add_ws.add_argument("--invoice-prefix", default=None)

    code = sub.add_parser("enrolment-code", help="make a one-time enrolment code")
    db_option(code)
    which = code.add_mutually_exclusive_group(required=True)
    which.add_argument("--workstation", help="workstation code or id")
    which.add_argument("--workstation-id", dest="workstation", help=argparse.SUPPRESS)
    code.add_argument("--branch", default=None, help="branch code, when the code is not unique")
    code.add_argument("--ttl-minutes", type=int, default=1440)

    devices = sub.add_parser("devices", help="list enrolled devices")
    db_option(devices)

    revoke = sub.add_parser("revoke", help="revoke a device's access at once")
    db_option(revoke)
    revoke.add_argument("device_id")

    flags = sub.add_parser("flags", help="list flagged events for a manager")
    db_option(flags)
    flags.add_argument("--after", type=int, default=0, help="only flags after this id")

    audit = sub.add_parser("audit", help="the tills' audit chains held here")
    audit_actions = audit.add_subparsers(dest="audit_action", required=True, metavar="ACTION")
    verify = audit_actions.add_parser(
        "verify", help="check every stored chain (exit status 2 on a break)"
    )
    db_option(verify)
    verify.add_argument("--device", default=None, help="only this device's chain (id)")
    day = sub.add_parser("branch-day", help="a branch's day: every till's Z reports added")
    db_option(day)
    day.add_argument("branch_id")
    day.add_argument("day", help="the business day, YYYY-MM-DD")


def _url(args: argparse.Namespace) -> str:
    from shop_server.db import default_database_url

    return str(args.database_url or default_database_url())


def serve(args: argparse.Namespace) -> None:
    """Migrate (one instance at a time), then run uvicorn with the app factory."""
    import uvicorn

    from shop_server.db import migrate, open_database

    url = _url(args)
    db = open_database(url, pool_size=1)
    try:
        migrate(db)
    finally:
        db.dispose()
    os.environ["SHOP_SERVER_DATABASE_URL"] = url  # the workers read it
    if bool(args.tls_cert) != bool(args.tls_key):
        raise CommandFailed("TLS needs both --tls-cert and --tls-key.")
    uvicorn.run(
        "shop_server.api:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=max(1, args.workers),
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=3,  # a client holding a connection open must not block a stop
    )


def init(args: argparse.Namespace) -> None:
    from shop_server import auth, changes
    from shop_server import schema as s
    from shop_server.db import migrate, open_database

    password = args.password or getpass.getpass(f"Password for {args.admin}: ")
    if len(password) < 8:
        raise CommandFailed("The administrator's password needs at least 8 characters.")
    db = open_database(_url(args), pool_size=1)
    try:
        migrate(db)
        with db.writer.begin() as conn:
            hashed = auth.hash_password(password)
            found = conn.execute(
                select(s.admins.c.id).where(s.admins.c.username == args.admin)
            ).first()
            if found is None:
                conn.execute(
                    s.admins.insert().values(
                        id=str(uuid.uuid4()), username=args.admin, password_hash=hashed,
                        created_at=changes.now(),
                    )
                )  # fmt: skip
            else:
                conn.execute(
                    update(s.admins).where(s.admins.c.id == found.id).values(password_hash=hashed)
                )
    finally:
        db.dispose()
    print(f"Database ready; administrator {args.admin} can sign in.")


@contextmanager
def _admin_work(args: argparse.Namespace, *, write: bool = False) -> Iterator[Connection]:
    """A connection for one admin command; a refusal becomes :class:`CommandFailed`."""
    from shop_server.db import open_database
    from shop_server.errors import ApiError

    db = open_database(_url(args), pool_size=1)
    try:
        with db.writer.begin() if write else db.reader.connect() as conn:
            yield conn
    except ApiError as exc:
        raise CommandFailed(exc.message) from exc
    finally:
        db.dispose()


def _print_table(rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    """Tab-separated with a header: readable, and easy to cut or grep."""
    print("\t".join(columns))
    for row in rows:
        print("\t".join("" if row[c] is None else str(row[c]) for c in columns))


def _all_pages(page: Callable[[Any], dict[str, Any]], key: str, after: Any) -> list[Any]:
    found: list[Any] = []
    while True:
        answer = page(after)
        found += answer[key]
        if answer["next_after"] is None:
            return found
        after = answer["next_after"]


def _invalid(exc: ValidationError) -> CommandFailed:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]).replace("_", "-")
    return CommandFailed(f"--{where} is not valid: {first['msg']}.")


def branches(args: argparse.Namespace) -> None:
    from shop_server import admin

    with _admin_work(args) as conn:
        rows = admin.list_branches(conn)
    for row in rows:
        row["neighbours"] = ",".join(row["neighbours"])
    _print_table(rows, ["id", "code", "name_zh", "name_en", "active", "neighbours"])


def add_branch(args: argparse.Namespace) -> None:
    from shop_server import admin

    with _admin_work(args, write=True) as conn:
        try:
            body = admin.BranchIn(
                id=args.id, code=args.code, name_zh=args.name_zh, name_en=args.name_en,
                address=args.address, phone=args.phone, tax_id=args.tax_id,
                neighbours=[admin.branch_by_code(conn, n) for n in args.neighbour],
            )  # fmt: skip
        except ValidationError as exc:
            raise _invalid(exc) from exc
        print(admin.save_branch(conn, body)["id"])


def workstations(args: argparse.Namespace) -> None:
    from shop_server import admin

    with _admin_work(args) as conn:
        branch_id = None if args.branch is None else admin.branch_by_code(conn, args.branch)
        rows = admin.list_workstations(conn, branch_id)
    _print_table(rows, ["id", "branch_code", "code", "name", "invoice_prefix", "active"])


def add_workstation(args: argparse.Namespace) -> None:
    from shop_server import admin

    with _admin_work(args, write=True) as conn:
        try:
            body = admin.WorkstationIn(
                branch_id=admin.branch_by_code(conn, args.branch), code=args.code,
                name=args.name, invoice_prefix=args.invoice_prefix,
            )  # fmt: skip
        except ValidationError as exc:
            raise _invalid(exc) from exc
        print(admin.create_workstation(conn, body)["id"])


def enrolment_code(args: argparse.Namespace) -> None:
    from shop_server import admin

    if not 1 <= args.ttl_minutes <= 60 * 24 * 30:
        raise CommandFailed("--ttl-minutes must be between 1 and 43200 (30 days).")
    with _admin_work(args, write=True) as conn:
        workstation_id = admin.workstation_by_ref(conn, args.workstation, args.branch)
        answer = admin.make_enrolment_code(conn, workstation_id, args.ttl_minutes)
    print(answer["code"])


def devices(args: argparse.Namespace) -> None:
    from shop_server import admin

    with _admin_work(args) as conn:
        rows = _all_pages(lambda after: admin.list_devices(conn, after), "devices", "")
    rows.sort(key=lambda r: (r["branch_id"], r["workstation_id"], r["enrolled_at"]))
    _print_table(rows, ["id", "branch_id", "workstation_id", "name", "state",
                        "invoice_prefix", "enrolled_at", "last_seen"])  # fmt: skip


def revoke(args: argparse.Namespace) -> None:
    from shop_server import admin

    with _admin_work(args, write=True) as conn:
        row = admin.revoke_device(conn, args.device_id)
    print(f"Device {row['id']} ({row['name'] or 'unnamed'}) is revoked.")


def flags(args: argparse.Namespace) -> None:
    from shop_server import admin

    with _admin_work(args) as conn:
        rows = _all_pages(lambda after: admin.list_flags(conn, after), "flags", args.after)
    _print_table(rows, ["id", "at", "kind", "branch_id", "device_id", "entity_id", "message"])


def audit(args: argparse.Namespace) -> None:
    from shop_server.audit import verify_chains

    chain = None if args.device is None else uuid.UUID(args.device).hex
    with _admin_work(args) as conn:
        reports = verify_chains(conn, chain)
    broken = 0
    for report in reports:
        if report.broken is None:
            print(f"{report.chain_device_id}: ok, {report.entries} entries")
        else:
            broken += 1
            where = report.broken.describe()
            print(
                f"{report.chain_device_id}: BROKEN at {where} [{report.broken.problem}];"
                f" {report.entries} entries before it hold"
            )
    if not reports:
        print("No audit entries are held here.")
    if broken:
        raise CommandFailed(f"{broken} of {len(reports)} audit chains are broken.")


def branch_day(args: argparse.Namespace) -> None:
    from shop_server.shifts import branch_day as day_of

    with _admin_work(args) as conn:
        day = day_of(conn, args.branch_id, args.day)
    print(json.dumps(day, ensure_ascii=False, sort_keys=True))


def seed_demo(args: argparse.Namespace) -> None:
    from shop_server.db import migrate, open_database
    from shop_server.seed import CatalogNotEmpty
    from shop_server.seed import seed_demo as fill

    db = open_database(_url(args), pool_size=1)
    try:
        migrate(db)
        counts = fill(
            db, products=args.products, branches=args.branches, members=args.members, seed=args.seed
        )
    except CatalogNotEmpty as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        db.dispose()
    print(", ".join(f"{n} {what}" for what, n in counts.items()))


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "serve": serve,
    "init": init,
    "branches": branches,
    "add-branch": add_branch,
    "workstations": workstations,
    "add-workstation": add_workstation,
    "enrolment-code": enrolment_code,
    "devices": devices,
    "revoke": revoke,
    "flags": flags,
    "audit": audit,
    "branch-day": branch_day,
    "seed-demo": seed_demo,
}


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if not given or (given[0] not in COMMANDS and given[0] not in ("-h", "--help")):
        given = ["serve", *given]  # serve is the default command
    args = _parser().parse_args(given)
    command = args.command
    try:
        COMMANDS[command](args)
    except CommandFailed as exc:
        print(f"shop-server: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"shop-server: the database could not be used: {exc.__class__.__name__}: "
              f"{str(exc).splitlines()[0]}", file=sys.stderr)  # fmt: skip
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
