"""What sync says to people: one sentence per problem code and per refusal code.

The sync engine knows no Qt (services stay Qt-free), so it reports a stable
code (``SyncStatus.error_code``, a refused op's ``code``) next to an English
sentence for the log file; the words a person reads live here, each written
out as ``QCoreApplication.translate("Sync", ...)`` so that lupdate finds it
(a helper wrapping ``translate`` would hide it). The status bar and the
Server settings page share these sentences, so zh_TW is translated once.
An unknown code (a newer server, an older stored state) gets a general
sentence, never the raw English text.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

__all__ = ["PROGRAM_ERROR", "op_type_name", "refusal_reason", "sync_problem"]

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
    }
    return names.get(op_type, op_type)
