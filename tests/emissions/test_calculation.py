"""Activity data, the Scope 1 and 2 calculation on a hand-computed example, GWP, posting to
the KPIs and the permission gate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from emissions.example import APRIL, FY2019, MAY, record, worked_example
from tatara.core.models import AuditEvent
from tatara.emissions import services
from tatara.emissions.models import ActivityRecord
from tatara.kpis import services as kpi_services
from tatara.kpis.models import Observation

TOKYO = "Tokyo Power (standard menu)"

# The worked example (example.worked_example), FY2019, by hand:
#   electricity, Tokyo Power: 120,000 kWh + 80 MWh = 200,000 kWh × 0.000455 = 91.000 t (S2)
#   electricity, Kansai Spot (no factor; location default): 10,000 × 0.000470 = 4.700 t (S2)
#   city gas: 12,500 m³ = 12.5 thousand m³ × 2.23 = 27.875 t (S1)
#   diesel: 2,500 L = 2.5 kL × 2.58 = 6.450 t (S1)
#   LPG: 1,200 kg = 1.2 t × 3.00 = 3.600 t (S1)
#   Scope 1 = 37.925 t, Scope 2 = 95.700 t, total 133.625 t
# The same data in FY2024 (revised fuel factors; Tokyo Power 0.000420; no default):
#   city gas 12.5 × 2.05 = 25.625, diesel 2.5 × 2.62 = 6.550, LPG 1.2 × 2.99 = 3.588
#   → Scope 1 = 35.763 t; Tokyo Power 200,000 × 0.000420 = 84.000 t


@pytest.fixture
def site(world):
    return world.units["alpha-site"]


def test_scope_1_and_2_of_the_worked_example(site, system, supplier_factors):
    worked_example(system, site)
    result = services.calculate(viewer=system, org_unit=site, fiscal_year=2019)
    assert result.scope1 == Decimal("37.925")
    assert result.scope2 == Decimal("95.7")
    assert result.total == Decimal("133.625")
    assert (result.period_start, result.period_end) == FY2019
    lines = {(line.activity, line.supplier): line for line in result.lines}
    tokyo = lines[("electricity", TOKYO)]
    assert (tokyo.quantity, tokyo.unit, tokyo.factor, tokyo.co2_t, tokyo.records) == (
        Decimal(200000),
        "kWh",
        Decimal("0.000455"),
        Decimal("91"),
        2,
    )
    assert tokyo.factor_set_code == "electricity-market-fy2019"
    assert "Only 2 of 12 months" in tokyo.warning
    spot = lines[("electricity", "Kansai Spot")]
    assert spot.co2_t == Decimal("4.7") and "location-based default" in spot.warning
    gas = lines[("city-gas", "")]
    assert (gas.quantity, gas.unit, gas.co2_t, gas.scope) == (
        Decimal("12.5"),
        "1000 Nm3",  # the earlier ordinance's unit; a metered m3 is taken as it is
        Decimal("27.875"),
        1,
    )
    assert gas.factor_set == "Japan ordinance factors before the revision (FY2010–FY2022)"
    assert (
        "Calculation ordinance" in gas.source and "平成18年経済産業省・環境省令第3号" in gas.source
    )
    assert (gas.factor_version, gas.verify) == (1, "")
    assert lines[("diesel", "")].co2_t == Decimal("6.45")
    assert lines[("lpg", "")].co2_t == Decimal("3.6")
    assert [line.scope for line in result.lines] == [1, 1, 1, 2, 2]
    data = result.as_dict()
    assert (data["scope1_t"], data["scope2_t"], data["period"]) == ("37.925", "95.7", "FY2019")


def test_revised_fuel_factors_from_fy2024(site, system, supplier_factors):
    worked_example(system, site, year=2024)
    with pytest.raises(ValidationError, match=r"Kansai Spot.*FY2024"):
        services.calculate(viewer=system, org_unit=site, fiscal_year=2024)
    ActivityRecord.objects.filter(supplier="Kansai Spot").delete()
    result = services.calculate(viewer=system, org_unit=site, fiscal_year=2024)
    assert result.scope1 == Decimal("35.763")
    assert result.scope2 == Decimal("84")
    assert {line.factor_set_code for line in result.lines if line.scope == 1} == {
        "jp-fuels-revised"
    }


def test_location_basis(site, system, supplier_factors):
    record(system, site, "electricity", "100000", supplier=TOKYO)
    result = services.calculate(viewer=system, org_unit=site, fiscal_year=2019, basis="location")
    assert result.scope2 == Decimal("45.7")  # 100,000 × 0.000457


def test_one_month(site, system, supplier_factors):
    worked_example(system, site)
    may = services.calculate(viewer=system, org_unit=site, period=MAY)
    assert (may.scope1, may.scope2) == (Decimal(0), Decimal("36.4"))  # 80,000 × 0.000455
    assert may.lines[0].warning == ""
    with pytest.raises(ValidationError, match="calendar month or a fiscal year"):
        services.calculate(
            viewer=system, org_unit=site, period=(dt.date(2019, 5, 1), dt.date(2019, 6, 30))
        )


def test_a_whole_year_record(site, system):
    record(system, site, "kerosene", "4", "kL", period=FY2019)
    result = services.calculate(viewer=system, org_unit=site, fiscal_year=2019)
    assert result.total == Decimal("9.96")  # 4 × 2.49
    assert result.lines[0].warning == ""
    with pytest.raises(ValidationError, match="overlaps the record for FY2019"):
        record(system, site, "kerosene", "1", "kL", period=APRIL)


def test_recording_checks(site, system):
    rec = record(system, site, "diesel", "2500", "L")
    assert (rec.quantity, rec.unit) == (Decimal(2500), "L")
    again = record(system, site, "diesel", "2400", "L")  # a correction, not a second record
    assert again.pk == rec.pk and ActivityRecord.objects.count() == 1
    assert record(system, site, "electricity", "5").unit == "kWh"  # the standard unit
    with pytest.raises(ValidationError, match=r"“kWh” is a unit of electric energy; Diesel"):
        record(system, site, "diesel", "10", "kWh")
    with pytest.raises(ValidationError, match=r"LPG is entered in mass \(kg, t, 1000 t\)"):
        record(system, site, "lpg", "10", "m**3")
    with pytest.raises(ValidationError, match="Only electricity has a supplier"):
        record(system, site, "diesel", "10", "kL", supplier="ENEOS")
    with pytest.raises(ValidationError, match="negative"):
        record(system, site, "diesel", "-1", "kL")
    with pytest.raises(ValidationError, match="Unknown activity"):
        record(system, site, "coal", "1", "t")  # which coal: coking, steam or anthracite
    with pytest.raises(ValidationError, match="calendar month"):
        record(system, site, "diesel", "1", "kL", period=(dt.date(2019, 4, 2), APRIL[1]))
    event = AuditEvent.objects.filter(verb="emission_activity.recorded").last()
    assert event is not None and event.org_unit == site


def test_permissions_follow_the_scope(world, site):
    officer, outsider = world.users["company_risk_officer"], world.users["officer_b"]
    record(officer, site, "diesel", "1", "kL")  # alpha's officer, on an alpha site
    with pytest.raises(PermissionDenied):
        record(outsider, site, "diesel", "1", "kL")  # bravo's officer
    with pytest.raises(PermissionDenied):
        record(world.users["auditor"], site, "diesel", "1", "kL")  # read-only
    assert services.calculate(viewer=world.users["auditor"], org_unit=site, fiscal_year=2019)
    for key in ("officer_b", "employee"):
        with pytest.raises(PermissionDenied):
            services.calculate(viewer=world.users[key], org_unit=site, fiscal_year=2019)
    with pytest.raises(PermissionDenied):
        services.post_to_kpis(actor=outsider, org_unit=site, fiscal_year=2019)
    visible = ActivityRecord.objects.visible_to(outsider, "emissions.view")
    assert not visible.exists()
    assert ActivityRecord.objects.visible_to(officer, "emissions.view").count() == 1


def test_gwp_conversion(db):
    assert services.co2e("CH4", 1) == Decimal(28)
    assert services.co2e("CH4", 1, "AR6") == Decimal("27.9")
    assert services.co2e("ch4", "2.5", "ar6") == Decimal("69.75")
    assert services.co2e("N2O", "0.1") == Decimal("26.5")
    assert services.co2e("SF6", "0.001", "AR6") == Decimal("25.2")
    assert services.co2e("CO2", 5) == Decimal(5)
    with pytest.raises(ValidationError, match="No AR5 GWP100 value for CFC11"):
        services.co2e("CFC11", 1)
    with pytest.raises(ValidationError, match="AR6"):
        services.co2e("cC3F6", 1, "AR6")


def test_posting_creates_three_draft_observations(world, site, supplier_factors):
    officer = world.users["company_risk_officer"]
    worked_example(officer, site)
    posted = services.post_to_kpis(actor=officer, org_unit=site, fiscal_year=2019)
    rows = {
        o.metric.code: o for o in Observation.objects.filter(org_unit=site).select_related("metric")
    }
    assert set(rows) == {"co2-scope1", "co2-scope2", "co2-emissions"}
    assert [o.pk for o in posted] == [rows[c].pk for c in services.POSTED_METRICS]
    assert (rows["co2-scope1"].value, rows["co2-scope2"].value, rows["co2-emissions"].value) == (
        Decimal("37.925"),
        Decimal("95.7"),
        Decimal("133.625"),
    )
    for observation in rows.values():
        assert (observation.period_start, observation.period_end) == FY2019
        assert (observation.status, observation.original_unit) == ("draft", "t")
        assert observation.source.startswith("calculated from activity data (factor set ")
    # each names the factor sets behind its own figure
    assert "before the revision" in rows["co2-scope1"].source
    assert "Electricity" not in rows["co2-scope1"].source
    assert "Electricity FY2019 (market-based)" in rows["co2-scope2"].source
    assert "market-based" in rows["co2-scope2"].source
    assert "before the revision" not in rows["co2-scope2"].source
    total = rows["co2-emissions"].source
    assert "Electricity FY2019 (market-based)" in total and "before the revision" in total
    event = AuditEvent.objects.get(verb="emissions.posted_to_kpis")
    assert event.data["scope1_t"] == "37.925" and event.data["warnings"]
    assert event.data["observations"]["co2-scope2"] == rows["co2-scope2"].pk

    # a correction of the data, posted again, corrects the drafts
    record(officer, site, "diesel", "3500", "L")  # + 1 kL × 2.58
    again = services.post_to_kpis(actor=officer, org_unit=site, fiscal_year=2019)
    assert again.total.pk == rows["co2-emissions"].pk
    assert Observation.objects.get(pk=again.total.pk).value == Decimal("136.205")
    assert Observation.objects.get(pk=again.scope1.pk).value == Decimal("40.505")
    assert Observation.objects.get(pk=again.scope2.pk).value == Decimal("95.7")

    # once one is submitted, none of the three changes any more (one transaction)
    kpi_services.submit_observation(actor=officer, observation=again.total)
    record(officer, site, "diesel", "4500", "L")
    with pytest.raises(ValidationError, match="already submitted"):
        services.post_to_kpis(actor=officer, org_unit=site, fiscal_year=2019)
    assert Observation.objects.get(pk=again.scope1.pk).value == Decimal("40.505")


def test_posting_a_month_and_nothing_to_post(site, system, supplier_factors):
    record(system, site, "gasoline", "1000", "L")
    posted = services.post_to_kpis(actor=system, org_unit=site, period=APRIL)
    assert (posted.total.period_start, posted.total.value) == (APRIL[0], Decimal("2.32"))
    assert posted.scope1.value == Decimal("2.32")
    assert "electricity" not in posted.total.source
    assert (posted.scope2.value, posted.scope2.source) == (
        Decimal(0),
        "calculated from activity data (no electricity or heat records)",
    )
    with pytest.raises(ValidationError, match="nothing to post"):
        services.post_to_kpis(actor=system, org_unit=site, period=MAY)
