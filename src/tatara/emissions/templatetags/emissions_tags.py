"""`{{ value|plain }}`: a Decimal with thousands separators and without trailing zeros
(120000.00000000 → 120,000; 0.000455 → 0.000455); `{{ value|tonnes }}` rounds to 0.001 t."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@register.filter
def plain(value: Any) -> str:
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    number = number.normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return f"{number:,f}"


@register.filter
def tonnes(value: Any) -> str:
    number = _decimal(value)
    if number is None:
        return ""
    return f"{number.quantize(Decimal('0.001'), rounding=ROUND_HALF_UP):,f}"


@register.filter
def unit_text(value: Any) -> str:
    """A unit as people read it: m3 → m³, 1000 Nm3 → 1000 Nm³ (also the older m**3)."""
    text = str(value or "").replace("**3", "³").replace("**2", "²")
    return text[:-1] + "³" if text.endswith("m3") else text
