"""Enrolment, tokens and scope, against the real server process and its database."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from sqlalchemy import create_engine, select, update
from tests import serverproc as sp

from shop_server import schema

Server = sp.RunningServer


def _enrol_with(server: Server, code: str) -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/enrol",
        json={"code": code, "device_name": "till", "client_version": "t", "protocol": 1},
        timeout=30,
    )


def _read_db(server: Server, query: Any) -> list[Any]:
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(query))
    finally:
        engine.dispose()


def test_an_enrolment_code_works_once(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    code = sp.enrolment_code(server, branches.workstation_ids[0][0])
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    first = _enrol_with(server, code.lower())  # typed in lower case: still the code
    second = _enrol_with(server, code)

    assert first.status_code == 200, first.text
    assert second.status_code == 400
    assert second.json()["code"] == "bad_enrolment_code"
    assert _enrol_with(server, "AAAA-BBBB-CCCC").json()["code"] == "bad_enrolment_code"


def test_an_expired_code_is_refused(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    code = sp.enrolment_code(server, branches.workstation_ids[0][0])
    engine = create_engine(server.database_url)
    with engine.begin() as conn:
        conn.execute(
            update(schema.enrolment_codes)
            .where(schema.enrolment_codes.c.workstation_id == branches.workstation_ids[0][0])
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    engine.dispose()

    answer = _enrol_with(server, code)

    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_enrolment_code"


def test_each_enrolment_gets_a_new_device_and_invoice_series(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    workstation = branches.workstation_ids[0][0]
    prefix = branches.invoice_prefixes[0][0]

    first = sp.enrol(server, workstation)
    second = sp.enrol(server, workstation)

    assert first["device_id"] != second["device_id"]
    assert first["workstation"]["invoice_prefix"] == f"{prefix}-1"
    assert second["workstation"]["invoice_prefix"] == f"{prefix}-2"
    assert first["branch"]["id"] == branches.branch_ids[0]


def test_the_token_is_stored_only_as_its_hash(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    device = sp.enrol(server, branches.workstation_ids[0][0])

    rows = _read_db(
        server,
        select(schema.devices.c.token_hash).where(schema.devices.c.id == device["device_id"]),
    )

    assert rows[0].token_hash == hashlib.sha256(device["token"].encode()).hexdigest()
    dumped = _read_db(server, select(schema.devices))
    assert all(device["token"] not in str(tuple(row)) for row in dumped)


def test_a_revoked_device_is_refused_at_once(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    headers = sp.device_headers(device["token"])
    assert requests.get(f"{server.url}/api/v1/hello", headers=headers, timeout=30).ok

    sp.admin_post(server, f"/api/v1/admin/devices/{device['device_id']}/revoke", {})

    hello = requests.get(f"{server.url}/api/v1/hello", headers=headers, timeout=30)
    pushed = sp.push(server, device, [])
    assert (hello.status_code, hello.json()["code"]) == (401, "unauthorized")
    assert pushed.status_code == 401
    devices = sp.admin_get(server, "/api/v1/admin/devices")["devices"]
    assert next(d for d in devices if d["id"] == device["device_id"])["state"] == "revoked"


def _calls(server: Server) -> list[tuple[str, str]]:
    """Every (method, path template) the running server documents."""
    spec = requests.get(f"{server.url}/openapi.json", timeout=30).json()
    return [(method, path) for path, item in spec["paths"].items() for method in item]


def test_a_device_of_branch_a_gets_403_on_everything_of_branch_b(server: Server) -> None:
    branches = sp.setup_branches(server, 2, (1, 1))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    # A branch that is not even a neighbour: stock of neighbours is readable by design.
    far = sp.setup_branches(server, 1, (1,)).branch_ids[0]
    scoped = [(m, p) for m, p in _calls(server) if "{branch_id}" in p]
    assert len(scoped) >= 3

    for method, path in scoped:
        url = server.url + path.replace("{branch_id}", far).replace(
            "{member_id}", str(uuid.uuid4())
        )
        answer = requests.request(
            method, url, headers=sp.device_headers(device["token"]), json={}, timeout=30
        )
        assert answer.status_code == 403, (method, path, answer.text)
        assert answer.json()["code"] == "forbidden"


def test_neighbour_stock_is_readable_but_nothing_else_of_the_neighbour(server: Server) -> None:
    branches = sp.setup_branches(server, 2, (1, 1))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    neighbour = branches.branch_ids[1]
    headers = sp.device_headers(device["token"])

    stock = requests.get(
        f"{server.url}/api/v1/branches/{neighbour}/stock", headers=headers, timeout=30
    )
    orders = requests.get(
        f"{server.url}/api/v1/branches/{neighbour}/orders", headers=headers, timeout=30
    )

    assert stock.status_code == 200
    assert orders.status_code == 403


def test_a_device_token_on_any_admin_path_gets_403(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    admin = [(m, p) for m, p in _calls(server) if p.startswith("/api/v1/admin/")]
    assert len(admin) >= 7

    for method, path in admin:
        url = server.url + path.replace("{device_id}", device["device_id"])
        answer = requests.request(
            method, url, headers=sp.device_headers(device["token"]), json={}, timeout=30
        )
        assert answer.status_code == 403, (method, path, answer.text)
    # ... and the device was not revoked by trying.
    hello = requests.get(
        f"{server.url}/api/v1/hello", headers=sp.device_headers(device["token"]), timeout=30
    )
    assert hello.status_code == 200


def test_admin_paths_need_the_admin_password(server: Server) -> None:
    wrong = requests.get(
        f"{server.url}/api/v1/admin/devices", auth=(server.admin[0], "not-it"), timeout=30
    )
    nobody = requests.get(f"{server.url}/api/v1/admin/devices", timeout=30)

    assert wrong.status_code == nobody.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Basic")
