"""The ordinance's factor sets and GWP values shipped in src/tatara/emissions/data/
(migrations 0002 and 0004)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tatara.emissions import plausibility
from tatara.emissions.choices import KINDS, Activity
from tatara.emissions.models import EmissionFactor, EmissionFactorSet, GwpValue
from tatara.emissions.quantities import parse
from tatara.emissions.reference_data import factor_set_rows, gwp_rows, sync_factor_sets

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
    return {f.activity: f for f in EmissionFactor.objects.current().filter(factor_set__code=code)}


def test_two_dated_versions_of_the_ordinance_factors():
    old = EmissionFactorSet.objects.get(code="jp-fuels-before-revision")
    new = EmissionFactorSet.objects.get(code="jp-fuels-revised")
    # the revised factors apply from the FY2023 emissions (the FY2024 reports)
    assert (old.basis, old.valid_from, old.valid_to) == ("fuel", 2010, 2022)
    assert (new.basis, new.valid_from, new.valid_to) == ("fuel", 2023, None)
    for factor_set in (old, new):  # the ordinance is cited on every set
        assert "平成18年経済産業省・環境省令第3号" in factor_set.source
        assert "地球温暖化対策の推進に関する法律施行令" in factor_set.source
        assert factor_set.verify  # what is still to be checked is said
    assert "令和5年政令第272号" in new.source and "平成22年" in old.source
    revised, before = factors(new.code), factors(old.code)
    for activity, (after_value, before_value) in FACTS.items():
        assert revised[activity].factor == Decimal(after_value), activity
        assert revised[activity].scope == 1
        assert revised[activity].verify == "", activity  # checked against the facts
        if before_value is None:
            assert activity not in before
        else:
            assert before[activity].factor == Decimal(before_value), activity
    # city gas: thousand Nm³ in the earlier table, thousand m³ at 25 °C / 100 kPa since
    assert (before["city-gas"].unit, revised["city-gas"].unit) == ("1000 Nm3", "1000 m3")
    assert parse(revised["city-gas"].unit).size == 1000
    liquids = {a for a, kinds in KINDS.items() if kinds == ("liquid",)}
    assert {f.unit for a, f in revised.items() if a in liquids} == {"kL"}


def test_new_activities_heat_coal_heavy_oil_bc():
    for code in ("jp-fuels-before-revision", "jp-fuels-revised"):
        shipped = factors(code)
        for activity in ("coking-coal", "steam-coal", "anthracite"):
            assert (shipped[activity].unit, shipped[activity].scope) == ("t", 1)
        assert (shipped["heavy-oil-bc"].unit, shipped["heavy-oil-bc"].scope) == ("kL", 1)
        for activity in ("industrial-steam", "steam", "hot-water", "cold-water"):
            assert (shipped[activity].unit, shipped[activity].scope) == ("GJ", 2)
            assert shipped[activity].verify  # figures not checked against the ordinance text
    before = factors("jp-fuels-before-revision")
    assert before["steam-coal"].factor == Decimal("2.33")  # 25.7 GJ/t × 0.0247 × 44/12
    assert before["coking-coal"].factor == Decimal("2.61")
    assert before["anthracite"].factor == Decimal("2.52")
    assert before["heavy-oil-bc"].factor == Decimal("3.00")
    assert before["industrial-steam"].factor == Decimal("0.060")
    assert before["hot-water"].factor == Decimal("0.057")
    assert "0.0247" in before["steam-coal"].source  # the derivation is given


def test_every_shipped_factor_is_plausible_and_of_its_activitys_unit():
    for factor in EmissionFactor.objects.all():
        factor.full_clean()  # the unit's kind and the plausible range
        assert parse(factor.unit).kind in KINDS[factor.activity]
    assert set(plausibility.RANGES) == set(Activity.values)


def test_every_row_of_the_files_is_loaded_once():
    assert EmissionFactor.objects.current().filter(factor_set__basis="fuel").count() == sum(
        len(row["factors"]) for row in factor_set_rows()
    )
    assert GwpValue.objects.count() == len(gwp_rows())


def test_loading_again_keeps_versions_and_a_change_is_a_new_version():
    count = EmissionFactor.objects.count()
    sync_factor_sets(EmissionFactorSet, EmissionFactor)
    assert EmissionFactor.objects.count() == count  # unchanged rows: no new versions
    diesel = EmissionFactor.objects.current().get(
        factor_set__code="jp-fuels-revised", activity="diesel"
    )
    EmissionFactor.objects.filter(pk=diesel.pk).update(factor=Decimal("2.60"))  # as shipped once
    sync_factor_sets(EmissionFactorSet, EmissionFactor)
    now = EmissionFactor.objects.current().get(
        factor_set__code="jp-fuels-revised", activity="diesel"
    )
    diesel.refresh_from_db()
    assert (now.factor, now.version) == (Decimal("2.62"), diesel.version + 1)
    assert (diesel.factor, diesel.superseded_by) == (Decimal("2.60"), now)


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
