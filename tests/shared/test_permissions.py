"""The permission matrix: roles, limits per role and per person, approval on the spot."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_shared.permissions import (
    APPROVABLE,
    MATRIX,
    ROLES,
    Limits,
    Permission,
    PermissionDenied,
    StaffRights,
    allowed,
    can_approve,
    needs_approval,
    require,
    require_approved,
    rights_of,
)

CASHIER = StaffRights("cashier")
SUPERVISOR = StaffRights("supervisor")
MANAGER = StaffRights("manager")
ADMIN = StaffRights("admin")


def test_roles_are_nested_from_cashier_to_administrator() -> None:
    for lower, higher in itertools.pairwise(ROLES):
        assert MATRIX[lower] < MATRIX[higher]
    assert MATRIX["admin"] == frozenset(Permission)


def test_only_administrators_edit_staff_and_settings() -> None:
    for role in ROLES:
        expected = role == "admin"
        assert allowed(StaffRights(role), Permission.EDIT_STAFF) is expected
        assert allowed(StaffRights(role), Permission.EDIT_SETTINGS) is expected


def test_a_cashier_needs_approval_for_what_is_above_the_counter() -> None:
    for permission in APPROVABLE - {Permission.DISCOUNT}:
        with pytest.raises(PermissionDenied) as refused:
            require(CASHIER, permission, amount_minor=1)
        assert refused.value.approvable
        assert needs_approval(CASHIER, permission, amount=1)
    with pytest.raises(PermissionDenied) as refused:
        require(CASHIER, Permission.EDIT_CATALOG)
    assert refused.value.reason == "role"
    assert not refused.value.approvable
    assert not needs_approval(CASHIER, Permission.EDIT_CATALOG)


def test_limits_come_from_the_role_unless_the_person_has_their_own() -> None:
    require(SUPERVISOR, Permission.REFUND, amount_minor=5_000)
    with pytest.raises(PermissionDenied) as refused:
        require(SUPERVISOR, Permission.REFUND, amount_minor=5_001)
    assert (refused.value.reason, refused.value.limit) == ("limit", 5_000)
    trusted = StaffRights("supervisor", Limits(refund_minor=20_000))
    require(trusted, Permission.REFUND, amount_minor=20_000)
    cashier_with_discount = StaffRights("cashier", Limits(discount_bp=1_000))
    require(cashier_with_discount, Permission.DISCOUNT, depth_bp=1_000)
    assert needs_approval(cashier_with_discount, Permission.DISCOUNT, amount=1_001)
    require(MANAGER, Permission.CASH_OUT, amount_minor=10**9)
    # An administrator has no limits, whatever is stored for them.
    require(StaffRights("admin", Limits(refund_minor=0)), Permission.REFUND, amount_minor=10**9)


def test_a_disabled_account_may_do_nothing_and_approve_nothing() -> None:
    gone = StaffRights("manager", active=False)
    with pytest.raises(PermissionDenied) as refused:
        require(gone, Permission.VIEW_REPORTS)
    assert refused.value.reason == "inactive"
    assert not can_approve(gone, Permission.VOID)


def test_approval_counts_only_from_someone_who_may_do_it_themselves() -> None:
    require_approved(CASHIER, Permission.VOID, MANAGER)
    require_approved(CASHIER, Permission.REFUND, SUPERVISOR, amount_minor=5_000)
    with pytest.raises(PermissionDenied) as refused:
        require_approved(CASHIER, Permission.REFUND, SUPERVISOR, amount_minor=5_001)
    assert refused.value.reason == "approver"
    with pytest.raises(PermissionDenied):
        require_approved(CASHIER, Permission.VOID, StaffRights("cashier", Limits()))
    with pytest.raises(PermissionDenied) as refused:
        require_approved(CASHIER, Permission.VOID, None)
    assert refused.value.approvable
    # Nobody approves an administrator's job on the spot.
    with pytest.raises(PermissionDenied):
        require_approved(CASHIER, Permission.EDIT_STAFF, ADMIN)


def test_rights_of_reads_the_role_and_the_old_discount_field() -> None:
    class Session:
        role = type("R", (), {"value": "cashier"})()
        max_discount_bp = 500

    rights = rights_of(Session())
    assert rights.role == "cashier"
    assert rights.effective.discount_bp == 500


@given(
    role=st.sampled_from(ROLES),
    own=st.one_of(st.none(), st.integers(0, 100_000)),
    amount=st.integers(0, 200_000),
)
def test_within_the_limit_is_allowed_and_beyond_it_is_not(
    role: str, own: int | None, amount: int
) -> None:
    staff = StaffRights(role, Limits(refund_minor=own))
    limit = staff.effective.refund_minor
    expected = Permission.REFUND in MATRIX[role] and (limit is None or amount <= limit)
    assert allowed(staff, Permission.REFUND, amount=amount) is expected
