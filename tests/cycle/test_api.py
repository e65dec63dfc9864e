"""The cycle's REST API: lists, details, filters, and the transitions through the services."""

from __future__ import annotations

import csv
import io

import pytest

from tatara.core.models import AuditEvent
from tatara.cycle.choices import Status
from tatara.cycle.models import CycleYear, Initiative


@pytest.fixture
def world(module_world, db):
    module_world.refresh()
    return module_world


@pytest.fixture
def api(client, world):
    def as_user(key):
        client.force_login(world.users[key])
        return client

    return as_user


def rows(response):
    assert response.status_code == 200, response.content
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


# --- subjects and fiscal years ----------------------------------------------------------------


def test_subjects_are_the_nine_of_the_table_with_their_iso_clauses(api):
    subjects = rows(api("auditor").get("/api/v1/subjects/"))
    assert [s["number"] for s in subjects] == list(range(1, 10))
    assert [s["iso26000_clause"] for s in subjects] == [
        "5",
        "6.2",
        "6.3",
        "6.4",
        "6.5",
        "6.6",
        "6.7",
        "6.8",
        "7",
    ]
    assert subjects[0]["code"] == "recognition"
    assert subjects[0]["title"] == "Recognition of Social Responsibility"
    assert subjects[0]["title_ja"] == "社会的責任の認識"
    one = api("auditor").get(f"/api/v1/subjects/{subjects[2]['id']}/").json()
    assert one == subjects[2]


def test_fiscal_years_list_and_detail(api, world):
    client = api("compliance_dept")
    [year] = rows(client.get("/api/v1/fiscal-years/"))
    assert year == {
        "year": 2024,
        "start_date": "2024-04-01",
        "end_date": "2025-03-31",
        "phase": "planning",
        "plan_due": "2024-04-01",
        "results_due": "2025-04-14",
        "review_due": "2025-05-15",
        "note": "",
    }
    assert client.get("/api/v1/fiscal-years/2024/").json() == year
    assert client.get("/api/v1/fiscal-years/2023/").status_code == 404
    assert client.get("/api/v1/fiscal-years/24/").status_code == 404


def test_opening_a_year(api):
    client = api("csr_admin")
    response = post(client, "/api/v1/fiscal-years/", {"year": 2025})
    assert response.status_code == 201
    assert response.json()["year"] == 2025 and response.json()["phase"] == "planning"
    assert CycleYear.objects.filter(fiscal_year__year=2025).exists()
    again = post(client, "/api/v1/fiscal-years/", {"year": 2025})
    assert again.status_code == 400 and "already open" in str(again.json())


@pytest.mark.parametrize("body", [{}, {"year": "abc"}, {"year": 99999}, {"year": 1}])
def test_opening_a_year_validates_the_year(api, body):
    before = CycleYear.objects.count()
    client = api("csr_admin")
    client.raise_request_exception = False
    response = post(client, "/api/v1/fiscal-years/", body)
    assert response.status_code == 400 and "year" in response.json()
    assert CycleYear.objects.count() == before


