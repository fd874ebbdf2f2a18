"""The size ``next_batch`` counts for an op's envelope is what ``json.dumps`` writes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.services.sync.push import _envelope_size


@given(
    seq=st.integers(min_value=0, max_value=2**62),
    op_type=st.one_of(st.sampled_from(["order.completed", "cart.parked"]), st.text(max_size=20)),
    version=st.integers(min_value=0, max_value=2**31),
    seconds=st.integers(min_value=0, max_value=10**9),
)
def test_the_envelope_size_is_the_length_json_writes(
    seq: int, op_type: str, version: int, seconds: int
) -> None:
    wire = {
        "op_id": str(uuid.uuid4()),
        "device_seq": seq,
        "op_type": op_type,
        "payload_version": version,
        "created_at": (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)).isoformat(),
        "payload": {"id": "x"},
    }
    assert _envelope_size(wire) == len(json.dumps({**wire, "payload": None}).encode())
