"""The generated OpenAPI schema and its docs page (served without any CDN)."""

import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.validation import validate_schema


@pytest.fixture
def signed_in(client, make_user):
    client.force_login(make_user(username="reader"))
    return client


def test_schema_endpoint_returns_a_valid_openapi_document(signed_in):
    response = signed_in.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema["info"]["title"] == "Tatara API"
    paths = schema["paths"]
    for path in (
        "/api/v1/subjects/",
        "/api/v1/fiscal-years/",
        "/api/v1/fiscal-years/{year}/",
        "/api/v1/fiscal-years/{year}/carry-forward/",
        "/api/v1/fiscal-years/{year}/table/",
        "/api/v1/initiatives/",
        "/api/v1/initiatives/{id}/",
        "/api/v1/initiatives/{id}/approve/",
        "/api/v1/initiatives/{id}/results/",
        "/api/v1/initiatives/{id}/propose-rating/",
        "/api/v1/initiatives/{id}/confirm-rating/",
        "/api/v1/initiatives/{id}/send-back/",
        "/api/v1/initiatives/{id}/plan/",
        "/api/v1/org-units/",
        "/api/v1/people/",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/initiatives/{id}/approve/"]) == {"post"}
    schemes = schema["components"]["securitySchemes"]
    assert {"cookieAuth", "tokenAuth"} <= set(schemes)


def test_schema_as_json(signed_in):
    response = signed_in.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    validate_schema(response.json())


def test_spectacular_validates_without_warnings(db, tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


def test_spectacular_validates(db, tmp_path):
    call_command("spectacular", "--validate", "--file", str(tmp_path / "schema.yaml"))
    validate_schema(yaml.safe_load((tmp_path / "schema.yaml").read_text()))


def test_docs_page_uses_only_local_assets(signed_in):
    response = signed_in.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html
    assert "/api/v1/schema/" in html
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert scripts, "the docs page loads its viewer from a script"
    for src in scripts:
        assert src.startswith("/static/"), src
        assert signed_in.get(src).status_code == 200, src  # vendored and served here


def test_schema_and_docs_need_a_sign_in(client, db):
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    docs = client.get("/api/v1/docs/")
    assert docs.status_code in (401, 403) or docs["Location"].startswith("/accounts/login/")


def test_what_can_be_null_is_nullable_in_the_schema(signed_in):
    """A root unit's parent, a metric's missing ratio parts, a first-year initiative's
    predecessor are null: the schema says so (schemathesis found them breaking it)."""
    schema = yaml.safe_load(signed_in.get("/api/v1/schema/").content)
    components = schema["components"]["schemas"]
    for component, field in (
        ("OrgUnit", "parent"),
        ("Metric", "numerator"),
        ("Metric", "denominator"),
        ("Initiative", "predecessor"),
    ):
        assert components[component]["properties"][field].get("nullable") is True, (
            component,
            field,
        )
