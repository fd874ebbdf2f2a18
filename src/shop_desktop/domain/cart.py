"""The customer's cart as the cashier builds it: lines, member, coupons, and undo.

A cart knows what it needs to price itself (a :class:`CartProduct` snapshot is
taken when a product is added, so the bill on screen never changes under the
cashier because the catalog synced) and nothing about Qt or the database.
Every change goes through a method that validates first and changes second, so
bad input leaves the cart exactly as it was; each accepted change can be undone.

A cart is also the payload of a parked order: :meth:`Cart.to_json` and
:meth:`Cart.from_json` round-trip it through JSON so it survives a restart and
can be recalled at another workstation of the branch.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from shop_desktop.domain.pricing import CartLine, Coupon

#: Thousandths: quantities are stored as integer milli-units.
MILLI = 1000
#: More than this many units on one line is a typo (a barcode read into the quantity box).
MAX_UNITS = 9_999
#: Weighed goods: up to 999.999 kg on one line.
MAX_WEIGHED_MILLI = 999_999
#: A cart this long is a runaway scanner, not a customer.
MAX_LINES = 500
#: Steps the cashier can take back.
UNDO_DEPTH = 50
#: Basis points in a whole: 10000 bp = 100 %.
WHOLE_BP = 10_000


class CartProblem(Enum):
    """Why a cart change was refused; the UI words each one for the cashier."""

    NOT_A_NUMBER = "not_a_number"
    ZERO = "zero"
    NEGATIVE = "negative"
    TOO_LARGE = "too_large"
    NOT_WHOLE = "not_whole"
    TOO_PRECISE = "too_precise"
    TOO_MANY_LINES = "too_many_lines"
    NO_SUCH_LINE = "no_such_line"
    BAD_PRICE = "bad_price"
    BAD_DISCOUNT = "bad_discount"
    COUPON_ALREADY_ADDED = "coupon_already_added"
    NOTHING_TO_UNDO = "nothing_to_undo"


class CartError(ValueError):
    """A change the cart refused; ``reason`` says why, ``detail`` carries the numbers."""

    def __init__(self, reason: CartProblem, **detail: object) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class CartProduct:
    """What the till knows about a product at the moment it went into the cart."""

    product_id: uuid.UUID
    sku: str
    name_zh: str
    name_en: str
    unit: str
    weighed: bool
    price_minor: int
    tax_rate_bp: int
    tax_inclusive: bool
    category_ids: frozenset[str] = frozenset()
    brand_id: str | None = None
    member_price_minor: int | None = None
    weight_grams: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "product_id": str(self.product_id),
            "sku": self.sku,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "unit": self.unit,
            "weighed": self.weighed,
            "price_minor": self.price_minor,
            "tax_rate_bp": self.tax_rate_bp,
            "tax_inclusive": self.tax_inclusive,
            "category_ids": sorted(self.category_ids),
            "brand_id": self.brand_id,
            "member_price_minor": self.member_price_minor,
            "weight_grams": self.weight_grams,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CartProduct:
        member_price = data.get("member_price_minor")
        brand = data.get("brand_id")
        return cls(
            product_id=uuid.UUID(str(data["product_id"])),
            sku=str(data["sku"]),
            name_zh=str(data["name_zh"]),
            name_en=str(data["name_en"]),
            unit=str(data["unit"]),
            weighed=bool(data["weighed"]),
            price_minor=_int(data["price_minor"]),
            tax_rate_bp=_int(data["tax_rate_bp"]),
            tax_inclusive=bool(data["tax_inclusive"]),
            category_ids=frozenset(str(c) for c in data.get("category_ids", ())),
            brand_id=None if brand is None else str(brand),
            member_price_minor=None if member_price is None else _int(member_price),
            weight_grams=_int(data.get("weight_grams", 0)),
        )


@dataclass(frozen=True)
class CartItem:
    """One line of the cart."""

    line_id: str
    product: CartProduct
    qty_milli: int
    note: str = ""
    price_override_minor: int | None = None
    manual_discount_bp: int = 0
    manual_discount_minor: int = 0
    #: The manager who approved an override or discount beyond the cashier's limit.
    approved_by: uuid.UUID | None = None

    @property
    def plain(self) -> bool:
        """No note, override or discount: another scan of it just adds a unit."""
        return (
            not self.note
            and self.price_override_minor is None
            and not self.manual_discount_bp
            and not self.manual_discount_minor
        )

    def pricing_line(self) -> CartLine:
        p = self.product
        return CartLine(
            line_id=self.line_id,
            product_id=str(p.product_id),
            category_ids=p.category_ids,
            brand_id=p.brand_id,
            qty_milli=self.qty_milli,
            unit_price_minor=p.price_minor,
            tax_rate_bp=p.tax_rate_bp,
            tax_inclusive=p.tax_inclusive,
            member_price_minor=p.member_price_minor,
            weight_grams=p.weight_grams,
            weighed=p.weighed,
            price_override_minor=self.price_override_minor,
            manual_discount_bp=self.manual_discount_bp,
            manual_discount_minor=self.manual_discount_minor,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "line_id": self.line_id,
            "product": self.product.to_json(),
            "qty_milli": self.qty_milli,
            "note": self.note,
            "price_override_minor": self.price_override_minor,
            "manual_discount_bp": self.manual_discount_bp,
            "manual_discount_minor": self.manual_discount_minor,
            "approved_by": None if self.approved_by is None else str(self.approved_by),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CartItem:
        override = data.get("price_override_minor")
        approver = data.get("approved_by")
        return cls(
            line_id=str(data["line_id"]),
            product=CartProduct.from_json(data["product"]),
            qty_milli=_int(data["qty_milli"]),
            note=str(data.get("note", "")),
            price_override_minor=None if override is None else _int(override),
            manual_discount_bp=_int(data.get("manual_discount_bp", 0)),
            manual_discount_minor=_int(data.get("manual_discount_minor", 0)),
            approved_by=None if approver is None else uuid.UUID(str(approver)),
        )


@dataclass(frozen=True)
class CartMember:
    """The member attached to the cart: prices and promotions follow their level."""

    member_id: uuid.UUID
    code: str
    name: str
    level: str

    def to_json(self) -> dict[str, Any]:
        return {
            "member_id": str(self.member_id),
            "code": self.code,
            "name": self.name,
            "level": self.level,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CartMember:
        return cls(
            member_id=uuid.UUID(str(data["member_id"])),
            code=str(data["code"]),
            name=str(data["name"]),
            level=str(data["level"]),
        )


@dataclass
class _Snapshot:
    items: list[CartItem]
    member: CartMember | None
    coupons: dict[str, Coupon]
    delivery: tuple[str, str]


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    return value


def parse_quantity(text: str, *, weighed: bool) -> int:
    """A typed quantity as milli-units: ``"2"`` is 2000, ``"1.25"`` (kg) is 1250.

    Whole units only for goods sold by the piece; at most three decimals for
    weighed goods. Raises :class:`CartError` for anything else.
    """
    cleaned = text.strip().replace(",", "").replace("，", "")
    # Full-width digits typed through a Chinese input method are still digits.
    cleaned = cleaned.translate({0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF0E: ord(".")})
    if not cleaned or len(cleaned) > 16:
        raise CartError(CartProblem.NOT_A_NUMBER, text=text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CartError(CartProblem.NOT_A_NUMBER, text=text) from None
    if not value.is_finite():
        raise CartError(CartProblem.NOT_A_NUMBER, text=text)
    milli = value * MILLI
    if milli != milli.to_integral_value():
        raise CartError(CartProblem.TOO_PRECISE, text=text)
    return check_quantity(int(milli), weighed=weighed)


def check_quantity(qty_milli: int, *, weighed: bool) -> int:
    """The quantity if a till can sell it, else :class:`CartError`."""
    if qty_milli == 0:
        raise CartError(CartProblem.ZERO)
    if qty_milli < 0:
        raise CartError(CartProblem.NEGATIVE)
    limit = MAX_WEIGHED_MILLI if weighed else MAX_UNITS * MILLI
    if qty_milli > limit:
        raise CartError(CartProblem.TOO_LARGE, limit_milli=limit)
    if not weighed and qty_milli % MILLI:
        raise CartError(CartProblem.NOT_WHOLE)
    return qty_milli


def override_discount_bp(item: CartItem, price_override_minor: int | None) -> int:
    """How deep a price override cuts into the catalog price, in basis points."""
    price = item.product.price_minor
    if price_override_minor is None or price <= 0 or price_override_minor >= price:
        return 0
    return (price - price_override_minor) * WHOLE_BP // price


def manual_discount_depth_bp(
    item: CartItem, *, discount_bp: int = 0, discount_minor: int = 0
) -> int:
    """A staff line discount as a fraction of the line's catalog value, in basis points."""
    if discount_bp:
        return discount_bp
    gross = item.product.price_minor * item.qty_milli // MILLI
    if discount_minor <= 0:
        return 0
    if gross <= 0:
        return WHOLE_BP
    return min(WHOLE_BP, -(-discount_minor * WHOLE_BP // gross))


@dataclass
class Cart:
    """A cart being built at the counter.

    ``cart_id`` is client-made and becomes the order's id at checkout, so
    paying twice for the same cart is caught by the sale's idempotency key.
    """

    cart_id: uuid.UUID = field(default_factory=uuid.uuid4)
    label: str = ""
    items: list[CartItem] = field(default_factory=list)
    member: CartMember | None = None
    coupons: dict[str, Coupon] = field(default_factory=dict)
    #: The delivery rule's code ("" for none) and the customer's zone for zone-priced rules.
    delivery_code: str = ""
    delivery_zone: str = ""
    _undo: list[_Snapshot] = field(default_factory=list, repr=False)
    _next_line: int = field(default=1, repr=False)

    # --- reading ----------------------------------------------------------

    def __iter__(self) -> Iterator[CartItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def is_empty(self) -> bool:
        return not self.items

    def item(self, line_id: str) -> CartItem:
        for item in self.items:
            if item.line_id == line_id:
                return item
        raise CartError(CartProblem.NO_SUCH_LINE, line_id=line_id)

    def row_of(self, line_id: str) -> int:
        for row, item in enumerate(self.items):
            if item.line_id == line_id:
                return row
        return -1

    def pricing_lines(self) -> list[CartLine]:
        return [item.pricing_line() for item in self.items]

    def coupon_list(self) -> tuple[Coupon, ...]:
        return tuple(self.coupons.values())

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def units(self) -> int:
        """Pieces in the cart (a weighed line counts as one)."""
        return sum(i.qty_milli // MILLI if not i.product.weighed else 1 for i in self.items)

    # --- changing ---------------------------------------------------------

    def _remember(self) -> None:
        self._undo.append(
            _Snapshot(
                list(self.items),
                self.member,
                dict(self.coupons),
                (self.delivery_code, self.delivery_zone),
            )
        )
        del self._undo[:-UNDO_DEPTH]

    def _new_line_id(self) -> str:
        line_id = f"L{self._next_line}"
        self._next_line += 1
        return line_id

    def add(
        self,
        product: CartProduct,
        qty_milli: int = MILLI,
        *,
        label_price_minor: int | None = None,
    ) -> str:
        """Add a product; a plain line of the same piece-goods product just grows.

        Weighed goods always get their own line: two bags of apples are two
        labels. ``label_price_minor`` is a price printed on an in-store label
        (a scale's price-embedded barcode): the line is sold at that price.
        Returns the line id that changed.
        """
        check_quantity(qty_milli, weighed=product.weighed)
        if label_price_minor is not None and label_price_minor < 0:
            raise CartError(CartProblem.BAD_PRICE, price_minor=label_price_minor)
        if not product.weighed and label_price_minor is None:
            for row, item in enumerate(self.items):
                if item.product.product_id == product.product_id and item.plain:
                    total = check_quantity(item.qty_milli + qty_milli, weighed=False)
                    self._remember()
                    self.items[row] = replace(item, qty_milli=total)
                    return item.line_id
        if len(self.items) >= MAX_LINES:
            raise CartError(CartProblem.TOO_MANY_LINES, limit=MAX_LINES)
        self._remember()
        line_id = self._new_line_id()
        override = None if product.weighed else label_price_minor
        self.items.append(CartItem(line_id, product, qty_milli, price_override_minor=override))
        return line_id

    def _replace(self, line_id: str, **changes: Any) -> str:
        row = self.row_of(line_id)
        if row < 0:
            raise CartError(CartProblem.NO_SUCH_LINE, line_id=line_id)
        updated = replace(self.items[row], **changes)
        if updated != self.items[row]:
            self._remember()
            self.items[row] = updated
        return line_id

    def set_quantity(self, line_id: str, qty_milli: int) -> str:
        item = self.item(line_id)
        check_quantity(qty_milli, weighed=item.product.weighed)
        return self._replace(line_id, qty_milli=qty_milli)

    def set_note(self, line_id: str, note: str) -> str:
        self.item(line_id)
        return self._replace(line_id, note=note.strip()[:240])

    def set_price(
        self, line_id: str, price_minor: int | None, *, approved_by: uuid.UUID | None = None
    ) -> str:
        """Override the unit price (``None`` goes back to the catalog price)."""
        item = self.item(line_id)
        if price_minor is not None and (
            price_minor < 0 or price_minor > 100 * max(item.product.price_minor, 1_000_000)
        ):
            raise CartError(CartProblem.BAD_PRICE, price_minor=price_minor)
        return self._replace(
            line_id,
            price_override_minor=price_minor,
            approved_by=approved_by if approved_by is not None else item.approved_by,
        )

    def set_discount(
        self,
        line_id: str,
        *,
        percent_bp: int = 0,
        amount_minor: int = 0,
        approved_by: uuid.UUID | None = None,
    ) -> str:
        """A staff discount on the line: a percentage or an amount, not both."""
        item = self.item(line_id)
        if percent_bp and amount_minor:
            raise CartError(CartProblem.BAD_DISCOUNT)
        if not 0 <= percent_bp <= WHOLE_BP or amount_minor < 0:
            raise CartError(CartProblem.BAD_DISCOUNT)
        gross = item.product.price_minor * item.qty_milli // MILLI
        if item.price_override_minor is not None:
            gross = item.price_override_minor * item.qty_milli // MILLI
        if amount_minor > gross:
            raise CartError(CartProblem.BAD_DISCOUNT, limit_minor=gross)
        return self._replace(
            line_id,
            manual_discount_bp=percent_bp,
            manual_discount_minor=amount_minor,
            approved_by=approved_by if approved_by is not None else item.approved_by,
        )

    def remove(self, line_id: str) -> None:
        row = self.row_of(line_id)
        if row < 0:
            raise CartError(CartProblem.NO_SUCH_LINE, line_id=line_id)
        self._remember()
        del self.items[row]

    def attach_member(self, member: CartMember | None) -> None:
        if member == self.member:
            return
        self._remember()
        self.member = member

    def add_coupon(self, coupon: Coupon) -> None:
        code = coupon.code.upper()
        if code in self.coupons:
            raise CartError(CartProblem.COUPON_ALREADY_ADDED, code=code)
        self._remember()
        self.coupons[code] = coupon

    def remove_coupon(self, code: str) -> None:
        if code.upper() in self.coupons:
            self._remember()
            del self.coupons[code.upper()]

    def set_delivery(self, code: str, zone: str = "") -> None:
        """Deliver by the rule ``code`` (to ``zone``), or ``""`` for no delivery."""
        wanted = (code.strip(), zone.strip()[:40] if code.strip() else "")
        if wanted == (self.delivery_code, self.delivery_zone):
            return
        self._remember()
        self.delivery_code, self.delivery_zone = wanted

    def clear(self) -> None:
        if self.items or self.member or self.coupons:
            self._remember()
            self.items = []
            self.member = None
            self.coupons = {}

    def undo(self) -> None:
        """Take back the last change."""
        if not self._undo:
            raise CartError(CartProblem.NOTHING_TO_UNDO)
        snapshot = self._undo.pop()
        self.items = snapshot.items
        self.member = snapshot.member
        self.coupons = snapshot.coupons
        self.delivery_code, self.delivery_zone = snapshot.delivery

    # --- parking ----------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The cart as a parked order payload (coupons by code: re-checked on recall)."""
        return {
            "version": 1,
            "cart_id": str(self.cart_id),
            "label": self.label,
            "items": [item.to_json() for item in self.items],
            "member": None if self.member is None else self.member.to_json(),
            "coupon_codes": sorted(self.coupons),
            "delivery_code": self.delivery_code,
            "delivery_zone": self.delivery_zone,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Cart:
        """A recalled cart: without its coupons, which the caller looks up again."""
        items = [CartItem.from_json(i) for i in data.get("items", ())]
        member = data.get("member")
        numbers = [int(i.line_id[1:]) for i in items if i.line_id[1:].isdigit()]
        return cls(
            cart_id=uuid.UUID(str(data["cart_id"])),
            label=str(data.get("label", "")),
            items=items,
            member=None if member is None else CartMember.from_json(member),
            delivery_code=str(data.get("delivery_code", "")),
            delivery_zone=str(data.get("delivery_zone", "")),
            _next_line=max(numbers, default=0) + 1,
        )

    def copy(self) -> Cart:
        return copy.deepcopy(self)


def coupon_codes_of(payload: Mapping[str, Any]) -> Sequence[str]:
    """The coupon codes a parked cart carried."""
    return [str(c) for c in payload.get("coupon_codes", ())]
