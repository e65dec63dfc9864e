"""KPI pages of the write side: data entry (draft, submit, jump reason, units, evidence), the
approval queue, collection rounds and their dashboard panel, import as a background job,
export, targets, links to initiatives and the rating override on the initiative page.

The world (tests/conftest.py): compliance_dept enters and submits on alpha-div,
company_risk_officer on alpha, group_risk_officer approves everywhere, csr_admin manages."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kpi_data import put, target
from openpyxl import load_workbook

from tatara.core.models import Job, JobStatus
from tatara.kpis import rounds, services
from tatara.kpis.choices import ObservationStatus, TargetKind
from tatara.kpis.models import CollectionRound, Metric, Observation, RatingOverride, Target

pytestmark = pytest.mark.django_db

CO2 = "co2-emissions"


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def entry_url(world, unit="alpha-div", period=None):
    return f"/kpis/entry/?unit={unit}&period={period or f'FY{world.year}'}"


def post_row(client, world, metric=CO2, unit="alpha-div", period=None, **fields):
    data = {
        "unit": unit,
        "period": period or f"FY{world.year}",
        "metric": metric,
        "value": "",
        "unit_of_measure": "",
        "source": "",
        "reason": "",
        "action": "save",
        **fields,
    }
    return client.post("/kpis/entry/", data)


def obs(world, metric=CO2, unit="alpha-div"):
    return Observation.objects.filter(
        metric__code=metric, org_unit=world.units[unit], period_start=dt.date(world.year, 4, 1)
    ).first()


def submitted(world, code, unit="alpha-div", value=50):
    o = put(code, world.units[unit], world.year, value, status=ObservationStatus.SUBMITTED)
    return o


# --- data entry ---------------------------------------------------------------------------


def test_entry_picks_a_unit_and_period_then_lists_the_metrics(client, world):
    login(client, world, "compliance_dept")
    page = client.get("/kpis/entry/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "alpha-div" in body and "bravo-div" not in body  # only units it may enter for
    page = client.get(entry_url(world))
    body = page.content.decode()
    assert page.status_code == 200
    assert f'data-metric="{CO2}"' in body and 'data-metric="new-hires"' in body
    assert 'data-metric="landfill-rate"' not in body  # a ratio is computed, not entered
    month = client.get(entry_url(world, period=f"{world.year}-05")).content.decode()
    assert f'data-metric="{CO2}"' in month and 'data-metric="new-hires"' not in month


def test_entry_save_then_submit_shows_the_status(client, world):
    login(client, world, "compliance_dept")
    response = post_row(client, world, value="120", source="meters")
    assert response.status_code == 302
    assert response["Location"] == f"/kpis/entry/?unit=alpha-div&period=FY{world.year}#row-{CO2}"
    o = obs(world)
    assert o.status == ObservationStatus.DRAFT and o.value == Decimal(120) and o.source == "meters"
    body = client.get(entry_url(world)).content.decode()
    assert "Draft" in body
    response = post_row(client, world, value="120", source="meters", action="submit")
    assert response.status_code == 302
    assert obs(world).status == ObservationStatus.SUBMITTED
    body = client.get(entry_url(world)).content.decode()
    assert "Submitted" in body and 'data-testid="value">120<' in body


def test_entry_accepts_another_unit_of_the_same_dimension(client, world):
    login(client, world, "compliance_dept")
    assert post_row(client, world, value="1500", unit_of_measure="kg").status_code == 302
    o = obs(world)
    assert o.value == Decimal("1.5") and o.original_unit == "kg"
    response = post_row(client, world, value="3", unit_of_measure="MWh")
    assert response.status_code == 400
    assert "MWh" in response.content.decode()
    assert obs(world).value == Decimal("1.5")


def test_a_jump_asks_for_the_reason_next_to_the_field(client, world):
    put(CO2, world.units["alpha-div"], world.year - 1, 100)
    login(client, world, "compliance_dept")
    response = post_row(client, world, value="160", action="submit")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="jump"' in body and "more than 50%" in body
    assert obs(world).status == ObservationStatus.DRAFT  # the draft is kept
    response = post_row(client, world, value="160", action="submit", reason="New furnace")
    assert response.status_code == 302
    o = obs(world)
    assert o.status == ObservationStatus.SUBMITTED and o.jump_reason == "New furnace"


def test_evidence_is_uploaded_and_served_through_the_gate(client, world):
    login(client, world, "compliance_dept")
    upload = SimpleUploadedFile("meter.pdf", b"%PDF-1.4 meter", content_type="application/pdf")
    assert post_row(client, world, value="5", evidence=upload).status_code == 302
    o = obs(world)
    assert o.evidence
    response = client.get(f"/kpis/evidence/{o.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert f"/kpis/evidence/{o.pk}/" in client.get(entry_url(world)).content.decode()
    login(client, world, "officer_b")
    assert client.get(f"/kpis/evidence/{o.pk}/").status_code == 404
    assert client.get("/media/" + o.evidence.name).status_code == 404


def test_entry_scope(client, world):
    login(client, world, "compliance_dept")
    assert client.get(entry_url(world, unit="bravo-div")).status_code == 404
    assert post_row(client, world, unit="bravo-div", value="1").status_code == 404
    assert not Observation.objects.exists()
    login(client, world, "group_risk_officer")  # approves, does not enter
    assert client.get(entry_url(world)).status_code == 403
    login(client, world, "compliance_dept")
    assert client.get(entry_url(world, period="someday")).status_code == 400


def test_entry_lists_what_an_open_round_asks(client, world):
    rounds.open_round(
        actor=world.system,
        org_unit=world.units["alpha"],
        title="FY data",
        fiscal_year=world.year,
        period_start=dt.date(world.year, 4, 1),
        period_end=dt.date(world.year + 1, 3, 31),
        deadline=dt.date(world.year + 1, 5, 31),
        metrics=[Metric.objects.get(code=CO2), Metric.objects.get(code="new-hires")],
        units=[world.units["alpha-div"]],
    )
    login(client, world, "compliance_dept")
    body = client.get(entry_url(world)).content.decode()
    assert body.count('class="row g-2 entry-row"') == 2 and "FY data" in body
    assert "FY data" in client.get("/kpis/entry/").content.decode()  # rounds due


# --- approvals ----------------------------------------------------------------------------


def test_approval_queue_approve_return_and_bulk(client, world):
    first = submitted(world, CO2)
    second = submitted(world, "new-hires")
    third = submitted(world, "employees")
    Observation.objects.filter(pk=first.pk).update(jump_reason="New plant")
    login(client, world, "group_risk_officer")
    body = client.get("/kpis/approvals/").content.decode()
    assert "New plant" in body and body.count("data-observation=") == 3
    response = client.post("/kpis/approvals/", {"action": "approve", "ids": [first.pk]})
    assert response.status_code == 302
    assert Observation.objects.get(pk=first.pk).status == ObservationStatus.APPROVED
    # returning needs a note
    client.post("/kpis/approvals/", {"action": "return", "ids": [second.pk], "note": " "})
    assert Observation.objects.get(pk=second.pk).status == ObservationStatus.SUBMITTED
    client.post("/kpis/approvals/", {"action": "return", "ids": [second.pk], "note": "Recount"})
    returned = Observation.objects.get(pk=second.pk)
    assert returned.status == ObservationStatus.DRAFT and returned.return_note == "Recount"
    # the unit sees the note
    login(client, world, "compliance_dept")
    assert "Recount" in client.get(entry_url(world)).content.decode()
    login(client, world, "group_risk_officer")
    fourth = submitted(world, "new-hires-diverse")
    client.post("/kpis/approvals/", {"action": "approve", "ids": [third.pk, fourth.pk]})
    assert set(Observation.objects.filter(status="approved").values_list("pk", flat=True)) == {
        first.pk,
        third.pk,
        fourth.pk,
    }


def test_approval_queue_scope(client, world):
    mine = submitted(world, CO2)
    other = submitted(world, CO2, unit="bravo-div")
    login(client, world, "company_risk_officer")  # enters and submits, does not approve
    assert client.get("/kpis/approvals/").status_code == 403
    assert (
        client.post("/kpis/approvals/", {"action": "approve", "ids": [mine.pk]}).status_code == 403
    )
    assert Observation.objects.get(pk=mine.pk).status == ObservationStatus.SUBMITTED
    login(client, world, "group_risk_officer")
    assert client.get("/kpis/approvals/").content.decode().count("data-observation=") == 2
    assert other.pk


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_approval_queue_reads_a_fixed_number_of_queries(client, world):
    login(client, world, "group_risk_officer")
    submitted(world, CO2)
    few = _queries(client, "/kpis/approvals/")
    for code in ("new-hires", "employees", "managers", "new-hires-diverse", "waste-generated"):
        submitted(world, code)
        submitted(world, code, unit="bravo-div")
    assert _queries(client, "/kpis/approvals/") == few


# --- rounds -------------------------------------------------------------------------------


def open_round(world, title="FY data", units=("alpha-div", "bravo-div"), deadline=None):
    return rounds.open_round(
        actor=world.system,
        org_unit=world.units["grp"],
        title=title,
        fiscal_year=world.year,
        period_start=dt.date(world.year, 4, 1),
        period_end=dt.date(world.year + 1, 3, 31),
        deadline=deadline or dt.date(world.year + 1, 5, 31),
        metrics=[Metric.objects.get(code=CO2)],
        units=[world.units[u] for u in units],
    )


def test_round_form_opens_a_round(client, world):
    login(client, world, "csr_admin")
    page = client.get("/kpis/rounds/new/?org_unit=alpha")
    body = page.content.decode()
    assert page.status_code == 200 and 'name="units" value="alpha-div"' in body
    assert 'name="units" value="bravo-div"' not in body
    data = {
        "title": "FY energy",
        "org_unit": "alpha",
        "fiscal_year": world.year,
        "period": f"FY{world.year}",
        "deadline": f"{world.year + 1}-05-31",
        "metrics": [CO2],
        "units": ["alpha-div", "bravo-div"],
    }
    response = client.post("/kpis/rounds/new/", data)
    assert response.status_code == 400 and not CollectionRound.objects.exists()
    assert "valid choice" in response.content.decode()  # bravo-div is not within alpha
    response = client.post("/kpis/rounds/new/", {**data, "units": ["alpha-div"]})
    made = CollectionRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kpis/rounds/{made.pk}/"
    response = client.post(
        "/kpis/rounds/new/", {**data, "units": ["alpha-div"], "deadline": f"{world.year}-05-31"}
    )
    assert response.status_code == 400 and CollectionRound.objects.count() == 1
    login(client, world, "company_risk_officer")
    assert client.get("/kpis/rounds/new/").status_code == 403


def test_round_status_page_overdue_and_close(client, world):
    late = open_round(world, deadline=dt.date(world.year + 1, 3, 31))
    services.record_observation(
        actor=world.system,
        metric=Metric.objects.get(code=CO2),
        org_unit=world.units["alpha-div"],
        period_start=dt.date(world.year, 4, 1),
        period_end=dt.date(world.year + 1, 3, 31),
        value=5,
    )
    login(client, world, "csr_admin")
    body = client.get(f"/kpis/rounds/{late.pk}/").content.decode()
    assert 'data-unit="alpha-div" class="overdue"' in body and "in progress" in body
    assert 'data-unit="bravo-div" class="overdue"' in body and "not started" in body
    assert 'data-testid="close-round"' in body
    listing = client.get("/kpis/rounds/").content.decode()
    assert f'data-round="{late.pk}" class="overdue"' in listing
    # the dashboard lists the late units
    dashboard = client.get("/").content.decode()
    assert "KPI data overdue" in dashboard and f"/kpis/rounds/{late.pk}/" in dashboard
    # a division's officer sees the round asking it, and only its own row
    login(client, world, "compliance_dept")
    body = client.get(f"/kpis/rounds/{late.pk}/").content.decode()
    assert 'data-unit="alpha-div"' in body and "bravo-div" not in body
    assert 'data-testid="close-round"' not in body
    assert client.post(f"/kpis/rounds/{late.pk}/close/").status_code == 403
    login(client, world, "csr_admin")
    assert client.post(f"/kpis/rounds/{late.pk}/close/").status_code == 302
    assert CollectionRound.objects.get(pk=late.pk).is_closed
    assert "KPI data overdue" not in client.get("/").content.decode()


def test_round_list_reads_a_fixed_number_of_queries(client, world):
    login(client, world, "csr_admin")
    open_round(world, title="R0")
    few = _queries(client, "/kpis/rounds/")
    for n in range(1, 6):
        open_round(world, title=f"R{n}")
    assert _queries(client, "/kpis/rounds/") == few


# --- import and export --------------------------------------------------------------------


def upload(client, callbacks, text, what="observations", name="values.csv", dry_run=False):
    data = {"what": what, "file": SimpleUploadedFile(name, text.encode())}
    if dry_run:
        data["dry_run"] = "on"
    with callbacks(execute=True):
        return client.post("/kpis/import/", data)


def test_import_runs_as_a_job(client, world, django_capture_on_commit_callbacks):
    login(client, world, "compliance_dept")
    assert client.get("/kpis/import/").status_code == 200
    text = f"metric,org_unit,period,value,unit\n{CO2},alpha-div,FY{world.year},12,\n"
    response = upload(client, django_capture_on_commit_callbacks, text)
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.kind == "kpis.observations_import"
    assert obs(world).value == Decimal(12)
    assert "1 created" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_a_refused_import_lists_the_errors_and_stores_nothing(
    client, world, django_capture_on_commit_callbacks
):
    login(client, world, "compliance_dept")
    text = (
        "metric,org_unit,period,value,unit\n"
        f"{CO2},alpha-div,FY{world.year},12,\n"
        f"{CO2},bravo-div,FY{world.year},12,\n"
        f"nope,alpha-div,FY{world.year},x,\n"
    )
    upload(client, django_capture_on_commit_callbacks, text)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-errors"' in page and "values.csv" in page
    assert {(e["row"], e["column"]) for e in job.result["error_details"]} >= {
        (3, "org_unit"),
        (4, "metric"),
    }
    assert not Observation.objects.exists()


def test_targets_import_needs_manage(client, world, django_capture_on_commit_callbacks):
    login(client, world, "compliance_dept")
    text = f"metric,fiscal_year,org_unit,kind,value,base_year\n{CO2},{world.year},alpha-div,at_most,5,\n"
    response = upload(client, django_capture_on_commit_callbacks, text, what="targets")
    assert response.status_code == 400 and not Job.objects.exists()
    login(client, world, "csr_admin")
    upload(client, django_capture_on_commit_callbacks, text, what="targets")
    assert Job.objects.get().status == JobStatus.SUCCEEDED
    assert Target.objects.get().value == Decimal(5)


def test_exports(client, world):
    put(CO2, world.units["alpha-div"], world.year, 7)
    put(CO2, world.units["bravo-div"], world.year, 8)
    target(CO2, world.units["alpha-div"], world.year, TargetKind.AT_MOST, 9)
    login(client, world, "compliance_dept")
    response = client.get(f"/kpis/export/observations-FY{world.year}.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["org_unit"], r["value"]) for r in rows] == [("alpha-div", "7")]
    response = client.get(f"/kpis/export/targets-FY{world.year}.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:3] == [CO2, world.year, "alpha-div"]
    assert client.get(f"/kpis/export/people-FY{world.year}.csv").status_code == 404
    login(client, world, "employee")
    assert client.get(f"/kpis/export/observations-FY{world.year}.csv").status_code == 403


# --- targets, links and overrides ---------------------------------------------------------


def test_target_create_and_edit(client, world):
    login(client, world, "csr_admin")
    assert client.get(f"/kpis/targets/new/?fy={world.year}").status_code == 200
    data = {
        "metric": CO2,
        "fiscal_year": world.year,
        "org_unit": "alpha-div",
        "kind": TargetKind.REDUCE_VS_BASE,
        "value": "5",
        "base_year": "",
    }
    response = client.post("/kpis/targets/new/", data)
    assert response.status_code == 400 and "needs a base year" in response.content.decode()
    response = client.post("/kpis/targets/new/", {**data, "base_year": "FY2010"})
    made = Target.objects.get()
    assert response["Location"] == f"/kpis/targets/{made.pk}/"
    assert made.base_year.year == 2010
    page = client.get(f"/kpis/targets/{made.pk}/").content.decode()
    assert 'data-for-kind="reduce_vs_base"' in page and 'data-for-kind="legal_minimum"' in page
    response = client.post(
        f"/kpis/targets/{made.pk}/",
        {"kind": TargetKind.LEGAL_MINIMUM, "legal_parameter": "disability-employment-rate"},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.kind == TargetKind.LEGAL_MINIMUM and made.value is None
    login(client, world, "company_risk_officer")
    assert client.get(f"/kpis/targets/{made.pk}/").status_code == 200  # read only
    assert client.post(f"/kpis/targets/{made.pk}/", {"kind": "at_most"}).status_code == 403
    assert client.get("/kpis/targets/new/").status_code == 403


def test_link_override_and_the_initiative_page(client, world):
    unit = world.units["alpha-div"]
    made = target(CO2, unit, world.year, TargetKind.AT_MOST, 100)
    put(CO2, unit, world.year, 95)
    initiative = world.initiatives["alpha-div"]
    login(client, world, "csr_admin")
    page = client.get(f"/kpis/targets/{made.pk}/").content.decode()
    assert f'value="{initiative.pk}"' in page
    response = client.post(f"/kpis/targets/{made.pk}/initiatives/", {"initiative": initiative.pk})
    assert response.status_code == 302 and list(made.initiatives.all()) == [initiative]
    body = client.get(f"/cycle/initiatives/{initiative.pk}/").content.decode()
    assert 'data-testid="initiative-kpis"' in body and "3 of 3 stars" in body
    assert "Override the rating" in body
    response = client.post(
        f"/kpis/initiatives/{initiative.pk}/rating/", {"rating": "2", "reason": ""}
    )
    assert response.status_code == 302 and not RatingOverride.objects.exists()
    client.post(
        f"/kpis/initiatives/{initiative.pk}/rating/", {"rating": "2", "reason": "Late in Q4"}
    )
    assert RatingOverride.objects.get().rating == 2
    body = client.get(f"/cycle/initiatives/{initiative.pk}/").content.decode()
    assert 'data-testid="override"' in body and "Late in Q4" in body
    # the division's officer sees the targets and the override, not the form
    login(client, world, "compliance_dept")
    body = client.get(f"/cycle/initiatives/{initiative.pk}/").content.decode()
    assert "Late in Q4" in body and "Override the rating" not in body
    assert client.post(f"/kpis/initiatives/{initiative.pk}/rating/clear/").status_code == 403
    login(client, world, "csr_admin")
    client.post(f"/kpis/initiatives/{initiative.pk}/rating/clear/")
    assert not RatingOverride.objects.exists()
    client.post(f"/kpis/targets/{made.pk}/initiatives/{initiative.pk}/unlink/")
    assert not made.initiatives.exists()


def test_the_year_page_links_to_the_write_side(client, world):
    target(CO2, world.units["alpha-div"], world.year, TargetKind.AT_MOST, 100)
    login(client, world, "csr_admin")
    body = client.get(f"/kpis/{world.year}/").content.decode()
    for url in ("/kpis/entry/", "/kpis/approvals/", "/kpis/rounds/", "/kpis/import/"):
        assert url in body, url
    assert "/kpis/targets/new/" in body
    login(client, world, "auditor")
    body = client.get(f"/kpis/{world.year}/").content.decode()
    assert "/kpis/rounds/" in body and "/kpis/entry/" not in body
    assert "/kpis/approvals/" not in body and "/kpis/targets/new/" not in body
