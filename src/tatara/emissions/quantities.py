"""Activity units of emission factors. A factor is given per an amount of activity, which may
carry a multiplier ("1000 m**3" for city gas, per 1,000 m³); everything else goes through the
kpis area's one pint registry and its `convert`."""

from __future__ import annotations

from decimal import Decimal

import pint
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tatara.kpis.units import convert, parse_unit, registry


def per_amount(text: str) -> tuple[Decimal, str]:
    """ "1000 m**3" → (1000, "meter ** 3"); "kWh" → (1, "kilowatt_hour")."""
    try:
        quantity = registry().Quantity(text.strip())
    except (pint.errors.PintError, ValueError, AttributeError, TypeError, SyntaxError) as exc:
        raise ValidationError(_("Unknown unit: %(unit)s") % {"unit": text}) from exc
    magnitude = Decimal(str(quantity.magnitude)) if hasattr(quantity, "magnitude") else None
    if magnitude is None or not magnitude.is_finite() or magnitude <= 0:
        raise ValidationError(_("Unknown unit: %(unit)s") % {"unit": text})
    unit = str(quantity.units)
    parse_unit(unit)
    return magnitude, unit


def check_per_unit(text: str) -> None:
    """Validator for a factor's activity unit ("kWh", "kL", "t", "1000 m**3")."""
    per_amount(text)


def in_factor_unit(value: Decimal, unit: str, factor_unit: str) -> Decimal:
    """`value` `unit` counted in the factor's activity unit (12,500 m³ → 12.5 × 1000 m³)."""
    per, base = per_amount(factor_unit)
    return convert(Decimal(value), unit, base) / per


def same_dimension(unit: str, other: str) -> None:
    """A ValidationError naming both units when they measure different things."""
    try:
        convert(Decimal(1), unit, per_amount(other)[1])
    except ValidationError as exc:
        raise ValidationError(
            _("%(given)s cannot be converted to %(expected)s: they measure different things.")
            % {"given": unit, "expected": other}
        ) from exc
