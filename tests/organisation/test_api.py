"""The organisation API: units and people in the caller's scope, with filters."""

import pytest


@pytest.fixture
def world(module_world, db):
    module_world.refresh()
    return module_world


def rows(response):
    assert response.status_code == 200, response.content
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def test_org_unit_list_and_detail(client, world):
    client.force_login(world.users["auditor"])
    units = {u["code"]: u for u in rows(client.get("/api/v1/org-units/"))}
    assert set(units) == set(world.units)
    alpha_div = world.units["alpha-div"]
    assert units["alpha-div"] == {
        "id": alpha_div.pk,
        "code": "alpha-div",
        "name": "Alpha Division ~alpha-div~",
        "kind": "division",
        "parent": "alpha",
        "country": "JP",
        "consolidated": True,
        "is_active": True,
        "depth": 2,
    }
    assert units["grp"]["parent"] is None
    assert client.get(f"/api/v1/org-units/{alpha_div.pk}/").json() == units["alpha-div"]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("kind=company", {"alpha", "bravo"}),
        ("kind=site", {"alpha-site", "bravo-site"}),
        ("country=US", {"bravo", "bravo-div", "bravo-site"}),
        ("consolidated=false", set()),
    ],
)
def test_org_unit_filters(client, world, query, codes):
    client.force_login(world.users["auditor"])
    assert {u["code"] for u in rows(client.get(f"/api/v1/org-units/?{query}"))} == codes


def test_a_division_sees_only_its_subtree(client, world):
    client.force_login(world.users["compliance_dept"])
    assert [u["code"] for u in rows(client.get("/api/v1/org-units/"))] == ["alpha-div"]
    assert client.get(f"/api/v1/org-units/{world.units['alpha'].pk}/").status_code == 404


def test_people_list_detail_and_filters(client, world):
    from tatara.organisation.models import Person

    Person.objects.filter(employee_number="EMP-alpha-site").update(
        is_active=False, employment_type="contract"
    )
    client.force_login(world.users["company_risk_officer"])
    people = {p["employee_number"]: p for p in rows(client.get("/api/v1/people/"))}
    assert set(people) == {"EMP-alpha", "EMP-alpha-div", "EMP-alpha-site"}
    person = people["EMP-alpha-div"]
    assert (person["org_unit"], person["full_name"], person["is_active"]) == (
        "alpha-div",
        "Person ~alpha-div:person~",
        True,
    )
    assert client.get(f"/api/v1/people/{person['id']}/").json() == person
    active = {p["employee_number"] for p in rows(client.get("/api/v1/people/?is_active=true"))}
    assert active == {"EMP-alpha", "EMP-alpha-div"}
    contract = {
        p["employee_number"] for p in rows(client.get("/api/v1/people/?employment_type=contract"))
    }
    assert contract == {"EMP-alpha-site"}


def test_the_organisation_api_is_read_only(client, world):
    client.force_login(world.users["csr_admin"])
    assert (
        client.post(
            "/api/v1/org-units/", {"code": "x"}, content_type="application/json"
        ).status_code
        == 405
    )
    unit = world.units["alpha"].pk
    assert (
        client.patch(
            f"/api/v1/org-units/{unit}/", {"name": "x"}, content_type="application/json"
        ).status_code
        == 405
    )
    assert client.delete(f"/api/v1/people/{world.people['alpha'].pk}/").status_code == 405
