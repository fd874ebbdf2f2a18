"""The shop's one rounding rule, on plain integers: half up, on whole minor units.

Pricing, checkout's own check, documents, the demo builder, the benchmarks and
the server all round with these (``shop_desktop.domain.money`` re-exports them).
They take plain ints because they run once per cart line on every keystroke.
"""

from __future__ import annotations

from typing import Final

__all__ = ["MILLI", "WHOLE_BP", "half_up", "line_gross_minor", "tax_in_gross_bp", "tax_on_net_bp"]

#: Basis points in a whole: a tax rate of 5 % is 500 bp.
WHOLE_BP: Final = 10_000
#: Thousandths in one unit of quantity (``qty_milli``).
MILLI: Final = 1000


def half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, for numerator >= 0 and denominator > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def line_gross_minor(qty_milli: int, unit_price_minor: int) -> int:
    """A line's gross: quantity (thousandths) times unit price, rounded half up."""
    return (2 * qty_milli * unit_price_minor + MILLI) // (2 * MILLI)


def tax_in_gross_bp(gross_minor: int, rate_bp: int) -> int:
    """The tax contained in a tax-inclusive amount at ``rate_bp`` basis points."""
    return (2 * gross_minor * rate_bp + WHOLE_BP + rate_bp) // (2 * (WHOLE_BP + rate_bp))


def tax_on_net_bp(net_minor: int, rate_bp: int) -> int:
    """The tax to add to a tax-exclusive amount at ``rate_bp`` basis points."""
    return (2 * net_minor * rate_bp + WHOLE_BP) // (2 * WHOLE_BP)
