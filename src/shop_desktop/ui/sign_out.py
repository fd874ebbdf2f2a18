"""Writing a cashier's sign-out to the audit trail as the main window closes."""

from __future__ import annotations

import logging

from shop_desktop.services.auth import log_out
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.tasks import BackgroundOp, Job

log = logging.getLogger(__name__)


def record_sign_out(context: ShopContext, how: str) -> BackgroundOp[None]:
    """The audit entry on a worker; ``how`` is "log_out" or "quit".

    Not parented to the window that is closing: the entry is written even as
    it goes away. A failure is logged, never shown: the person has left.
    """
    staff = context.staff

    def write(job: Job) -> None:
        log_out(job.session, staff, how=how)

    op: BackgroundOp[None] = BackgroundOp(
        None, op=write, success=lambda _none: None, database=context.database
    ).failure(lambda exc: log.warning("sign-out not recorded: %s", exc))
    return op.run()
