"""The void crash test's child, started with ``sys.executable void_crash_child.py DB``.

A zygote, as ``crash_child.py`` is for sales: it imports the code once, then
forks one worker per ``RUN <what> <k>`` line; the worker voids the paid orders of the
database one after the other (each in its own transaction, as the Orders
place does) until there are none left or the test kills it with SIGKILL.

Where it dies is chosen by the test, not by a timer: once READY, the worker
counts its stopping points of each kind (``statement``: every SQL statement it
sends; ``commit``: each COMMIT about to be sent; ``committed``: after a commit,
before it says VOIDED); at the k-th of the kind asked for it prints
``AT <k> <what>`` and waits on its standard input, which the test answers by
killing it. So the same seed kills at the same places on any machine.

Lines it prints (each flushed at once):
``ZYGOTE <pid>``; per run ``FORKED <pid>``, from the worker ``READY``,
``BEGIN <order id>`` before each void, ``AT <k> <what>`` where it waits to
be killed, ``VOIDED <order id> <credit note no>`` after its commit, ``DONE``
when nothing is left; and, from the zygote once the worker is dead,
``REAPED <pid> <wait status>`` after a newline, so a line the worker was
killed in the middle of writing never swallows it.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import sessionmaker
from tests.phase_kill import say, serve_forks

from shop_desktop.data.db import create_sqlite_engine
from shop_desktop.data.models import Order, OrderStatus, StaffUser
from shop_desktop.services.orders import void_invoice

REASON = "crash test void"


class StoppingPoints:
    """Counts the worker's stopping points and halts at the k-th until it is killed."""

    def __init__(self, kind: str, stop_at: int) -> None:
        self.kind = kind
        self.stop_at = stop_at
        self.seen = 0
        self.armed = False

    def reached(self, what: str) -> None:
        if not self.armed or what != self.kind:
            return
        self.seen += 1
        if self.seen == self.stop_at:
            say("AT", self.seen, what)
            # The test kills the worker now; end of input means the test is gone.
            os.read(0, 1)
            os._exit(3)


def work(db_path: Path, kind: str, stop_at: int) -> None:
    """Void every paid order that is not cancelled yet, oldest number first."""
    points = StoppingPoints(kind, stop_at)
    engine = create_sqlite_engine(db_path)

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(*_: object) -> None:
        points.reached("statement")

    @event.listens_for(engine, "commit")
    def _commit(*_: object) -> None:
        points.reached("commit")

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
    points.armed = True
    for order_id in waiting:
        say("BEGIN", order_id)
        with sessions.begin() as session:
            voided = void_invoice(session, order_id, REASON, staff_id=cashier, approved_by=manager)
        points.reached("committed")
        say("VOIDED", order_id, voided.credit_note_no, int(voided.repeated))
    say("DONE")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: void_crash_child.py DB (POSIX only)", file=sys.stderr)
        return 2
    db_path = Path(argv[0])
    return serve_forks(lambda words: work(db_path, words[0], int(words[1])))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
