"""Issue 9, "Emissions input as people type it": each case found, refused or accepted as the
issue asks, through the paths people use (the service, the API, the pages, activity files,
the CLI).

Found: `1000 m**3`, `m3`, `Nm3` and `kwh` refused with a misleading message; `ton` read as
the US short ton; a factor in kg-CO2/MWh accepted 1,000 times too small; errors in two
passes; a re-imported factor silently changing earlier calculations; LNG before the revised
factors accepted on import, then failing the calculation."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from emissions.example import APRIL, FY2019, SUPPLIER_FACTORS, record, write
from tatara.core.tabular import ImportRejected
from tatara.emissions import activity_io, quantities, services
from tatara.emissions.models import ActivityRecord, EmissionCalculation, EmissionFactor
from tatara.kpis.models import Observation

pytestmark = pytest.mark.django_db

TOKYO = "Tokyo Power (standard menu)"
FY2023_APRIL = dt.date(2023, 4, 1), dt.date(2023, 4, 30)


@pytest.fixture
def site(world, supplier_factors):
    return world.units["alpha-site"]


def signed_in(client, world, role):
    client.force_login(world.users[role])
    return client


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("emissions", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- the units people type --------------------------------------------------------------


@pytest.mark.parametrize(
    ("activity", "quantity", "typed", "stored", "co2"),
    [
        ("city-gas", "12.5", "1000 m**3", "1000 m3", "27.875"),  # 12.5 × 2.23
        ("city-gas", "12500", "m3", "m3", "27.875"),
        ("city-gas", "12500", "Nm3", "Nm3", "27.875"),  # the earlier table is per 千Nm3
        ("city-gas", "12.5", "千m3", "1000 m3", "27.875"),
        ("electricity", "200000", "kwh", "kWh", "91"),  # × 0.000455 (Tokyo Power, market)
        ("electricity", "200", "千kWh", "MWh", "91"),
        ("lpg", "2", "ton", "t", "6"),  # the metric tonne: 2 × 3.00, not 1.814 t
        ("diesel", "2500", "ℓ", "L", "6.45"),  # 2.5 kL × 2.58
    ],
)
def test_units_as_typed_are_accepted_and_stored_canonically(
    site, system, activity, quantity, typed, stored, co2
):
    supplier = TOKYO if activity == "electricity" else ""
    saved = record(system, site, activity, quantity, typed, supplier=supplier)
    assert (saved.quantity, saved.unit) == (Decimal(quantity), stored)
    result = services.calculate(viewer=system, org_unit=site, period=APRIL)
    assert result.total == Decimal(co2)


def test_nm3_against_the_revised_ordinances_m3(site, system):
    # from FY2023 city gas is per thousand m³ at 25 °C / 100 kPa: 1,000 Nm³ is 1,106 m³
    record(system, site, "city-gas", "1000", "Nm3", period=FY2023_APRIL)
    line = services.calculate(viewer=system, org_unit=site, period=FY2023_APRIL).lines[0]
    assert line.unit == "1000 m3"
    assert line.co2_t.quantize(Decimal("0.0001")) == Decimal("2.2673")  # 1.10599 × 2.05
    # a metered m3 is taken as it is (the ordinance deems it at the reference state)
    record(system, site, "city-gas", "1000", "m3", period=FY2023_APRIL)
    line = services.calculate(viewer=system, org_unit=site, period=FY2023_APRIL).lines[0]
    assert line.co2_t == Decimal("2.05")


def test_an_unknown_unit_is_refused_with_the_accepted_ones_on_every_path(
    client, world, site, system, tmp_path
):
    with pytest.raises(ValidationError) as caught:
        record(system, site, "city-gas", "1", "m3/h")
    message = caught.value.message_dict["unit"][0]
    assert "Unknown unit “m3/h”; use one of kWh" in message and "1000 m3" in message
    # the API
    api = signed_in(client, world, "company_risk_officer")
    body = {"org_unit": "alpha-site", "period": "2019-04", "activity": "lpg", "quantity": "1"}
    response = api.post(
        "/api/v1/emissions/activity/", {**body, "unit": "short ton"}, "application/json"
    )
    assert response.status_code == 400
    assert "short ton" in response.content.decode() and "is not accepted" in (
        response.content.decode()
    )
    # an activity file: file, row and column named, with the accepted units
    path = write(
        tmp_path, "org_unit,period,activity,quantity,unit\nalpha-site,2019-04,lpg,1,m3\n", "a.csv"
    )
    with pytest.raises(ImportRejected) as rejected:
        activity_io.import_activity(path, actor=system)
    assert str(rejected.value) == (
        "a.csv, row 2, column unit: “m3” is a unit of gas volume; LPG is entered in mass "
        "(kg, t, 1000 t)."
    )
    assert not ActivityRecord.objects.exists()


def test_units_as_typed_through_the_api_the_page_the_file_and_the_cli(
    client, world, site, system, tmp_path
):
    api = signed_in(client, world, "company_risk_officer")
    body = {"org_unit": "alpha-site", "period": "2019-04", "activity": "city-gas"}
    created = api.post(
        "/api/v1/emissions/activity/",
        {**body, "quantity": "12.5", "unit": "1000 m**3"},
        "application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["unit"] == "1000 m3"
    page = client.post(
        "/emissions/alpha-site/2019/record/",
        {"period": "2019-05", "activity": "lpg", "quantity": "2", "unit": "ton"},
    )
    assert page.status_code == 302
    shown = client.get(page["Location"]).content.decode()
    assert "Recorded LPG for 2019-05: 2 t." in shown and "metric tonne" in shown
    path = write(
        tmp_path,
        "org_unit,period,activity,quantity,unit\n"
        "alpha-site,2019-06,electricity,100,KWH\n"
        "alpha-site,2019-06,lpg,1,ton\n"
        "alpha-site,2019-06,city-gas,10,Nm3\n",
        "typed.csv",
    )
    result = activity_io.import_activity(path, actor=system)
    assert result.created == 3
    assert result.notes == [
        "typed.csv, row 3: “ton” was read as the metric tonne (t), not the US short ton."
    ]
    assert "metric tonne" in result.summary()
    june = {
        r.activity: r.unit for r in ActivityRecord.objects.filter(period_start=dt.date(2019, 6, 1))
    }
    assert june == {"electricity": "kWh", "lpg": "t", "city-gas": "Nm3"}
    out = cli("import-activity", str(write(tmp_path, path.read_text(), "again.csv")))
    assert "3 unchanged" in out and "metric tonne" in out


# --- plausible factors, both ways ---------------------------------------------------------


@pytest.mark.parametrize(
    ("factor", "unit", "hint"),
    [
        # a kg-CO2/kWh figure written with kg-CO2/MWh: 1,000 times too small
        ("0.441", "kg-CO2/MWh", "As 0.441 kg-CO2/kWh it would be 0.000441 t-CO2/kWh"),
        # a kg-CO2/kWh figure written with t-CO2/kWh: 1,000 times too large
        ("0.441", "t-CO2/kWh", "As 0.441 kg-CO2/kWh it would be 0.000441 t-CO2/kWh"),
        ("441", "kg-CO2/kWh", "As 441 g-CO2/kWh it would be 0.000441 t-CO2/kWh"),
    ],
)
def test_implausible_electricity_factors_are_refused_with_the_likely_unit(
    system, tmp_path, factor, unit, hint
):
    text = f"fiscal_year,supplier,basis,factor,unit\n2021,Slip Power,market,{factor},{unit}\n"
    with pytest.raises(ImportRejected) as caught:
        services.import_supplier_factors(actor=system, file=write(tmp_path, text, "slip.csv"))
    (error,) = caught.value.errors
    assert (error.row, error.column) == (2, "factor")
    assert "outside the plausible range for Electricity (0.000001–0.002 t-CO2/kWh, or 0)" in (
        error.message
    )
    assert hint in error.message
    assert not EmissionFactor.objects.filter(supplier="Slip Power").exists()


def test_plausible_factors_in_any_unit_and_a_zero_emission_menu_are_accepted(system, tmp_path):
    text = (
        "fiscal_year,supplier,basis,factor,unit\n"
        "2021,A Power,market,441,kg-CO2/MWh\n"
        "2021,B Power,market,0.000441,t-CO2/kWh\n"
        "2021,C Power (renewable menu),market,0,t-CO2/kWh\n"
        "2021,D Power,market,441,g-CO2/kWh\n"
    )
    result = services.import_supplier_factors(actor=system, file=write(tmp_path, text))
    assert result.created == 4
    for supplier, per_kwh in (
        ("A Power", "0.000441"),
        ("B Power", "0.000441"),
        ("C Power (renewable menu)", "0"),
        ("D Power", "0.000441"),
    ):
        factor = services.factor_for("electricity", 2021, supplier=supplier).factor
        assert Decimal(factor.factor) / quantities.parse(factor.unit).size == Decimal(per_kwh)


def test_a_shipped_fuel_factor_outside_its_range_is_refused():
    diesel = EmissionFactor.objects.current().filter(activity="diesel").first()
    diesel.factor = Decimal("0.00262")  # t-CO2 per L written per kL
    with pytest.raises(ValidationError, match="outside the plausible range for Diesel"):
        diesel.full_clean()


# --- every error of a file in one pass ----------------------------------------------------


def test_every_error_of_an_activity_file_in_one_pass(world, system, tmp_path):
    record(system, world.units["alpha-site"], "kerosene", "4", "kL", period=FY2019)
    bad = (
        "org_unit,period,activity,quantity,unit\n"
        "alpha-site,2019-04,diesel,lots,L\n"  # 2: not a number
        "alpha-site,2019-04,gasoline,1,kL\n"  # 3: a month ...
        "alpha-site,FY2019,gasoline,12,kL\n"  # 4: ... and its fiscal year in the same file
        "alpha-site,2019-05,kerosene,1,kL\n"  # 5: a month of a year already stored whole
        "alpha-site,2019-04,coal,1,t\n"  # 6: unknown fuel
        "alpha-site,2019-04,lng,1,t\n"  # 7: no LNG factor in FY2019
        "alpha-site,2019-04,lpg,-2,t\n"  # 8: negative
        "alpha-site,2019-04,diesel,1,kL\n"  # 9: second diesel of April (row 2)
    )
    with pytest.raises(ImportRejected) as caught:
        activity_io.import_activity(write(tmp_path, bad, "bad.csv"), actor=system)
    found = sorted((e.row, e.column or "") for e in caught.value.errors)
    assert found == [
        (2, "quantity"),
        (4, "period"),
        (5, "period"),
        (6, "activity"),
        (7, "period"),
        (8, "quantity"),
        (9, ""),
    ]
    messages = {e.row: e.message for e in caught.value.errors}
    assert "overlaps row 3 (2019-04)" in messages[4]
    assert "overlaps the record already stored for FY2019" in messages[5]
    assert "LNG has no emission factor for FY2019" in messages[7]
    assert "factors exist for FY2023 onwards" in messages[7]
    assert "duplicate of row 2" in messages[9]
    assert ActivityRecord.objects.count() == 1  # nothing from the file


# --- LNG before the revised factors -------------------------------------------------------


def test_lng_before_the_revised_factors_is_refused_when_entered_on_every_path(
    client, world, site, system, tmp_path
):
    with pytest.raises(ValidationError) as caught:
        record(system, site, "lng", "1", "t", period=(dt.date(2022, 4, 1), dt.date(2022, 4, 30)))
    assert "LNG has no emission factor for FY2022" in caught.value.message_dict["period_start"][0]
    api = signed_in(client, world, "company_risk_officer")
    response = api.post(
        "/api/v1/emissions/activity/",
        {"org_unit": "alpha-site", "period": "2019-04", "activity": "lng", "quantity": "1"},
        "application/json",
    )
    assert response.status_code == 400 and "LNG has no emission factor" in (
        response.content.decode()
    )
    page = client.post(
        "/emissions/alpha-site/2019/record/",
        {"period": "2019-04", "activity": "lng", "quantity": "1", "unit": "t"},
    )
    assert page.status_code == 400 and "LNG has no emission factor" in page.content.decode()
    path = write(tmp_path, "org_unit,period,activity,quantity\nalpha-site,2019-04,lng,1\n", "l.csv")
    with pytest.raises(ImportRejected, match=r"l.csv, row 2, column period: LNG has no"):
        activity_io.import_activity(path, actor=system)
    assert not ActivityRecord.objects.exists()
    # from FY2023 (the revised factors) LNG is accepted and calculated
    record(system, site, "lng", "10", "t", period=FY2023_APRIL)
    assert services.calculate(viewer=system, org_unit=site, fiscal_year=2023).total == Decimal(
        "27.9"
    )


# --- a changed factor is a new version; posted calculations keep theirs ------------------


def test_a_reimported_factor_leaves_the_posted_calculation_and_a_recalculation_says_so(
    client, world, site, system, tmp_path
):
    record(system, site, "electricity", "100000", "kWh", supplier=TOKYO)
    first = services.post_to_kpis(actor=system, org_unit=site, fiscal_year=2019)
    assert first.total.value == Decimal("45.5")  # 100,000 × 0.000455
    posted = first.calculation
    (line,) = posted.lines
    assert (line["factor"], line["factor_version"]) == ("0.000455", 1)
    assert posted.replaces is None and posted.changes == []

    changed = SUPPLIER_FACTORS.replace("0.455,kg-CO2/kWh", "0.000450,t-CO2/kWh")
    services.import_supplier_factors(actor=system, file=write(tmp_path, changed))
    # the posted calculation and its KPI figure are untouched
    posted.refresh_from_db()
    assert posted.total_t == Decimal("45.5") and posted.lines[0]["factor_version"] == 1
    assert Observation.objects.get(pk=first.total.pk).value == Decimal("45.5")
    version_1 = EmissionFactor.objects.get(pk=line["factor_id"])
    assert (version_1.factor, version_1.is_current) == (Decimal("0.000455"), False)
    assert list(posted.factors.all()) == [version_1]
    # the live calculation uses version 2 and says what posting again would change
    result = services.calculate(viewer=system, org_unit=site, fiscal_year=2019)
    assert result.total == Decimal("45") and result.lines[0].factor_version == 2
    last, pending = services.changes_since_posted(result, site)
    assert last == posted
    assert [c["kind"] for c in pending] == ["factor", "figure", "figure"]
    assert (pending[0]["from"]["version"], pending[0]["to"]["version"]) == (1, 2)
    page = signed_in(client, world, "csr_admin").get("/emissions/alpha-site/2019/calculation/")
    body = page.content.decode()
    assert 'data-testid="pending-changes"' in body
    assert "version 1 of electricity-market-fy2019" in body
    assert "version 2 of electricity-market-fy2019" in body

    # posting again records a recalculation that names the change
    second = services.post_to_kpis(actor=system, org_unit=site, fiscal_year=2019)
    recalculation = second.calculation
    assert recalculation.replaces == posted and posted.replaced_by == recalculation
    assert {c["kind"] for c in recalculation.changes} == {"factor", "figure"}
    assert {"kind": "figure", "figure": "total_t", "from": "45.5", "to": "45"} in (
        recalculation.changes
    )
    assert Observation.objects.get(pk=second.total.pk).value == Decimal("45")
    assert EmissionCalculation.objects.count() == 2  # the first is kept
    body = client.get("/emissions/alpha-site/2019/calculation/").content.decode()
    assert f"Recalculation of #{posted.pk}" in body
    assert 'data-testid="same-as-posted"' in body
    api = client.get("/api/v1/emissions/calculations/?org_unit=alpha-site&fiscal_year=2019")
    listed = api.json()["results"]
    assert [c["recalculation_of"] for c in listed] == [posted.pk, None]
    # the CLI says the same
    assert "recalculation #" in cli("post", "--unit", "alpha-site", "--fy", "2019")


# --- what an electricity factor's fiscal year means --------------------------------------


def test_the_electricity_factors_fiscal_year_is_the_emission_year(client, world, system, tmp_path):
    text = (
        "fiscal_year,supplier,basis,factor,unit,results_year\n"
        "2023,Chubu Power,market,0.000388,t-CO2/kWh,2022\n"  # the list of FY2022 results
        "2023,Kansai Power,market,0.000300,t-CO2/kWh,\n"  # empty: the year before
        "2022,Hokuriku Power,market,0.000500,t-CO2/kWh,2022\n"  # the list's year as fiscal_year
    )
    with pytest.raises(ImportRejected) as caught:
        services.import_supplier_factors(actor=system, file=write(tmp_path, text, "y.csv"))
    (error,) = caught.value.errors
    assert (error.row, error.column) == (4, "results_year")
    assert error.message.startswith(
        "factors computed from FY2022 results apply to FY2023 emissions, but fiscal_year says "
        "FY2022"
    )
    services.import_supplier_factors(
        actor=system, file=write(tmp_path, "\n".join(text.splitlines()[:3]) + "\n", "y.csv")
    )
    chubu = services.factor_for("electricity", 2023, supplier="Chubu Power").factor
    kansai = services.factor_for("electricity", 2023, supplier="Kansai Power").factor
    assert (chubu.results_year, kansai.results_year) == (2022, 2022)
    assert (chubu.factor_set.valid_from, chubu.factor_set.valid_to) == (2023, 2023)
    body = signed_in(client, world, "csr_admin").get("/emissions/factors/").content.decode()
    assert "For FY2023 emissions (electricity used in FY2023)" in body
    assert "FY2022 results" in body and "for the reports of FY2024" in body


# --- purchased heat, coal and heavy oil B/C -----------------------------------------------


def test_heat_coal_and_heavy_oil_are_activities(site, system):
    record(system, site, "industrial-steam", "100", "GJ")  # 100 × 0.060 = 6 t, Scope 2
    record(system, site, "cold-water", "50000", "MJ")  # 50 GJ × 0.057 = 2.85 t, Scope 2
    record(system, site, "steam-coal", "10", "t")  # 10 × 2.33 = 23.3 t, Scope 1
    record(system, site, "heavy-oil-bc", "2000", "L")  # 2 kL × 3.00 = 6 t, Scope 1
    result = services.calculate(viewer=system, org_unit=site, period=APRIL)
    assert (result.scope1, result.scope2) == (Decimal("29.3"), Decimal("8.85"))
    by_activity = {line.activity: line for line in result.lines}
    assert "to be verified" in by_activity["industrial-steam"].warning  # shipped, unverified
    with pytest.raises(ValidationError, match="Purchased steam, industrial is entered in heat"):
        record(system, site, "industrial-steam", "1", "kWh")


def test_japanese_names_in_activity_files(world, system, tmp_path):
    text = (
        "org_unit,period,activity,quantity,unit\n"
        "alpha-site,2019-04,C重油,2,kL\n"
        "alpha-site,2019-04,一般炭,10,t\n"
        "alpha-site,2019-04,都市ガス,12.5,千m3\n"
        "alpha-site,2019-04,冷水,50,GJ\n"
    )
    assert activity_io.import_activity(write(tmp_path, text), actor=system).created == 4
    assert set(ActivityRecord.objects.values_list("activity", flat=True)) == {
        "heavy-oil-bc",
        "steam-coal",
        "city-gas",
        "cold-water",
    }


def test_uploaded_page_file_with_typed_units(
    client, world, site, django_capture_on_commit_callbacks
):
    signed_in(client, world, "company_risk_officer")
    upload = SimpleUploadedFile(
        "typed.csv",
        b"org_unit,period,activity,quantity,unit\nalpha-site,2019-04,lpg,2,ton\n",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/emissions/alpha-site/2019/upload/", {"file": upload})
    assert ActivityRecord.objects.get().unit == "t"
