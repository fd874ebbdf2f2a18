"""What sync says to people: one sentence per problem code and per refusal code.

The sync engine knows no Qt (services stay Qt-free), so it reports a stable
code (``SyncStatus.error_code``, a refused op's ``code``) next to an English
sentence for the log file; the words a person reads live here, each written
out as ``QCoreApplication.translate("Sync", ...)`` so that lupdate finds it
(a helper wrapping ``translate`` would hide it). The status bar and the
Server settings page share these sentences, so zh_TW is translated once.
An unknown code (a newer server, an older stored state) gets a general
sentence, never the raw English text.

The sync log works the same way: each row carries an event code and its
facts (``LogEvent``), worded here with numbers in the user's locale; a row
whose event this app does not know (written before events existed) shows
its stored English message, the only words there are for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale

from shop_desktop.domain.money import Money, UnknownCurrency, currency
from shop_desktop.services.sync.engine import RejectedOp
from shop_desktop.services.sync.state import LogEvent

__all__ = [
    "PROGRAM_ERROR",
    "log_entry_text",
    "op_type_name",
    "refusal_reason",
    "refused_op_summary",
    "sync_problem",
]

#: The controller's code for a pass that ended with a bug (written to the log file).
PROGRAM_ERROR = "program_error"


def sync_problem(code: str) -> str:
    """Why syncing is not working, and what to do, for ``SyncStatus.error_code``."""
    sentences = {
        # The network and the server: all retried by themselves.
        "unreachable": QCoreApplication.translate(
            "Sync",
            "The server cannot be reached: check the network and that the server is running."
            " Sales are kept and sent later.",
        ),
        "timed_out": QCoreApplication.translate(
            "Sync",
            "The server did not answer in time; the network may be slow. Sales are kept and"
            " sent later.",
        ),
        "tls": QCoreApplication.translate(
            "Sync",
            "The server's certificate could not be verified, so nothing was sent. Check the"
            " address and the CA file in Settings → Server.",
        ),
        "server_error": QCoreApplication.translate(
            "Sync",
            "The server had a problem of its own. Sales are kept; syncing tries again by itself.",
        ),
        "server_busy": QCoreApplication.translate(
            "Sync", "The server is busy right now. Sales are kept; syncing tries again shortly."
        ),
        "rate_limited": QCoreApplication.translate(
            "Sync",
            "The server asked this workstation to slow down. Sales are kept; syncing tries"
            " again shortly.",
        ),
        "invalid_answer": QCoreApplication.translate(
            "Sync",
            "The server's answer made no sense (perhaps the wrong address, or a proxy in the"
            " way). Sales are kept; syncing tries again by itself.",
        ),
        # A person must act.
        "revoked": QCoreApplication.translate(
            "Sync",
            "This workstation's access was revoked at the server. A manager must enrol it"
            " again in Settings → Server.",
        ),
        "no_token": QCoreApplication.translate(
            "Sync",
            "This workstation's access key is missing from the system keyring. A manager must"
            " enrol it again in Settings → Server.",
        ),
        "cloned": QCoreApplication.translate(
            "Sync",
            "The server saw this workstation's database on another machine too. Enrol this"
            " workstation again in Settings → Server; nothing waiting is lost.",
        ),
        "forbidden": QCoreApplication.translate(
            "Sync",
            "The server refused this workstation access to another branch's data. Ask the"
            " office to check which branch this workstation belongs to.",
        ),
        "upgrade_required": QCoreApplication.translate(
            "Sync",
            "Update this app to receive catalog changes; sales are still being sent.",
        ),
        "cursor_reset": QCoreApplication.translate(
            "Sync",
            "This workstation was offline too long; its catalog is being loaded again.",
        ),
        "refused": QCoreApplication.translate(
            "Sync",
            "The server refused a request from this workstation. A manager can read why in"
            " the sync log.",
        ),
        "too_large": QCoreApplication.translate(
            "Sync",
            "The server refused a request from this workstation as too large. A manager can"
            " read more in the sync log.",
        ),
        # This computer.
        "keyring": QCoreApplication.translate(
            "Sync",
            "The system keyring is locked or missing, so this workstation cannot prove who it"
            " is. Unlock the keyring to sync.",
        ),
        "storage_busy": QCoreApplication.translate(
            "Sync",
            "Another program kept this workstation's database busy; syncing tries again shortly.",
        ),
        "disk_full": QCoreApplication.translate(
            "Sync", "The disk is full. Free some space so sales can be sent to the server."
        ),
        "storage_error": QCoreApplication.translate(
            "Sync", "This workstation's database could not be written; syncing tries again."
        ),
        PROGRAM_ERROR: QCoreApplication.translate(
            "Sync",
            "Sync stopped because of an error in the program; it was written to the log file."
            " Sales are kept and will be sent on the next try.",
        ),
    }
    general = QCoreApplication.translate(
        "Sync",
        "Syncing with the server did not work. Sales are kept; a manager can read why in the"
        " sync log.",
    )
    return sentences.get(code, general)


def refusal_reason(code: str) -> str:
    """Why the server refused an operation for good, for its reject code.

    The server's own ``message`` is English server text: the log dialog shows it
    as a second line ("Server says: …"), never in place of this sentence.
    """
    reasons = {
        "invalid": QCoreApplication.translate(
            "Sync", "The server found a value in this operation not valid."
        ),
        "stale_edit": QCoreApplication.translate(
            "Sync",
            "Someone changed this product at the same time; the server kept their version."
            " Edit the product again if needed.",
        ),
        "wrong_branch": QCoreApplication.translate(
            "Sync", "This operation belongs to another branch than this workstation's."
        ),
        "not_permitted": QCoreApplication.translate(
            "Sync",
            "The server's staff list does not allow the person who did this (or who approved"
            " it) to do it; the server did not apply it.",
        ),
        "unknown_op": QCoreApplication.translate(
            "Sync", "The server does not know this kind of operation; it may need updating."
        ),
        "unsupported_version": QCoreApplication.translate(
            "Sync",
            "This app is newer than the server: the server cannot read this operation yet."
            " Send it again after the server is updated.",
        ),
        "device_seq_reused": QCoreApplication.translate(
            "Sync",
            "The server already has another operation with this number from this workstation"
            " (was the database restored from a copy?).",
        ),
        "too_large": QCoreApplication.translate(
            "Sync", "This operation is too big for the server to accept."
        ),
        "unknown_order": QCoreApplication.translate(
            "Sync", "The server does not hold the order this step is for."
        ),
        "unknown_product": QCoreApplication.translate(
            "Sync", "The server does not know this product."
        ),
        "conflict": QCoreApplication.translate(
            "Sync", "Something in this operation already exists on the server."
        ),
        # Older servers refused a reused invoice number; current ones keep and flag it.
        "duplicate_invoice_no": QCoreApplication.translate(
            "Sync", "Another sale on the server already has this invoice number."
        ),
    }
    general = QCoreApplication.translate("Sync", "The server refused this operation.")
    return reasons.get(code, general)


def op_type_name(op_type: str) -> str:
    """What kind of operation it was, in the user's words (the wire name if unknown)."""
    names = {
        "order.completed": QCoreApplication.translate("Sync", "Sale"),
        "order.taken": QCoreApplication.translate("Sync", "Order taken"),
        "order.paid": QCoreApplication.translate("Sync", "Order paid"),
        "order.status_changed": QCoreApplication.translate("Sync", "Order status change"),
        "order.cancelled": QCoreApplication.translate("Sync", "Order cancelled"),
        "cart.parked": QCoreApplication.translate("Sync", "Cart parked"),
        "cart.recalled": QCoreApplication.translate("Sync", "Parked cart recalled"),
        "catalog.product_edit": QCoreApplication.translate("Sync", "Product edit"),
        "member.update": QCoreApplication.translate("Sync", "Member change"),
        "staff.edit": QCoreApplication.translate("Sync", "Staff change"),
    }
    return names.get(op_type, op_type)


