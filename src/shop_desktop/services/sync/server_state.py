"""What the settings page shows about this workstation's link to the central server."""

from __future__ import annotations

from dataclasses import dataclass

from shop_desktop.data.db import Database
from shop_desktop.data.models import Branch, Workstation
from shop_desktop.services.sync.engine import read_enrolment, sync_settings
from shop_desktop.services.sync.state import SyncSettings


@dataclass(frozen=True)
class ServerState:
    """What the page shows about this workstation's link to the server."""

    settings: SyncSettings
    enrolled: bool
    device_id: str = ""
    branch: str = ""
    workstation: str = ""
    invoice_prefix: str = ""


def read_server_state(database: Database) -> ServerState:
    """Settings and enrolment as stored in the database (run on a worker)."""
    settings = sync_settings(database)
    enrolment = read_enrolment(database)
    if enrolment is None:
        return ServerState(settings=settings, enrolled=False)
    with database.session() as session:
        branch = session.get(Branch, enrolment.branch_id)
        workstation = session.get(Workstation, enrolment.workstation_id)
        branch_name = (
            f"{branch.name_zh} {branch.name_en} ({branch.code})"
            if branch is not None
            else str(enrolment.branch_id)
        )
        workstation_name = (
            f"{workstation.name} ({workstation.code})"
            if workstation is not None
            else str(enrolment.workstation_id)
        )
    return ServerState(
        settings=settings,
        enrolled=True,
        device_id=str(enrolment.device_id),
        branch=branch_name,
        workstation=workstation_name,
        invoice_prefix=enrolment.invoice_prefix,
    )
