"""Achievement of a target and the suggested star rating. Pure functions: no database.

The seed's rule: ★★★ the target is met; ★★ at least 90% of the target; ★ below.

- at_least / legal_minimum: actual ÷ target.
- at_most (a ceiling): target ÷ actual; an actual of zero meets any ceiling.
- reduce_vs_base: the achieved reduction (base − actual) ÷ base, in percent, ÷ the targeted
  reduction in percent (1.4% achieved of 5% targeted → 0.28 → ★).

Everything is computed in Decimal (floats are taken through their shortest repr, so 0.9 is
0.9), and the ratio is rounded to ACHIEVEMENT_PLACES before it is compared with 0.9 and 1, so
"exactly 90%" and "exactly the target" land on the right side.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal

AT_LEAST = "at_least"
AT_MOST = "at_most"
REDUCE_VS_BASE = "reduce_vs_base"
LEGAL_MINIMUM = "legal_minimum"

ACHIEVEMENT_PLACES = Decimal("0.000001")
MOSTLY = Decimal("0.9")
MET = Decimal(1)

Number = Decimal | float | int
Rating = Literal[1, 2, 3]


def as_decimal(value: Number) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number here")
    return Decimal(str(value))


def reduction_percent(base: Number, actual: Number) -> Decimal:
    """The reduction of `actual` against `base`, in percent (negative when it grew)."""
    base_d, actual_d = as_decimal(base), as_decimal(actual)
    if base_d == 0:
        raise ValueError("The base-year value is zero: a reduction against it cannot be computed.")
    return (base_d - actual_d) / base_d * 100


def achievement(kind: str, target: Number, actual: Number, base: Number | None = None) -> Decimal:
    """How much of the target was achieved: 1 means met exactly; rounded to 6 places."""
    target_d, actual_d = as_decimal(target), as_decimal(actual)
    if kind in (AT_LEAST, LEGAL_MINIMUM):
        if target_d <= 0:
            raise ValueError("A target to reach must be greater than zero.")
        ratio = actual_d / target_d
    elif kind == AT_MOST:
        if actual_d <= 0:
            return MET  # nothing at all meets any ceiling
        ratio = target_d / actual_d
    elif kind == REDUCE_VS_BASE:
        if base is None:
            raise ValueError("A reduction target needs the base-year value.")
        if target_d <= 0:
            raise ValueError("The targeted reduction must be greater than zero.")
        ratio = reduction_percent(base, actual_d) / target_d
    else:
        raise ValueError(f"Unknown target kind: {kind}")
    return ratio.quantize(ACHIEVEMENT_PLACES, rounding=ROUND_HALF_EVEN)


def suggested_rating(value: Number) -> Rating:
    """3 when the target is met, 2 at 90% or more of it, 1 below."""
    ratio = as_decimal(value).quantize(ACHIEVEMENT_PLACES, rounding=ROUND_HALF_EVEN)
    if ratio >= MET:
        return 3
    if ratio >= MOSTLY:
        return 2
    return 1
