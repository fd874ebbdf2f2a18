"""Audit chains pushed to the real server (SQLite and PostgreSQL): checked as they arrive.

Runs are made with the till's own rule (``shop_shared.audit_chain``) and
pushed as ``audit.entries`` ops: a chain that continues is stored without a
flag, a gap or a fork is flagged where it starts, and a device may not push
another workstation's chain.
"""

from __future__ import annotations

import uuid
from typing import Any

import requests
from tests import serverproc as sp

from shop_shared.audit_chain import GENESIS, entry_hash, wire_details
from shop_shared.ops import AUDIT_ENTRIES

Server = sp.RunningServer


def entries(chain: str, first: int, count: int, prev: str, tag: str = "") -> list[dict[str, Any]]:
    made = []
    for seq in range(first, first + count):
        fields = {
            "at": f"2026-12-08 01:{seq % 60:02d}:00.000000",
            "staff_id": None,
            "workstation_id": None,
            "action": "approval",
            "entity": "staff_user",
            "entity_id": "",
            "details": wire_details({"what": f"第 {seq} 行{tag}"}),
        }
        digest = entry_hash(chain, seq, prev, list(fields.values()))
        made.append({"seq": seq, "prev_hash": prev, "hash": digest, **fields})
        prev = digest
    return made


def op(device_seq: int, chain: str, run: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "op_id": str(uuid.uuid4()),
        "device_seq": device_seq,
        "op_type": AUDIT_ENTRIES,
        "payload_version": 1,
        "created_at": "",
        "payload": {"device_id": chain, "entries": run},
    }


def results(response: requests.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    answer: list[dict[str, Any]] = response.json()["results"]
    return answer


def breaks(server: Server, chain: str) -> list[dict[str, Any]]:
    flags = sp.admin_get(server, "/api/v1/admin/flags?after=0")["flags"]
    return [f["data"] for f in flags if f["kind"] == "audit_break" and f["entity_id"] == chain]


def test_a_continuing_chain_is_stored_and_a_gap_or_fork_is_flagged(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    chain = uuid.UUID(device["device_id"]).hex
    first = entries(chain, 1, 4, GENESIS)
    second = entries(chain, 5, 3, first[-1]["hash"])

    [a, b] = results(sp.push(server, device, [op(1, chain, first), op(2, chain, second)]))
    assert (a["status"], a["result"]["stored"], a["result"]["breaks"]) == ("applied", 4, [])
    assert (b["status"], b["result"]["stored"], b["result"]["breaks"]) == ("applied", 3, [])
    assert breaks(server, chain) == []

    # Entry 8 never arrives: 9 is stored (evidence) and the gap is flagged where it is.
    after_gap = entries(chain, 9, 2, "f" * 64)
    [c] = results(sp.push(server, device, [op(3, chain, after_gap)]))
    assert c["status"] == "applied"
    assert c["result"]["breaks"] == [
        {"chain_device_id": chain, "seq": 9, "problem": "seq_out_of_order"}
    ]
    # Another file wrote its own entry 6: a fork, flagged and not stored.
    forked = entries(chain, 6, 1, second[0]["hash"], tag=" (copy)")
    [d] = results(sp.push(server, device, [op(4, chain, forked)]))
    assert d["status"] == "applied"
    assert (d["result"]["stored"], d["result"]["already_held"]) == (0, 0)
    assert d["result"]["breaks"] == [{"chain_device_id": chain, "seq": 6, "problem": "fork"}]
    # The same entries again are already held: nothing new, no flag.
    [e] = results(sp.push(server, device, [op(5, chain, second)]))
    assert (e["result"]["stored"], e["result"]["already_held"]) == (0, 3)
    assert [f["problem"] for f in breaks(server, chain)] == ["seq_out_of_order", "fork"]


def test_a_device_cannot_push_another_workstations_chain(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (2,))
    mine = sp.enrol(server, branches.workstation_ids[0][0])
    other = sp.enrol(server, branches.workstation_ids[0][1])
    chain = uuid.UUID(other["device_id"]).hex
    [answer] = results(sp.push(server, mine, [op(1, chain, entries(chain, 1, 2, GENESIS))]))
    assert (answer["status"], answer["code"]) == ("rejected", "wrong_device")


def test_a_malformed_run_is_rejected_as_invalid(server: Server) -> None:
    branches = sp.setup_branches(server, 1, (1,))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    bad = op(1, "not-a-device", [])
    [answer] = results(sp.push(server, device, [bad]))
    assert (answer["status"], answer["code"]) == ("rejected", "invalid")
