"""The cart: every refused change leaves it exactly as it was; every accepted one can be undone."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_desktop.domain.cart import (
    MAX_LINES,
    MAX_UNITS,
    MAX_WEIGHED_MILLI,
    MILLI,
    UNDO_DEPTH,
    Cart,
    CartError,
    CartMember,
    CartProblem,
    CartProduct,
    manual_discount_depth_bp,
    override_discount_bp,
    parse_quantity,
)
from shop_desktop.domain.pricing import Coupon, Promotion, PromotionKind


def product(n: int = 1, *, weighed: bool = False, price: int = 100) -> CartProduct:
    return CartProduct(
        product_id=uuid.UUID(int=n),
        sku=f"SKU{n}",
        name_zh=f"商品{n}",
        name_en=f"Product {n}",
        unit="kg" if weighed else "pc",
        weighed=weighed,
        price_minor=price,
        tax_rate_bp=500,
        tax_inclusive=True,
        category_ids=frozenset({"c1", "c0"}),
        brand_id="b1",
        member_price_minor=price - 10 if price > 10 else None,
        weight_grams=250,
    )


def coupon(code: str = "SAVE10") -> Coupon:
    return Coupon(
        code=code,
        promotion=Promotion(
            id="p1",
            code=code,
            name_zh="折價",
            name_en="Save",
            kind=PromotionKind.AMOUNT_OFF,
            amount_minor=10,
            coupon_only=True,
        ),
    )


@pytest.mark.parametrize(
    ("text", "weighed", "milli"),
    [
        ("2", False, 2000),
        (" 12 ", False, 12_000),
        ("１２", False, 12_000),  # full-width digits from a Chinese input method
        ("1,000", False, 1_000_000),
        ("1.25", True, 1250),
        ("0.005", True, 5),
        ("999.999", True, MAX_WEIGHED_MILLI),
    ],
)
def test_parse_quantity_accepts(text: str, weighed: bool, milli: int) -> None:
    assert parse_quantity(text, weighed=weighed) == milli


@pytest.mark.parametrize(
    ("text", "weighed", "reason"),
    [
        ("", False, CartProblem.NOT_A_NUMBER),
        ("abc", False, CartProblem.NOT_A_NUMBER),
        ("nan", False, CartProblem.NOT_A_NUMBER),
        ("inf", True, CartProblem.NOT_A_NUMBER),
        ("1e400", False, CartProblem.TOO_LARGE),
        ("0", False, CartProblem.ZERO),
        ("-0", True, CartProblem.ZERO),
        ("-1", False, CartProblem.NEGATIVE),
        ("1.5", False, CartProblem.NOT_WHOLE),
        ("1.2345", True, CartProblem.TOO_PRECISE),
        (str(MAX_UNITS + 1), False, CartProblem.TOO_LARGE),
        ("4711000012345", False, CartProblem.TOO_LARGE),  # a barcode typed into the quantity box
        ("1000", True, CartProblem.TOO_LARGE),
        ("9" * 40, False, CartProblem.NOT_A_NUMBER),
    ],
)
def test_parse_quantity_refuses(text: str, weighed: bool, reason: CartProblem) -> None:
    with pytest.raises(CartError) as caught:
        parse_quantity(text, weighed=weighed)
    assert caught.value.reason is reason


def test_scanning_the_same_product_again_grows_the_line() -> None:
    cart = Cart()
    first = cart.add(product(1))
    again = cart.add(product(1))
    assert first == again
    assert [i.qty_milli for i in cart] == [2 * MILLI]
    cart.add(product(2))
    assert len(cart) == 2


def test_weighed_goods_and_lines_with_a_note_get_their_own_line() -> None:
    cart = Cart()
    cart.add(product(1, weighed=True), 1250)
    cart.add(product(1, weighed=True), 800)
    assert [i.qty_milli for i in cart] == [1250, 800]
    line = cart.add(product(2))
    cart.set_note(line, "gift wrap")
    cart.add(product(2))
    assert [i.qty_milli for i in cart][2:] == [MILLI, MILLI]


def test_a_label_price_sells_the_line_at_that_price() -> None:
    cart = Cart()
    line = cart.add(product(3, price=100), label_price_minor=87)
    assert cart.item(line).price_override_minor == 87
    # Not merged into: another label is another price.
    other = cart.add(product(3, price=100), label_price_minor=90)
    assert other != line


def snapshot(cart: Cart) -> str:
    return json.dumps(cart.to_json(), sort_keys=True)


def test_refused_changes_leave_the_cart_as_it_was() -> None:
    cart = Cart()
    line = cart.add(product(1), 3 * MILLI)
    weighed = cart.add(product(2, weighed=True), 500)
    before = snapshot(cart)
    attempts: list[Callable[[], object]] = [
        lambda: cart.set_quantity(line, 0),
        lambda: cart.set_quantity(line, -MILLI),
        lambda: cart.set_quantity(line, 1500),
        lambda: cart.set_quantity(line, (MAX_UNITS + 1) * MILLI),
        lambda: cart.set_quantity(weighed, MAX_WEIGHED_MILLI + 1),
        lambda: cart.set_quantity("L99", MILLI),
        lambda: cart.set_price(line, -1),
        lambda: cart.set_discount(line, percent_bp=10_001),
        lambda: cart.set_discount(line, percent_bp=100, amount_minor=5),
        lambda: cart.set_discount(line, amount_minor=301),
        lambda: cart.add(product(1), 0),
        lambda: cart.add(product(1), MAX_UNITS * MILLI),  # 3 + 9999 units on one line
        lambda: cart.remove("L99"),
    ]
    for attempt in attempts:
        with pytest.raises(CartError):
            attempt()
        assert snapshot(cart) == before


def test_undo_takes_back_each_change_in_turn() -> None:
    cart = Cart()
    states = [snapshot(cart)]
    line = cart.add(product(1))
    states.append(snapshot(cart))
    cart.set_quantity(line, 5 * MILLI)
    states.append(snapshot(cart))
    cart.set_discount(line, percent_bp=1000)
    states.append(snapshot(cart))
    cart.attach_member(CartMember(uuid.UUID(int=9), "M0009", "王小姐", "gold"))
    states.append(snapshot(cart))
    cart.add_coupon(coupon())
    states.append(snapshot(cart))
    cart.remove(line)
    while cart.can_undo:
        cart.undo()
        assert snapshot(cart) == states.pop()
    assert not states[1:]
    with pytest.raises(CartError) as caught:
        cart.undo()
    assert caught.value.reason is CartProblem.NOTHING_TO_UNDO


def test_undo_is_bounded() -> None:
    cart = Cart()
    for n in range(UNDO_DEPTH + 10):
        cart.add(product(n + 1))
    undone = 0
    while cart.can_undo:
        cart.undo()
        undone += 1
    assert undone == UNDO_DEPTH
    assert len(cart) == 10


def test_a_cart_cannot_grow_without_end() -> None:
    cart = Cart()
    for n in range(MAX_LINES):
        cart.add(product(n + 1))
    with pytest.raises(CartError) as caught:
        cart.add(product(MAX_LINES + 1))
    assert caught.value.reason is CartProblem.TOO_MANY_LINES


def test_the_same_coupon_twice_is_refused() -> None:
    cart = Cart()
    cart.add_coupon(coupon("abc"))
    with pytest.raises(CartError) as caught:
        cart.add_coupon(coupon("ABC"))
    assert caught.value.reason is CartProblem.COUPON_ALREADY_ADDED


def test_parked_payload_round_trips_through_json() -> None:
    cart = Cart(label="王小姐")
    line = cart.add(product(1), 2 * MILLI)
    cart.set_discount(line, amount_minor=15, approved_by=uuid.UUID(int=77))
    cart.add(product(2, weighed=True), 1234)
    cart.set_note("L2", "切片")
    cart.attach_member(CartMember(uuid.UUID(int=9), "M0009", "王小姐", "gold"))
    cart.add_coupon(coupon())
    payload = json.loads(json.dumps(cart.to_json()))
    back = Cart.from_json(payload)
    assert back.to_json() == {**cart.to_json(), "coupon_codes": []}
    assert payload["coupon_codes"] == ["SAVE10"]
    # New lines after a recall never reuse an id.
    assert back.add(product(5)) == "L3"


def test_pricing_lines_carry_what_the_engine_needs() -> None:
    cart = Cart()
    line = cart.add(product(1, price=250), 2 * MILLI)
    cart.set_price(line, 200)
    (priced,) = cart.pricing_lines()
    assert priced.line_id == line
    assert priced.product_id == str(uuid.UUID(int=1))
    assert priced.price_override_minor == 200
    assert priced.unit_price_minor == 250
    assert priced.category_ids == frozenset({"c0", "c1"})


def test_discount_depths_for_the_approval_rule() -> None:
    cart = Cart()
    line = cart.add(product(1, price=200), 2 * MILLI)
    item = cart.item(line)
    assert override_discount_bp(item, 150) == 2500
    assert override_discount_bp(item, 250) == 0
    assert override_discount_bp(item, None) == 0
    assert manual_discount_depth_bp(item, discount_bp=1500) == 1500
    assert manual_discount_depth_bp(item, discount_minor=40) == 1000
    # Rounded up: 1 off 400 is 0.25 %, which must not slip under a zero limit.
    assert manual_discount_depth_bp(item, discount_minor=1) == 25


@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.integers(1, 20), st.booleans()), min_size=1, max_size=30
    )
)
def test_any_sequence_of_adds_can_be_undone_back_to_empty(
    steps: list[tuple[int, int, bool]],
) -> None:
    cart = Cart()
    for n, units, weighed in steps:
        cart.add(product(n + 100 * weighed, weighed=weighed), units * (37 if weighed else MILLI))
    while cart.can_undo:
        cart.undo()
    assert cart.is_empty
