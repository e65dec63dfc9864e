"""Units of activity data as people type them, and of emission factors.

One vocabulary for every path (the entry form, the API, activity files, the factor import and
the shipped factor tables): the spellings of Japanese energy data — `kWh` in any case, `MWh`,
`千kWh`, `m3`, `m³`, `㎥`, `Nm3`, `千m3`, `1000 m**3`, `L`, `ℓ`, `kL`, `kg`, `t`, `トン`,
`GJ`, `MJ` … — each read as one unit of one kind (electric energy, heat, gas volume, liquid
volume, mass) with its size in the kind's base unit (kWh, GJ, m³, kL, t). A record keeps its
quantity as entered and its unit in the canonical spelling (`1000 m3` for `千㎥`), so the
figure on the invoice stays readable and the unit cannot be read two ways later.

Rules that are choices (decision 0020):
- `ton`/`tons`/`tonne` are the metric tonne, as Japanese data means them; the US short ton
  and the long ton are refused, never converted. `ton` comes back with a note.
- A gas volume written `m3` is the volume as metered; the calculation ordinance deems it to be
  at the factor's own reference state (the factor set's unit says which). `Nm3` is a volume at
  0 °C and 101.325 kPa: equal to the earlier ordinance's thousand Nm³, and 1.106 times as
  much gas volume at the revised ordinance's 25 °C / 100 kPa (see `NORMAL_TO_SATP`).
- Each activity accepts one kind: electricity in kWh/MWh (not GJ: a GJ figure of electricity
  is usually its primary energy, 9.76 GJ per MWh, not its heat value), heat in MJ/GJ/TJ,
  city gas as a gas volume, LPG, LNG and coal as a mass, liquid fuels as a liquid volume.

Nothing here needs pint: the sizes are exact Decimals.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ELECTRIC, HEAT, GAS, LIQUID, MASS = "electric", "heat", "gas", "liquid", "mass"

KIND_LABELS = {
    ELECTRIC: gettext_lazy("electric energy"),
    HEAT: gettext_lazy("heat"),
    GAS: gettext_lazy("gas volume"),
    LIQUID: gettext_lazy("liquid volume"),
    MASS: gettext_lazy("mass"),
}

# 1 m³ at 0 °C and 101.325 kPa (Nm³) occupies this many m³ at 25 °C and 100 kPa (the
# revised ordinance's standard ambient state): (298.15 / 273.15) × (101.325 / 100).
NORMAL_TO_SATP = Decimal("298.15") / Decimal("273.15") * Decimal("101.325") / Decimal(100)


@dataclass(frozen=True)
class Unit:
    """A unit of the vocabulary: `code` is its canonical spelling (stored in records),
    `size` its amount in the base unit of its kind (kWh, GJ, m³, kL, t); `normal` marks gas
    volumes at 0 °C / 101.325 kPa."""

    code: str
    kind: str
    size: Decimal
    normal: bool = False
    note: str = ""


_THOUSAND = Decimal(1000)

# canonical code → (kind, size, normal, spellings); spellings are compared after `_key()`
# (NFKC, no spaces, case-folded, ³/^3/**3 → 3, "1,000"/"1000"/"千" → "1000").
_TABLE: dict[str, tuple[str, Decimal, bool, tuple[str, ...]]] = {
    "kWh": (
        ELECTRIC,
        Decimal(1),
        False,
        ("kwh", "kw·h", "kw-h", "kilowatthour", "kilowatthours", "kilowatt_hour", "キロワット時"),
    ),
    "MWh": (
        ELECTRIC,
        _THOUSAND,
        False,
        ("mwh", "megawatthour", "megawatthours", "megawatt_hour", "メガワット時", "1000kwh"),
    ),
    "GWh": (ELECTRIC, Decimal(1_000_000), False, ("gwh", "gigawatthour", "gigawatthours")),
    "MJ": (HEAT, Decimal("0.001"), False, ("mj", "megajoule", "megajoules", "メガジュール")),
    "GJ": (HEAT, Decimal(1), False, ("gj", "gigajoule", "gigajoules", "ギガジュール")),
    "TJ": (HEAT, _THOUSAND, False, ("tj", "terajoule", "terajoules", "テラジュール")),
    "m3": (
        GAS,
        Decimal(1),
        False,
        (
            "m3",
            "meter3",
            "metre3",
            "cubicmeter",
            "cubicmeters",
            "cubicmetre",
            "cubicmetres",
            "立方メートル",
            "立米",
        ),
    ),
    "1000 m3": (GAS, _THOUSAND, False, ("1000m3", "1000meter3", "1000立方メートル", "thousandm3")),
    "Nm3": (
        GAS,
        Decimal(1),
        True,
        ("nm3", "m3n", "normalm3", "normalcubicmeter", "normalcubicmetre", "ノルマル立方メートル"),
    ),
    "1000 Nm3": (GAS, _THOUSAND, True, ("1000nm3", "1000m3n", "thousandnm3")),
    "L": (LIQUID, Decimal("0.001"), False, ("l", "liter", "liters", "litre", "litres", "リットル")),
    "kL": (
        LIQUID,
        Decimal(1),
        False,
        (
            "kl",
            "kiloliter",
            "kiloliters",
            "kilolitre",
            "kilolitres",
            "キロリットル",
            "1000l",
            "1000リットル",
        ),
    ),
    "kg": (MASS, Decimal("0.001"), False, ("kg", "kilogram", "kilograms", "キログラム")),
    "t": (
        MASS,
        Decimal(1),
        False,
        ("t", "tonne", "tonnes", "metricton", "metrictons", "metrictonne", "トン"),
    ),
    "1000 t": (MASS, _THOUSAND, False, ("1000t", "1000トン", "1000tonnes", "kt")),
}
# read as the metric tonne, with a note: Japanese data means t by "ton"
_TON = ("ton", "tons")
# refused by name: a reading could be silently wrong by 10 % or more
_REFUSED = {
    "shortton": "short ton",
    "shorttons": "short ton",
    "uston": "US short ton",
    "ustons": "US short ton",
    "longton": "long ton",
    "longtons": "long ton",
    "tn": "short ton",
    "lb": "pound",
    "lbs": "pound",
    "gal": "gallon",
    "gallon": "gallon",
    "gallons": "gallon",
    "kcal": "kilocalorie",
    "mcal": "megacalorie",
    "gcal": "gigacalorie",
    "km3": "cubic kilometre",
}

_BY_SPELLING: dict[str, str] = {}
for _code, (_kind, _size, _normal, _spellings) in _TABLE.items():
    for _spelling in (_code, *_spellings):
        _BY_SPELLING[_spelling.casefold().replace(" ", "")] = _code

UNITS = {code: Unit(code, kind, size, normal) for code, (kind, size, normal, _s) in _TABLE.items()}


def _key(text: str) -> str:
    key = unicodedata.normalize("NFKC", text or "").strip().casefold()
    key = re.sub(r"\s+", "", key)
    key = key.replace("**3", "3").replace("^3", "3").replace("³", "3")
    key = key.replace("・", "·").replace("*", "")
    key = re.sub(r"^(1,000|1000|千|thousand)", "1000", key)
    return key


def spellings(kind: str) -> list[str]:
    """The canonical spellings of one kind, for messages ("kWh, MWh, GWh")."""
    return [code for code, unit in UNITS.items() if unit.kind == kind]


def parse(text: str) -> Unit:
    """The unit named by `text`, or a ValidationError saying what is accepted."""
    key = _key(text)
    if key in _TON:
        return Unit(
            "t",
            MASS,
            Decimal(1),
            note=_("“%(unit)s” was read as the metric tonne (t), not the US short ton.")
            % {"unit": text.strip()},
        )
    code = _BY_SPELLING.get(key)
    if code is not None:
        return UNITS[code]
    if key in _REFUSED:
        raise ValidationError(
            _(
                "“%(unit)s” (%(name)s) is not accepted: convert it to one of %(known)s "
                "before entering it."
            )
            % {"unit": text.strip(), "name": _REFUSED[key], "known": ", ".join(UNITS)}
        )
    raise ValidationError(
        _("Unknown unit “%(unit)s”; use one of %(known)s.")
        % {"unit": text.strip(), "known": ", ".join(UNITS)}
    )


def check_unit(text: str) -> None:
    """Validator of stored units (records and factors): a spelling of the vocabulary."""
    parse(text)


# migration 0001 names the validator of factor units by its former name
check_per_unit = check_unit


def canonical(text: str) -> str:
    """ "千㎥" → "1000 m3"; "kwh" → "kWh"; "ton" → "t"."""
    return parse(text).code


def parse_for(text: str, kinds: tuple[str, ...], what: str) -> Unit:
    """The unit named by `text` if it is of one of `kinds` (the activity `what` is measured
    in them); otherwise a ValidationError naming the accepted spellings."""
    unit = parse(text)
    if unit.kind not in kinds:
        accepted = [code for kind in kinds for code in spellings(kind)]
        raise ValidationError(
            _("“%(unit)s” is a unit of %(kind)s; %(what)s is entered in %(expected)s (%(known)s).")
            % {
                "unit": text.strip(),
                "kind": KIND_LABELS[unit.kind],
                "what": what,
                "expected": " / ".join(str(KIND_LABELS[k]) for k in kinds),
                "known": ", ".join(accepted),
            }
        )
    return unit


def in_factor_unit(value: Decimal, unit: str, factor_unit: str) -> Decimal:
    """`value` `unit` counted in the factor's unit (12,500 m3 → 12.5 × 1000 m3). A gas
    volume at normal conditions counted against a factor per volume at standard ambient
    conditions grows by NORMAL_TO_SATP; a metered volume (`m3`) is taken as it is."""
    given, target = parse(unit), parse(factor_unit)
    if given.kind != target.kind:
        raise ValidationError(
            _("%(given)s cannot be converted to %(expected)s: they measure different things.")
            % {"given": unit, "expected": factor_unit}
        )
    amount = Decimal(value) * given.size / target.size
    if given.normal and not target.normal:
        amount *= NORMAL_TO_SATP
    return amount


def same_kind(unit: str, other: str) -> None:
    """A ValidationError naming both units when they measure different things."""
    if parse(unit).kind != parse(other).kind:
        raise ValidationError(
            _("%(given)s cannot be converted to %(expected)s: they measure different things.")
            % {"given": unit, "expected": other}
        )


# --- factor units ("t-CO2/kWh") -------------------------------------------------------------

_MASSES = {"t": Decimal(1), "kg": Decimal("0.001"), "g": Decimal("0.000001")}
_GAS_SUFFIX = re.compile(r"[-\s]*co2e?$", re.IGNORECASE)


def factor_unit(text: str, kinds: tuple[str, ...]) -> tuple[Decimal, Unit]:
    """A factor's unit column ("kg-CO2/kWh", "t-CO2/千kWh", or the activity unit alone,
    meaning t-CO2 per it) → (the multiplier turning the number into t-CO2, the activity
    unit); a ValidationError names what is accepted."""
    if "/" in text:
        mass_text, activity_text = (part.strip() for part in text.split("/", 1))
        mass_key = _GAS_SUFFIX.sub("", unicodedata.normalize("NFKC", mass_text)).strip().casefold()
        mass_key = {"ton": "t", "tonne": "t", "トン": "t"}.get(mass_key, mass_key or "t")
        if mass_key not in _MASSES:
            raise ValidationError(
                _("“%(mass)s” is not a mass of CO2; use t-CO2, kg-CO2 or g-CO2.")
                % {"mass": mass_text}
            )
        multiplier = _MASSES[mass_key]
    else:
        multiplier, activity_text = Decimal(1), text.strip()
    unit = parse_for(activity_text, kinds, _("the factor"))
    return multiplier, unit
