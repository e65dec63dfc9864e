"""The API's related-record fields are scoped (core.api.unit_field): an org unit outside the
caller's scope answers exactly like one that does not exist, in every area's write endpoints;
and the API speaks JSON only (DRF's browsable forms listed every unit to anyone)."""

import json


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def same_as_missing(client, url, body, field, outside):
    got = post(client, url, {**body, field: outside})
    missing = post(client, url, {**body, field: "no-such-unit"})
    assert got.status_code == missing.status_code == 400, (got.content, missing.content)
    assert got.json()[field] == [m.replace("no-such-unit", outside) for m in missing.json()[field]]


def test_a_company_csr_admin_cannot_name_another_companys_unit(client, world, make_user, grant):
    admin = make_user(username="alpha-csr")
    grant(admin, "csr_admin", world.units["alpha"])
    client.force_login(admin)
    body = {"year": world.year, "subject": 5, "planned": ["Cut waste"]}
    same_as_missing(client, "/api/v1/initiatives/", body, "owner_unit", "bravo-site")
    assert post(client, "/api/v1/initiatives/", {**body, "owner_unit": "alpha"}).status_code == 201


def test_a_company_officer_cannot_file_a_party_under_another_company(client, world):
    client.force_login(world.users["company_risk_officer"])
    body = {"name": "Acme Trading", "party_kind": "entity"}
    same_as_missing(client, "/api/v1/export-control/parties/", body, "org_unit", "bravo")


def test_the_api_answers_json_to_a_browser_and_never_html(client, world):
    client.force_login(world.users["auditor"])
    browser = client.get("/api/v1/org-units/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*")
    assert browser.status_code == 200
    assert browser["Content-Type"].startswith("application/json")
    html_only = client.get("/api/v1/org-units/", HTTP_ACCEPT="text/html")
    assert html_only.status_code == 406 and b"<form" not in html_only.content


def test_a_huge_limit_or_offset_is_no_server_error(client, world):
    client.force_login(world.users["csr_admin"])
    for query in ("limit=1234567890123456789012", "offset=1234567890123456789012&limit=5"):
        response = client.get(f"/api/v1/screening/batches/?{query}")
        assert response.status_code == 200, (query, response.status_code)
    listed = client.get("/api/v1/org-units/?limit=1234567890123456789012").json()
    assert len(listed["results"]) == len(world.units)
