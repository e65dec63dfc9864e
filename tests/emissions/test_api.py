"""The emissions API through real requests: activity records (list, create, scope), the
calculation, and the factor tables."""

from __future__ import annotations

from decimal import Decimal

import pytest

from emissions.example import worked_example
from tatara.emissions.models import ActivityRecord


@pytest.fixture
def site(world, supplier_factors):
    return world.units["alpha-site"]


def api(client, world, role):
    client.force_login(world.users[role])
    return client


def rows(response):
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def test_create_and_list_activity(client, world, site):
    api(client, world, "company_risk_officer")
    body = {
        "org_unit": "alpha-site",
        "period": "2019-04",
        "activity": "electricity",
        "quantity": "80",
        "unit": "MWh",
        "supplier": "Tokyo Power (standard menu)",
    }
    created = client.post("/api/v1/emissions/activity/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["period"], data["period_start"], data["period_end"]) == (
        "2019-04",
        "2019-04-01",
        "2019-04-30",
    )
    body["quantity"] = "81"
    corrected = client.post("/api/v1/emissions/activity/", body, content_type="application/json")
    assert corrected.status_code == 200
    assert ActivityRecord.objects.get().quantity == Decimal(81)
    listed = rows(client.get("/api/v1/emissions/activity/?fiscal_year=2019&org_unit=alpha-site"))
    assert [r["id"] for r in listed] == [data["id"]]
    assert rows(client.get("/api/v1/emissions/activity/?fiscal_year=2020")) == []


def test_create_is_checked_by_the_service(client, world, site):
    api(client, world, "company_risk_officer")
    url = "/api/v1/emissions/activity/"
    bad_unit = {
        "org_unit": "alpha-site",
        "period": "2019-04",
        "activity": "diesel",
        "quantity": "1",
        "unit": "kWh",
    }
    response = client.post(url, bad_unit, content_type="application/json")
    assert response.status_code == 400 and "unit" in response.json()
    bad_period = {**bad_unit, "unit": "L", "period": "2019-13"}
    assert client.post(url, bad_period, content_type="application/json").status_code == 400
    outside = {**bad_unit, "unit": "L", "org_unit": "bravo-site"}
    response = client.post(url, outside, content_type="application/json")
    assert response.status_code == 400 and "bravo" not in str(response.json()).replace(
        "'bravo-site'", ""
    )
    api(client, world, "auditor")
    inside = {**bad_unit, "unit": "L"}
    assert client.post(url, inside, content_type="application/json").status_code == 403
    assert not ActivityRecord.objects.exists()


def test_list_is_scoped(client, world, site, system):
    worked_example(system, site)
    worked_example(system, world.units["bravo-site"])
    codes = {
        r["org_unit"]
        for r in rows(api(client, world, "company_risk_officer").get("/api/v1/emissions/activity/"))
    }
    assert codes == {"alpha-site"}
    assert rows(api(client, world, "employee").get("/api/v1/emissions/activity/")) == []


def test_calculation(client, world, site, system):
    worked_example(system, site)
    api(client, world, "auditor")
    data = client.get("/api/v1/emissions/calculation/?unit=alpha-site&fiscal_year=2019").json()
    assert (data["scope1_t"], data["scope2_t"], data["total_t"]) == ("37.925", "95.7", "133.625")
    assert data["lines"][0]["factor_set"]
    location = client.get(
        "/api/v1/emissions/calculation/?unit=alpha-site&fiscal_year=2019&basis=location"
    ).json()
    assert location["basis"] == "location"
    assert client.get("/api/v1/emissions/calculation/?unit=alpha-site").status_code == 400
    assert client.get("/api/v1/emissions/calculation/?unit=x&fiscal_year=2019").status_code == 404
    api(client, world, "compliance_dept")
    outside = client.get("/api/v1/emissions/calculation/?unit=alpha-site&fiscal_year=2019")
    assert outside.status_code == 404
    # no factor for that year: a 400 naming the problem
    api(client, world, "csr_admin")
    worked_example(system, site, year=2015)
    missing = client.get("/api/v1/emissions/calculation/?unit=alpha-site&fiscal_year=2015")
    assert missing.status_code == 400 and "No emission factor" in str(missing.json())


def test_factor_tables(client, world, site):
    api(client, world, "auditor")
    sets = client.get("/api/v1/emissions/factor-sets/").json()
    codes = [s["code"] for s in sets]
    assert "electricity-market-fy2019" in codes
    one = client.get("/api/v1/emissions/factor-sets/electricity-market-fy2019/").json()
    assert one["basis"] == "market"
    factors = rows(client.get("/api/v1/emissions/factors/?factor_set=electricity-market-fy2019"))
    assert {f["supplier"] for f in factors} == {"Tokyo Power (standard menu)"}
    gwp = client.get("/api/v1/emissions/gwp/?report=AR6&gas=CH4").json()
    assert [g["value"] for g in gwp] == ["27.90000000"]
    api(client, world, "employee")
    assert client.get("/api/v1/emissions/factor-sets/").json() == []


def test_posted_calculations_are_scoped_and_name_their_factor_versions(client, world, site, system):
    from tatara.emissions import services

    worked_example(system, site)
    worked_example(system, world.units["bravo-site"])
    services.post_to_kpis(actor=system, org_unit=site, fiscal_year=2019)
    services.post_to_kpis(actor=system, org_unit=world.units["bravo-site"], fiscal_year=2019)
    listed = rows(api(client, world, "company_risk_officer").get("/api/v1/emissions/calculations/"))
    assert [c["org_unit"] for c in listed] == ["alpha-site"]
    (posted,) = listed
    assert (posted["total_t"], posted["recalculation_of"]) == ("133.62500000", None)
    assert {line["factor_version"] for line in posted["lines"]} == {1}
    one = client.get(f"/api/v1/emissions/calculations/{posted['id']}/")
    assert one.status_code == 200
    bravo = rows(api(client, world, "csr_admin").get("/api/v1/emissions/calculations/"))
    assert len(bravo) == 2
    bravo_id = next(c["id"] for c in bravo if c["org_unit"] == "bravo-site")
    api(client, world, "company_risk_officer")
    assert client.get(f"/api/v1/emissions/calculations/{bravo_id}/").status_code == 404
    # the live calculation says it equals the posted one
    data = client.get("/api/v1/emissions/calculation/?unit=alpha-site&fiscal_year=2019").json()
    assert (data["posted_calculation"], data["changes_since_posted"]) == (posted["id"], [])
    api(client, world, "employee")
    assert rows(client.get("/api/v1/emissions/calculations/")) == []


def test_factors_show_their_versions(client, world, site):
    api(client, world, "auditor")
    factors = rows(client.get("/api/v1/emissions/factors/?activity=diesel&current=true"))
    assert {f["version"] for f in factors} == {1}
    assert all(f["superseded_at"] is None for f in factors)
    coal = rows(client.get("/api/v1/emissions/factors/?activity=steam-coal"))
    assert coal and all(f["verify"] for f in coal)