def test_year_table_download_defaults_to_csv(api, world):
    response = api("company_risk_officer").get(f"/api/v1/fiscal-years/{world.year}/table/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [r["planned"] for r in table] == [
        "Planned ~alpha:initiative~",
        "Planned ~alpha-div:initiative~",
    ]
    assert [r["rating"] for r in table] == ["3", ""]


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats"), ("md", "text/markdown")],
)
def test_year_table_download_in_each_format(api, world, fmt, content_type):
    response = api("auditor").get(f"/api/v1/fiscal-years/{world.year}/table/?format={fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)


def test_year_table_refuses_an_unknown_format(api, world):
    response = api("auditor").get(f"/api/v1/fiscal-years/{world.year}/table/?format=docx")
    assert response.status_code == 400 and "format" in response.json()


# --- initiatives: lists, details, filters -----------------------------------------------------


def test_initiative_detail(api, world):
    alpha = world.initiatives["alpha"]
    data = api("company_risk_officer").get(f"/api/v1/initiatives/{alpha.pk}/").json()
    assert data == {
        "id": alpha.pk,
        "year": 2024,
        "subject": 2,
        "position": 1,
        "owner_unit": "alpha",
        "status": "confirmed",
        "planned": ["Planned ~alpha:initiative~"],
        "results": ["Result ~alpha:initiative~"],
        "proposed_rating": 3,
        "rating": 3,
        "next_planned": ["Next ~alpha:initiative~ (ongoing)"],
        "review_note": "",
        "notes": "",
        "predecessor": None,
        "drafted_by_label": "test-fixtures",
        "proposed_by_label": "test-fixtures",
        "plan_waiver": "",
        "rating_waiver": "",
    }


def test_initiative_list_is_paginated_and_ordered(api, world):
    data = api("auditor").get("/api/v1/initiatives/?limit=3").json()
    assert data["count"] == 4 and len(data["results"]) == 3 and data["next"]
    owners = [r["owner_unit"] for r in rows(api("auditor").get("/api/v1/initiatives/"))]
    assert owners == ["alpha", "bravo", "alpha-div", "bravo-div"]  # by subject, then position
    by_rating = [
        r["rating"]
        for r in rows(api("auditor").get("/api/v1/initiatives/?ordering=-rating&status=confirmed"))
    ]
    assert by_rating == [3, 2]


@pytest.mark.parametrize(
    ("query", "owners"),
    [
        ("status=draft", {"alpha-div", "bravo-div"}),
        ("status=confirmed", {"alpha", "bravo"}),
        ("rating=2", {"bravo"}),
        ("subject__number=3", {"alpha-div", "bravo-div"}),
        ("cycle__fiscal_year__year=2024", {"alpha", "bravo", "alpha-div", "bravo-div"}),
        ("cycle__fiscal_year__year=2023", set()),
    ],
)
def test_initiative_filters(api, query, owners):
    found = {r["owner_unit"] for r in rows(api("auditor").get(f"/api/v1/initiatives/?{query}"))}
    assert found == owners


def test_filters_stay_inside_the_scope(api):
    found = {
        r["owner_unit"]
        for r in rows(api("company_risk_officer").get("/api/v1/initiatives/?subject__number=3"))
    }
    assert found == {"alpha-div"}


# --- initiatives: creation and transitions ----------------------------------------------------


def test_creating_an_initiative(api, world):
    client = api("csr_admin")
    response = post(
        client,
        "/api/v1/initiatives/",
        {
            "year": world.year,
            "subject": 5,
            "owner_unit": "bravo-site",
            "planned": ["Cut waste", "Recycle"],
            "next_planned": ["Cut waste (ongoing)"],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["subject"], data["owner_unit"], data["position"]) == (
        "draft",
        5,
        "bravo-site",
        1,
    )
    assert data["planned"] == ["Cut waste", "Recycle"]
    assert AuditEvent.objects.filter(target_id=str(data["id"]), verb="initiative.created").exists()


def test_creating_an_initiative_needs_an_open_year_and_a_plan(api, world):
    client = api("csr_admin")
    before = Initiative.objects.count()
    no_year = post(
        client,
        "/api/v1/initiatives/",
        {"year": 1999, "subject": 5, "owner_unit": "alpha", "planned": ["x"]},
    )
    assert no_year.status_code == 400 and "year" in no_year.json()
    no_plan = post(
        client,
        "/api/v1/initiatives/",
        {"year": world.year, "subject": 5, "owner_unit": "alpha", "planned": [" "]},
    )
    assert no_plan.status_code == 400
    bad_unit = post(
        client,
        "/api/v1/initiatives/",
        {"year": world.year, "subject": 5, "owner_unit": "nowhere", "planned": ["x"]},
    )
    assert bad_unit.status_code == 400 and "owner_unit" in bad_unit.json()
    assert Initiative.objects.count() == before


def test_the_flow_through_the_api(api, world):
    pk = world.initiatives["alpha-div"].pk
    url = f"/api/v1/initiatives/{pk}"

    risk = api("group_risk_officer")
    approved = post(risk, f"{url}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = post(risk, f"{url}/approve/")
    assert again.status_code == 400  # a wrong-status transition is a validation error

    officer = api("company_risk_officer")
    too_early = post(officer, f"{url}/propose-rating/", {"rating": 3})
    assert too_early.status_code == 400 and "results" in too_early.json()
    results = post(
        officer,
        f"{url}/results/",
        {"results": ["Done", "Also done"], "next_planned": ["More"], "notes": "n"},
    )
    assert results.status_code == 200
    assert (results.json()["results"], results.json()["next_planned"], results.json()["notes"]) == (
        ["Done", "Also done"],
        ["More"],
        "n",
    )
    # a body without `results` leaves the results alone (a notes-only correction)
    notes_only = post(officer, f"{url}/results/", {"notes": "typo fixed"})
    assert notes_only.status_code == 200
    assert (notes_only.json()["results"], notes_only.json()["notes"]) == (
        ["Done", "Also done"],
        "typo fixed",
    )
    assert post(officer, f"{url}/propose-rating/").status_code == 400  # rating is required
    assert post(officer, f"{url}/propose-rating/", {"rating": 5}).status_code == 400
    proposed = post(officer, f"{url}/propose-rating/", {"rating": 3, "comment": "all done"})
    assert proposed.status_code == 200 and proposed.json()["proposed_rating"] == 3

    csr = api("csr_admin")
    no_note = post(csr, f"{url}/confirm-rating/", {"rating": 2})
    assert no_note.status_code == 400 and "note" in no_note.json()
    assert Initiative.objects.get(pk=pk).status == Status.PROPOSED
    confirmed = post(csr, f"{url}/confirm-rating/", {"rating": 2, "note": "One target missed"})
    assert confirmed.status_code == 200
    assert (
        confirmed.json()["status"],
        confirmed.json()["rating"],
        confirmed.json()["review_note"],
    ) == ("confirmed", 2, "One target missed")

    assert post(csr, f"{url}/send-back/").status_code == 400  # a note is required
    sent_back = post(csr, f"{url}/send-back/", {"note": "Add evidence"})
    assert sent_back.status_code == 200
    assert (sent_back.json()["status"], sent_back.json()["rating"]) == ("approved", None)


def test_revising_an_approved_plan_through_the_api(api, world, advance):
    pk = advance(world.fresh("alpha-div"), Status.APPROVED).pk
    csr = api("csr_admin")
    assert (
        post(csr, f"/api/v1/initiatives/{pk}/plan/", {"planned": ["New plan"]}).status_code == 400
    )
    response = post(
        csr, f"/api/v1/initiatives/{pk}/plan/", {"planned": ["New plan"], "reason": "Scope changed"}
    )
    assert response.status_code == 200 and response.json()["planned"] == ["New plan"]
    assert Initiative.objects.get(pk=pk).measures.get(column="planned").revised


def test_carrying_a_year_forward_through_the_api(api, world, advance):
    csr = api("csr_admin")
    unconfirmed = post(csr, f"/api/v1/fiscal-years/{world.year}/carry-forward/")
    assert unconfirmed.status_code == 400
    for code in ("alpha-div", "bravo-div"):
        advance(world.fresh(code), Status.CONFIRMED)
    response = post(csr, f"/api/v1/fiscal-years/{world.year}/carry-forward/")
    assert response.status_code == 201
    assert (response.json()["year"], response.json()["phase"]) == (world.year + 1, "planning")
    successors = rows(csr.get(f"/api/v1/initiatives/?cycle__fiscal_year__year={world.year + 1}"))
    assert len(successors) == 4
    assert {r["predecessor"] for r in successors} == {i.pk for i in world.initiatives.values()}
    assert post(csr, f"/api/v1/fiscal-years/{world.year}/carry-forward/").status_code == 400
