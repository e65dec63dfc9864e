"""Factor look-up by fiscal year, unit conversion and the suppliers' factor import."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from emissions.example import SUPPLIER_FACTORS, write
from tatara.core.models import AuditEvent
from tatara.core.tabular import ImportRejected
from tatara.emissions import services
from tatara.emissions.models import EmissionFactor, EmissionFactorSet
from tatara.emissions.quantities import in_factor_unit

pytestmark = pytest.mark.django_db

TOKYO = "Tokyo Power (standard menu)"


# --- fuels by fiscal year -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("activity", "year", "value", "code"),
    [
        ("diesel", 2019, "2.58", "jp-fuels-before-revision"),
        ("diesel", 2022, "2.58", "jp-fuels-before-revision"),
        ("diesel", 2023, "2.62", "jp-fuels-revised"),
        ("diesel", 2024, "2.62", "jp-fuels-revised"),
        ("diesel", 2030, "2.62", "jp-fuels-revised"),
        ("city-gas", 2019, "2.23", "jp-fuels-before-revision"),
        ("city-gas", 2024, "2.05", "jp-fuels-revised"),
        ("lpg", 2022, "3.00", "jp-fuels-before-revision"),
        ("lpg", 2023, "2.99", "jp-fuels-revised"),
        ("lpg", 2024, "2.99", "jp-fuels-revised"),
        ("gasoline", 2024, "2.29", "jp-fuels-revised"),
    ],
)
def test_fuel_factor_of_the_set_valid_that_year(activity, year, value, code):
    resolved = services.factor_for(activity, year)
    assert resolved.factor.factor == Decimal(value)
    assert resolved.factor.factor_set.code == code
    assert resolved.warning == ""


def test_missing_fuel_factor_names_activity_and_year():
    with pytest.raises(ValidationError, match=r"LNG in FY2019"):
        services.factor_for("lng", 2019)  # the earlier set has no LNG value
    with pytest.raises(ValidationError, match=r"Diesel in FY2005"):
        services.factor_for("diesel", 2005)


def test_overlapping_sets_of_one_basis_are_refused():
    overlapping = EmissionFactorSet(
        code="jp-fuels-other", name="Other", basis="fuel", valid_from=2020, valid_to=2025
    )
    with pytest.raises(ValidationError, match="overlap"):
        overlapping.full_clean()


# --- units --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "factor_unit", "expected"),
    [
        ("80", "MWh", "kWh", "80000"),
        ("120000", "kWh", "MWh", "120"),
        ("2500", "L", "kL", "2.5"),
        ("3", "kL", "kL", "3"),
        ("12500", "m**3", "1000 m**3", "12.5"),
        ("12500", "m³", "1000 m**3", "12.5"),
        ("1200", "kg", "t", "1.2"),
    ],
)
def test_activity_in_the_factor_unit(value, unit, factor_unit, expected):
    assert in_factor_unit(Decimal(value), unit, factor_unit) == Decimal(expected)


def test_wrong_dimension_is_refused():
    with pytest.raises(ValidationError, match="kWh cannot be converted"):
        in_factor_unit(Decimal(1), "kWh", "kL")


# --- electricity: suppliers' factors ------------------------------------------------------


def test_import_and_resolve_supplier_factors(supplier_factors):
    assert (supplier_factors.created, supplier_factors.sets_created) == (4, 3)
    assert supplier_factors.years == [2019, 2024]
    market = services.factor_for("electricity", 2019, supplier=TOKYO, basis="market")
    assert market.factor.factor == Decimal("0.000455")  # 0.455 kg-CO2/kWh
    assert (market.factor.unit, market.factor.scope, market.warning) == ("kWh", 2, "")
    assert market.factor.factor_set.code == "electricity-market-fy2019"
    assert market.factor.source_text == "MOE/METI list FY2019"
    location = services.factor_for("electricity", 2019, supplier=TOKYO, basis="location")
    assert location.factor.factor == Decimal("0.000457")
    # the supplier's name is matched without regard to case and spacing
    assert (
        services.factor_for("electricity", 2024, supplier="tokyo power  (standard MENU)").factor
    ).factor == Decimal("0.000420")


def test_unknown_supplier_falls_back_to_the_location_default(supplier_factors):
    resolved = services.factor_for("electricity", 2019, supplier="Kansai Spot", basis="market")
    assert resolved.factor.factor == Decimal("0.000470")
    assert resolved.factor.supplier == ""
    assert "Kansai Spot" in resolved.warning and "location-based default" in resolved.warning


def test_no_factor_and_no_default_is_an_error(supplier_factors):
    with pytest.raises(ValidationError, match=r"supplier “Kansai Spot” in FY2024"):
        services.factor_for("electricity", 2024, supplier="Kansai Spot")
    with pytest.raises(ValidationError, match=r"FY2020"):
        services.factor_for("electricity", 2020, supplier=TOKYO)


def test_import_is_validated_whole_with_row_and_column(tmp_path, system, supplier_factors):
    before = list(EmissionFactor.objects.values_list("pk", "factor"))
    bad = (
        "fiscal_year,supplier,basis,factor,unit\n"
        "2020,Good Power,market,0.000400,t-CO2/kWh\n"  # fine, but the file is refused
        "20x0,Good Power,market,0.000400,t-CO2/kWh\n"
        "2020,,market,0.000400,t-CO2/kWh\n"
        "2020,Other Power,sideways,0.000400,t-CO2/kWh\n"
        "2020,Other Power,market,lots,t-CO2/kWh\n"
        "2020,Other Power,location,0.4,t-CO2/kL\n"
        "2020,Other Power,market,0.441,t-CO2/kWh\n"
        "2020,Other Power,market,-0.1,t-CO2/kWh\n"
        "2020,good power,market,0.000401,t-CO2/kWh\n"
    )
    with pytest.raises(ImportRejected) as caught:
        services.import_supplier_factors(actor=system, file=write(tmp_path, bad, "fy2020.csv"))
    found = {(e.file, e.row, e.column) for e in caught.value.errors}
    assert found == {
        ("fy2020.csv", 3, "fiscal_year"),
        ("fy2020.csv", 4, "supplier"),
        ("fy2020.csv", 5, "basis"),
        ("fy2020.csv", 6, "factor"),
        ("fy2020.csv", 7, "unit"),
        ("fy2020.csv", 8, "factor"),
        ("fy2020.csv", 8, None),  # also a second row for Other Power, market (row 6)
        ("fy2020.csv", 9, "factor"),
        ("fy2020.csv", 9, None),
        ("fy2020.csv", 10, None),
    }
    messages = {(e.row, e.column): e.message for e in caught.value.errors}
    assert "kg-CO2" in messages[(8, "factor")]
    assert "duplicate of row 2" in messages[(10, None)]
    assert "fy2020.csv, row 7, column unit" in str(caught.value)
    # all or nothing: the good row was not stored either
    assert list(EmissionFactor.objects.values_list("pk", "factor")) == before
    assert not EmissionFactorSet.objects.filter(code="electricity-market-fy2020").exists()


def test_missing_column_is_refused(tmp_path, system):
    with pytest.raises(ImportRejected) as caught:
        services.import_supplier_factors(
            actor=system, file=write(tmp_path, "fiscal_year,supplier,factor,unit\n")
        )
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "basis")]


def test_reimport_of_a_changed_factor_is_a_new_version(tmp_path, system, supplier_factors):
    before = services.factor_for("electricity", 2019, supplier=TOKYO).factor
    corrected = SUPPLIER_FACTORS.replace("0.455,kg-CO2/kWh", "0.000450,t-CO2/kWh")
    result = services.import_supplier_factors(actor=system, file=write(tmp_path, corrected))
    assert (result.created, result.updated, result.unchanged, result.sets_created) == (0, 1, 3, 0)
    assert result.changed == [
        "FY2019 market-based, Tokyo Power (standard menu): 0.000455 → 0.00045 t-CO2/kWh (version 2)"
    ]
    factor = services.factor_for("electricity", 2019, supplier=TOKYO).factor
    assert (factor.factor, factor.version, factor.is_current) == (Decimal("0.000450"), 2, True)
    # the old version is kept as it was, marked replaced by the new one
    before.refresh_from_db()
    assert (before.factor, before.version, before.superseded_by) == (
        Decimal("0.000455"),
        1,
        factor,
    )
    assert before.superseded_at == factor.recorded_at
    assert AuditEvent.objects.filter(verb="emission_factors.imported").count() == 2
    # importing the same file again changes nothing
    again = services.import_supplier_factors(actor=system, file=write(tmp_path, corrected))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_dry_run_stores_nothing(tmp_path, system):
    result = services.import_supplier_factors(
        actor=system, file=write(tmp_path, SUPPLIER_FACTORS), dry_run=True
    )
    assert result.created == 4 and "dry run" in result.summary()
    assert not EmissionFactor.objects.filter(activity="electricity").exists()


def test_import_from_excel(system):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Fiscal_Year", "Supplier", "Basis", "Factor", "Unit"])
    sheet.append([2022, "Chubu Power", "adjusted", 0.000388, "t-CO2/kWh"])
    sheet.append(["FY2022", "代替値", "basic", 0.438, "kg-CO2/kWh"])
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    result = services.import_supplier_factors(actor=system, file=data, name="fy2022.xlsx")
    assert result.created == 2
    assert services.factor_for(
        "electricity", 2022, supplier="Chubu Power"
    ).factor.factor == Decimal("0.000388")
    default = services.factor_for("electricity", 2022, supplier="", basis="location")
    assert default.factor.factor == Decimal("0.000438")


def test_import_needs_manage_on_the_whole_group(world, tmp_path):
    path = write(tmp_path, SUPPLIER_FACTORS)
    for key in ("company_risk_officer", "group_risk_officer", "auditor"):
        with pytest.raises(PermissionDenied):
            services.import_supplier_factors(actor=world.users[key], file=path)
    result = services.import_supplier_factors(actor=world.users["csr_admin"], file=path)
    assert result.created == 4