# --- the sync log -------------------------------------------------------------------------


class _FactMissing(Exception):
    """A log row lacks a fact its event needs (or holds it in another shape)."""


Facts = Mapping[str, Any]


def _count(facts: Facts, name: str) -> str:
    """A whole-number fact, in the user's locale ("1,234")."""
    value = facts.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _FactMissing(name)
    return QLocale().toString(value)


def _seconds(facts: Facts, name: str) -> str:
    """A duration fact in seconds, one decimal, in the user's locale."""
    value = facts.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _FactMissing(name)
    return QLocale().toString(float(value), "f", 1)


def _text(facts: Facts, name: str) -> str:
    value = facts.get(name)
    if not isinstance(value, str):
        raise _FactMissing(name)
    return value


def _pushed(facts: Facts) -> str:
    return QCoreApplication.translate(
        "Sync", "Sent to the server: {applied} new, {duplicates} already there, {rejected} refused."
    ).format(
        applied=_count(facts, "applied"),
        duplicates=_count(facts, "duplicates"),
        rejected=_count(facts, "rejected"),
    )


def _refused(facts: Facts) -> str:
    return QCoreApplication.translate(
        "Sync", "The server refused {operation} no. {number}: {reason}"
    ).format(
        operation=op_type_name(_text(facts, "op_type")),
        number=_count(facts, "device_seq"),
        reason=refusal_reason(_text(facts, "code")),
    )


def _requeued(facts: Facts) -> str:
    return QCoreApplication.translate(
        "Sync", "A manager queued {operation} again; it goes as no. {number}."
    ).format(operation=op_type_name(_text(facts, "op_type")), number=_count(facts, "device_seq"))


def _current_product_later(_facts: Facts) -> str:
    return QCoreApplication.translate(
        "Sync", "The server's version of the refused product arrives with the next catalog update."
    )


