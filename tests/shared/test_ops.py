"""Op names and payload versions (shop_shared.ops): one list for the till and the server."""

from __future__ import annotations

import pytest

from shop_server.push import HANDLERS
from shop_shared import ops


def test_the_server_applies_every_op_of_the_protocol_and_no_other() -> None:
    assert HANDLERS.keys() == ops.PAYLOAD_VERSIONS.keys()


def test_every_order_op_is_in_the_protocol() -> None:
    assert ops.PAYLOAD_VERSIONS.keys() >= ops.ORDER_OPS | ops.ORDER_STEP_OPS
    assert not ops.ORDER_OPS & ops.ORDER_STEP_OPS


def test_order_payloads_carry_points_from_version_2() -> None:
    assert ops.payload_version(ops.ORDER_COMPLETED) == 2
    assert ops.payload_version(ops.ORDER_TAKEN) == 2
    assert ops.payload_version(ops.CART_PARKED) == 1


def test_an_op_outside_the_protocol_has_no_version() -> None:
    with pytest.raises(ops.UnknownOp):
        ops.payload_version("bogus.op")


def test_the_table_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        ops.PAYLOAD_VERSIONS[ops.ORDER_PAID] = 9  # type: ignore[index]
