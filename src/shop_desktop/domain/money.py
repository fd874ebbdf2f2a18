"""Money as a whole number of minor units of one currency.

Amounts never pass through ``float``: they come in as ``int``, ``Decimal`` or
text, and every step that can lose a fraction of a minor unit names its
``RoundingRule``.  ``Money.minor`` is bounded by ``MAX_MINOR`` so that any
amount fits a signed 64-bit database column (SQLite INTEGER, SQL BIGINT).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    InvalidOperation,
)
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple, TypedDict, final

# The shop's one rounding rule on plain integers lives in the package the server
# shares; re-exported here so the till's code finds it beside Money.
from shop_shared.rounding import (
    MILLI,
    WHOLE_BP,
    half_up,
    line_gross_minor,
    tax_in_gross_bp,
    tax_on_net_bp,
)

__all__ = [
    "CNY",
    "CURRENCIES",
    "EUR",
    "HKD",
    "JPY",
    "MAX_MINOR",
    "MAX_PARSE_LENGTH",
    "MILLI",
    "TWD",
    "USD",
    "WHOLE_BP",
    "Currency",
    "CurrencyMismatch",
    "InvalidAmount",
    "Money",
    "MoneyJSON",
    "RoundingRule",
    "TaxSplit",
    "UnknownCurrency",
    "allocate",
    "currency",
    "half_up",
    "line_gross_minor",
    "split_evenly",
    "split_tax_inclusive",
    "tax_from_inclusive",
    "tax_in_gross_bp",
    "tax_on_exclusive",
    "tax_on_net_bp",
]

MAX_MINOR = 2**63 - 1
"""Largest ``abs(Money.minor)``; symmetric so that negation never overflows."""

MAX_PARSE_LENGTH = 30
"""Longest text ``Money.parse`` looks at; anything longer is not a typed amount."""

# A shift by more places than MAX_MINOR has digits can only overflow.
_MAX_DIGITS = len(str(MAX_MINOR))
# Bounds the integers built from Decimal weights and rates, whose exponents are
# otherwise unbounded ("1E-999999999" is a valid Decimal).
_MAX_WEIGHT_SPREAD = 100
_MAX_RATE_PLACES = 100


class UnknownCurrency(ValueError):
    """A currency code that is not registered."""


class InvalidAmount(ValueError):
    """Text or a value that is not an acceptable amount of money."""


class CurrencyMismatch(ValueError):
    """Arithmetic or ordering between amounts of different currencies."""


def _reject_non_int(value: object, what: str, float_hint: str = "") -> None:
    """Raise TypeError unless value is a plain int (bool is refused too)."""
    if isinstance(value, float):
        raise TypeError(f"{what} must be an int, not a float ({value!r}){float_hint}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")


# Characters a symbol may not contain, or formatted amounts would not parse back.
_FORBIDDEN_IN_SYMBOL = re.compile(r"[\d\s+\-.,\u2212]")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True)
class Currency:
    """A currency as the shop uses it.

    ``exponent`` is the number of minor-unit digits (2 for cents, 0 for TWD);
    ``cash_increment`` is the smallest coin in minor units, used by
    ``Money.round_to_cash``.  Identity is ``(code, exponent)``: symbol and cash
    increment are presentation and cash policy, so a shop-specific variant
    (e.g. EUR rounded to 5 cents) still adds up with plain EUR.
    """

    code: str
    exponent: int
    symbol: str = field(compare=False)
    cash_increment: int = field(default=1, compare=False, kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or _CURRENCY_CODE.fullmatch(self.code) is None:
            raise ValueError(f"currency code must be three letters A-Z, got {self.code!r}")
        _reject_non_int(self.exponent, "exponent")
        if not 0 <= self.exponent <= 4:
            raise ValueError(f"exponent must be between 0 and 4, got {self.exponent}")
        _reject_non_int(self.cash_increment, "cash_increment")
        if self.cash_increment < 1:
            raise ValueError(f"cash_increment must be at least 1, got {self.cash_increment}")
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ValueError(f"symbol must be a non-empty string, got {self.symbol!r}")
        # Checked as parse() sees it: NFKC can turn e.g. a circled digit into a digit.
        if _FORBIDDEN_IN_SYMBOL.search(unicodedata.normalize("NFKC", self.symbol)):
            raise ValueError(
                f"symbol {self.symbol!r} must not contain digits, spaces, signs, '.' or ','"
            )


TWD = Currency("TWD", 0, "NT$")
USD = Currency("USD", 2, "$")
EUR = Currency("EUR", 2, "€")
CNY = Currency("CNY", 2, "¥")
# The 10-cent coin is the smallest HKD coin in circulation.
HKD = Currency("HKD", 2, "HK$", cash_increment=10)
JPY = Currency("JPY", 0, "¥")

CURRENCIES: Mapping[str, Currency] = MappingProxyType(
    {c.code: c for c in (TWD, USD, EUR, CNY, HKD, JPY)}
)
"""The built-in currencies by ISO code (read-only)."""


def currency(code: str) -> Currency:
    """Return the built-in currency for an ISO 4217 code (case-insensitive)."""
    if not isinstance(code, str):
        raise TypeError(f"currency code must be a str, got {type(code).__name__}")
    try:
        return CURRENCIES[code.strip().upper()]
    except KeyError:
        known = ", ".join(sorted(CURRENCIES))
        raise UnknownCurrency(f"unknown currency code {code!r} (known: {known})") from None


class RoundingRule(Enum):
    """How to round a value that falls between two minor units.

    Each value is the matching ``decimal`` rounding mode, for code that rounds
    ``Decimal`` values itself.
    """

    HALF_UP = ROUND_HALF_UP  # ties away from zero, the usual shop rule
    HALF_EVEN = ROUND_HALF_EVEN
    DOWN = ROUND_DOWN  # toward zero
    UP = ROUND_UP  # away from zero
    FLOOR = ROUND_FLOOR
    CEILING = ROUND_CEILING


def _require_rule(rule: object) -> None:
    if not isinstance(rule, RoundingRule):
        raise TypeError(f"rounding must be a RoundingRule, got {rule!r}")


def _round_div(numerator: int, denominator: int, rule: RoundingRule) -> int:
    """Exact ``numerator / denominator`` (denominator > 0) rounded to an int by rule."""
    _require_rule(rule)
    quotient, remainder = divmod(numerator, denominator)
    if remainder == 0:
        return quotient
    # The result is quotient (the floor) or quotient + 1.
    if rule is RoundingRule.FLOOR:
        up = False
    elif rule is RoundingRule.CEILING:
        up = True
    elif rule is RoundingRule.DOWN:
        up = numerator < 0
    elif rule is RoundingRule.UP:
        up = numerator > 0
    elif 2 * remainder != denominator:
        up = 2 * remainder > denominator
    elif rule is RoundingRule.HALF_UP:
        up = numerator > 0
    else:
        up = quotient % 2 == 1
    return quotient + 1 if up else quotient


def _digit_bound(value: int) -> int:
    """An upper bound on the decimal digits of value, without str() on huge ints."""
    return abs(value).bit_length() // 3 + 1


def _scale_round(coefficient: int, digits: int, shift: int, rule: RoundingRule) -> int:
    """``coefficient * 10**shift`` rounded to an int; digits bounds the coefficient's digits.

    Raises OverflowError when the result certainly exceeds MAX_MINOR.
    """
    _require_rule(rule)
    if coefficient == 0:
        return 0
    if shift >= 0:
        if shift > _MAX_DIGITS:
            raise OverflowError("amount out of range")
        scaled: int = coefficient * 10**shift
        return scaled
    # Past digits + 1 places the quotient is 0 and the remainder under half for
    # every rule, so capping the divisor gives the same result cheaply.
    return _round_div(coefficient, 10 ** min(-shift, digits + 1), rule)


def _number_parts(value: object, what: str) -> tuple[int, int, int]:
    """(signed coefficient, digit bound, exponent) of a finite int or Decimal."""
    if isinstance(value, float):
        raise TypeError(f"{what} must not be a float ({value!r}); use Decimal({str(value)!r})")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{what} must be an int or Decimal, got {type(value).__name__}")
    if isinstance(value, int):
        return value, _digit_bound(value), 0
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"{what} must be finite, got {value}")
    # The tuple constructor is exact whatever the current decimal context.
    return int(Decimal((sign, digits, 0))), len(digits), exponent


def _check_range(minor: int) -> int:
    if not -MAX_MINOR <= minor <= MAX_MINOR:
        raise OverflowError(f"amount of {minor} minor units is out of range (max {MAX_MINOR})")
    return minor


def _require_currency(value: object) -> None:
    if not isinstance(value, Currency):
        raise TypeError(f"currency must be a Currency, got {value!r}; use currency('TWD')")


def _same(a: Currency, b: Currency, verb: str) -> None:
    if a != b:
        # Equal codes mean the exponents differ, which only the full repr shows.
        left, right = (a.code, b.code) if a.code != b.code else (repr(a), repr(b))
        raise CurrencyMismatch(f"cannot {verb} amounts in {left} and {right}")


class MoneyJSON(TypedDict):
    """Wire form of Money in sync payloads."""

    minor: int
    currency: str


# Sign, then symbol or code, then the number; the sign may also follow the
# symbol ("$-3.50").  Thousands separators must group by three, so a European
# "1,50" is refused rather than read as 150.
_AMOUNT_PATTERN = re.compile(
    r"""
    (?P<sign>[+-]?) \s*
    (?P<unit>[^\d\s+\-.,]*) \s*
    (?P<sign2>[+-]?) \s*
    (?P<whole>\d{1,3}(?:,\d{3})+|\d*)
    (?:\.(?P<fraction>\d*))?
    """,
    re.ASCII | re.VERBOSE,
)


@final
@dataclass(frozen=True, slots=True, repr=False)
class Money:
    """An amount as a whole number of minor units of one currency.

    Immutable and hashable.  Equal only to Money of the same currency and
    amount; ordering and arithmetic across currencies raise CurrencyMismatch.
    ``abs(minor)`` never exceeds MAX_MINOR: constructing or computing a larger
    amount raises OverflowError.
    """

    minor: int
    currency: Currency

    def __post_init__(self) -> None:
        _reject_non_int(self.minor, "minor", "; for major units use Money.from_decimal")
        _require_currency(self.currency)
        _check_range(self.minor)

    # --- construction -------------------------------------------------------

    @classmethod
    def zero(cls, currency: Currency) -> Money:
        """Zero in currency."""
        return cls(0, currency)

    @classmethod
    def from_decimal(
        cls,
        value: Decimal | int | str,
        currency: Currency,
        rounding: RoundingRule = RoundingRule.HALF_UP,
    ) -> Money:
        """Money for value in major units, rounded to whole minor units.

        Raises InvalidAmount for text that is not a number, non-finite values
        and values out of range.
        """
        _require_currency(currency)
        if isinstance(value, str):
            try:
                value = Decimal(value)
            except InvalidOperation:
                raise InvalidAmount(f"{value!r} is not a decimal number") from None
        if isinstance(value, Decimal) and not value.is_finite():
            raise InvalidAmount(f"amount must be finite, got {value}")
        coefficient, digits, exponent = _number_parts(value, "amount")
        try:
            minor = _check_range(
                _scale_round(coefficient, digits, exponent + currency.exponent, rounding)
            )
        except OverflowError:
            raise InvalidAmount(f"{value} {currency.code} is out of range") from None
        return cls(minor, currency)

    @classmethod
    def parse(cls, text: str, currency: Currency) -> Money:
        """Read an amount typed by a user, e.g. ``"1,234.50"``, ``"NT$ 100"``, ``"-3.5"``.

        Accepts full-width characters, an optional sign before or after the
        currency's symbol or code, and thousands separators grouped by three.
        Extra decimal places are accepted only when they are zeros.  Raises
        InvalidAmount for anything else, never rounding.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        _require_currency(currency)
        if len(text) > MAX_PARSE_LENGTH:
            raise InvalidAmount(
                f"amount text is too long ({len(text)} characters, at most {MAX_PARSE_LENGTH})"
            )
        # NFKC turns full-width digits and punctuation from CJK input methods into ASCII.
        normal = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
        if not normal:
            raise InvalidAmount("amount is empty")
        match = _AMOUNT_PATTERN.fullmatch(normal)
        if match is None or not (match["whole"] or match["fraction"]):
            raise InvalidAmount(f"{text!r} is not an amount")
        unit = match["unit"].casefold()
        symbol = unicodedata.normalize("NFKC", currency.symbol).casefold()
        if unit and unit not in (symbol, currency.code.casefold()):
            raise InvalidAmount(
                f"{text!r} is not in {currency.code} "
                f"(expected {currency.symbol!r}, {currency.code!r} or no symbol)"
            )
        if match["sign"] and match["sign2"]:
            raise InvalidAmount(f"{text!r} has two signs")
        fraction = match["fraction"] or ""
        places = currency.exponent
        if fraction[places:].strip("0"):
            raise InvalidAmount(
                f"{text!r} has too many decimal places for {currency.code} (at most {places})"
            )
        minor = int(match["whole"].replace(",", "") or "0") * 10**places
        minor += int(fraction[:places].ljust(places, "0") or "0")
        if "-" in (match["sign"], match["sign2"]):
            minor = -minor
        if abs(minor) > MAX_MINOR:
            raise InvalidAmount(f"{text!r} is out of range")
        return cls(minor, currency)

    @classmethod
    def sum(cls, amounts: Iterable[Money], currency: Currency) -> Money:
        """Total of amounts, all in currency; zero when there are none."""
        _require_currency(currency)
        total = 0
        for amount in amounts:
            if not isinstance(amount, Money):
                raise TypeError(f"can only sum Money, got {type(amount).__name__}")
            _same(currency, amount.currency, "sum")
            total += amount.minor
        return cls(total, currency)

    @classmethod
    def from_json(
        cls,
        data: Mapping[str, object],
        resolve: Callable[[str], Currency] | None = None,
    ) -> Money:
        """Money from ``{"minor": int, "currency": code}``.

        resolve maps a code to a Currency (default: the built-in ``currency``);
        pass your own to accept custom currencies.  Malformed payloads raise
        InvalidAmount, unknown codes whatever resolve raises.
        """
        if not isinstance(data, Mapping) or set(data) != {"minor", "currency"}:
            raise InvalidAmount(f"money payload must have exactly 'minor' and 'currency': {data!r}")
        minor, code = data["minor"], data["currency"]
        if isinstance(minor, bool) or not isinstance(minor, int):
            raise InvalidAmount(f"'minor' must be an integer, got {minor!r}")
        if not isinstance(code, str):
            raise InvalidAmount(f"'currency' must be a string, got {code!r}")
        if abs(minor) > MAX_MINOR:
            raise InvalidAmount(f"'minor' is out of range: {minor}")
        return cls(minor, (resolve or currency)(code))

    def to_json(self) -> MoneyJSON:
        """``{"minor": int, "currency": code}`` for sync payloads."""
        return {"minor": self.minor, "currency": self.currency.code}

    # --- inspection ---------------------------------------------------------

    @property
    def amount(self) -> Decimal:
        """The exact value in major units, with ``currency.exponent`` decimal places."""
        # Built from text: exact, unlike arithmetic under a caller's decimal context.
        return Decimal(f"{self.minor}E-{self.currency.exponent}")

    @property
    def is_zero(self) -> bool:
        return self.minor == 0

    @property
    def is_negative(self) -> bool:
        return self.minor < 0

    @property
    def is_positive(self) -> bool:
        return self.minor > 0

    def __bool__(self) -> bool:
        return self.minor != 0

    # --- arithmetic ---------------------------------------------------------

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        _same(self.currency, other.currency, "add")
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        _same(self.currency, other.currency, "subtract")
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def times(self, factor: int | Decimal, rounding: RoundingRule = RoundingRule.HALF_UP) -> Money:
        """This amount times factor (a quantity, a rate), rounded to whole minor units."""
        coefficient, digits, exponent = _number_parts(factor, "factor")
        product = self.minor * coefficient
        minor = _scale_round(product, _digit_bound(self.minor) + digits, exponent, rounding)
        return Money(minor, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        """``times(factor)`` with HALF_UP."""
        if not isinstance(factor, int | Decimal | float):
            return NotImplemented
        return self.times(factor)

    __rmul__ = __mul__

    def round_to_cash(self, rounding: RoundingRule = RoundingRule.HALF_UP) -> Money:
        """This amount rounded to a multiple of the currency's cash increment."""
        step = self.currency.cash_increment
        return Money(_round_div(self.minor, step, rounding) * step, self.currency)

    # --- ordering -----------------------------------------------------------

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        _same(self.currency, other.currency, "compare")
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        _same(self.currency, other.currency, "compare")
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        _same(self.currency, other.currency, "compare")
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        _same(self.currency, other.currency, "compare")
        return self.minor >= other.minor

    # --- text ---------------------------------------------------------------

    def format(self, *, show_symbol: bool = True, grouping: bool = True) -> str:
        """Text such as ``"-NT$1,235"`` or ``"12.50"``; the sign goes before the symbol."""
        places = self.currency.exponent
        whole, fraction = divmod(abs(self.minor), 10**places)
        text = f"{whole:,}" if grouping else str(whole)
        if places:
            text += f".{fraction:0{places}d}"
        sign = "-" if self.minor < 0 else ""
        return f"{sign}{self.currency.symbol if show_symbol else ''}{text}"

    def __str__(self) -> str:
        return self.format()

    def __format__(self, spec: str) -> str:
        # Lets receipts align amounts with f"{price:>10}".
        return str.__format__(self.format(), spec)

    def __repr__(self) -> str:
        return f"Money({self.minor}, {self.currency.code})"


def _integer_weights(weights: Sequence[int | Decimal]) -> list[int]:
    """Weights as ints in the same proportions."""
    if not weights:
        raise ValueError("allocate needs at least one weight")
    parts: list[tuple[int, int]] = []
    for weight in weights:
        coefficient, _, exponent = _number_parts(weight, "weight")
        if coefficient < 0:
            raise ValueError(f"weights must not be negative, got {weight}")
        parts.append((coefficient, exponent))
    exponents = [exponent for coefficient, exponent in parts if coefficient]
    if not exponents:
        return [0] * len(parts)
    low = min(exponents)
    if max(exponents) - low > _MAX_WEIGHT_SPREAD:
        raise ValueError("weights span too many orders of magnitude")
    return [
        coefficient * 10 ** (exponent - low) if coefficient else 0
        for coefficient, exponent in parts
    ]


def allocate(total: Money, weights: Sequence[int | Decimal]) -> list[Money]:
    """Split total into parts proportional to weights that add up exactly to total.

    Largest-remainder method: each part is its exact share truncated toward
    zero, and the leftover minor units go one each to the largest remainders,
    the earlier index first on ties.  A negative total splits as the mirror
    image of its absolute value.  Zero weights get zero, unless all weights are
    zero, in which case the total is split evenly.  Weights are ints or
    Decimals, never negative.
    """
    if not isinstance(total, Money):
        raise TypeError(f"total must be Money, got {type(total).__name__}")
    integers = _integer_weights(weights)
    if not any(integers):
        integers = [1] * len(integers)
    magnitude, whole = abs(total.minor), sum(integers)
    shares = [divmod(magnitude * weight, whole) for weight in integers]
    leftover = magnitude - sum(quotient for quotient, _ in shares)
    # No more units are left over than there are non-zero remainders, so a zero
    # weight (remainder 0) never receives one.
    winners = set(sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))[:leftover])
    sign = -1 if total.minor < 0 else 1
    return [
        Money(sign * (quotient + (i in winners)), total.currency)
        for i, (quotient, _) in enumerate(shares)
    ]