def _current_product_not_stored(_facts: Facts) -> str:
    return QCoreApplication.translate(
        "Sync",
        "The server's version of the refused product could not be stored on this workstation;"
        " the next catalog update brings it again.",
    )


def _pulled(facts: Facts) -> str:
    return QCoreApplication.translate(
        "Sync", "Changes received from the server: {changes}."
    ).format(changes=_count(facts, "changes"))


def _bootstrap_done(facts: Facts) -> str:
    return QCoreApplication.translate(
        "Sync", "Catalog loaded from the server: {rows} rows in {seconds} s."
    ).format(rows=_count(facts, "rows"), seconds=_seconds(facts, "seconds"))


def _cursor_reset(_facts: Facts) -> str:
    return sync_problem("cursor_reset")


def _upgrade_required(_facts: Facts) -> str:
    return sync_problem("upgrade_required")


def _failed(facts: Facts) -> str:
    problem = sync_problem(_text(facts, "error_code"))
    if "retry_in_s" not in facts:
        return problem
    return QCoreApplication.translate("Sync", "{problem} Next try in {seconds} s.").format(
        problem=problem, seconds=_seconds(facts, "retry_in_s")
    )


def _stopped(facts: Facts) -> str:
    return sync_problem(_text(facts, "error_code"))


def _enrolled(facts: Facts) -> str:
    workstation = _text(facts, "workstation_code")
    prefix = _text(facts, "invoice_prefix")
    if not facts.get("renumbered"):
        return QCoreApplication.translate(
            "Sync", "Enrolled as workstation {workstation}, invoice series {prefix}."
        ).format(workstation=workstation, prefix=prefix)
    return QCoreApplication.translate(
        "Sync",
        "Enrolled as workstation {workstation}, invoice series {prefix}; unsent operations"
        " numbered again: {renumbered}.",
    ).format(workstation=workstation, prefix=prefix, renumbered=_count(facts, "renumbered"))


def _settings_changed(facts: Facts) -> str:
    server = _text(facts, "server_url") or QCoreApplication.translate("Sync", "(none)")
    if facts.get("verify_tls") is False:
        return QCoreApplication.translate(
            "Sync", "Sync settings changed: server {server}; certificate checks OFF."
        ).format(server=server)
    return QCoreApplication.translate(
        "Sync", "Sync settings changed: server {server}; certificate checks on."
    ).format(server=server)


_EVENT_TEXTS: dict[str, Callable[[Facts], str]] = {
    LogEvent.PUSHED: _pushed,
    LogEvent.REFUSED: _refused,
    LogEvent.REQUEUED: _requeued,
    LogEvent.CURRENT_PRODUCT_LATER: _current_product_later,
    LogEvent.CURRENT_PRODUCT_NOT_STORED: _current_product_not_stored,
    LogEvent.PULLED: _pulled,
    LogEvent.BOOTSTRAP_DONE: _bootstrap_done,
    LogEvent.CURSOR_RESET: _cursor_reset,
    LogEvent.UPGRADE_REQUIRED: _upgrade_required,
    LogEvent.FAILED: _failed,
    LogEvent.STOPPED: _stopped,
    LogEvent.ENROLLED: _enrolled,
    LogEvent.SETTINGS_CHANGED: _settings_changed,
}


def log_entry_text(details: Facts, message: str) -> str:
    """What a sync log row says, in the user's language, from its event and facts.

    ``message`` (the stored English sentence) is shown only for a row this app
    cannot word: no event (older rows), an event it does not know (a newer
    app wrote it), or facts missing: better the English detail than nothing.
    """
    wording = _EVENT_TEXTS.get(str(details.get("event") or ""))
    if wording is None:
        return message
    try:
        return wording(details)
    except _FactMissing:
        return message


# --- refused operations -------------------------------------------------------------------


def _money(op: RejectedOp) -> str | None:
    """The op's total as the rest of the screens show money ("NT$1,250"), if it has one."""
    if op.total_minor is None or not op.currency_code:
        return None
    try:
        return Money(op.total_minor, currency(op.currency_code)).format()
    except UnknownCurrency:
        return None


def refused_op_summary(op: RejectedOp) -> str:
    """What a refused operation was about, from its facts ("Sale S01-00000012, total NT$250")."""
    operation = op_type_name(op.op_type)
    total = _money(op)
    if op.number is not None and total is not None:
        return QCoreApplication.translate("Sync", "{operation} {number}, total {total}").format(
            operation=operation, number=op.number, total=total
        )
    if op.number is not None:
        return QCoreApplication.translate("Sync", "{operation} {number}").format(
            operation=operation, number=op.number
        )
    if op.changed_fields:
        # Field names are the wire's (``price_minor``): the tooltip has the details.
        return QCoreApplication.translate("Sync", "{operation}: {fields}").format(
            operation=operation, fields=", ".join(op.changed_fields)
        )
    return operation
