"""The KPI read API: metrics, targets, observations, the evaluation of a year, a metric's trend
and breakdown — all through the gate."""

from __future__ import annotations

import factories as f
import pytest
from kpi_data import put, small_group, target

from tatara.kpis.choices import ObservationStatus, TargetKind
from tatara.kpis.evaluation import RECORD_FIELDS
from tatara.organisation.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(make_user):
    units = small_group()
    a1, a2 = units["a1"], units["a2"]
    for code, base, now in (("production-volume", (600, 400), (600, 400)),):
        put(code, a1, 2010, base[0])
        put(code, a2, 2010, base[1])
        put(code, a1, 2019, now[0])
        put(code, a2, 2019, now[1])
    put("co2-emissions", a1, 2010, 600)
    put("co2-emissions", a2, 2010, 400)
    put("co2-emissions", a1, 2019, 590)
    put("co2-emissions", a2, 2019, 396)
    put("co2-emissions", units["b1"], 2019, 77)
    put("waste-generated", a1, 2019, 1000)
    put("waste-landfilled", a1, 2019, 137)
    put("waste-landfilled", a2, 2019, 5, status=ObservationStatus.DRAFT)
    target("co2-intensity", units["g"], 2019, TargetKind.REDUCE_VS_BASE, 5, base_year=2010)
    target("landfill-rate", units["g"], 2019, TargetKind.AT_MOST, 14)
    target("landfill-rate", units["alpha"], 2019, TargetKind.AT_MOST, 13)
    target("co2-emissions", units["bravo"], 2019, TargetKind.AT_MOST, 100)
    target("landfill-rate", units["alpha"], 2018, TargetKind.AT_MOST, 15)
    for name, role, unit in (
        ("office", Role.CSR_ADMIN, "g"),
        ("alpha-officer", Role.COMPANY_RISK_OFFICER, "alpha"),
        ("worker", Role.EMPLOYEE, "a1"),
    ):
        units[name] = make_user(username=name)
        f.grant(units[name], role, units[unit])
    return units


@pytest.fixture
def api(client, units):
    def as_user(name):
        client.force_login(units[name])
        return client

    return as_user


def rows(response):
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


def test_metrics_are_reference_data(api):
    metrics = rows(api("alpha-officer").get("/api/v1/kpis/metrics/"))
    by_code = {m["code"]: m for m in metrics}
    co2 = by_code["co2-intensity"]
    assert co2["unit"] == "t / t" and co2["kind"] == "intensity"
    assert co2["numerator"] == "co2-emissions" and co2["denominator"] == "production-volume"
    assert co2["name_ja"] == "生産量当たりCO2排出量" and co2["gri_disclosure"] == "305-4"
    detail = api("alpha-officer").get("/api/v1/kpis/metrics/landfill-rate/").json()
    assert detail["code"] == "landfill-rate" and detail["subject"] == 5
    assert rows(api("worker").get("/api/v1/kpis/metrics/")) == []
    assert api("worker").get("/api/v1/kpis/metrics/landfill-rate/").status_code == 404
    assert api("office").post("/api/v1/kpis/metrics/", {}).status_code == 405


def test_targets_are_scoped_and_filter_by_year(api, units):
    everything = rows(api("office").get("/api/v1/kpis/targets/"))
    assert len(everything) == 5
    mine = rows(api("alpha-officer").get("/api/v1/kpis/targets/"))
    assert {(t["metric"], t["org_unit"], t["fiscal_year"]) for t in mine} == {
        ("landfill-rate", "alpha", 2019),
        ("landfill-rate", "alpha", 2018),
    }
    fy2019 = rows(api("alpha-officer").get("/api/v1/kpis/targets/?fiscal_year=2019"))
    assert [t["fiscal_year"] for t in fy2019] == [2019]
    reduction = rows(api("office").get("/api/v1/kpis/targets/?metric=co2-intensity"))
    assert reduction[0]["base_year"] == 2010 and reduction[0]["kind"] == "reduce_vs_base"
    bravo = next(t for t in everything if t["org_unit"] == "bravo")
    assert api("alpha-officer").get(f"/api/v1/kpis/targets/{bravo['id']}/").status_code == 404
    assert api("office").get(f"/api/v1/kpis/targets/{bravo['id']}/").status_code == 200
    assert rows(api("worker").get("/api/v1/kpis/targets/")) == []


def test_the_evaluation_returns_the_records_of_visible_targets(api):
    records = api("office").get("/api/v1/kpis/evaluation/?fiscal_year=2019").json()
    assert all(list(r) == RECORD_FIELDS for r in records)
    by_key = {(r["metric"], r["org_unit"]): r for r in records}
    landfill = by_key[("landfill-rate", "g")]
    assert landfill["actual"] == 13.7 and landfill["rating"] == 3
    assert landfill["achievement"] == 102.2
    co2 = by_key[("co2-intensity", "g")]
    assert co2["actual"] == 1.4 and co2["rating"] == 1 and co2["base_year"] == 2010
    mine = api("alpha-officer").get("/api/v1/kpis/evaluation/?fiscal_year=2019").json()
    assert [(r["metric"], r["org_unit"]) for r in mine] == [("landfill-rate", "alpha")]
    assert mine[0]["achievement"] == 94.9 and mine[0]["rating"] == 2  # 13 ÷ 13.7
    assert api("worker").get("/api/v1/kpis/evaluation/?fiscal_year=2019").json() == []
    assert api("office").get("/api/v1/kpis/evaluation/").status_code == 400
    assert api("office").get("/api/v1/kpis/evaluation/?fiscal_year=abc").status_code == 400