def split_evenly(total: Money, parts: int) -> list[Money]:
    """Split total into ``parts`` amounts that differ by at most one minor unit.

    The larger amounts come first.
    """
    _reject_non_int(parts, "parts")
    if parts < 1:
        raise ValueError(f"parts must be at least 1, got {parts}")
    return allocate(total, [1] * parts)


def _tax_rate(rate: Decimal) -> tuple[int, int]:
    """A tax rate as (numerator, denominator)."""
    if not isinstance(rate, Decimal):
        if isinstance(rate, float):
            raise TypeError(f"tax rate must not be a float ({rate!r}); use Decimal({str(rate)!r})")
        raise TypeError(f"tax rate must be a Decimal, got {type(rate).__name__}")
    if not rate.is_finite() or not 0 <= rate <= 1:
        # Catches a percentage passed as-is: 5 meaning 5 %.
        raise ValueError(f"tax rate must be a fraction from 0 to 1 (5 % is 0.05), got {rate}")
    coefficient, _, exponent = _number_parts(rate, "tax rate")
    if coefficient == 0:
        return 0, 1
    if exponent < -_MAX_RATE_PLACES:
        raise ValueError(f"tax rate has more than {_MAX_RATE_PLACES} decimal places")
    # 0 < rate <= 1 with a non-zero coefficient implies exponent <= 0.
    return coefficient, 10**-exponent


