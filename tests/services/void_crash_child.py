"""The void crash test's child, started with ``sys.executable void_crash_child.py DB``.

A zygote, as ``crash_child.py`` is for sales: it imports the code once, then
forks one worker per ``RUN`` line; the worker voids the paid orders of the
database one after the other (each in its own transaction, as the Orders
place does) until there are none left or the test kills it with SIGKILL.

Lines it prints (each flushed at once):
``ZYGOTE <pid>``; per run ``FORKED <pid>``, from the worker ``READY``,
``BEGIN <order id>`` before each void, ``VOIDED <order id> <credit note no>``
after its commit, ``DONE`` when nothing is left; and, from the zygote once
the worker is dead, ``REAPED <pid> <wait status>`` after a newline, so a line
the worker was killed in the middle of writing never swallows it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from shop_desktop.data.db import create_sqlite_engine
from shop_desktop.data.models import Order, OrderStatus, StaffUser
from shop_desktop.services.orders import void_invoice

REASON = "crash test void"


def say(*words: object) -> None:
    print(*words, flush=True)


def work(db_path: Path) -> None:
    """Void every paid order that is not cancelled yet, oldest number first."""
    engine = create_sqlite_engine(db_path)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        cashier = session.scalars(select(StaffUser.id).where(StaffUser.username == "cashier")).one()
        manager = session.scalars(select(StaffUser.id).where(StaffUser.username == "manager")).one()
        waiting: list[uuid.UUID] = list(
            session.scalars(
                select(Order.id)
                .where(Order.invoice_no.is_not(None), Order.status != OrderStatus.CANCELLED)
                .where(Order.note == "void me")
                .order_by(Order.number)
            )
        )
    say("READY")
    for order_id in waiting:
        say("BEGIN", order_id)
        with sessions.begin() as session:
            voided = void_invoice(session, order_id, REASON, staff_id=cashier, approved_by=manager)
        say("VOIDED", order_id, voided.credit_note_no, int(voided.repeated))
    say("DONE")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not hasattr(os, "fork"):
        print("usage: void_crash_child.py DB (POSIX only)", file=sys.stderr)
        return 2
    db_path = Path(argv[0])
    say("ZYGOTE", os.getpid())
    for command in sys.stdin:
        if command.strip() != "RUN":
            break
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                work(db_path)
                status = 0
            except BaseException as exc:
                with contextlib.suppress(BaseException):
                    say("ERROR", repr(exc).replace("\n", " "))
                    traceback.print_exc()
                    sys.stderr.flush()
            finally:
                os._exit(status)
        say("FORKED", pid)
        _, wait_status = os.waitpid(pid, 0)
        say(f"\nREAPED {pid} {wait_status}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