def test_trend_and_breakdown(api):
    trend = api("office").get("/api/v1/kpis/metrics/co2-intensity/trend/?unit=g").json()
    assert trend["org_unit"] == "g" and trend["unit"] == "t / t"
    points = {p["fiscal_year"]: p for p in trend["points"]}
    assert points[2010]["actual"] == 1 and points[2019]["actual"] == 0.986
    assert points[2019]["target"] == 0.95 and points[2019]["target_kind"] == "reduce_vs_base"
    breakdown = api("office").get(
        "/api/v1/kpis/metrics/co2-emissions/breakdown/?unit=g&fiscal_year=2019"
    )
    data = breakdown.json()
    assert data["value"] == 986
    children = {c["org_unit"]: c for c in data["children"]}
    assert children["alpha"] == {
        "org_unit": "alpha",
        "name": "Unit alpha",
        "value": 986,
        "counts": True,
    }
    assert children["bravo"]["value"] == 77 and not children["bravo"]["counts"]
    assert not children["delta"]["counts"]
    assert (
        api("office").get("/api/v1/kpis/metrics/co2-emissions/breakdown/?unit=g").status_code == 400
    )


def test_trend_and_breakdown_stay_in_scope(api):
    officer = api("alpha-officer")
    url = "/api/v1/kpis/metrics/co2-emissions/"
    assert officer.get(url + "trend/?unit=bravo").status_code == 404
    assert officer.get(url + "trend/?unit=g").status_code == 404
    assert officer.get(url + "trend/?unit=nope").status_code == 404
    assert officer.get(url + "trend/").json()["org_unit"] == "alpha"  # default: top of scope
    data = officer.get(url + "breakdown/?unit=alpha&fiscal_year=2019").json()
    assert {c["org_unit"] for c in data["children"]} == {"a1", "a2"}
    assert api("worker").get(url + "trend/?unit=a1").status_code == 404


def test_observations_are_scoped_and_filtered(api, units):
    everything = rows(api("office").get("/api/v1/kpis/observations/"))
    assert len(everything) == 12
    mine = rows(api("alpha-officer").get("/api/v1/kpis/observations/"))
    assert {o["org_unit"] for o in mine} == {"a1", "a2"}
    drafts = rows(api("office").get("/api/v1/kpis/observations/?status=draft"))
    assert [(o["metric"], o["org_unit"], o["value"]) for o in drafts] == [
        ("waste-landfilled", "a2", "5.00000000")
    ]
    fy2010 = rows(api("office").get("/api/v1/kpis/observations/?fiscal_year=2010"))
    assert len(fy2010) == 4 and {o["period_start"] for o in fy2010} == {"2010-04-01"}
    filtered = rows(
        api("office").get("/api/v1/kpis/observations/?metric=co2-emissions&org_unit=b1")
    )
    assert [o["value"] for o in filtered] == ["77.00000000"]
    b1 = filtered[0]["id"]
    assert api("alpha-officer").get(f"/api/v1/kpis/observations/{b1}/").status_code == 404
    detail = api("office").get(f"/api/v1/kpis/observations/{b1}/").json()
    assert detail["unit"] == "t" and detail["status"] == "approved"
    assert rows(api("worker").get("/api/v1/kpis/observations/")) == []


def test_the_api_lists_in_a_bounded_number_of_queries(api, units, django_assert_max_num_queries):
    client = api("office")
    client.get("/api/v1/kpis/observations/")
    for year in (2015, 2016, 2017):
        put("co2-emissions", units["a1"], year, 1)
        put("co2-emissions", units["a2"], year, 1)
    with django_assert_max_num_queries(8):
        assert len(rows(client.get("/api/v1/kpis/observations/"))) == 18
    with django_assert_max_num_queries(8):
        client.get("/api/v1/kpis/targets/")


def test_the_schema_documents_the_kpi_endpoints(api):
    import yaml

    schema = yaml.safe_load(api("office").get("/api/v1/schema/").content)
    paths = schema["paths"]
    for path in (
        "/api/v1/kpis/metrics/",
        "/api/v1/kpis/metrics/{code}/",
        "/api/v1/kpis/metrics/{code}/trend/",
        "/api/v1/kpis/metrics/{code}/breakdown/",
        "/api/v1/kpis/targets/",
        "/api/v1/kpis/targets/{id}/",
        "/api/v1/kpis/evaluation/",
        "/api/v1/kpis/observations/",
        "/api/v1/kpis/observations/{id}/",
    ):
        assert "get" in paths[path], path
    parameters = {p["name"] for p in paths["/api/v1/kpis/observations/"]["get"]["parameters"]}
    assert {"metric", "org_unit", "fiscal_year", "status"} <= parameters
    record = schema["components"]["schemas"]["EvaluationRecord"]["properties"]
    assert set(record) == set(RECORD_FIELDS)
