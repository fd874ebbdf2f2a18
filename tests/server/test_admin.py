"""The admin API's listings page like the other lists: ``after`` and ``limit``, ``next_after``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from tests import serverproc as sp


def _pages(server: sp.RunningServer, path: str, key: str, limit: int) -> list[list[Any]]:
    pages: list[list[Any]] = []
    after: Any = None
    while True:
        query = f"{path}?limit={limit}" + ("" if after is None else f"&after={after}")
        answer = sp.admin_get(server, query)
        pages.append(answer[key])
        after = answer["next_after"]
        if after is None:
            return pages


def test_devices_and_flags_come_in_pages_that_add_up(
    fresh_server: Callable[[str], sp.RunningServer],
) -> None:
    server = fresh_server("sqlite")
    branches = sp.setup_branches(server, 1, (2,))
    devices = [sp.enrol(server, ws) for ws in branches.workstation_ids[0] for _ in range(3)]
    products = sp.add_products(server, 5)
    device = devices[0]
    op = sp.order_op(1, branch_id=device["branch"]["id"],
                     workstation_id=device["workstation"]["id"], product_ids=products)  # fmt: skip
    assert sp.push(server, device, [op]).status_code == 200  # five products below zero

    device_pages = _pages(server, "/api/v1/admin/devices", "devices", 4)
    flag_pages = _pages(server, "/api/v1/admin/flags", "flags", 2)

    assert [len(p) for p in device_pages] == [4, 2]
    listed = [d["id"] for page in device_pages for d in page]
    assert sorted(listed) == sorted(d["device_id"] for d in devices)
    assert listed == sorted(listed)
    assert [len(p) for p in flag_pages] == [2, 2, 1]
    ids = [f["id"] for page in flag_pages for f in page]
    assert ids == sorted(set(ids))
    assert {f["entity_id"].split(":")[1] for page in flag_pages for f in page} == set(products)


def test_a_page_limit_out_of_range_is_refused_in_a_sentence(server: sp.RunningServer) -> None:
    for path in ("/api/v1/admin/devices?limit=0", "/api/v1/admin/flags?limit=100000",
                 "/api/v1/admin/flags?after=-1"):  # fmt: skip
        answer = requests.get(server.url + path, auth=server.admin, timeout=30)
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "invalid"
