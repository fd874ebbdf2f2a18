"""A wrong user name costs the same argon2 work as a wrong password."""

from __future__ import annotations

from argon2 import extract_parameters

from shop_desktop.services import auth
from shop_desktop.services.passwords import hash_password, needs_rehash, verify_password


def test_the_stand_in_hash_has_the_parameters_of_a_real_one() -> None:
    stand_in = auth._dummy_hash()
    # Same algorithm, memory, time and lanes as a password hashed today: same work to verify.
    assert extract_parameters(stand_in) == extract_parameters(hash_password("anything"))
    assert not needs_rehash(stand_in)
    assert not verify_password(stand_in, "")
