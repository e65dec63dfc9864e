"""How KPI figures are shown: a sensible precision per unit, and short unit labels.

The engine keeps Decimals with up to 8 places; pages, PDFs and charts show what a reader of a
CSR report expects: 20.2%, 2.26%, 0.986 t/t, 12,345 t, ¥1,234,567 — never 20.20000000.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from django.utils.translation import gettext as _

# Units counted in whole things: no decimals, thousands grouped.
WHOLE = {"yen", "person", "count", "persons", "people", "JPY"}


def _labels() -> dict[str, str]:
    return {
        "percent": "%",
        "yen": _("yen"),
        "person": _("persons"),
        "count": _("times"),
        "hour": _("h"),
        "day": _("days"),
        "hour / person": _("h/person"),
        "day / person": _("days/person"),
    }


def unit_label(unit: str) -> str:
    """A short label for a pint unit string ("percent" → "%", "t / t" → "t/t")."""
    return _labels().get(unit, unit.replace(" / ", "/").replace(" ** ", "^").replace(" * ", "·"))


def places(unit: str, value: Decimal) -> tuple[int, int]:
    """(fewest, most) decimal places to show for `value` in `unit`."""
    if unit == "percent":
        return 1, 2
    if unit in WHOLE:
        return 0, 0
    magnitude = abs(value)
    if "/" in unit:  # intensities: about four significant figures
        if magnitude >= 100:
            return 0, 1
        if magnitude >= 1:
            return 1, 3
        return 2, 4
    # amounts (t, MWh, kL, hours…): whole numbers from 1,000, one decimal below, small
    # amounts to three places
    if magnitude >= 1000:
        return 0, 0
    if magnitude >= 1 or magnitude == 0:
        return 0, 1
    return 0, 3


def number(value: Decimal | float | int | None, unit: str = "", *, empty: str = "—") -> str:
    """`value` rounded for `unit`, with thousands grouped; `empty` for None."""
    if value is None:
        return empty
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    fewest, most = places(unit, amount)
    rounded = amount.quantize(Decimal(1).scaleb(-most), rounding=ROUND_HALF_EVEN)
    text = f"{rounded:,.{most}f}"
    if most > fewest and "." in text:
        head, tail = text.split(".")
        tail = tail.rstrip("0")
        if len(tail) < fewest:
            tail = tail.ljust(fewest, "0")
        text = f"{head}.{tail}" if tail else head
    if text.startswith("-") and set(text[1:]) <= {"0", ".", ","}:
        text = text[1:]  # no "-0.0"
    return text


def with_unit(value: Decimal | float | int | None, unit: str, *, empty: str = "—") -> str:
    """`value` with its unit label: "20.2%", "0.986 t/t", "12,345 t"."""
    if value is None:
        return empty
    text = number(value, unit)
    label = unit_label(unit)
    return f"{text}{label}" if unit == "percent" else f"{text} {label}"


def percent(value: Decimal | None, *, empty: str = "—") -> str:
    """An achievement in percent (already a percentage), one decimal."""
    if value is None:
        return empty
    return f"{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN):,.1f}%"


def exact(value: Decimal) -> str:
    """A value exactly as stored, thousands grouped, no exponent or trailing zeros:
    2400000 → "2,400,000", 1.50000000 → "1.5" (for checking what was entered)."""
    text = format(value.normalize(), ",f")
    return "0" if text in ("-0", "") else text
