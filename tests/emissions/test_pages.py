"""Emissions pages through real requests: activity data (grid, entry, upload as a job,
download), the calculation with "post to KPIs", the factor tables and the factor import."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from emissions.example import SUPPLIER_FACTORS, worked_example
from tatara.core.models import Job
from tatara.emissions.models import ActivityRecord, EmissionFactor
from tatara.kpis.models import Observation

TOKYO = "Tokyo Power (standard menu)"


@pytest.fixture
def site(world, supplier_factors):
    return world.units["alpha-site"]


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def signed_in(client, world, role):
    client.force_login(world.users[role])
    return client


def test_activity_page_shows_months_by_activity(client, world, site, system):
    worked_example(system, site)
    page = signed_in(client, world, "company_risk_officer").get("/emissions/alpha-site/2019/")
    assert page.status_code == 200
    body = text(page)
    assert "Energy and fuel used at Alpha Site" in body
    assert f"Electricity ({TOKYO})" in body and "City gas" in body
    assert "120,000&nbsp;" in body and "MWh" in body
    assert 'data-period="2019-04"' in body and 'data-period="2020-03"' in body
    assert 'data-testid="activity-form"' in body  # may change: the form is there
    assert "/emissions/alpha-site/2019/export.xlsx" in body


def test_read_only_roles_see_no_forms(client, world, site):
    body = text(signed_in(client, world, "auditor").get("/emissions/alpha-site/2019/"))
    assert "activity-form" not in body and "Upload and check" not in body
    assert "No activity data yet" in body
    calc = text(client.get("/emissions/alpha-site/2019/calculation/"))
    assert "Post to KPIs" not in calc


def test_scope_and_roles(client, world, site):
    signed_in(client, world, "compliance_dept")
    assert client.get("/emissions/alpha-site/2019/").status_code == 404  # outside alpha-div
    assert client.get("/emissions/nowhere/2019/").status_code == 404
    assert client.get("/emissions/alpha-div/2019/").status_code == 200
    signed_in(client, world, "employee")
    assert client.get("/emissions/").status_code == 403
    assert client.get("/emissions/factors/").status_code == 403


def test_index_goes_to_the_latest_data(client, world, site, system):
    signed_in(client, world, "company_risk_officer")
    assert client.get("/emissions/")["Location"].startswith("/emissions/alpha/")
    worked_example(system, site)
    assert client.get("/emissions/")["Location"] == "/emissions/alpha-site/2019/"
    picked = client.get("/emissions/alpha-site/2019/?unit=alpha-div&fy=2018")
    assert picked["Location"] == "/emissions/alpha-div/2018/"


def test_entering_a_month(client, world, site):
    signed_in(client, world, "company_risk_officer")
    response = client.post(
        "/emissions/alpha-site/2019/record/",
        {
            "period": "2019-06",
            "activity": "electricity",
            "quantity": "5",
            "unit": "MWh",
            "supplier": TOKYO,
            "source": "invoice",
        },
    )
    assert response.status_code == 302
    saved = ActivityRecord.objects.get(org_unit=site)
    assert (saved.quantity, saved.unit, saved.supplier) == (Decimal(5), "MWh", TOKYO)
    assert "Recorded Electricity for 2019-06: 5 MWh." in text(client.get(response["Location"]))
    # refused by the service: shown on the form, nothing stored
    refused = client.post(
        "/emissions/alpha-site/2019/record/",
        {"period": "2019-06", "activity": "diesel", "quantity": "5", "unit": "kWh"},
    )
    assert refused.status_code == 400
    assert "invalid-feedback" in text(refused)
    assert ActivityRecord.objects.count() == 1


def test_a_read_only_role_cannot_enter(client, world, site):
    signed_in(client, world, "auditor")
    data = {"period": "2019-06", "activity": "diesel", "quantity": "5"}
    assert client.post("/emissions/alpha-site/2019/record/", data).status_code == 403
    assert not ActivityRecord.objects.exists()


def test_upload_runs_as_a_job(client, world, site, django_capture_on_commit_callbacks):
    signed_in(client, world, "company_risk_officer")
    upload = SimpleUploadedFile(
        "activity.csv",
        b"org_unit,period,activity,quantity,unit\nalpha-site,2019-04,city-gas,12500,m**3\n",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/emissions/alpha-site/2019/upload/", {"file": upload})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    job = Job.objects.get()
    assert (job.kind, job.status, job.org_unit) == ("emissions.activity_import", "succeeded", site)
    assert "1 activity records added" in job.result["summary"]
    assert ActivityRecord.objects.get().quantity == Decimal(12500)
    job_page = text(client.get(response["Location"]))
    assert "/emissions/alpha-site/2019/" in job_page  # the way back
    assert "activity.csv" in text(client.get("/emissions/alpha-site/2019/"))  # recent uploads


def test_a_bad_upload_fails_its_job_with_the_errors(
    client, world, site, django_capture_on_commit_callbacks
):
    signed_in(client, world, "company_risk_officer")
    upload = SimpleUploadedFile(
        "bad.csv", b"org_unit,period,activity,quantity\nbravo-site,2019-04,diesel,1\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/emissions/alpha-site/2019/upload/", {"file": upload})
    job = Job.objects.get()
    assert job.status == "failed"
    assert "outside your scope" in text(client.get(response["Location"]))
    assert not ActivityRecord.objects.exists()


def test_download(client, world, site, system):
    worked_example(system, site)
    response = signed_in(client, world, "auditor").get("/emissions/alpha-site/2019/export.csv")
    assert response.status_code == 200
    assert 'filename="tatara-FY2019-alpha-site-activity.csv"' in response["Content-Disposition"]
    assert response.content.decode().count("\r\n") == 7  # header and six records
    assert client.get("/emissions/alpha-site/2019/export.pdf").status_code == 404


def test_calculation_and_posting(client, world, site, system):
    worked_example(system, site)
    signed_in(client, world, "company_risk_officer")
    body = text(client.get("/emissions/alpha-site/2019/calculation/"))
    assert "37.925" in body and "95.700" in body and "133.625" in body
    assert "Electricity FY2019 (market-based)" in body
    assert "MOE/METI list FY2019" in body  # the factor's source
    assert 'data-testid="warning"' in body  # Kansai Spot falls back to the default
    assert "Post to KPIs" in body
    location = text(client.get("/emissions/alpha-site/2019/calculation/?basis=location"))
    assert "Electricity FY2019 (location-based)" in location

    response = client.post("/emissions/alpha-site/2019/post/", {"basis": "market"})
    assert response.status_code == 302
    values = dict(Observation.objects.filter(org_unit=site).values_list("metric__code", "value"))
    assert values == {
        "co2-scope1": Decimal("37.925"),
        "co2-scope2": Decimal("95.7"),
        "co2-emissions": Decimal("133.625"),
    }
    after = text(client.get(response["Location"]))
    assert "Posted to the KPIs as drafts" in after
    assert 'data-metric="co2-scope1"' in after  # the posted drafts are listed


def test_calculation_errors_are_shown(client, world, system):
    unit = world.units["alpha-site"]  # no electricity factors imported
    from emissions.example import record

    record(system, unit, "electricity", "1000", "kWh")
    signed_in(client, world, "company_risk_officer")
    body = text(client.get("/emissions/alpha-site/2019/calculation/"))
    assert "No emission factor for electricity" in body and "Post to KPIs" not in body
    response = client.post("/emissions/alpha-site/2019/post/")
    assert response.status_code == 302
    assert not Observation.objects.exists()


def test_factor_tables(client, world, site):
    body = text(signed_in(client, world, "auditor").get("/emissions/factors/"))
    assert "Electricity FY2019 (market-based)" in body and TOKYO in body
    assert (
        "2.58" in body
        and '<th scope="row" class="fw-normal">CH4</th><td class="text-end px-3">28</td><td class="text-end px-3">27.9</td>'
        in body
    )
    assert "Import suppliers&#x27; factors" not in body
    assert client.get("/emissions/factors/import/").status_code == 403
    admin = text(signed_in(client, world, "csr_admin").get("/emissions/factors/"))
    assert "/emissions/factors/import/" in admin


def test_factor_import_page(client, world, site):
    signed_in(client, world, "csr_admin")
    assert client.get("/emissions/factors/import/").status_code == 200
    changed = SUPPLIER_FACTORS.replace("0.455,kg", "0.460,kg")
    response = client.post(
        "/emissions/factors/import/",
        {"file": SimpleUploadedFile("f.csv", changed.encode()), "dry_run": ""},
    )
    assert response.status_code == 302
    factor = EmissionFactor.objects.current().get(
        supplier=TOKYO, factor_set__code="electricity-market-fy2019"
    )
    assert (factor.factor, factor.version) == (Decimal("0.00046"), 2)
    bad = client.post(
        "/emissions/factors/import/",
        {
            "file": SimpleUploadedFile(
                "bad.csv", b"fiscal_year,supplier,basis,factor,unit\n19,x,y,z,kWh\n"
            )
        },
    )
    assert bad.status_code == 400
    body = text(bad)
    assert "<code>fiscal_year</code>" in body and "bad.csv" in body  # the report's table
