"""The KPI write API, through the real endpoints with the test client: record, submit (jump
reason), approve and return observations; create, change and link targets; open rounds and
read their status. Service errors are 400 with field messages; scope refusals 403 / 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from kpi_data import put, target

from tatara.kpis.choices import ObservationStatus, TargetKind
from tatara.kpis.models import CollectionRound, Observation, Target

pytestmark = pytest.mark.django_db

CO2 = "co2-emissions"
OBS = "/api/v1/kpis/observations/"


def api(client, world, role):
    client.force_login(world.users[role])
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def record(client, world, org_unit="alpha-div", **extra):
    data = {
        "metric": CO2,
        "org_unit": org_unit,
        "period": f"FY{world.year}",
        "value": "12",
        **extra,
    }
    return post(client, OBS, data)


def test_record_converts_and_refuses_out_of_scope(client, world):
    api(client, world, "compliance_dept")
    response = record(client, world, value="1500", unit="kg", source="meters")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and Decimal(body["value"]) == Decimal("1.5")
    assert body["original_unit"] == "kg" and body["org_unit"] == "alpha-div"
    # a unit outside the caller's scope answers exactly like a unit that does not exist
    outside = record(client, world, org_unit="bravo-div")
    missing = record(client, world, org_unit="no-such-unit")
    assert outside.status_code == missing.status_code == 400
    assert outside.json()["org_unit"] == [
        m.replace("no-such-unit", "bravo-div") for m in missing.json()["org_unit"]
    ]
    response = record(client, world, period="someday")
    assert response.status_code == 400 and "period" in response.json()
    response = record(client, world, unit="MWh")
    assert response.status_code == 400 and "unit" in response.json()
    assert Observation.objects.count() == 1
    api(client, world, "group_risk_officer")
    assert record(client, world).status_code == 403
    assert client.get(OBS).status_code == 200  # the read side still answers the list


def test_submit_with_a_jump_needs_a_reason(client, world):
    put(CO2, world.units["alpha-div"], world.year - 1, 100)
    api(client, world, "compliance_dept")
    pk = record(client, world, value="160").json()["id"]
    response = post(client, f"{OBS}{pk}/submit/")
    assert response.status_code == 400
    assert "more than 50%" in response.json()["jump_reason"][0]
    response = post(client, f"{OBS}{pk}/submit/", {"reason": "New furnace"})
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert response.json()["jump_reason"] == "New furnace"


def test_approve_and_return(client, world):
    mine = put(CO2, world.units["alpha-div"], world.year, 5, status=ObservationStatus.SUBMITTED)
    other = put(CO2, world.units["bravo-div"], world.year, 5, status=ObservationStatus.SUBMITTED)
    api(client, world, "compliance_dept")
    assert post(client, f"{OBS}{mine.pk}/approve/").status_code == 403
    assert post(client, f"{OBS}{other.pk}/approve/").status_code == 404
    api(client, world, "group_risk_officer")
    response = post(client, f"{OBS}{mine.pk}/return/", {"note": ""})
    assert response.status_code == 400 and "note" in response.json()
    response = post(client, f"{OBS}{mine.pk}/return/", {"note": "Recount"})
    assert response.status_code == 200 and response.json()["return_note"] == "Recount"
    assert response.json()["status"] == "draft"
    response = post(client, f"{OBS}{other.pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = post(client, f"{OBS}{other.pk}/approve/")
    assert response.status_code == 400  # only a submitted value can be approved


def test_targets_create_patch_and_errors(client, world):
    api(client, world, "csr_admin")
    data = {
        "metric": CO2,
        "fiscal_year": world.year,
        "org_unit": "alpha-div",
        "kind": "reduce_vs_base",
        "value": "5",
    }
    response = post(client, "/api/v1/kpis/targets/", data)
    assert response.status_code == 400 and "base_year" in response.json()
    response = post(client, "/api/v1/kpis/targets/", {**data, "base_year": 2010})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["base_year"] == 2010
    response = client.patch(
        f"/api/v1/kpis/targets/{pk}/", {"value": "7"}, content_type="application/json"
    )
    assert response.status_code == 200 and Decimal(response.json()["value"]) == 7
    assert Target.objects.get(pk=pk).base_year.year == 2010  # left out: kept
    response = client.patch(
        f"/api/v1/kpis/targets/{pk}/",
        {"kind": "legal_minimum", "legal_parameter": "disability-employment-rate"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["value"] is None
    api(client, world, "company_risk_officer")
    assert post(client, "/api/v1/kpis/targets/", {**data, "base_year": 2010}).status_code == 403
    response = client.patch(
        f"/api/v1/kpis/targets/{pk}/", {"value": "9"}, content_type="application/json"
    )
    assert response.status_code == 403
    other = target(CO2, world.units["bravo-div"], world.year, TargetKind.AT_MOST, 3)
    response = client.patch(
        f"/api/v1/kpis/targets/{other.pk}/", {"value": "9"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_link_a_target_to_an_initiative(client, world):
    made = target(CO2, world.units["alpha-div"], world.year, TargetKind.AT_MOST, 3)
    older = target(CO2, world.units["alpha-div"], world.year - 1, TargetKind.AT_MOST, 3)
    initiative = world.initiatives["alpha-div"]
    api(client, world, "csr_admin")
    url = f"/api/v1/kpis/targets/{made.pk}/initiatives/"
    response = post(client, url, {"initiative": initiative.pk})
    assert response.status_code == 200
    assert response.json() == {"target": made.pk, "initiatives": [initiative.pk]}
    response = post(
        client, f"/api/v1/kpis/targets/{older.pk}/initiatives/", {"initiative": initiative.pk}
    )
    assert response.status_code == 400  # different fiscal years
    assert post(client, url, {"initiative": 999999}).status_code == 400
    api(client, world, "compliance_dept")
    assert post(client, url, {"initiative": initiative.pk}).status_code == 403


def test_rounds_open_list_and_status(client, world):
    api(client, world, "csr_admin")
    data = {
        "title": "FY data",
        "org_unit": "alpha",
        "fiscal_year": world.year,
        "period": f"FY{world.year}",
        "deadline": f"{world.year + 1}-05-31",
        "metrics": [CO2],
        "units": ["alpha-div", "bravo-div"],
    }
    response = post(client, "/api/v1/kpis/rounds/", data)
    assert response.status_code == 400 and "bravo-div" in response.json()["units"][0]
    response = post(client, "/api/v1/kpis/rounds/", {**data, "period": "2019-13"})
    assert response.status_code == 400 and "period" in response.json()
    response = post(client, "/api/v1/kpis/rounds/", {**data, "units": ["alpha-div"]})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["units"] == ["alpha-div"] and response.json()["metrics"] == [CO2]
    put(CO2, world.units["alpha-div"], world.year, 5, status=ObservationStatus.SUBMITTED)
    status = client.get(f"/api/v1/kpis/rounds/{pk}/status/").json()
    assert status["org_unit"] == "alpha"
    assert status["units"] == [
        {
            "org_unit": "alpha-div",
            "expected": 1,
            "submitted": 1,
            "approved": 0,
            "state": "submitted",
            "overdue": False,
        }
    ]
    api(client, world, "compliance_dept")  # asked: sees the round
    assert [r["id"] for r in client.get("/api/v1/kpis/rounds/").json()["results"]] == [pk]
    assert post(client, "/api/v1/kpis/rounds/", {**data, "units": ["alpha-div"]}).status_code == 403
    api(client, world, "officer_b")
    assert client.get("/api/v1/kpis/rounds/").json()["results"] == []
    assert client.get(f"/api/v1/kpis/rounds/{pk}/status/").status_code == 404
    assert CollectionRound.objects.count() == 1
    assert dt.date.today()  # status computed against today


def test_the_schema_documents_the_write_endpoints(client, world):
    api(client, world, "auditor")
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/kpis/observations/"])
    for action in ("submit", "approve", "return"):
        assert set(paths[f"/api/v1/kpis/observations/{{id}}/{action}/"]) == {"post"}
    assert "patch" in paths["/api/v1/kpis/targets/{id}/"]
    assert "put" not in paths["/api/v1/kpis/targets/{id}/"]
    assert set(paths["/api/v1/kpis/targets/{id}/initiatives/"]) == {"post"}
    assert {"get", "post"} <= set(paths["/api/v1/kpis/rounds/"])
    assert set(paths["/api/v1/kpis/rounds/{id}/status/"]) == {"get"}
