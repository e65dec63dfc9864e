"""The one pint registry of the process, with the units CSR data needs beyond SI."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pint
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EXTRA_DEFINITIONS = (
    "yen = [currency] = JPY = ¥",
    "person = [headcount] = persons = people",
)


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """Built once per process: building a registry parses pint's whole definition file."""
    ureg: pint.UnitRegistry = pint.UnitRegistry(non_int_type=Decimal)
    for line in EXTRA_DEFINITIONS:
        ureg.define(line)
    return ureg


def parse_unit(text: str) -> pint.Unit:
    """The unit named by `text`, or a ValidationError naming it."""
    try:
        unit = registry().Unit(text.strip())
    except (
        pint.errors.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        ValueError,
        AttributeError,
        TypeError,
    ) as exc:
        raise ValidationError(_("Unknown unit: %(unit)s") % {"unit": text}) from exc
    return unit


def check_unit(text: str) -> None:
    """Validator for unit fields."""
    parse_unit(text)


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """`value` in `from_unit` expressed in `to_unit`; a different dimension is an error."""
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if source.dimensionality != target.dimensionality:
        raise ValidationError(
            _("%(given)s cannot be converted to %(expected)s: they measure different things.")
            % {"given": from_unit, "expected": to_unit}
        )
    quantity = registry().Quantity(Decimal(value), source).to(target)
    return Decimal(str(quantity.magnitude))
