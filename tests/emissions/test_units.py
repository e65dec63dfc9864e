"""The unit vocabulary of activity data and factors (quantities.py): the spellings Japanese
energy data uses, normalised; unknown units refused with what is accepted; the metric
tonne; normal cubic metres against the revised ordinance's standard ambient state."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tatara.emissions import quantities
from tatara.emissions.quantities import NORMAL_TO_SATP, canonical, factor_unit, in_factor_unit


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("m3", "m3"),
        ("m³", "m3"),
        ("㎥", "m3"),
        ("M3", "m3"),
        ("m**3", "m3"),
        ("m^3", "m3"),
        ("立方メートル", "m3"),
        ("Nm3", "Nm3"),
        ("Nm³", "Nm3"),
        ("m3N", "Nm3"),
        ("千m3", "1000 m3"),
        ("千㎥", "1000 m3"),
        ("千Nm3", "1000 Nm3"),
        ("1000 m3", "1000 m3"),
        ("1000 m**3", "1000 m3"),  # the ordinance's own unit as the calculation prints it
        ("1,000 m³", "1000 m3"),
        ("kWh", "kWh"),
        ("KWH", "kWh"),
        ("kwh", "kWh"),
        ("ｋＷｈ", "kWh"),  # full-width
        ("MWh", "MWh"),
        ("千kWh", "MWh"),  # exactly a MWh: the quantity stays as entered
        ("GWh", "GWh"),
        ("GJ", "GJ"),
        ("MJ", "MJ"),
        ("t", "t"),
        ("tonne", "t"),
        ("トン", "t"),
        ("kg", "kg"),
        ("㎏", "kg"),
        ("kL", "kL"),
        ("KL", "kL"),
        ("㎘", "kL"),
        ("L", "L"),
        ("l", "L"),
        ("ℓ", "L"),
        ("リットル", "L"),
    ],
)
def test_spellings_people_type(typed, code):
    assert canonical(typed) == code


def test_ton_is_the_metric_tonne_with_a_note():
    unit = quantities.parse("ton")
    assert (unit.code, unit.size) == ("t", Decimal(1))
    assert "metric tonne" in unit.note and "short ton" in unit.note
    assert in_factor_unit(Decimal(2), "ton", "t") == Decimal(2)  # not 1.814


@pytest.mark.parametrize("typed", ["short ton", "US ton", "long ton", "lb", "gallon", "kcal"])
def test_units_that_would_be_read_wrong_are_refused(typed):
    with pytest.raises(ValidationError, match="is not accepted: convert it"):
        quantities.parse(typed)


def test_an_unknown_unit_names_what_is_accepted():
    with pytest.raises(ValidationError) as caught:
        quantities.parse("barrels")
    message = caught.value.messages[0]
    assert message.startswith("Unknown unit “barrels”; use one of kWh, MWh")
    assert "1000 m3" in message and "Nm3" in message and "kL" in message


def test_a_unit_of_another_kind_names_the_activitys_units():
    with pytest.raises(ValidationError) as caught:
        quantities.parse_for("m3", ("mass",), "LPG")
    assert caught.value.messages == [
        "“m3” is a unit of gas volume; LPG is entered in mass (kg, t, 1000 t)."
    ]
    # electricity in GJ is refused: a GJ figure of electricity is usually primary energy
    with pytest.raises(ValidationError, match="Electricity is entered in electric energy"):
        quantities.parse_for("GJ", ("electric",), "Electricity")


@pytest.mark.parametrize(
    ("value", "unit", "factor_unit_text", "expected"),
    [
        ("80", "MWh", "kWh", "80000"),
        ("3", "千kWh", "kWh", "3000"),
        ("120000", "kWh", "MWh", "120"),
        ("2500", "L", "kL", "2.5"),
        ("1200", "kg", "t", "1.2"),
        ("12500", "m3", "1000 m3", "12.5"),
        ("12.5", "千m3", "1000 m3", "12.5"),
        ("12500", "m3", "1000 Nm3", "12.5"),  # a metered volume is taken as it is
        ("12500", "Nm3", "1000 Nm3", "12.5"),
        ("1500", "MJ", "GJ", "1.5"),
    ],
)
def test_activity_in_the_factor_unit(value, unit, factor_unit_text, expected):
    assert in_factor_unit(Decimal(value), unit, factor_unit_text) == Decimal(expected)


def test_normal_cubic_metres_against_the_revised_ordinances_standard_ambient_state():
    # 1 Nm³ (0 °C, 101.325 kPa) is 1.106 m³ at 25 °C and 100 kPa
    assert NORMAL_TO_SATP.quantize(Decimal("0.00001")) == Decimal("1.10599")
    gas = in_factor_unit(Decimal(1000), "Nm3", "1000 m3")
    assert gas.quantize(Decimal("0.00001")) == Decimal("1.10599")
    with pytest.raises(ValidationError, match="measure different things"):
        in_factor_unit(Decimal(1), "kWh", "kL")


@pytest.mark.parametrize(
    ("text", "multiplier", "unit"),
    [
        ("t-CO2/kWh", "1", "kWh"),
        ("kg-CO2/kWh", "0.001", "kWh"),
        ("kg-CO2/MWh", "0.001", "MWh"),
        ("g-CO2/kWh", "0.000001", "kWh"),
        ("t-CO2/千kWh", "1", "MWh"),
        ("tCO2e/kWh", "1", "kWh"),
        ("kWh", "1", "kWh"),
    ],
)
def test_factor_units(text, multiplier, unit):
    assert factor_unit(text, ("electric",)) == (Decimal(multiplier), quantities.UNITS[unit])


def test_factor_unit_errors():
    with pytest.raises(ValidationError, match="not a mass of CO2"):
        factor_unit("lb-CO2/kWh", ("electric",))
    with pytest.raises(ValidationError, match="is a unit of liquid volume"):
        factor_unit("t-CO2/kL", ("electric",))
