"""Consolidation up the tree: approved data only, consolidated companies only, time in the
group, ratios from summed parts, unit conversion and base-year restatement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factories as f
import pytest
from django.test.utils import override_settings
from kpi_data import metric, month, put, small_group

from tatara.core import fiscal
from tatara.kpis import services
from tatara.kpis.choices import ObservationStatus
from tatara.kpis.consolidation import Tree, consolidate, conversion_factor
from tatara.kpis.models import Metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return small_group()


def figure(code, year, unit, **kwargs):
    m = metric(code)
    return consolidate([m], [year], **kwargs).value(m, year, unit.pk)


def test_sums_roll_up_and_unconsolidated_companies_stay_out(units):
    put("waste-generated", units["a1"], 2019, 100)
    put("waste-generated", units["a2"], 2019, "50.5")
    put("waste-generated", units["b1"], 2019, 1000)
    assert figure("waste-generated", 2019, units["a1"]) == Decimal("100")
    assert figure("waste-generated", 2019, units["alpha"]) == Decimal("150.5")
    # bravo is not consolidated: its own figure has its site, the group's does not
    assert figure("waste-generated", 2019, units["bravo"]) == Decimal("1000")
    assert figure("waste-generated", 2019, units["g"]) == Decimal("150.5")


def test_only_approved_values_count(units):
    put("waste-generated", units["a1"], 2019, 100)
    put("waste-generated", units["a2"], 2019, 7, status=ObservationStatus.SUBMITTED)
    put("waste-generated", units["c1"], 2019, 9, status=ObservationStatus.DRAFT)
    assert figure("waste-generated", 2019, units["g"]) == Decimal("100")


def test_no_data_is_none_not_zero(units):
    assert figure("waste-generated", 2019, units["g"]) is None


def test_ratio_is_recomputed_from_summed_parts_never_averaged(units):
    put("waste-generated", units["a1"], 2019, 100)
    put("waste-landfilled", units["a1"], 2019, 10)  # 10%
    put("waste-generated", units["a2"], 2019, 400)
    put("waste-landfilled", units["a2"], 2019, 50)  # 12.5%
    # (10 + 50) / (100 + 400) = 12%, where the average of the two rates is 11.25%
    assert figure("landfill-rate", 2019, units["g"]) == Decimal("12")
    assert figure("landfill-rate", 2019, units["a1"]) == Decimal("10")


def test_months_sum_into_the_fiscal_year(units):
    for number in range(4, 13):
        put("co2-emissions", units["a1"], 2019, 1, period=month(2019, number))
    for number in range(1, 4):
        put("co2-emissions", units["a1"], 2019, 2, period=month(2020, number))
    put("co2-emissions", units["a1"], 2019, 100, period=month(2020, 4))  # FY2020
    m = metric("co2-emissions")
    figures = consolidate([m], [2019, 2020])
    assert figures.value(m, 2019, units["g"].pk) == Decimal("15")
    assert figures.value(m, 2020, units["g"].pk) == Decimal("100")


@override_settings(TATARA_FY_START_MONTH=1)
def test_calendar_fiscal_years(units):
    put("co2-emissions", units["a1"], 2019, 1, period=month(2019, 1))
    put("co2-emissions", units["a1"], 2019, 2, period=month(2019, 12))
    put("co2-emissions", units["a1"], 2020, 4, period=month(2020, 1))
    assert fiscal.bounds(2019) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert figure("co2-emissions", 2019, units["g"]) == Decimal("3")


def test_a_unit_counts_only_while_it_is_in_the_group(units):
    # charlie joined on 2019-10-01: its April–September months stay out of FY2019
    for number in range(4, 13):
        put("co2-emissions", units["c1"], 2019, 1, period=month(2019, number))
    for number in range(1, 4):
        put("co2-emissions", units["c1"], 2019, 1, period=month(2020, number))
    assert figure("co2-emissions", 2019, units["g"]) == Decimal("6")
    # delta left on 2015-06-30: nothing of FY2016 counts, FY2015 counts
    put("co2-emissions", units["d1"], 2015, 5)
    put("co2-emissions", units["d1"], 2016, 5)
    assert figure("co2-emissions", 2015, units["g"]) == Decimal("5")
    assert figure("co2-emissions", 2016, units["g"]) is None


def test_restatement_uses_the_target_years_structure(units):
    # FY2010 base: a1 and d1 were in the group; c1 was not yet (joined 2019) but has data
    put("co2-emissions", units["a1"], 2010, 100)
    put("co2-emissions", units["d1"], 2010, 40)
    put("co2-emissions", units["c1"], 2010, 30)
    m = metric("co2-emissions")
    as_reported = consolidate([m], [2010]).value(m, 2010, units["g"].pk)
    restated = consolidate([m], [2010], structure_year=2019).value(m, 2010, units["g"].pk)
    assert as_reported == Decimal("140")  # a1 + d1
    assert restated == Decimal("130")  # a1 + c1: d1 was sold, c1 bought since


def test_intensity_converts_units_once(units):
    grams = Metric.objects.create(
        code="co2-kg-per-t",
        name="CO2 per tonne produced, in kg",
        unit="kg / t",
        kind="intensity",
        aggregation="ratio_of_sums",
        numerator=metric("co2-emissions"),
        denominator=metric("production-volume"),
    )
    put("co2-emissions", units["a1"], 2019, 3)  # t
    put("production-volume", units["a1"], 2019, 1000)  # t
    assert figure("co2-kg-per-t", 2019, units["g"]) == Decimal("3")
    assert figure("co2-intensity", 2019, units["g"]) == Decimal("0.003")
    assert grams.unit == "kg / t"
    assert conversion_factor("MWh", "kWh") == Decimal("1000")


def test_values_entered_in_other_units_consolidate_in_the_metrics_unit(units, system):
    Metric.objects.create(code="electricity", name="Electricity", unit="MWh", frequency="monthly")
    april = month(2019, 4)
    for site, value, entered in ((units["a1"], 1500, "kWh"), (units["a2"], 2, "MWh")):
        obs = services.record_observation(
            actor=system,
            metric=metric("electricity"),
            org_unit=site,
            period_start=april[0],
            period_end=april[1],
            value=value,
            unit=entered,
        )
        services.submit_observation(actor=system, observation=obs)
        services.approve_observation(actor=f.APPROVER, observation=obs)
    assert figure("electricity", 2019, units["g"]) == Decimal("3.5")


def test_a_ratio_entered_directly_counts_at_its_unit_only_where_parts_are_missing(units):
    put("women-career-track-ratio", units["alpha"], 2019, "5.1")
    assert figure("women-career-track-ratio", 2019, units["alpha"]) == Decimal("5.1")
    assert figure("women-career-track-ratio", 2019, units["g"]) is None  # never summed
    put("career-track-employees", units["a1"], 2019, 200)
    put("career-track-women", units["a1"], 2019, 20)
    assert figure("women-career-track-ratio", 2019, units["alpha"]) == Decimal("10")


def test_tree_knows_who_counts_toward_whom(units):
    tree = Tree.load()
    g, alpha, b1 = units["g"].pk, units["alpha"].pk, units["b1"].pk
    assert tree.counts_toward[units["a1"].pk] == [units["a1"].pk, alpha, g]
    assert tree.counts_toward[b1] == [b1, units["bravo"].pk]  # stops at the unconsolidated
    assert set(tree.contributors(alpha)) == {alpha, units["a1"].pk, units["a2"].pk}
