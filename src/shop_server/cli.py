"""``shop-server``: serve the API, create the database and first admin, seed a demo catalog.

Options fall back to the environment (``SHOP_SERVER_DATABASE_URL``,
``SHOP_SERVER_HOST``, ``SHOP_SERVER_PORT``, ``SHOP_SERVER_TLS_CERT``,
``SHOP_SERVER_TLS_KEY``) so a service manager can configure it without
arguments. Errors end as one sentence on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import uuid
from collections.abc import Sequence

from sqlalchemy import select, update
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

    code = sub.add_parser("enrolment-code", help="make a one-time enrolment code")
    db_option(code)
    code.add_argument("--workstation-id", required=True)
    code.add_argument("--ttl-minutes", type=int, default=1440)

    seed = sub.add_parser("seed-demo", help="fill the database with a demo catalog")
    db_option(seed)
    seed.add_argument("--products", type=int, default=1000)
    seed.add_argument("--branches", type=int, default=2)
    seed.add_argument("--members", type=int, default=None)
    seed.add_argument("--seed", type=int, default=7)
    return parser


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


def enrolment_code(args: argparse.Namespace) -> None:
    from datetime import timedelta

    from shop_server import auth, changes
    from shop_server import schema as s
    from shop_server.db import open_database

    db = open_database(_url(args), pool_size=1)
    try:
        with db.writer.begin() as conn:
            if not conn.execute(
                select(s.workstations.c.id).where(s.workstations.c.id == args.workstation_id)
            ).first():
                raise CommandFailed("That workstation does not exist.")
            code = auth.new_enrolment_code()
            now = changes.now()
            conn.execute(
                s.enrolment_codes.insert().values(
                    code_hash=auth.enrolment_code_hash(code), workstation_id=args.workstation_id,
                    expires_at=now + timedelta(minutes=args.ttl_minutes), created_at=now,
                )
            )  # fmt: skip
    finally:
        db.dispose()
    print(code)


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


COMMANDS = {"serve": serve, "init": init, "enrolment-code": enrolment_code, "seed-demo": seed_demo}


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
