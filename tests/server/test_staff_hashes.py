"""Staff password hashes come down only to enrolled tills of the branches the person may
work at: by bootstrap, by pull, and through no other door. Against the real server process.
"""

from __future__ import annotations

import uuid
from typing import Any

import requests
from tests import serverproc as sp

Server = sp.RunningServer


def _hash() -> str:
    return f"$argon2id$v=19$m=65536,t=3,p=4${uuid.uuid4().hex}${uuid.uuid4().hex}"


def _staff(username: str, branch_id: str | None) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "username": f"{username}-{uuid.uuid4().hex[:8]}",
        "display_name": username,
        "password_hash": _hash(),
        "role": "cashier",
        "branch_id": branch_id,
        "max_discount_bp": 0,
        "locale": "zh_TW",
        "active": True,
    }


def _get(server: Server, device: Any, path: str, **params: Any) -> requests.Response:
    answer = requests.get(
        server.url + path, params=params, headers=sp.device_headers(device["token"]), timeout=60
    )
    assert answer.status_code == 200, answer.text
    return answer


def _bootstrap_staff(server: Server, device: Any) -> dict[str, dict[str, Any]]:
    """Every staff row the device's bootstrap gives, by id; and the raw pages' text."""
    found: dict[str, dict[str, Any]] = {}
    after = ""
    while True:
        page = _get(server, device, "/api/v1/bootstrap/staff_user", after=after, limit=3).json()
        for values in page["rows"]:
            row = dict(zip(page["columns"], values, strict=True))
            found[row["id"]] = row
        if page["next_after"] is None:
            return found
        after = page["next_after"]


def _pulled_staff(server: Server, device: Any, cursor: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        page = _get(server, device, "/api/v1/pull", cursor=cursor, limit=500).json()
        rows += [c["data"] for c in page["changes"] if c["entity"] == "staff_user"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return rows


def _everything_a_device_can_read(server: Server, device: Any) -> str:
    """The text of every GET a till may make (with its own branch where one is asked)."""
    texts = []
    entities = _get(server, device, "/api/v1/bootstrap").json()["entities"]
    for entity in entities:
        texts.append(_get(server, device, f"/api/v1/bootstrap/{entity}", limit=20000).text)
    texts.append(_get(server, device, "/api/v1/pull", cursor=0, limit=2000).text)
    texts.append(_get(server, device, "/api/v1/hello").text)
    branch = device["branch"]["id"]
    for path in (f"/api/v1/branches/{branch}/orders", f"/api/v1/branches/{branch}/stock"):
        texts.append(_get(server, device, path).text)
    return "\n".join(texts)


def test_staff_hashes_reach_only_tills_of_branches_the_person_may_work_at(server: Server) -> None:
    branches = sp.setup_branches(server, 2, (1, 1))  # neighbours of each other
    a, b = branches.branch_ids
    till_a = sp.enrol(server, branches.workstation_ids[0][0])
    till_b = sp.enrol(server, branches.workstation_ids[1][0])
    start = {
        "a": int(_get(server, till_a, "/api/v1/hello").json()["cursor_head"]),
        "b": int(_get(server, till_b, "/api/v1/hello").json()["cursor_head"]),
    }
    at_a, at_b, anywhere = _staff("at-a", a), _staff("at-b", b), _staff("anywhere", None)
    sp.admin_post(
        server, "/api/v1/admin/catalog", {"entity": "staff_user", "rows": [at_a, at_b, anywhere]}
    )

    # Bootstrap: each till gets its own branch's people and those who work everywhere.
    for till, own, other in ((till_a, at_a, at_b), (till_b, at_b, at_a)):
        staff = _bootstrap_staff(server, till)
        assert staff[own["id"]]["password_hash"] == own["password_hash"]
        assert staff[anywhere["id"]]["password_hash"] == anywhere["password_hash"]
        assert other["id"] not in staff
    # Pull: the same, though the branches are neighbours (who share stock, not staff).
    pulled_a = _pulled_staff(server, till_a, start["a"])
    pulled_b = _pulled_staff(server, till_b, start["b"])
    assert {r["id"] for r in pulled_a} == {at_a["id"], anywhere["id"]}
    assert {r["id"] for r in pulled_b} == {at_b["id"], anywhere["id"]}
    # And no other door: nothing a till can read names the other branch's hash.
    assert at_b["password_hash"] not in _everything_a_device_can_read(server, till_a)
    assert at_a["password_hash"] not in _everything_a_device_can_read(server, till_b)
    # The administrator's listings never carry hashes either.
    for path in ("branches", "workstations", "devices", "flags"):
        listed = requests.get(
            f"{server.url}/api/v1/admin/{path}", auth=server.admin, timeout=60
        ).text
        assert "$argon2" not in listed

    # The person at A moves to B: A's till is told to forget the hash, B's gets it.
    cursor_a = int(_get(server, till_a, "/api/v1/hello").json()["cursor_head"])
    cursor_b = int(_get(server, till_b, "/api/v1/hello").json()["cursor_head"])
    moved = at_a | {"branch_id": b, "password_hash": _hash()}
    sp.admin_post(server, "/api/v1/admin/catalog", {"entity": "staff_user", "rows": [moved]})
    (left_behind,) = _pulled_staff(server, till_a, cursor_a)
    assert left_behind["id"] == at_a["id"]
    assert left_behind["password_hash"] == ""
    assert left_behind["active"] is False
    arrived = _pulled_staff(server, till_b, cursor_b)
    assert [r["password_hash"] for r in arrived] == [moved["password_hash"]]
    assert moved["id"] not in _bootstrap_staff(server, till_a)
    assert _bootstrap_staff(server, till_b)[moved["id"]]["password_hash"] == moved["password_hash"]
