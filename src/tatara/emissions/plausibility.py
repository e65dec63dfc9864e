"""Plausible ranges of emission factors, both ways, per activity.

A factor outside its range is almost always a unit slip (kg entered as t makes it 1,000 times
too large; kg-CO2/MWh for kg-CO2/kWh makes it 1,000 times too small), so it is refused with
the value it would have in the likely intended unit. The ranges are wide on purpose: they
catch factors of 1,000, not differences between suppliers.

- Electricity: 0 (a zero-emission menu) or 0.000001–0.002 t-CO2/kWh. The Ministry's lists
  give factors in t-CO2/kWh with six decimals, so a non-zero factor below 0.000001 cannot be
  one of them; the most carbon-intensive grids emit about 0.001 t-CO2/kWh.
- Heat (steam, hot and cold water): 0 or 0.001–0.15 t-CO2/GJ (the ordinance's defaults are
  about 0.06; suppliers' own factors are lower).
- Fuels, per the ordinance's units: liquid fuels 2.0–3.5 t-CO2/kL; LPG 2.7–3.3 t-CO2/t; LNG
  2.4–3.1 t-CO2/t; coals 1.5–3.5 t-CO2/t; city gas 1.0–7.0 t-CO2 per 1,000 m³ (natural gas
  about 2, LPG-based city gas up to about 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tatara.emissions.choices import HEAT_ACTIVITIES, Activity
from tatara.emissions.quantities import UNITS, Unit


@dataclass(frozen=True)
class Range:
    low: Decimal  # t-CO2 per `per`, lowest plausible non-zero value
    high: Decimal
    per: str  # a unit code of quantities.UNITS
    zero_allowed: bool = False


_LIQUID = Range(Decimal("2.0"), Decimal("3.5"), "kL")
_COAL = Range(Decimal("1.5"), Decimal("3.5"), "t")
RANGES: dict[str, Range] = {
    Activity.ELECTRICITY: Range(Decimal("0.000001"), Decimal("0.002"), "kWh", zero_allowed=True),
    Activity.CITY_GAS: Range(Decimal("1.0"), Decimal("7.0"), "1000 m3"),
    Activity.LPG: Range(Decimal("2.7"), Decimal("3.3"), "t"),
    Activity.LNG: Range(Decimal("2.4"), Decimal("3.1"), "t"),
    Activity.HEAVY_OIL_A: _LIQUID,
    Activity.HEAVY_OIL_BC: _LIQUID,
    Activity.DIESEL: _LIQUID,
    Activity.GASOLINE: _LIQUID,
    Activity.KEROSENE: _LIQUID,
    Activity.COKING_COAL: _COAL,
    Activity.STEAM_COAL: _COAL,
    Activity.ANTHRACITE: _COAL,
    **{
        activity: Range(Decimal("0.001"), Decimal("0.15"), "GJ", zero_allowed=True)
        for activity in HEAT_ACTIVITIES
    },
}

# The ways a factor is commonly written (t-CO2 multiplier per one unit of the column).
_MASSES = (("t-CO2", Decimal(1)), ("kg-CO2", Decimal("0.001")), ("g-CO2", Decimal("0.000001")))


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def in_range(activity: str, per_unit: Decimal) -> bool:
    """`per_unit` (t-CO2 per the range's unit) is plausible for `activity`."""
    bounds = RANGES[activity]
    if per_unit == 0:
        return bounds.zero_allowed
    return bounds.low <= per_unit <= bounds.high


def _candidates(unit: Unit) -> list[tuple[str, Decimal]]:
    """Other readings of a factor column: (unit text, t-CO2 multiplier per `unit`)."""
    same_kind = [u for u in UNITS.values() if u.kind == unit.kind and u.normal == unit.normal]
    return [
        (f"{mass}/{other.code}", multiplier * unit.size / other.size)
        for other in same_kind
        for mass, multiplier in _MASSES
    ]


def check(activity: str, number: Decimal, multiplier: Decimal, unit: Unit, written: str) -> None:
    """Refuse a factor written as `number` `written` (= `number` × `multiplier` t-CO2 per
    `unit`) that is outside the activity's range; the message gives the reading that would
    be plausible, if one is."""
    bounds = RANGES[activity]
    per = UNITS[bounds.per]
    factor = number * multiplier
    per_range_unit = factor * per.size / unit.size
    if in_range(activity, per_range_unit):
        return
    detail = {
        "value": _plain(number),
        "written": written,
        "converted": _plain(per_range_unit),
        "per": bounds.per,
        "low": _plain(bounds.low),
        "high": _plain(bounds.high),
        "activity": str(Activity(activity).label),
    }
    zero = _(", or 0") if bounds.zero_allowed else ""
    message = _(
        "%(value)s %(written)s is %(converted)s t-CO2/%(per)s, outside the plausible range "
        "for %(activity)s (%(low)s–%(high)s t-CO2/%(per)s%(zero)s)."
    ) % {**detail, "zero": zero}
    for text, other_multiplier in _candidates(unit):
        if other_multiplier == multiplier:
            continue
        other = number * other_multiplier * per.size / unit.size
        if in_range(activity, other) and other != 0:
            message += " " + _(
                "As %(value)s %(text)s it would be %(other)s t-CO2/%(per)s: check the unit."
            ) % {**detail, "text": text, "other": _plain(other)}
            break
    raise ValidationError(message)
