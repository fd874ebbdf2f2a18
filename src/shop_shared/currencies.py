"""How many minor digits each currency the shop sells in has (ISO 4217).

Amounts travel as integer minor units, so a rule stated in whole units ("one point
per NT$100") needs the exponent: 100 minor units of TWD (no minor digits) are
NT$100, but 100 minor units of USD are one dollar. The till's ``Currency`` objects
(``shop_desktop.domain.money``) carry the same exponents with their symbols and
cash rules; the server knows a currency only by the code an order carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["MINOR_DIGITS", "UnknownCurrencyCode", "minor_digits"]

MINOR_DIGITS: Mapping[str, int] = MappingProxyType(
    {"TWD": 0, "USD": 2, "EUR": 2, "CNY": 2, "HKD": 2, "JPY": 0}
)


class UnknownCurrencyCode(ValueError):
    """A currency code the shop does not sell in."""


def minor_digits(code: str) -> int:
    """The number of minor-unit digits of ``code`` (0 for TWD, 2 for USD)."""
    try:
        return MINOR_DIGITS[code]
    except KeyError:
        raise UnknownCurrencyCode(f"unknown currency {code!r}") from None