class TaxSplit(NamedTuple):
    """A tax-inclusive price split into its parts; ``net + tax`` is the gross."""

    net: Money
    tax: Money


def tax_from_inclusive(
    gross: Money, rate: Decimal, rounding: RoundingRule = RoundingRule.HALF_UP
) -> Money:
    """The tax contained in a tax-inclusive price: ``gross * rate / (1 + rate)``, rounded."""
    numerator, denominator = _tax_rate(rate)
    tax = _round_div(gross.minor * numerator, denominator + numerator, rounding)
    return Money(tax, gross.currency)


def split_tax_inclusive(
    gross: Money, rate: Decimal, rounding: RoundingRule = RoundingRule.HALF_UP
) -> TaxSplit:
    """Net and tax of a tax-inclusive price, the tax rounded as in ``tax_from_inclusive``."""
    tax = tax_from_inclusive(gross, rate, rounding)
    return TaxSplit(gross - tax, tax)


def tax_on_exclusive(
    net: Money, rate: Decimal, rounding: RoundingRule = RoundingRule.HALF_UP
) -> Money:
    """The tax to add to a tax-exclusive price: ``net * rate``, rounded."""
    numerator, denominator = _tax_rate(rate)
    return Money(_round_div(net.minor * numerator, denominator, rounding), net.currency)
