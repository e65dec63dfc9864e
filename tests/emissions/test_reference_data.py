"""The fuel factor sets and GWP values shipped in src/tatara/emissions/data/ (migration 0002)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tatara.emissions.models import EmissionFactor, EmissionFactorSet, GwpValue
from tatara.emissions.quantities import per_amount
from tatara.emissions.reference_data import factor_set_rows, gwp_rows

pytestmark = pytest.mark.django_db

# shared/data/standards/README.md, "Japan: CO2 emission factors for fuels": revised (before)
FACTS = {
    "gasoline": ("2.29", "2.32"),
    "kerosene": ("2.50", "2.49"),
    "diesel": ("2.62", "2.58"),
    "heavy-oil-a": ("2.75", "2.71"),
    "lpg": ("2.99", "3.00"),
    "city-gas": ("2.05", "2.23"),
    "lng": ("2.79", None),
}


def factors(code: str) -> dict[str, EmissionFactor]:
    return {f.activity: f for f in EmissionFactor.objects.filter(factor_set__code=code)}


def test_two_dated_versions_of_the_fuel_factors():
    old = EmissionFactorSet.objects.get(code="jp-fuels-before-revision")
    new = EmissionFactorSet.objects.get(code="jp-fuels-revised")
    assert (old.basis, old.valid_to, new.basis, new.valid_from, new.valid_to) == (
        "fuel",
        2023,
        "fuel",
        2024,
        None,
    )
    assert "verified" in old.source and "verified" in new.source
    revised, before = factors(new.code), factors(old.code)
    for activity, (after_value, before_value) in FACTS.items():
        assert revised[activity].factor == Decimal(after_value), activity
        assert revised[activity].scope == 1
        if before_value is None:
            assert activity not in before
        else:
            assert before[activity].factor == Decimal(before_value), activity
    assert revised["city-gas"].unit == "1000 m**3"
    assert per_amount(revised["city-gas"].unit) == (Decimal(1000), "meter ** 3")
    assert {f.unit for a, f in revised.items() if a not in {"city-gas", "lpg", "lng"}} == {"kL"}


def test_every_row_of_the_files_is_loaded():
    assert EmissionFactor.objects.filter(factor_set__basis="fuel").count() == sum(
        len(row["factors"]) for row in factor_set_rows()
    )
    assert GwpValue.objects.count() == len(gwp_rows())


def test_gwp_values_of_the_kyoto_gases():
    values = {(g.gas, g.report): g.value for g in GwpValue.objects.all()}
    assert values[("CH4", "AR5")] == 28
    assert values[("CH4", "AR6")] == Decimal("27.9")
    assert values[("N2O", "AR5")] == 265
    assert values[("N2O", "AR6")] == 273
    assert values[("SF6", "AR5")] == 23500
    assert values[("SF6", "AR6")] == 25200
    assert values[("CO2", "AR6")] == 1
    assert ("cC3F6", "AR6") not in values  # no AR6 value in the source
    gases = {gas for gas, _report in values}
    assert {"CO2", "CH4", "N2O", "SF6", "NF3", "HFC134a", "CF4"} <= gases
    assert not {g for g in gases if g.startswith(("CFC", "HCFC", "Halon"))}  # not Kyoto gases
    assert all("CC0" in g.source for g in GwpValue.objects.all())
